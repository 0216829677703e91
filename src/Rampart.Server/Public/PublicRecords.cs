using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Hosting;
using Rampart.Server.Notes;
using Rampart.Server.Organisations;

namespace Rampart.Server.Public;

/// <summary>A published record as the public pages show it.</summary>
public sealed record PublicNote(Guid Id, string Title, string Body, DateTimeOffset PublishedAt, DateTimeOffset ModifiedAt, string Publisher);

/// <summary>Who runs this node, for the public pages' header and footer.</summary>
public sealed record NodeContact(string Name, string ShortName, string? Email, string? Website, string? Phone, string? PgpFingerprint);

/// <summary>
/// Reads for the public pages. Every record goes through <see cref="AccessPolicy"/> with the anonymous caller,
/// so what appears here is exactly what the access decision lets anyone read (published TLP:CLEAR), never more.
/// </summary>
public sealed class PublicRecords(RampartDb db, AccessPolicy access, IOptions<NodeOptions> node)
{
    private static readonly Caller Anyone = Caller.Anonymous();

    public async Task<(List<PublicNote> Notes, int Total)> NotesAsync(string? search, int skip, int take, CancellationToken cancellationToken)
    {
        var readable = access.Readable(db.Notes.AsNoTracking(), Anyone);
        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim().ToUpperInvariant();
#pragma warning disable CA1304, CA1311, CA1862 // translated to SQL UPPER(…) LIKE, the same on both databases
            readable = readable.Where(n => n.Title.ToUpper().Contains(term));
#pragma warning restore CA1304, CA1311, CA1862
        }

        var total = await readable.CountAsync(cancellationToken);
        var page = await readable.OrderByDescending(n => n.ModifiedAt).ThenBy(n => n.Id).Skip(skip).Take(take)
            .Join(db.Organisations.AsNoTracking(), n => n.Sharing.OwnerOrganisationId, o => o.Id, (n, o) => new { Note = n, o.Name })
            .ToListAsync(cancellationToken);
        return ([.. page.Select(p => ToPublic(p.Note, p.Name))], total);
    }

    public async Task<PublicNote?> NoteAsync(Guid id, CancellationToken cancellationToken)
    {
        var found = await access.Readable(db.Notes.AsNoTracking(), Anyone).Where(n => n.Id == id)
            .Join(db.Organisations.AsNoTracking(), n => n.Sharing.OwnerOrganisationId, o => o.Id, (n, o) => new { Note = n, o.Name })
            .FirstOrDefaultAsync(cancellationToken);
        return found is null ? null : ToPublic(found.Note, found.Name);
    }

    /// <summary>The public address of the record behind <paramref name="relativePath"/> (e.g. <c>notes/{id}</c>) when anyone may read it.</summary>
    public async Task<string?> PublicAddressOfAsync(string relativePath, CancellationToken cancellationToken)
    {
        var parts = relativePath.Split('?', '#')[0].Trim('/').Split('/');
        return parts is ["notes", var text] && Guid.TryParse(text, out var id) && await NoteAsync(id, cancellationToken) is not null
            ? $"public/notes/{id}"
            : null;
    }

    public async Task<NodeContact> ContactAsync(CancellationToken cancellationToken)
    {
        var options = node.Value;
        var organisation = await db.Organisations.AsNoTracking().FirstOrDefaultAsync(o => o.ShortName == options.OrganisationShortName, cancellationToken);
        return organisation is null
            ? new NodeContact(options.OrganisationName, options.OrganisationShortName, null, null, null, null)
            : new NodeContact(organisation.Name, organisation.ShortName, organisation.ContactEmail, organisation.Website, organisation.Phone24x7, organisation.PgpFingerprint);
    }

    private static PublicNote ToPublic(Note note, string publisher) =>
        new(note.Id, note.Title, note.Body, note.CreatedAt, note.ModifiedAt, publisher);
}
