using Rampart.Server.Access;

namespace Rampart.Server.Notes;

/// <summary>A short Markdown note shared under TLP and an audience: the smallest shareable record.</summary>
public sealed class Note : IShareable
{
    public static RecordType Type => RecordType.Note;

    /// <summary>Primary key, and the foreign key to the note's <see cref="SharedRecord"/> envelope.</summary>
    public long RecordId { get; set; }

    public SharedRecord Record { get; set; } = null!;

    /// <summary>The public id (UUIDv7) in URLs and the API.</summary>
    public Guid Id { get; set; }

    public required string Title { get; set; }

    public required string Body { get; set; }

    public Guid CreatedByUserId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ModifiedAt { get; set; }
}

/// <summary>
/// One searchable prefix of one word of a note's title (2 to <see cref="NoteSearch.MaxPrefix"/> characters,
/// lower case): the title filter is an equality lookup on this table's key on both databases.
/// </summary>
public sealed class NoteTitleTerm
{
    public required string Term { get; set; }

    public long RecordId { get; set; }

    public Note? Note { get; set; }
}
