namespace Rampart.Server.Access;

/// <summary>Who, inside Rampart, a shareable record is distributed to. TLP then says what they may do with it.</summary>
public enum Audience
{
    /// <summary>The owning organisation only.</summary>
    Organisation = 0,

    /// <summary>The owner plus listed organisations (and, for TLP:RED, optionally only named people in them).</summary>
    Recipients = 1,

    /// <summary>Members of one named community.</summary>
    Community = 2,

    /// <summary>Every organisation on this node.</summary>
    Network = 3,
}
