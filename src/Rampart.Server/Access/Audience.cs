namespace Rampart.Server.Access;

/// <summary>
/// The single-audience form of the first API (<c>"audience": "community"</c> …), still accepted and
/// still shown as a summary. A record's audience is now a set of <see cref="AudienceEntry"/>.
/// </summary>
public enum Audience
{
    /// <summary>The owning organisation only.</summary>
    Organisation = 0,

    /// <summary>The owner plus listed organisations or named people.</summary>
    Recipients = 1,

    /// <summary>Members of one named community.</summary>
    Community = 2,

    /// <summary>Every organisation on this node.</summary>
    Network = 3,

    /// <summary>More than one kind of entry (for example a community plus two organisations).</summary>
    Combined = 4,
}

/// <summary>The kinds of entry an audience is made of; they combine freely, each within its TLP ceiling.</summary>
public enum AudienceKind
{
    /// <summary>Everyone in one organisation.</summary>
    Organisation = 0,

    /// <summary>One named person (while they belong to their organisation).</summary>
    Person = 1,

    /// <summary>The member organisations of one community (at the time of reading).</summary>
    Community = 2,

    /// <summary>Every organisation on this node.</summary>
    Network = 3,
}

/// <summary>One entry of a requested audience, as a client sends it.</summary>
public sealed record AudienceEntry(AudienceKind? Kind, Guid? OrganisationId = null, Guid? CommunityId = null, Guid? UserId = null);

/// <summary>An audience entry after validation: ids exist, a person's organisation is known.</summary>
public sealed record ResolvedAudience(AudienceKind Kind, Guid? OrganisationId = null, Guid? CommunityId = null, Guid? UserId = null);

/// <summary>The first API's recipient entry: an organisation, or one named person in it.</summary>
public sealed record RecipientRequest(Guid OrganisationId, Guid? UserId = null);
