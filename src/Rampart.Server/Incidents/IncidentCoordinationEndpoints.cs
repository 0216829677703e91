using Microsoft.AspNetCore.Http.HttpResults;
using Rampart.Server.Access;
using Rampart.Server.Hosting;
using Rampart.Server.Incidents.Export;
using Rampart.Server.Incidents.Observables;

namespace Rampart.Server.Incidents;

/// <summary>Participant removal and leaving, observables, the STIX export, duplicates and merging (issue 11).</summary>
public static class IncidentCoordinationEndpoints
{
    private const string ObservableList = "incident-observables";

    public static void MapIncidentCoordinationApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/incidents").WithTags("Incidents").RequireAuthorization();

        group.MapDelete("/{id}/participants/{participantId}", async Task<Results<NoContent, NotFound>> (string id, string participantId, Caller caller,
            IncidentEditing editing, IncidentQueries incidents, CancellationToken ct) =>
        {
            var participant = Http.ParseId(participantId, "participantId");
            var read = await IncidentEndpoints.ResolveAsync(incidents, caller, id, ct);
            return read is not null && await editing.RemoveParticipantAsync(caller, read.Incident.Id, participant, ct) is not null
                ? TypedResults.NoContent()
                : TypedResults.NotFound();
        }).WithSummary("Remove a participant")
            .WithDescription("Writers of the owning organisation remove an organisation taking part (or withdraw its invitation). Its grant goes in the same transaction: from the next request it gets 404 for the incident and everything in it. Audited; the journal says so.");

        group.MapPost("/{id}/leave", async Task<Results<NoContent, NotFound>> (string id, Caller caller, IncidentEditing editing, IncidentQueries incidents, CancellationToken ct) =>
        {
            var read = await IncidentEndpoints.ResolveAsync(incidents, caller, id, ct);
            return read is not null && await editing.LeaveAsync(caller, read.Incident.Id, ct) is not null ? TypedResults.NoContent() : TypedResults.NotFound();
        }).WithSummary("Leave an incident")
            .WithDescription("Writers of a participating organisation take it out of the incident; its access ends at once. The owner cannot leave (400); readers who take no part get 403.");

        group.MapGet("/{id}/observables", async Task<Results<Ok<CursorPage<IncidentObservableView>>, NotFound>> (string id, Caller caller, IncidentQueries incidents,
            IncidentObservables observables, PageCursors cursors, int? limit, string? next, CancellationToken ct) =>
        {
            var size = Http.Limit(limit);
            if (await IncidentEndpoints.ResolveAsync(incidents, caller, id, ct) is not { } read)
            {
                return TypedResults.NotFound();
            }

            var scope = read.Incident.Id.ToString();
            var (items, more) = await observables.ListAsync(caller, read, cursors.Decode(next, ObservableList, scope), size, ct);
            var last = more ? await LastKeyAsync(items) : null;
            return TypedResults.Ok(new CursorPage<IncidentObservableView>(items, more && last is { } key ? cursors.Encode(ObservableList, scope, key) : null));

            Task<long?> LastKeyAsync(IReadOnlyList<IncidentObservableView> page) => observables.KeyOfAsync(caller, read, page[^1].StixId, page[^1].OwnerOrganisationId, ct);
        }).WithSummary("List an incident's observables")
            .WithDescription("The intelligence objects linked to the incident that the caller may read (others are neither listed nor counted), cursor-paged (limit 1–200), each with the caller's correlations: readable objects sharing a value, readable incidents linking one of them, and values too common to expand.");

        group.MapPost("/{id}/observables/values", async Task<Results<Created<IReadOnlyList<IncidentObservableView>>, NotFound>> (string id, ObservableValuesRequest request,
            Caller caller, IncidentQueries incidents, IncidentObservables observables, CancellationToken ct) =>
        {
            var read = await IncidentEndpoints.ResolveAsync(incidents, caller, id, ct);
            return read is not null && await observables.AddValuesAsync(caller, read.Incident.Id, request, ct) is { } added
                ? TypedResults.Created($"/api/incidents/{read.Incident.Id}/observables", added)
                : TypedResults.NotFound();
        }).WithSummary("Add observables from text")
            .WithDescription("Owner, coordinators and contributors paste text; every value found (addresses, domains, URLs, e-mail addresses, hashes, CVEs, AS numbers; the kind is detected) becomes an indicator in the caller's organisation's intelligence, at the incident's TLP with the incident's audience, and is linked. No value found is a 400 naming 'text'.");

        group.MapPost("/{id}/observables/links", async Task<Results<Created<IncidentObservableView>, NotFound>> (string id, ObservableLinkRequest request,
            Caller caller, IncidentQueries incidents, IncidentObservables observables, CancellationToken ct) =>
        {
            var read = await IncidentEndpoints.ResolveAsync(incidents, caller, id, ct);
            return read is not null && await observables.LinkAsync(caller, read.Incident.Id, request, ct) is { } linked
                ? TypedResults.Created($"/api/incidents/{read.Incident.Id}/observables", linked)
                : TypedResults.NotFound();
        }).WithSummary("Link an intelligence object")
            .WithDescription("Owner, coordinators and contributors link an object they may read, by STIX id (optionally whose copy). An id no readable object has is a 400 naming 'stixId'; the link changes nobody's access to the object.");

