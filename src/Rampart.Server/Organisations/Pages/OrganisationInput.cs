using System.Net.Mail;

namespace Rampart.Server.Organisations.Pages;

/// <summary>The organisation form's fields; validation is the use case's, so the page and the API agree.</summary>
public sealed class OrganisationInput
{
    public string? Name { get; set; }

    public string? ShortName { get; set; }

    public string? Country { get; set; }

    public OrganisationKind Kind { get; set; } = OrganisationKind.NationalCert;

    public string? ContactEmail { get; set; }

    public string? Phone24x7 { get; set; }

    public string? Website { get; set; }

    public string? PgpPublicKey { get; set; }

    public string? Description { get; set; }

    /// <summary>The API's field names, in the form's order.</summary>
    public static readonly IReadOnlyList<string> Fields = ["name", "shortName", "country", "kind", "contactEmail", "phone24x7", "website", "pgpPublicKey", "description"];

    /// <summary>
    /// What the form can tell while the user types: the same reasons (machine-readable English) the use case gives,
    /// for one field; the use case checks everything again on submit (and what needs the database, such as a taken short name).
    /// </summary>
    public IReadOnlyList<string> Check(string field) => field switch
    {
        "name" => Required(Name, 200),
        "shortName" => Required(ShortName, 32),
        "country" => string.IsNullOrWhiteSpace(Country) ? ["Required."]
            : Countries.IsKnown(Country.Trim().ToUpperInvariant()) ? [] : ["Not an ISO 3166-1 alpha-2 country code (Kosovo is XK)."],
        "contactEmail" => MaxLength(ContactEmail, 254) is { Count: > 0 } tooLong ? tooLong
            : !string.IsNullOrWhiteSpace(ContactEmail) && !MailAddress.TryCreate(ContactEmail.Trim(), out _) ? ["Not an e-mail address."] : [],
        "phone24x7" => MaxLength(Phone24x7, 40),
        "website" => MaxLength(Website, 500) is { Count: > 0 } tooLong ? tooLong
            : !string.IsNullOrWhiteSpace(Website) && (!Uri.TryCreate(Website.Trim(), UriKind.Absolute, out var site) || (site.Scheme != Uri.UriSchemeHttps && site.Scheme != Uri.UriSchemeHttp))
                ? ["Not an http or https address."] : [],
        "pgpPublicKey" => MaxLength(PgpPublicKey, 64_000) is { Count: > 0 } tooLong ? tooLong
            : !string.IsNullOrWhiteSpace(PgpPublicKey) && !PgpKey.TryFingerprint(PgpPublicKey, out _, out var keyError) ? [keyError] : [],
        "description" => MaxLength(Description, 4000),
        _ => [],
    };

    private static IReadOnlyList<string> Required(string? value, int maxLength) =>
        string.IsNullOrWhiteSpace(value) ? ["Required."] : MaxLength(value, maxLength);

    private static IReadOnlyList<string> MaxLength(string? value, int maxLength) =>
        value is not null && value.Length > maxLength ? [$"At most {maxLength} characters."] : [];

    public OrganisationRequest ToRequest() => new(Name, ShortName, Country, Kind, ContactEmail, Phone24x7, Website, PgpPublicKey, Description);

    public static OrganisationInput From(Organisation o)
    {
        ArgumentNullException.ThrowIfNull(o);
        return new()
        {
            Name = o.Name, ShortName = o.ShortName, Country = o.Country, Kind = o.Kind, ContactEmail = o.ContactEmail,
            Phone24x7 = o.Phone24x7, Website = o.Website, PgpPublicKey = o.PgpPublicKey, Description = o.Description,
        };
    }
}
