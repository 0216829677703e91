using Rampart.Server.Access;
using Rampart.Standards.Markings;

namespace Rampart.Server.Notes.Pages;

/// <summary>The note form's fields; the rules are <see cref="NoteEditing"/>'s, so the page and the API agree.</summary>
public sealed class NoteInput
{
    private Guid[] recipientOrganisationIds = [];

    public string? Title { get; set; }

    public string? Body { get; set; }

    public Tlp Tlp { get; set; } = Tlp.Amber;

    public Audience Audience { get; set; } = Audience.Organisation;

    public Guid? CommunityId { get; set; }

    // A form post with no recipient selected binds null; the form's select needs an array.
    public Guid[] RecipientOrganisationIds
    {
        get => recipientOrganisationIds;
        set => recipientOrganisationIds = value ?? [];
    }

    public bool Published { get; set; }

    public NoteRequest ToRequest() => new(Title, Body, Tlp, Audience,
        Audience == Audience.Community ? CommunityId : null,
        Audience == Audience.Recipients ? RecipientOrganisationIds.Select(id => new RecipientRequest(id)).ToList() : [],
        Published);

    /// <summary>The form for an existing note; a combined audience is shown as its first kind (the API edits the full set).</summary>
    public static NoteInput From(ReadNote read)
    {
        ArgumentNullException.ThrowIfNull(read);
        var entries = SharingStore.AudienceOf(read.Grants);
        var summary = SharingStore.Summary(read.Grants);
        return new()
        {
            Title = read.Note.Title,
            Body = read.Note.Body,
            Tlp = read.Note.Record.Tlp,
            Audience = summary == Audience.Combined ? Audience.Recipients : summary,
            CommunityId = entries.FirstOrDefault(e => e.Kind == AudienceKind.Community)?.CommunityId,
            RecipientOrganisationIds = entries.Where(e => e.Kind == AudienceKind.Organisation).Select(e => e.OrganisationId!.Value).ToArray(),
            Published = read.Note.Record.Published,
        };
    }
}
