using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Data;

namespace Rampart.Server.Notes;

/// <summary>A note as its reader sees it, with the grants that explain its audience.</summary>
public sealed record ReadNote(Note Note, IReadOnlyList<AccessGrant> Grants);

/// <summary>
/// Every read of notes — API and pages — goes through here, and from here through <see cref="AccessPolicy"/>.
/// </summary>
public sealed class NoteQueries(RampartDb db, AccessPolicy access, SharingStore sharing)
{
    /// <summary>The note with public id <paramref name="id"/> if the caller may read it; null otherwise, exactly as for an unknown id.</summary>
    public async Task<ReadNote?> FindAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        var note = await access.Readable(db.Notes.AsNoTracking().Include(n => n.Record), caller)
            .FirstOrDefaultAsync(n => n.Id == id, cancellationToken);
        return note is null ? null : new ReadNote(note, await sharing.GrantsOfAsync(note.RecordId, cancellationToken));
    }

    /// <summary>
    /// Up to <paramref name="limit"/> readable notes, newest first, older than <paramref name="before"/>
    /// (a record key from the previous page), optionally only those whose title has words starting with
    /// each word of <paramref name="search"/>. Also says whether more follow.
    /// </summary>
    public async Task<(IReadOnlyList<ReadNote> Notes, bool More)> ListAsync(Caller caller, string? search, long? before, int limit, CancellationToken cancellationToken)
    {
        var terms = NoteSearch.QueryTerms(search);
        List<long> ids;
        if (terms.Count == 0)
        {
            ids = [.. await access.ReadableIdsAsync(caller, Note.Type, before, limit + 1, cancellationToken)];
        }
        else
        {
            // Searching: start from the title index (each term an equality lookup), then the grants' primary key.
            var below = before ?? long.MaxValue;
            var matching = db.Notes.AsNoTracking().Where(n => n.RecordId < below);
            var titleTerms = db.NoteTitleTerms;
            foreach (var term in terms)
            {
                matching = matching.Where(n => titleTerms.Any(t => t.Term == term && t.RecordId == n.RecordId));
            }

            ids = await access.Readable(matching, caller).OrderByDescending(n => n.RecordId).Select(n => n.RecordId).Take(limit + 1)
                .ToListAsync(cancellationToken);
        }

        var more = ids.Count > limit;
        var recordIds = ids.Take(limit).ToList();
        // The ids come from the access decision above; this only fetches their rows. One array parameter
        // (not one parameter per id): the same statement, compiled once, for every page size.
        var page = await db.Notes.AsNoTracking().Include(n => n.Record).Where(n => EF.Parameter(recordIds).Contains(n.RecordId))
            .OrderByDescending(n => n.RecordId).ToListAsync(cancellationToken);
        var grants = (await db.AccessGrants.AsNoTracking().Where(g => EF.Parameter(recordIds).Contains(g.RecordId)).ToListAsync(cancellationToken))
            .ToLookup(g => g.RecordId);
        return (page.Select(n => new ReadNote(n, [.. grants[n.RecordId]])).ToList(), more);
    }
}
