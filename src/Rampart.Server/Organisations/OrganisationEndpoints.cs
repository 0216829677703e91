using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Hosting;
using Rampart.Server.Identity;
using Rampart.Server.Organisations.Pages;

namespace Rampart.Server.Organisations;

/// <summary>An organisation as the API shows it.</summary>
public sealed record OrganisationView(
    Guid Id,
    string Name,
    string ShortName,
    string Country,
    OrganisationKind Kind,
    string? ContactEmail,
    string? Phone24x7,
    string? Website,
    string? PgpPublicKey,
    string? PgpFingerprint,
    string? Description,
    DateTimeOffset CreatedAt)
{
    public static OrganisationView From(Organisation o)
    {
        ArgumentNullException.ThrowIfNull(o);
        return new(o.Id, o.Name, o.ShortName, o.Country, o.Kind, o.ContactEmail, o.Phone24x7, o.Website, o.PgpPublicKey, o.PgpFingerprint,
            o.Description, o.CreatedAt);
    }
}

public sealed record CommunityView(Guid Id, string Name, string? Description, Guid ModeratorOrganisationId, IReadOnlyList<Guid> MemberOrganisationIds);

public sealed record MemberRequest(Guid OrganisationId);

/// <summary>A request to join a community, and where it stands.</summary>
public sealed record MembershipRequestView(Guid Id, Guid CommunityId, Guid OrganisationId, MembershipRequestStatus Status,
    Guid? RequestedByUserId, Guid? RequestedByOrganisationId, DateTimeOffset RequestedAt, Guid? DecidedByUserId, DateTimeOffset? DecidedAt)
{
    public static MembershipRequestView From(CommunityMembershipRequest r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(r.Id, r.CommunityId, r.OrganisationId, r.Status, r.RequestedByUserId, r.RequestedByOrganisationId, r.RequestedAt,
            r.DecidedByUserId, r.DecidedAt);
    }
}

/// <summary>
/// The directory of organisations and communities. It is not TLP-marked content: every logged-in user
/// of the node sees it, because choosing an audience needs it.
/// </summary>
public static class OrganisationEndpoints
{
    private const string OrganisationList = "organisations";
    private const string CommunityList = "communities";
    private const string RequestList = "community-requests";
    private const int DirectoryDefaultLimit = 100;
    private const int DirectoryMaxLimit = 500;

    // limit (1–500, default 100), the prefix, and the name the page starts after, each a 400 naming its field when bad.
    private static (int Size, string? Prefix, string? After) DirectoryQuery(HttpContext http, PageCursors cursors, string list, int? limit, string? next, string? q)
    {
        if (Http.OffsetPagingParameter(http) is { } offset)
        {
            throw RequestErrors.One(offset, "The directory is paged by cursor: use 'limit' and then 'next' from the answer.");
        }

        var size = Http.Limit(limit, DirectoryDefaultLimit, DirectoryMaxLimit);
        var prefix = Http.SearchText(q, "q");
        return (size, prefix, cursors.DecodeKey(next, list, prefix ?? "")?.Key);
    }

    public static void MapOrganisationsApi(this IEndpointRouteBuilder routes)
    {
        var organisations = routes.MapGroup("/organisations").WithTags("Organisations").RequireAuthorization();

        // Cursor-paged by short name (unique index); 'q' is a prefix of the short name.
        organisations.MapGet("/", async Task<Ok<CursorPage<OrganisationView>>> (HttpContext http, RampartDb db, PageCursors cursors, int? limit, string? next, string? q, CancellationToken ct) =>
        {
            var (size, prefix, after) = DirectoryQuery(http, cursors, OrganisationList, limit, next, q);
            var (items, more) = await DirectoryPaging.OrganisationsAsync(db, prefix, after, descending: false, size, ct);
            return TypedResults.Ok(new CursorPage<OrganisationView>(items.Select(OrganisationView.From).ToList(),
                more ? cursors.Encode(OrganisationList, prefix ?? "", items[^1].ShortName, items[^1].Id) : null));
        }).WithSummary("List organisations").WithDescription("The node's organisations, cursor-paged by short name; q is a prefix.");

        organisations.MapGet("/{id}", async Task<Results<Ok<OrganisationView>, NotFound>> (string id, RampartDb db, CancellationToken ct) =>
        {
            var organisationId = Http.ParseId(id);
            var organisation = await db.Organisations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == organisationId, ct);
            return organisation is null ? TypedResults.NotFound() : TypedResults.Ok(OrganisationView.From(organisation));
        }).WithSummary("Read an organisation").WithDescription("Its details and contacts.");

        organisations.MapPost("/", async (OrganisationRequest request, Caller caller, OrganisationAdministration admin, CancellationToken ct) =>
        {
            var organisation = await admin.CreateAsync(caller, request, ct);
            return TypedResults.Created($"/api/organisations/{organisation.Id}", OrganisationView.From(organisation));
        }).WithSummary("Create an organisation").WithDescription("Node admins and the operator; needs fresh proof.").RequireFreshProof();

        organisations.MapPut("/{id}", async Task<Results<Ok<OrganisationView>, NotFound>> (string id, OrganisationRequest request, Caller caller, OrganisationAdministration admin, CancellationToken ct) =>
        {
            var organisation = await admin.UpdateAsync(caller, Http.ParseId(id), request, ct);
            return organisation is null ? TypedResults.NotFound() : TypedResults.Ok(OrganisationView.From(organisation));
        }).WithSummary("Change an organisation").WithDescription("Node admins for any organisation, its own admins for its contacts; needs fresh proof.").RequireFreshProof();

