using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Data;
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
    IReadOnlyList<RecipientRequest>? Recipients)
{
    public static NoteView From(Note note, IReadOnlyList<RecipientRequest>? recipients) => new(
        note.Id, note.Title, note.Body, note.Sharing.Tlp, note.Sharing.Audience, note.Sharing.CommunityId, note.Sharing.Published,
        note.Sharing.OwnerOrganisationId, note.Sharing.CreatorOrganisationId, note.CreatedAt, note.ModifiedAt, recipients);
}

public static class NoteEndpoints
{
    public static RouteGroupBuilder MapNotesApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/notes").WithTags("Notes");

        group.MapGet("/", async Task<Ok<Page<NoteView>>> (Caller caller, RampartDb db, AccessPolicy access, int? page, int? pageSize, CancellationToken ct) =>
        {
            var (number, size) = Http.Paging(page, pageSize);
            var readable = access.Readable(db.Notes.AsNoTracking(), caller);
            var total = await readable.CountAsync(ct);
            var notes = await readable.OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id)
                .Skip((number - 1) * size).Take(size).ToListAsync(ct);
            return TypedResults.Ok(new Page<NoteView>(notes.Select(n => NoteView.From(n, null)).ToList(), total, number, size));
        }).AllowAnonymous();

        group.MapGet("/{id}", async Task<Results<Ok<NoteView>, NotFound>> (string id, Caller caller, RampartDb db, AccessPolicy access, SharingStore sharing, CancellationToken ct) =>
        {
            var noteId = Http.ParseId(id);
            var note = await access.Readable(db.Notes.AsNoTracking(), caller).FirstOrDefaultAsync(n => n.Id == noteId, ct);
            if (note is null)
            {
                return TypedResults.NotFound();
            }

            // Recipient lists are the owner's business: others see that it was shared to them, not to whom else.
            IReadOnlyList<RecipientRequest>? recipients = note.Sharing.OwnerOrganisationId == caller.OrganisationId && caller.IsAuthenticated
                ? (await sharing.RecipientsOfAsync(note.Id, ct)).Select(r => new RecipientRequest(r.OrganisationId, r.UserId)).ToList()
                : null;
            return TypedResults.Ok(NoteView.From(note, recipients));
        }).AllowAnonymous();

        group.MapPost("/", async Task<Created<NoteView>> (NoteRequest request, Caller caller, NoteEditing editing, CancellationToken ct) =>
        {
            var note = await editing.CreateAsync(caller, request, ct);
            return TypedResults.Created($"/api/notes/{note.Id}", NoteView.From(note, request.Recipients));
        }).RequireAuthorization();

        group.MapPut("/{id}", async Task<Results<Ok<NoteView>, NotFound>> (string id, NoteRequest request, Caller caller, NoteEditing editing, CancellationToken ct) =>
        {
            var note = await editing.UpdateAsync(caller, Http.ParseId(id), request, ct);
            return note is null ? TypedResults.NotFound() : TypedResults.Ok(NoteView.From(note, request.Recipients));
        }).RequireAuthorization();

        group.MapDelete("/{id}", async Task<Results<NoContent, NotFound>> (string id, Caller caller, NoteEditing editing, CancellationToken ct) =>
            await editing.DeleteAsync(caller, Http.ParseId(id), ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .RequireAuthorization();

        return group;
    }
}
