using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Hosting;
using Rampart.Standards.Markings;

namespace Rampart.Server.Notes;

/// <summary>
/// A note as a client sends it. The audience is either the set form (<see cref="Audiences"/>, entries
/// that combine) or the first API's single form (<see cref="Audience"/> with <see cref="CommunityId"/> or
/// <see cref="Recipients"/>); not both.
/// </summary>
public sealed record NoteRequest(
    string? Title,
    string? Body,
    Tlp? Tlp,
    Audience? Audience = null,
    Guid? CommunityId = null,
    IReadOnlyList<RecipientRequest>? Recipients = null,
    bool Published = false,
    IReadOnlyList<AudienceEntry>? Audiences = null);

/// <summary>
/// Creates, changes and deletes notes. Writers of the owning organisation may change a note
/// (<see cref="AccessPolicy.CanWrite"/>); a note the caller cannot read is "not found" (null), never "forbidden".
/// </summary>
public sealed class NoteEditing(RampartDb db, AccessPolicy access, SharingStore sharing, AuditTrail audit, TimeProvider clock)
{
    public async Task<Note> CreateAsync(Caller caller, NoteRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        if (!AccessPolicy.CanCreate(caller))
        {
            throw new ForbiddenException("Viewers and read-only keys cannot write.");
        }

        var (tlp, entries) = await ValidateAsync(caller, request, cancellationToken);
        var now = clock.GetUtcNow();
        var record = new SharedRecord
        {
            RecordType = Note.Type,
            OwnerOrganisationId = caller.OrganisationId,
            CreatorOrganisationId = caller.OrganisationId,
            CreatedAt = now,
        };
        EnsureCanShare(caller, record, tlp, entries);
        var note = new Note
        {
            Record = record,
            Id = Guid.CreateVersion7(now),
            Title = request.Title!.Trim(),
            Body = request.Body ?? "",
            CreatedByUserId = caller.UserId,
            CreatedAt = now,
            ModifiedAt = now,
        };
        db.SharedRecords.Add(record);
        db.Notes.Add(note);
        await sharing.ApplyAsync(record, tlp, entries, request.Published, cancellationToken);
        await IndexTitleAsync(note, cancellationToken);
        audit.Record(AuditEvent.NoteCreated, caller, $"note:{note.Id}", detail: tlp.Label());
        await db.SaveChangesAsync(cancellationToken);
        return note;
    }

    public async Task<Note?> UpdateAsync(Caller caller, Guid id, NoteRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        var note = await access.Readable(db.Notes.Include(n => n.Record), caller).FirstOrDefaultAsync(n => n.Id == id, cancellationToken);
        if (note is null)
        {
            return null;
        }

        EnsureCanWrite(caller, note);
        var (tlp, entries) = await ValidateAsync(caller, request, cancellationToken);
        EnsureCanShare(caller, note.Record, tlp, entries);
        note.Title = request.Title!.Trim();
        note.Body = request.Body ?? "";
        note.ModifiedAt = clock.GetUtcNow();
        await sharing.ApplyAsync(note.Record, tlp, entries, request.Published, cancellationToken);
        await IndexTitleAsync(note, cancellationToken);
        audit.Record(AuditEvent.NoteChanged, caller, $"note:{note.Id}", detail: tlp.Label());
        await db.SaveChangesAsync(cancellationToken);
        return note;
    }

    public async Task<bool> DeleteAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var note = await access.Readable(db.Notes.Include(n => n.Record), caller).FirstOrDefaultAsync(n => n.Id == id, cancellationToken);
        if (note is null)
        {
            return false;
        }

        EnsureCanWrite(caller, note);
        // The envelope's foreign keys cascade: the note, its grants and its title terms go with it.
        db.SharedRecords.Remove(note.Record);
        audit.Record(AuditEvent.NoteDeleted, caller, $"note:{note.Id}");
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    private static void EnsureCanWrite(Caller caller, Note note)
    {
        if (!AccessPolicy.CanCreate(caller))
        {
            throw new ForbiddenException("Viewers and read-only keys cannot write.");
        }

        if (!AccessPolicy.CanWrite(caller, note.Record))
        {
            throw new ForbiddenException("Only the owning organisation changes a note.");
        }
    }

    // Validation said yes entry by entry; the access rules must agree as a whole, or it is a bug, not bad input.
    private static void EnsureCanShare(Caller caller, SharedRecord record, Tlp tlp, IReadOnlyList<ResolvedAudience> entries)
    {
        if (!AccessPolicy.CanShare(caller, record, tlp, entries))
        {
            throw new InvalidOperationException("The sharing rules and their validation disagree.");
        }
    }

    private async Task IndexTitleAsync(Note note, CancellationToken cancellationToken)
    {
        var wanted = NoteSearch.Terms(note.Title).ToHashSet(StringComparer.Ordinal);
        var existing = note.RecordId == 0
            ? []
            : await db.NoteTitleTerms.Where(t => t.RecordId == note.RecordId).ToListAsync(cancellationToken);
        db.NoteTitleTerms.RemoveRange(existing.Where(t => !wanted.Contains(t.Term)));
        wanted.ExceptWith(existing.Select(t => t.Term));
        db.NoteTitleTerms.AddRange(wanted.Select(term => new NoteTitleTerm { Term = term, Note = note }));
    }

    private async Task<(Tlp Tlp, IReadOnlyList<ResolvedAudience> Entries)> ValidateAsync(Caller caller, NoteRequest request, CancellationToken cancellationToken)
    {
        var errors = new RequestErrors();
        errors.SingleLine("title", request.Title, NoteLimits.TitleLength);
        errors.MultiLine("body", request.Body, NoteLimits.BodyLength);
        if (request.Tlp is not { } tlp || !Enum.IsDefined(tlp))
        {
            errors.Add("tlp", "Required: clear, green, amber, amber+strict or red.");
            tlp = default;
        }

        if (request.Audiences is not null)
        {
            if (request.Audience is not null || request.CommunityId is not null || request.Recipients is { Count: > 0 })
            {
                errors.Add("audiences", "Give either 'audiences' or the single 'audience' (with 'communityId' or 'recipients'), not both.");
            }
        }
        else if (request.Audience is null)
        {
            errors.Add("audience", "Required: 'audience', or the entries in 'audiences'.");
        }

        errors.ThrowIfAny();
        var sharingRequest = request.Audiences is { } audiences
            ? SharingRequest.OfEntries(tlp, audiences, request.Published)
            : SharingRules.FromSingleAudience(tlp, request.Audience!.Value, request.CommunityId, request.Recipients ?? [], request.Published, errors);
        var entries = await sharing.ValidateAsync(caller, sharingRequest, errors, cancellationToken);
        errors.ThrowIfAny();
        return (tlp, entries);
    }
}
