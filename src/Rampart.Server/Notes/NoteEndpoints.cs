using Microsoft.AspNetCore.Http.HttpResults;
using Rampart.Server.Access;
using Rampart.Server.Hosting;
using Rampart.Standards.Markings;

namespace Rampart.Server.Notes;

public sealed record NoteView(
    Guid Id,
    string Title,
    string Body,
    Tlp Tlp,
    Audience Audience,
    Guid? CommunityId,
    bool Published,
    Guid OwnerOrganisationId,
    Guid CreatorOrganisationId,
    DateTimeOffset CreatedAt,
    DateTimeOffset ModifiedAt,
    IReadOnlyList<RecipientRequest>? Recipients,
    IReadOnlyList<ResolvedAudience>? Audiences)
{
    /// <summary>
    /// The view of <paramref name="read"/> for <paramref name="caller"/>: who else received it (recipients,
    /// all entries) is the owner's business; others see the summary and that it reached them.
    /// </summary>
    public static NoteView From(ReadNote read, Caller caller)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(caller);
        var (note, grants) = read;
        var record = note.Record;
        var isOwner = caller.IsAuthenticated && !caller.IsOperator && record.OwnerOrganisationId == caller.OrganisationId;
        var entries = SharingStore.AudienceOf(grants);
        return new(
            note.Id, note.Title, note.Body, record.Tlp, SharingStore.Summary(grants),
            entries.FirstOrDefault(e => e.Kind == AudienceKind.Community)?.CommunityId, record.Published,
            record.OwnerOrganisationId, record.CreatorOrganisationId, note.CreatedAt, note.ModifiedAt,
            isOwner
                ? entries.Where(e => e.Kind is AudienceKind.Organisation or AudienceKind.Person)
                    .Select(e => new RecipientRequest(e.OrganisationId!.Value, e.UserId)).ToList()
                : null,
            isOwner ? entries : null);
    }
}

public static class NoteEndpoints
{
    private const string ListName = "notes";

    public static RouteGroupBuilder MapNotesApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/notes").WithTags("Notes");

        group.MapGet("/", async Task<Ok<CursorPage<NoteView>>> (HttpContext http, Caller caller, NoteQueries notes, PageCursors cursors, int? limit, string? next, string? q, CancellationToken ct) =>
        {
            // The first API's offset paging is gone; say so rather than quietly answer the first page (read from the
            // query string, not bound, so the OpenAPI document does not offer them).
            if (Http.OffsetPagingParameter(http) is { } offset)
            {
                throw RequestErrors.One(offset, "Notes are paged by cursor: use 'limit' and then 'next' from the answer.");
            }

            var size = Http.Limit(limit);
            Http.SearchText(q, "q", NoteLimits.TitleLength);

            var scope = string.Join(' ', NoteSearch.QueryTerms(q));
            var before = cursors.Decode(next, ListName, scope);
            var (found, more) = await notes.ListAsync(caller, q, before, size, ct);
            var nextCursor = more ? cursors.Encode(ListName, scope, found[^1].Note.RecordId) : null;
            return TypedResults.Ok(new CursorPage<NoteView>(found.Select(n => NoteView.From(n, caller)).ToList(), nextCursor));
        }).WithSummary("List notes").WithDescription("Notes the caller may read, newest first, cursor-paged.").AllowAnonymous();

        group.MapGet("/{id}", async Task<Results<Ok<NoteView>, NotFound>> (string id, Caller caller, NoteQueries notes, CancellationToken ct) =>
            await notes.FindAsync(caller, Http.ParseId(id), ct) is { } read
                ? TypedResults.Ok(NoteView.From(read, caller))
                : TypedResults.NotFound()).WithSummary("Read a note").WithDescription("404 when the note does not exist or the caller may not read it.").AllowAnonymous();

        group.MapPost("/", async Task<Created<NoteView>> (NoteRequest request, Caller caller, NoteEditing editing, NoteQueries notes, CancellationToken ct) =>
        {
            var note = await editing.CreateAsync(caller, request, ct);
            var read = await notes.FindAsync(caller, note.Id, ct);
            return TypedResults.Created($"/api/notes/{note.Id}", NoteView.From(read!, caller));
        }).WithSummary("Share a note").WithDescription("TLP and audience are checked against the sharing rules; a bad combination is a 400 naming the field.").RequireAuthorization();

        group.MapPut("/{id}", async Task<Results<Ok<NoteView>, NotFound>> (string id, NoteRequest request, Caller caller, NoteEditing editing, NoteQueries notes, CancellationToken ct) =>
        {
            var note = await editing.UpdateAsync(caller, Http.ParseId(id), request, ct);
            return note is not null && await notes.FindAsync(caller, note.Id, ct) is { } read
                ? TypedResults.Ok(NoteView.From(read, caller))
                : TypedResults.NotFound();
        }).WithSummary("Change a note").WithDescription("Writers of the owning organisation only; others get 404.").RequireAuthorization();

        group.MapDelete("/{id}", async Task<Results<NoContent, NotFound>> (string id, Caller caller, NoteEditing editing, CancellationToken ct) =>
            await editing.DeleteAsync(caller, Http.ParseId(id), ct) ? TypedResults.NoContent() : TypedResults.NotFound()).WithSummary("Delete a note").WithDescription("Writers of the owning organisation only; others get 404.")
            .RequireAuthorization();

        return group;
    }
}
