using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Hosting;
using Rampart.Standards.Markings;

namespace Rampart.Server.Notes;

public sealed record NoteRequest(
    string? Title,
    string? Body,
    Tlp? Tlp,
    Audience? Audience,
    Guid? CommunityId = null,
    IReadOnlyList<RecipientRequest>? Recipients = null,
    bool Published = false);

/// <summary>
/// Creates, changes and deletes notes. Any analyst or admin of the owning organisation may change a
/// note; a note the caller cannot read is "not found" (null), never "forbidden".
/// </summary>
public sealed class NoteEditing(RampartDb db, AccessPolicy access, SharingStore sharing, AuditTrail audit, TimeProvider clock)
{
    public async Task<Note> CreateAsync(Caller caller, NoteRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        EnsureWriter(caller);
        var sharingRequest = await ValidateAsync(caller, request, cancellationToken);
        var now = clock.GetUtcNow();
        var note = new Note
        {
            Id = Guid.CreateVersion7(now),
            Title = request.Title!.Trim(),
            Body = request.Body ?? "",
            Sharing = new Sharing { OwnerOrganisationId = caller.OrganisationId, CreatorOrganisationId = caller.OrganisationId },
            CreatedByUserId = caller.UserId,
            CreatedAt = now,
            ModifiedAt = now,
        };
        await sharing.ApplyAsync(note, sharingRequest, cancellationToken);
        db.Notes.Add(note);
        audit.Record(AuditEvent.NoteCreated, caller, $"note:{note.Id}", detail: note.Sharing.Tlp.Label());
        await db.SaveChangesAsync(cancellationToken);
        return note;
    }

    public async Task<Note?> UpdateAsync(Caller caller, Guid id, NoteRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        var note = await access.Readable(db.Notes, caller).FirstOrDefaultAsync(n => n.Id == id, cancellationToken);
        if (note is null)
        {
            return null;
        }

        EnsureOwnerWriter(caller, note);
        var sharingRequest = await ValidateAsync(caller, request, cancellationToken);
        note.Title = request.Title!.Trim();
        note.Body = request.Body ?? "";
        note.ModifiedAt = clock.GetUtcNow();
        await sharing.ApplyAsync(note, sharingRequest, cancellationToken);
        audit.Record(AuditEvent.NoteChanged, caller, $"note:{note.Id}", detail: note.Sharing.Tlp.Label());
        await db.SaveChangesAsync(cancellationToken);
        return note;
    }

    public async Task<bool> DeleteAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var note = await access.Readable(db.Notes, caller).FirstOrDefaultAsync(n => n.Id == id, cancellationToken);
        if (note is null)
        {
            return false;
        }

        EnsureOwnerWriter(caller, note);
        db.Notes.Remove(note);
        await sharing.RemoveRecipientsAsync(note.Id, cancellationToken);
        audit.Record(AuditEvent.NoteDeleted, caller, $"note:{note.Id}");
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    private static void EnsureWriter(Caller caller)
    {
        if (!caller.CanWrite || caller.IsOperator)
        {
            throw new ForbiddenException("Viewers and read-only keys cannot write.");
        }
    }

    private static void EnsureOwnerWriter(Caller caller, Note note)
    {
        EnsureWriter(caller);
        if (note.Sharing.OwnerOrganisationId != caller.OrganisationId)
        {
            throw new ForbiddenException("Only the owning organisation changes a note.");
        }
    }

    private async Task<SharingRequest> ValidateAsync(Caller caller, NoteRequest request, CancellationToken cancellationToken)
    {
        var errors = new RequestErrors();
        errors.Required("title", request.Title, NoteLimits.TitleLength);
        errors.MaxLength("body", request.Body, NoteLimits.BodyLength);
        if (request.Tlp is null)
        {
            errors.Add("tlp", "Required.");
        }

        if (request.Audience is null)
        {
            errors.Add("audience", "Required.");
        }

        errors.ThrowIfAny();
        var sharingRequest = new SharingRequest(request.Tlp!.Value, request.Audience!.Value, request.CommunityId,
            request.Recipients ?? [], request.Published);
        await sharing.ValidateAsync(caller, sharingRequest, errors, cancellationToken);
        errors.ThrowIfAny();
        return sharingRequest;
    }
}
