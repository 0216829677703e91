using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Rampart.Server.Access;
using Rampart.Server.Hosting;
using Rampart.Server.Intelligence.Read;
using Rampart.Server.Intelligence.Store;
using Rampart.Standards.Markings;

namespace Rampart.Server.Intelligence.Sightings;

/// <summary>
/// A sighting report. <see cref="ShareWith"/>: <c>owner</c> (default: the sighted object's owner organisation),
/// <c>organisation</c> (only the reporter's own organisation) or <c>audience</c> (everyone the sighted object is shared with).
/// </summary>
public sealed record SightingRequest(int? Count, DateTimeOffset? FirstSeen, DateTimeOffset? LastSeen, string? Where, string? Note, bool? Anonymous, string? ShareWith = null);

/// <summary>A sighting as a reader sees it: <see cref="SightedBy"/> is null for an anonymous one, for everyone.</summary>
public sealed record SightingView(string StixId, int Count, DateTimeOffset FirstSeen, DateTimeOffset LastSeen, string? Where, string? Note, bool Anonymous,
    Guid? SightedBy, Tlp Tlp, DateTimeOffset CreatedAt, System.Text.Json.Nodes.JsonObject? Stix = null)
{
    /// <summary>The view with the STIX <c>sighting</c> as served (<see cref="IntelSightings.StixOf"/>); only for a sighting the reader may read.</summary>
    public static SightingView From(IntelSighting s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new(s.StixId, s.Count, s.FirstSeen, s.LastSeen, s.Where, s.Note, s.Anonymous, s.Anonymous ? null : s.Record.OwnerOrganisationId, s.Record.Tlp, s.CreatedAt,
            IntelSightings.StixOf(s.Json, s.Anonymous, s.Record.Tlp));
    }
}

/// <summary>The readable sightings (a page) and the count of all sightings of the object, readable or not.</summary>
public sealed record SightingsView(IReadOnlyList<SightingView> Items, int Total, DateTimeOffset? LastSightedAt, string? Next);

public static class IntelSightingEndpoints
{
    public static void MapIntelSightingsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/intel").WithTags("Intelligence");

        group.MapPost("/objects/{stixId}/sightings", async Task<Results<Created<SightingView>, NotFound>> (string stixId, string? owner, SightingRequest request,
            Caller caller, IntelQueries intel, IntelSightings sightings, TimeProvider clock, CancellationToken ct) =>
        {
            var id = StixIdOf(stixId);
            var ownerId = owner is null ? (Guid?)null : Http.ParseId(owner, "owner");
            var report = Validate(request, clock.GetUtcNow());
            var (read, _) = await intel.FindAsync(caller, id, ownerId, ct);
            if (read is null || read.Intel.WithdrawnAt is not null)
            {
                return TypedResults.NotFound();
            }

            var sighting = await sightings.ReportAsync(caller, read.Intel, report, ct);
            return TypedResults.Created($"/api/intel/objects/{Uri.EscapeDataString(id)}/sightings", SightingView.From(sighting));
        }).WithSummary("Report a sighting").WithDescription("Anyone whose organisation may read the object; count, first/last seen, where, note, anonymous. 404 exactly like an unknown id otherwise.").RequireAuthorization();

        group.MapGet("/objects/{stixId}/sightings", async Task<Results<Ok<SightingsView>, NotFound>> (string stixId, string? owner, int? limit, string? next,
            Caller caller, IntelQueries intel, IntelSightings sightings, IntelCursors cursors, CancellationToken ct) =>
        {
            var id = StixIdOf(stixId);
            var ownerId = owner is null ? (Guid?)null : Http.ParseId(owner, "owner");
            var size = Http.Limit(limit);
            var (read, _) = await intel.FindAsync(caller, id, ownerId, ct);
            if (read is null)
            {
                return TypedResults.NotFound();
            }

            var scope = read.Intel.RecordId.ToString(CultureInfo.InvariantCulture);
            var position = cursors.Decode(next, "intel-sightings", scope);
            var (items, more) = await sightings.ListAsync(caller, read.Intel, SightingPosition.Parse(position), size, ct);
            var nextCursor = more ? cursors.Encode("intel-sightings", scope, new SightingPosition(items[^1].CreatedAt, items[^1].RecordId).ToString()) : null;
            return TypedResults.Ok(new SightingsView([.. items.Select(SightingView.From)], read.Intel.SightingCount, read.Intel.LastSightedAt, nextCursor));
        }).WithSummary("List sightings of an object").WithDescription("The sightings the caller may read, cursor-paged, with total (all sightings, counted for every reader) and lastSightedAt.").AllowAnonymous();
    }

    private static SightingReport Validate(SightingRequest? request, DateTimeOffset now)
    {
        if (request is null)
        {
            throw RequestErrors.One("body", "Required: count, firstSeen, lastSeen (where, note, anonymous optional).");
        }

        var shareWith = request.ShareWith?.Trim().ToLowerInvariant() switch
        {
            null or "" or "owner" => SightingAudience.Owner,
            "organisation" or "organization" => SightingAudience.Organisation,
            "audience" => SightingAudience.ObjectAudience,
            _ => (SightingAudience?)null,
        };
        return SightingRules.Check(request.Count ?? 1, request.FirstSeen, request.LastSeen, request.Where, request.Note, request.Anonymous ?? false, shareWith, now);
    }

    private static string StixIdOf(string stixId) =>
        stixId.Length is > 0 and <= IntelLimits.StixIdLength && stixId.Contains("--", StringComparison.Ordinal)
            ? stixId
            : throw RequestErrors.One("stixId", "Not a STIX identifier (type--UUID).");
}
