using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Hosting;
using Rampart.Server.Intelligence.Read;
using Rampart.Server.Notes;
using Rampart.Server.Organisations;

namespace Rampart.Server.Public;

/// <summary>A published record as the public pages show it.</summary>
public sealed record PublicNote(Guid Id, string Title, string Body, DateTimeOffset PublishedAt, DateTimeOffset ModifiedAt, string Publisher);

/// <summary>
/// A published intelligence object as the public pages show it: what a visitor looks for first (its name, and the
/// pattern of an indicator or the value of an observable), then the whole object as STIX.
/// </summary>
public sealed record PublicIntel(
    string StixId,
    string StixType,
    string Name,
    string? Pattern,
    string? Value,
    string? Description,
    IReadOnlyList<string> Labels,
    DateTimeOffset Modified,
    bool Revoked,
    Guid OwnerOrganisationId,
    string Publisher,
    string? Json);

/// <summary>One page of published intelligence, newest first; <see cref="Older"/> is the cursor of the next page, when there is one.</summary>
public sealed record PublicIntelPage(IReadOnlyList<PublicIntel> Objects, long? Older);

/// <summary>Who runs this node, for the public pages' header and footer.</summary>
public sealed record NodeContact(string Name, string ShortName, string? Email, string? Website, string? Phone, string? PgpFingerprint);

/// <summary>
/// Reads for the public pages. Every record goes through <see cref="AccessPolicy"/> with the anonymous caller,
/// so what appears here is exactly what the access decision lets anyone read (published TLP:CLEAR), never more.
/// </summary>
public sealed class PublicRecords(RampartDb db, NoteQueries notes, IntelQueries intel, IOptions<NodeOptions> node)
{
    private static readonly Caller Anyone = Caller.Anonymous();

    // Public lists are browsed from the newest; deeper than this, a visitor searches instead.
    private const int DeepestRecord = 5_000;

    /// <summary>
    /// Published TLP:CLEAR notes, newest first, read through <see cref="NoteQueries"/> (and so the access
    /// decision) as a visitor who is not logged in. The total is what is known: the records up to this page,
    /// plus one when more follow (counting every published record would be a scan).
    /// </summary>
    public async Task<(List<PublicNote> Notes, int Total)> NotesAsync(string? search, int skip, int take, CancellationToken cancellationToken)
    {
        if (skip < 0 || take < 1 || skip + take > DeepestRecord)
        {
            return ([], 0);
        }

        var collected = new List<ReadNote>();
        long? before = null;
        var more = true;
        while (more && collected.Count < skip + take + 1)
        {
            var (page, hasMore) = await notes.ListAsync(Anyone, search, before, 200, cancellationToken);
            collected.AddRange(page);
            more = hasMore && page.Count > 0;
            before = page.Count > 0 ? page[^1].Note.RecordId : before;
        }

        var shown = collected.Skip(skip).Take(take).ToList();
        var publishers = await PublishersAsync(shown.Select(n => n.Note.Record.OwnerOrganisationId), cancellationToken);
        var total = collected.Count > skip + take || more ? skip + take + 1 : collected.Count;
        return ([.. shown.Select(n => ToPublic(n.Note, publishers.GetValueOrDefault(n.Note.Record.OwnerOrganisationId, "")))], total);
    }

    public async Task<PublicNote?> NoteAsync(Guid id, CancellationToken cancellationToken)
    {
        var found = await notes.FindAsync(Anyone, id, cancellationToken);
        if (found is null)
        {
            return null;
        }

        var publishers = await PublishersAsync([found.Note.Record.OwnerOrganisationId], cancellationToken);
        return ToPublic(found.Note, publishers.GetValueOrDefault(found.Note.Record.OwnerOrganisationId, ""));
    }

    /// <summary>
    /// Intelligence objects published as TLP:CLEAR, newest first, older than the cursor <paramref name="before"/>,
    /// read through <see cref="IntelQueries"/> (and so the access decision) as a visitor who is not logged in.
    /// </summary>
    public async Task<PublicIntelPage> IntelAsync(long? before, int take, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(take);
        var (objects, more) = await intel.NewestAsync(Anyone, before, take, cancellationToken);
        var publishers = await PublishersAsync(objects.Select(o => o.OwnerOrganisationId), cancellationToken);
        // A withdrawn object was retracted by its owner ("should never have been shared"): not on the public pages.
        // The cursor stays the last record read, so a page of withdrawn objects does not end the list.
        var shown = objects.Where(o => o.WithdrawnAt is null).Select(o => new PublicIntel(o.StixId, o.StixType, o.Name, null, null, null, [], o.Modified, o.Revoked,
            o.OwnerOrganisationId, publishers.GetValueOrDefault(o.OwnerOrganisationId, ""), null)).ToList();
        return new PublicIntelPage(shown, more && objects.Count > 0 ? objects[^1].RecordId : null);
    }

    /// <summary>
    /// The published copy of <paramref name="stixId"/> (the one of <paramref name="owner"/> when given, else the oldest
    /// published copy), or null exactly as for an unknown id: unpublished, not CLEAR, withdrawn or not there read the same.
    /// </summary>
    public async Task<PublicIntel?> IntelObjectAsync(string stixId, Guid? owner, CancellationToken cancellationToken)
    {
        var (found, _) = await intel.FindAsync(Anyone, stixId, owner, cancellationToken);
        if (found is null || found.Intel.WithdrawnAt is not null)
        {
            return null;
        }

        var o = found.Intel;
        var publishers = await PublishersAsync([o.OwnerOrganisationId], cancellationToken);
        var json = found.Current;
        return new PublicIntel(o.StixId, o.StixType, o.Name, Text(json, "pattern"), Text(json, "value"), Text(json, "description"), found.Labels,
            o.Modified, o.Revoked, o.OwnerOrganisationId, publishers.GetValueOrDefault(o.OwnerOrganisationId, ""),
            json?.ToJsonString(IndentedJson));
    }

    private static readonly System.Text.Json.JsonSerializerOptions IndentedJson = new() { WriteIndented = true };

    private static string? Text(System.Text.Json.Nodes.JsonObject? json, string property) =>
        json?[property] is System.Text.Json.Nodes.JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private async Task<Dictionary<Guid, string>> PublishersAsync(IEnumerable<Guid> organisationIds, CancellationToken cancellationToken)
    {
        var ids = organisationIds.Distinct().ToList();
        return await db.Organisations.AsNoTracking().Where(o => ids.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, cancellationToken);
    }

    /// <summary>The public address of the record behind <paramref name="relativePath"/> (<c>notes/{id}</c>, <c>intel/objects/{stixId}</c>) when anyone may read it.</summary>
    public async Task<string?> PublicAddressOfAsync(string relativePath, CancellationToken cancellationToken)
    {
        var parts = relativePath.Split('?', '#')[0].Trim('/').Split('/');
        if (parts is ["notes", var text] && Guid.TryParse(text, out var id) && await NoteAsync(id, cancellationToken) is not null)
        {
            return $"public/notes/{id}";
        }

        if (parts is ["intel", "objects", var escaped] && Uri.UnescapeDataString(escaped) is var stixId
            && await IntelObjectAsync(stixId, null, cancellationToken) is not null)
        {
            return $"public/intel/{Uri.EscapeDataString(stixId)}";
        }

        return null;
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
