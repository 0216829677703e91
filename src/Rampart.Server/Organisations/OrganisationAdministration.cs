using System.Net.Mail;
using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Hosting;

namespace Rampart.Server.Organisations;

/// <summary>What an organisation is described by, as a node admin enters it.</summary>
public sealed record OrganisationRequest(
    string? Name,
    string? ShortName,
    string? Country,
    OrganisationKind? Kind,
    string? ContactEmail = null,
    string? Phone24x7 = null,
    string? Website = null,
    string? PgpPublicKey = null,
    string? Description = null);

/// <summary>Creates and changes organisations: node admins any, org admins their own (but not its kind or country).</summary>
public sealed class OrganisationAdministration(RampartDb db, AuditTrail audit, TimeProvider clock, IEnumerable<IPinnedShortName> pinned)
{
    /// <summary>
    /// A short name the configuration gives a role stays with the organisation that holds it: that organisation cannot
    /// rename itself away, and no other can be renamed to it (creating the organisation that first holds it is allowed).
    /// </summary>
    private void EnsurePinnedNamesStay(Organisation organisation, string newShortName)
    {
        foreach (var pin in pinned)
        {
            if (string.IsNullOrWhiteSpace(pin.ShortName))
            {
                continue;
            }

            var name = pin.ShortName.Trim();
            var held = string.Equals(organisation.ShortName, name, StringComparison.OrdinalIgnoreCase);
            var wanted = string.Equals(newShortName, name, StringComparison.OrdinalIgnoreCase);
            if (held && !string.Equals(organisation.ShortName, newShortName, StringComparison.Ordinal))
            {
                throw RequestErrors.One("shortName", $"This organisation is {pin.Role}, named by its short name in the node's configuration; the operator changes the configuration first.");
            }

            if (wanted && !held)
            {
                throw RequestErrors.One("shortName", $"This short name is reserved for {pin.Role} by the node's configuration.");
            }
        }
    }

    public async Task<Organisation> CreateAsync(Caller caller, OrganisationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        if (!caller.IsNodeAdmin || caller.ReadOnly)
        {
            throw new ForbiddenException("Only node admins create organisations.");
        }

        var fingerprint = await ValidateAsync(request, null, cancellationToken);
        var organisation = new Organisation
        {
            Id = Guid.CreateVersion7(clock.GetUtcNow()),
            Name = request.Name!.Trim(),
            ShortName = request.ShortName!.Trim(),
            Country = request.Country!.Trim().ToUpperInvariant(),
            CreatedAt = clock.GetUtcNow(),
        };
        Apply(organisation, request, fingerprint);
        db.Organisations.Add(organisation);
        audit.Record(AuditEvent.OrganisationCreated, caller.Concerning(organisation.Id), $"organisation:{organisation.Id}", detail: organisation.ShortName);
        await db.SaveChangesAsync(cancellationToken);
        return organisation;
    }

    public async Task<Organisation?> UpdateAsync(Caller caller, Guid id, OrganisationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        var organisation = await db.Organisations.FirstOrDefaultAsync(o => o.Id == id, cancellationToken);
        if (organisation is null)
        {
            return null;
        }

        if (!caller.CanManageOrganisation(id))
        {
            throw new ForbiddenException("Only node admins and this organisation's admins change it.");
        }

        if (!caller.IsNodeAdmin && (request.Kind != organisation.Kind || !string.Equals(request.Country?.Trim(), organisation.Country, StringComparison.OrdinalIgnoreCase)))
        {
            throw RequestErrors.One("kind", "Only node admins change an organisation's kind or country.");
        }

        var fingerprint = await ValidateAsync(request, id, cancellationToken);
        EnsurePinnedNamesStay(organisation, request.ShortName!.Trim());
        organisation.Name = request.Name!.Trim();
        organisation.ShortName = request.ShortName!.Trim();
        organisation.Country = request.Country!.Trim().ToUpperInvariant();
        Apply(organisation, request, fingerprint);
        // Filed under the organisation changed, so its admins see a node admin's change of their contacts or key.
        audit.Record(AuditEvent.OrganisationChanged, caller.Concerning(organisation.Id), $"organisation:{organisation.Id}", detail: organisation.ShortName);
        await db.SaveChangesAsync(cancellationToken);
        return organisation;
    }

    private static void Apply(Organisation organisation, OrganisationRequest request, string? fingerprint)
    {
        organisation.Kind = request.Kind!.Value;
        organisation.ContactEmail = Blank(request.ContactEmail);
        organisation.Phone24x7 = Blank(request.Phone24x7);
        organisation.Website = Blank(request.Website);
        organisation.PgpPublicKey = Blank(request.PgpPublicKey);
        organisation.PgpFingerprint = fingerprint;
        organisation.Description = Blank(request.Description);
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private async Task<string?> ValidateAsync(OrganisationRequest request, Guid? existingId, CancellationToken cancellationToken)
    {
        var errors = new RequestErrors();
        errors.SingleLine("name", request.Name, 200);
        errors.SingleLine("shortName", request.ShortName, 32);
        if (string.IsNullOrWhiteSpace(request.Country))
        {
            errors.Add("country", "Required.");
        }
        else if (!Countries.IsKnown(request.Country.Trim().ToUpperInvariant()))
        {
            errors.Add("country", "Not an ISO 3166-1 alpha-2 country code (Kosovo is XK).");
        }

        if (request.Kind is null)
        {
            errors.Add("kind", "Required.");
        }

        errors.SingleLine("contactEmail", request.ContactEmail, 254, required: false);
        if (!string.IsNullOrWhiteSpace(request.ContactEmail) && !MailAddress.TryCreate(request.ContactEmail.Trim(), out _))
        {
            errors.Add("contactEmail", "Not an e-mail address.");
        }

        errors.SingleLine("phone24x7", request.Phone24x7, 40, required: false);
        errors.SingleLine("website", request.Website, 500, required: false);
        if (!string.IsNullOrWhiteSpace(request.Website)
            && (!Uri.TryCreate(request.Website.Trim(), UriKind.Absolute, out var site) || (site.Scheme != Uri.UriSchemeHttps && site.Scheme != Uri.UriSchemeHttp)))
        {
            errors.Add("website", "Not an http or https address.");
        }

        errors.MultiLine("description", request.Description, 4000);
        errors.MultiLine("pgpPublicKey", request.PgpPublicKey, 64_000);
        string? fingerprint = null;
        if (!string.IsNullOrWhiteSpace(request.PgpPublicKey) && request.PgpPublicKey.Length <= 64_000)
        {
            if (PgpKey.TryFingerprint(request.PgpPublicKey, out var computed, out var keyError))
            {
                fingerprint = computed;
            }
            else
            {
                errors.Add("pgpPublicKey", keyError);
            }
        }

        if (!string.IsNullOrWhiteSpace(request.ShortName) && !errors.Has("shortName"))
        {
            var shortName = request.ShortName.Trim();
            if (await db.Organisations.AnyAsync(o => o.ShortName == shortName && o.Id != existingId, cancellationToken))
            {
                errors.Add("shortName", "Another organisation already uses this short name.");
            }
        }

        errors.ThrowIfAny();
        return fingerprint;
    }
}
