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

    public static NoteInput From(Note note, IEnumerable<ShareRecipient> recipients)
    {
        ArgumentNullException.ThrowIfNull(note);
        return new()
        {
            Title = note.Title,
            Body = note.Body,
            Tlp = note.Sharing.Tlp,
            Audience = note.Sharing.Audience,
            CommunityId = note.Sharing.CommunityId,
            RecipientOrganisationIds = recipients.Select(r => r.OrganisationId).ToArray(),
            Published = note.Sharing.Published,
        };
    }
}
