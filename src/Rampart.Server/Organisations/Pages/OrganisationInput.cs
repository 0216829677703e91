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