        group.MapDelete("/{id}/observables/{stixId}", async Task<Results<NoContent, NotFound>> (string id, string stixId, Caller caller, IncidentQueries incidents,
            IncidentObservables observables, CancellationToken ct) =>
        {
            var read = await IncidentEndpoints.ResolveAsync(incidents, caller, id, ct);
            return read is not null && await observables.UnlinkAsync(caller, read.Incident.Id, stixId, ct) == true ? TypedResults.NoContent() : TypedResults.NotFound();
        }).WithSummary("Unlink an intelligence object")
            .WithDescription("Owner and coordinators unlink any object they may read; contributors what their organisation linked (else 403). The object itself stays.");

        group.MapGet("/{id}/export/stix", async Task<Results<ContentHttpResult, NotFound>> (string id, Caller caller, IncidentQueries incidents, IncidentStixExport export,
            Audit.AuditTrail audit, Data.RampartDb db, CancellationToken ct) =>
        {
            if (await IncidentEndpoints.ResolveAsync(incidents, caller, id, ct) is not { } read || await export.BundleAsync(caller, read.Incident.Id, ct) is not { } bundle)
            {
                return TypedResults.NotFound();
            }

            audit.Record(Audit.AuditEvent.IncidentExported, caller, $"incident:{read.Incident.Id}", detail: "stix");
            await db.SaveChangesAsync(ct);
            return TypedResults.Content(bundle.ToJsonString(), "application/stix+json;version=2.1");
        }).WithSummary("Export an incident as STIX 2.1")
            .WithDescription("A STIX 2.1 bundle: the incident SDO (Rampart's fields in a declared property extension), the organisations' identities, the TLP marking, the journal entries and tasks the caller sees as notes, and the linked intelligence objects the caller may read with a related-to relationship each.");

        group.MapPost("/{id}/duplicate", async Task<Results<Ok<IncidentView>, NotFound>> (string id, DuplicateRequest request, Caller caller, IncidentEditing editing,
            IncidentQueries incidents, CancellationToken ct) =>
        {
            var read = await IncidentEndpoints.ResolveAsync(incidents, caller, id, ct);
            return read is not null && await editing.MarkDuplicateAsync(caller, read.Incident.Id, request, ct) is not null
                && await incidents.FindAsync(caller, read.Incident.Id, ct) is { } after
                ? TypedResults.Ok(IncidentView.From(after, caller))
                : TypedResults.NotFound();
        }).WithSummary("Mark an incident as a duplicate")
            .WithDescription("Owner and coordinators: status duplicate with a reference to another incident the caller reads ('of': UUID or number). A move the workflow does not allow, or an unknown reference, is a 400.");

        group.MapPost("/{id}/merge", async Task<Results<Ok<MergeOutcome>, NotFound>> (string id, MergeRequest request, Caller caller, IncidentEditing editing,
            IncidentQueries incidents, CancellationToken ct) =>
        {
            var read = await IncidentEndpoints.ResolveAsync(incidents, caller, id, ct);
            return read is not null && await editing.MergeAsync(caller, read.Incident.Id, request, ct) is { } outcome ? TypedResults.Ok(outcome) : TypedResults.NotFound();
        }).WithSummary("Merge an incident into another")
            .WithDescription("Writers of the organisation owning both. Tasks, journal entries, attachments, linked reports and observables move to 'into'; participants join it; this incident becomes a duplicate of it. Needs confirm: true (without it, a 400 naming 'confirm' says which organisations would join). A stricter TLP is not merged into a looser one.");

        group.MapPut("/{id}/sharing", async Task<Results<Ok<SharingChangeOutcome>, NotFound>> (string id, SharingChangeRequest request, Caller caller, IncidentEditing editing,
            IncidentQueries incidents, CancellationToken ct) =>
        {
            var read = await IncidentEndpoints.ResolveAsync(incidents, caller, id, ct);
            return read is not null && await editing.ChangeSharingAsync(caller, read.Incident.Id, request, ct) is { } outcome ? TypedResults.Ok(outcome) : TypedResults.NotFound();
        }).WithSummary("Change an incident's TLP and audience")
            .WithDescription("Writers of the owning organisation: 'tlp' and the audience as at opening ('audiences', or 'audience' with 'communityId'/'recipients'; none = the owner and its participants). Narrowing applies at once; widening (a looser TLP or any new audience entry) needs confirm: true, else a 400 naming 'confirm' says what widens. Accepted participants always keep reading; the journal tells every reader (from → to). Coordinators and others who read it get 403, everyone else 404.");
    }
}
