using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Hosting;

namespace Rampart.Server.Organisations;

public sealed record CommunityView(Guid Id, string Name, string? Description, Guid ModeratorOrganisationId, IReadOnlyList<Guid> MemberOrganisationIds);

public sealed record MemberRequest(Guid OrganisationId);

/// <summary>
/// The directory of organisations and communities. It is not TLP-marked content: every logged-in user
/// of the node sees it, because choosing an audience needs it.
/// </summary>
public static class OrganisationEndpoints
{
    public static void MapOrganisationsApi(this IEndpointRouteBuilder routes)
    {
        var organisations = routes.MapGroup("/organisations").WithTags("Organisations").RequireAuthorization();

        organisations.MapGet("/", async (RampartDb db, CancellationToken ct) =>
            TypedResults.Ok(await db.Organisations.AsNoTracking().OrderBy(o => o.Country).ThenBy(o => o.ShortName).ToListAsync(ct)));

        organisations.MapGet("/{id}", async Task<Results<Ok<Organisation>, NotFound>> (string id, RampartDb db, CancellationToken ct) =>
        {
            var organisationId = Http.ParseId(id);
            var organisation = await db.Organisations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == organisationId, ct);
            return organisation is null ? TypedResults.NotFound() : TypedResults.Ok(organisation);
        });

        organisations.MapPost("/", async (OrganisationRequest request, Caller caller, OrganisationAdministration admin, CancellationToken ct) =>
        {
            var organisation = await admin.CreateAsync(caller, request, ct);
            return TypedResults.Created($"/api/organisations/{organisation.Id}", organisation);
        });

        organisations.MapPut("/{id}", async Task<Results<Ok<Organisation>, NotFound>> (string id, OrganisationRequest request, Caller caller, OrganisationAdministration admin, CancellationToken ct) =>
        {
            var organisation = await admin.UpdateAsync(caller, Http.ParseId(id), request, ct);
            return organisation is null ? TypedResults.NotFound() : TypedResults.Ok(organisation);
        });

        var communities = routes.MapGroup("/communities").WithTags("Communities").RequireAuthorization();

        communities.MapGet("/", async (RampartDb db, CancellationToken ct) =>
        {
            var list = await db.Communities.AsNoTracking().Include(c => c.Members).OrderBy(c => c.Name).ToListAsync(ct);
            return TypedResults.Ok(list.Select(ToView).ToList());
        });

        communities.MapPost("/", async (CommunityRequest request, Caller caller, CommunityAdministration admin, CancellationToken ct) =>
        {
            var community = await admin.CreateAsync(caller, request, ct);
            return TypedResults.Created($"/api/communities/{community.Id}", ToView(community));
        });

        communities.MapPost("/{id}/members", async Task<Results<NoContent, NotFound>> (string id, MemberRequest request, Caller caller, CommunityAdministration admin, CancellationToken ct) =>
            await admin.AddMemberAsync(caller, Http.ParseId(id), request.OrganisationId, ct) ? TypedResults.NoContent() : TypedResults.NotFound());

        communities.MapDelete("/{id}/members/{organisationId}", async Task<Results<NoContent, NotFound>> (string id, string organisationId, Caller caller, CommunityAdministration admin, CancellationToken ct) =>
            await admin.RemoveMemberAsync(caller, Http.ParseId(id), Http.ParseId(organisationId, "organisationId"), ct) ? TypedResults.NoContent() : TypedResults.NotFound());
    }

    private static CommunityView ToView(Community c) =>
        new(c.Id, c.Name, c.Description, c.ModeratorOrganisationId, c.Members.Select(m => m.OrganisationId).ToList());
}