        var communities = routes.MapGroup("/communities").WithTags("Communities").RequireAuthorization();

        // Cursor-paged by name (unique index); 'q' is a prefix of the name.
        communities.MapGet("/", async Task<Ok<CursorPage<CommunityView>>> (HttpContext http, RampartDb db, PageCursors cursors, int? limit, string? next, string? q, CancellationToken ct) =>
        {
            var (size, prefix, after) = DirectoryQuery(http, cursors, CommunityList, limit, next, q);
            var (items, more) = await DirectoryPaging.CommunitiesAsync(db, prefix, after, descending: false, size, ct);
            return TypedResults.Ok(new CursorPage<CommunityView>(items.Select(ToView).ToList(),
                more ? cursors.Encode(CommunityList, prefix ?? "", items[^1].Name, items[^1].Id) : null));
        }).WithSummary("List communities").WithDescription("Communities, cursor-paged by name; q is a prefix.");

        communities.MapPost("/", async (CommunityRequest request, Caller caller, CommunityAdministration admin, CancellationToken ct) =>
        {
            var community = await admin.CreateAsync(caller, request, ct);
            return TypedResults.Created($"/api/communities/{community.Id}", ToView(community));
        }).WithSummary("Create a community").WithDescription("Its moderating organisation is its first member; needs fresh proof.").RequireFreshProof();

        // The moderating organisation's admins add at once (204); anyone else entitled to ask gets a pending request (202).
        communities.MapPost("/{id}/members", async Task<Results<NoContent, Accepted<MembershipRequestView>, NotFound>> (string id, MemberRequest request, Caller caller, CommunityAdministration admin, CancellationToken ct) =>
        {
            var outcome = await admin.AddMemberAsync(caller, Http.ParseId(id), request.OrganisationId, ct);
            return outcome.Kind switch
            {
                MembershipOutcomeKind.NotFound => TypedResults.NotFound(),
                MembershipOutcomeKind.Requested => TypedResults.Accepted($"/api/communities/requests/{outcome.Request!.Id}", MembershipRequestView.From(outcome.Request)),
                _ => TypedResults.NoContent(),
            };
        }).WithSummary("Add an organisation to a community").WithDescription("The moderating organisation's admins add at once (204); anyone else entitled to ask gets a pending request (202).").RequireFreshProof();

        communities.MapDelete("/{id}/members/{organisationId}", async Task<Results<NoContent, NotFound>> (string id, string organisationId, Caller caller, CommunityAdministration admin, CancellationToken ct) =>
            await admin.RemoveMemberAsync(caller, Http.ParseId(id), Http.ParseId(organisationId, "organisationId"), ct) ? TypedResults.NoContent() : TypedResults.NotFound()).WithSummary("Remove an organisation from a community").WithDescription("Node admins and the moderating organisation's admins; needs fresh proof.").RequireFreshProof();

        // Newest first, keyset on the (time-ordered) id.
        communities.MapGet("/requests", async Task<Ok<CursorPage<MembershipRequestView>>> (HttpContext http, Caller caller, CommunityAdministration admin, PageCursors cursors, int? limit, string? next, CancellationToken ct) =>
        {
            if (Http.OffsetPagingParameter(http) is { } offset)
            {
                throw RequestErrors.One(offset, "Membership requests are paged by cursor: use 'limit' and then 'next' from the answer.");
            }

            var size = Http.Limit(limit, DirectoryDefaultLimit, DirectoryMaxLimit);
            var before = cursors.DecodeKey(next, RequestList, "")?.Id;
            var (items, more) = await admin.RequestsVisibleToAsync(caller, before, size, ct);
            return TypedResults.Ok(new CursorPage<MembershipRequestView>([.. items.Select(MembershipRequestView.From)],
                more ? cursors.Encode(RequestList, "", "", items[^1].Id) : null));
        }).WithSummary("List membership requests").WithDescription("Requests the caller's organisation made or moderates (all for node admins), newest first, cursor-paged.");

        communities.MapPost("/requests/{id}/accept", async Task<Results<Ok<MembershipRequestView>, NotFound>> (string id, Caller caller, CommunityAdministration admin, CancellationToken ct) =>
            await admin.AcceptAsync(caller, Http.ParseId(id), ct) is { } accepted ? TypedResults.Ok(MembershipRequestView.From(accepted)) : TypedResults.NotFound()).WithSummary("Accept a membership request").WithDescription("The moderating organisation's admins only; needs fresh proof.").RequireFreshProof();

        communities.MapPost("/requests/{id}/decline", async Task<Results<Ok<MembershipRequestView>, NotFound>> (string id, Caller caller, CommunityAdministration admin, CancellationToken ct) =>
            await admin.DeclineAsync(caller, Http.ParseId(id), ct) is { } declined ? TypedResults.Ok(MembershipRequestView.From(declined)) : TypedResults.NotFound()).WithSummary("Decline a membership request").WithDescription("The moderating organisation's admins, or the asking organisation's to withdraw it; needs fresh proof.").RequireFreshProof();
    }

    private static CommunityView ToView(Community c) =>
        new(c.Id, c.Name, c.Description, c.ModeratorOrganisationId, c.Members.Select(m => m.OrganisationId).ToList());
}
