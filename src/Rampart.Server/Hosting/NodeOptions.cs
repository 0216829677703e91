using System.ComponentModel.DataAnnotations;

namespace Rampart.Server.Hosting;

/// <summary><c>Rampart:Node</c>: the organisation hosting this node and its first administrator.</summary>
public sealed class NodeOptions
{
    public const string Section = "Rampart:Node";

    [Required, MaxLength(200)]
    public string OrganisationName { get; set; } = "Rampart node operator";

    [Required, MaxLength(32)]
    public string OrganisationShortName { get; set; } = "NODE";

    [Required, RegularExpression("^[A-Z]{2}$")]
    public string Country { get; set; } = "AL";

    [Required, EmailAddress]
    public string AdminEmail { get; set; } = "admin@rampart.local";

    /// <summary>
    /// The address users reach the node at (behind a reverse proxy), printed with the first login; when
    /// unset, the address the node actually listens on is printed.
    /// </summary>
    [Url]
    public string? PublicUrl { get; set; }
}
