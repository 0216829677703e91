using Rampart.Server.Intelligence.Store;
using Rampart.Server.Notes;

namespace Rampart.Server.Intelligence.Search;

/// <summary>
/// One searchable prefix of one word of an object's name or description (2 to <see cref="NoteSearch.MaxPrefix"/>
/// characters, lower case): <c>q=</c> is an equality lookup per typed word on this table's key, on both databases.
/// Written only by <c>IntelStore</c> (replaced with the labels whenever the current version changes).
/// </summary>
public sealed class IntelTerm
{
    public required string Term { get; set; }

    public long RecordId { get; set; }

    public IntelObject? IntelObject { get; set; }
}

/// <summary>Which terms an object's text gives.</summary>
public static class IntelText
{
    /// <summary>Words of the description that are indexed (its start: what an analyst types is there; bounds the rows per object).</summary>
    public const int MaxDescriptionWords = 64;

    /// <summary>The term rows for an object's name and description.</summary>
    public static IReadOnlyList<string> Terms(string? name, string? description)
    {
        var words = NoteSearch.Words(name).Concat(NoteSearch.Words(description).Take(MaxDescriptionWords));
        return NoteSearch.Terms(string.Join(' ', words));
    }

    /// <summary>The terms to look up for what someone typed (each word must start a word of the name or description).</summary>
    public static IReadOnlyList<string> QueryTerms(string? typed) => NoteSearch.QueryTerms(typed);
}
