using Microsoft.EntityFrameworkCore;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Hosting;
using Rampart.Server.Incidents.Notifications;
using Rampart.Standards.Markings;

namespace Rampart.Server.Capacity.Experts;

/// <summary>The directory's search filters; each given is an equality lookup on <see cref="ExpertFacet"/>.</summary>
public sealed record ExpertFilter(string? Area = null, string? Language = null, string? Country = null)
{
    public IReadOnlyList<(ExpertFacetKind Kind, string Value)> Facets() =>
        new (ExpertFacetKind, string?)[] { (ExpertFacetKind.Area, Area), (ExpertFacetKind.Language, Language), (ExpertFacetKind.Country, Country) }
            .Where(f => f.Item2 is not null).Select(f => (f.Item1, f.Item2!)).ToList();

    public string Scope => string.Join('|', Facets().Select(f => $"{(int)f.Kind}={f.Value}"));

    public static ExpertFilter Parse(string? area, string? language, string? country)
    {
        var errors = new RequestErrors();
        area = string.IsNullOrWhiteSpace(area) ? null : area.Trim().ToLowerInvariant();
        language = string.IsNullOrWhiteSpace(language) ? null : language.Trim().ToLowerInvariant();
        country = string.IsNullOrWhiteSpace(country) ? null : country.Trim().ToUpperInvariant();
        if (area is not null && !ExpertRules.IsArea(area))
        {
            errors.Add("area", "Not an area of the vocabulary (GET /api/capacity/experts/areas).");
        }

        if (language is not null && !ExpertRules.LanguageCodes.Contains(language))
        {
            errors.Add("language", "Not an ISO 639-1 language code.");
        }

        if (country is not null && !Organisations.Countries.IsKnown(country))
        {
            errors.Add("country", "Not an ISO 3166-1 alpha-2 country code (XK for Kosovo).");
        }

        errors.ThrowIfAny();
        return new ExpertFilter(area, language, country);
    }
}

/// <summary>A profile as a member reads it; the e-mail address only when the expert consented to show it.</summary>
public sealed record ExpertView(
    Guid Id, string Name, Guid OrganisationId, string Organisation, string Country, IReadOnlyList<string> Languages, IReadOnlyList<string> Areas,
    IReadOnlyList<string> Tags, string Availability, string Programme, string ProfileText, string? Email, bool IsMe, DateTimeOffset? ConsentedAt, bool ShowEmail);

/// <summary>A request as the expert (inbox) or the sender (sent) sees it. Nobody else sees it at all.</summary>
public sealed record ExpertRequestView(
    Guid Id, Guid ExpertProfileId, string ExpertName, string FromName, string FromOrganisation, string Subject, string Message, ExpertRequestStatus Status,
    string? Response, DateTimeOffset CreatedAt, DateTimeOffset? AnsweredAt, string? ExpertEmail)
{
    /// <summary>The reference the pages and notifications name the request by (<c>EXR-…</c>).</summary>
    public string Reference => ExpertRules.Reference(Id);
}

/// <summary>One request as <see cref="ExpertDirectory.ReadRequestAsync"/> reads it for its expert or its sender.</summary>
public sealed record ExpertRequestRead(ExpertRequestView Request, bool ToCaller, bool ConsentStands);

/// <summary>
/// The expert and fellowship directory: every read goes through <see cref="AccessPolicy"/> (a profile is a network
/// record at TLP:GREEN), every change is the person's own — no administrator, of any kind, acts for them.
/// </summary>
public sealed class ExpertDirectory(RampartDb db, AccessPolicy access, SharingStore sharing, AuditTrail audit, TimeProvider clock)
{
    /// <summary>The person themselves: a logged-in user with a credential that may write (not the operator, not a read-only key).</summary>
    private static void EnsurePerson(Caller caller)
    {
        if (!caller.IsAuthenticated || caller.IsOperator || caller.ReadOnly || caller.UserId == Guid.Empty)
        {
            throw new ForbiddenException("Only the person themselves, logged in with a credential that may write, manages their directory entry and requests.");
        }
    }

    /// <summary>
    /// Profiles whose person can still answer: a person disabled by their organisation's admin (left the team) is out of
    /// the directory and receives no requests until re-enabled; the profile itself stays theirs (consent is not withdrawn for them).
    /// A viewer may not offer expertise (the profile is a record their organisation owns), so a profile whose person is a
    /// viewer now — demoted after offering it, or created before that rule — is out of the directory the same way until
    /// the person has a writing role again.
    /// </summary>
    private IQueryable<ExpertProfile> Listed(IQueryable<ExpertProfile> profiles)
    {
        var users = db.Users;
        return profiles.Where(p => !users.Any(u => u.Id == p.UserId && (u.Disabled || u.Role == Role.Viewer)));
    }

    public async Task<ExpertView?> FindAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        var profile = await access.Readable(Listed(db.ExpertProfiles.AsNoTracking().Include(p => p.Record)), caller).FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        return profile is null ? null : (await ViewsAsync([profile], caller, cancellationToken))[0];
    }

    /// <summary>The caller's own profile (readable to them like to any member), or null when they have none.</summary>
    public async Task<ExpertView?> MineAsync(Caller caller, CancellationToken cancellationToken)
    {
        if (!caller.IsAuthenticated || caller.IsOperator)
        {
            return null;
        }

        var userId = caller.UserId;
        var profile = await access.Readable(db.ExpertProfiles.AsNoTracking().Include(p => p.Record), caller).FirstOrDefaultAsync(p => p.UserId == userId, cancellationToken);
        return profile is null ? null : (await ViewsAsync([profile], caller, cancellationToken))[0];
    }

    public async Task<(IReadOnlyList<ExpertView> Experts, long? Next)> ListAsync(Caller caller, ExpertFilter filter, long? before, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var facets = filter.Facets();
        List<long> ids;
        if (facets.Count == 0)
        {
            ids = [.. await access.ReadableIdsAsync(caller, ExpertProfile.Type, before, limit + 1, cancellationToken)];
        }
        else
        {
            var below = before ?? long.MaxValue;
            var query = Listed(db.ExpertProfiles.AsNoTracking()).Where(p => p.RecordId < below);
            var table = db.ExpertFacets;
            foreach (var (kind, value) in facets)
            {
                query = query.Where(p => table.Any(f => f.Kind == kind && f.Value == value && f.RecordId == p.RecordId));
            }

            ids = await access.Readable(query, caller).OrderByDescending(p => p.RecordId).Select(p => p.RecordId).Take(limit + 1).ToListAsync(cancellationToken);
        }

        var page = ids.Take(limit).ToList();
        var profiles = await Listed(db.ExpertProfiles.AsNoTracking().Include(p => p.Record)).Where(p => EF.Parameter(page).Contains(p.RecordId))
            .OrderByDescending(p => p.RecordId).ToListAsync(cancellationToken);
        return (await ViewsAsync(profiles, caller, cancellationToken), ids.Count > limit && page.Count > 0 ? page[^1] : null);
    }

    /// <summary>Creates or changes the caller's own profile; consent is required and recorded with its time.</summary>
    public async Task<ExpertView> SaveAsync(Caller caller, ExpertProfileRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        EnsurePerson(caller);
        if (caller.Role == Role.Viewer)
        {
            // A viewer's account is read-only in its organisation; the profile is a record the organisation owns. (Withdrawing stays open to everyone.)
            throw new ForbiddenException("A viewer cannot offer expertise in the directory; ask your organisation's admin for an analyst role.");
        }

        var errors = new RequestErrors();
        var valid = ExpertRules.Validate(request, errors);
        errors.ThrowIfAny();
        var (name, country, lists) = valid!.Value;
        var now = clock.GetUtcNow();
        var userId = caller.UserId;
        var profile = await db.ExpertProfiles.Include(p => p.Record).FirstOrDefaultAsync(p => p.UserId == userId, cancellationToken);
        if (profile is null)
        {
            var record = new SharedRecord
            {
                RecordType = ExpertProfile.Type,
                OwnerOrganisationId = caller.OrganisationId,
                CreatorOrganisationId = caller.OrganisationId,
                CreatedAt = now,
            };
            profile = new ExpertProfile { Record = record, Id = Guid.CreateVersion7(now), UserId = userId, Name = name, Country = country };
            db.SharedRecords.Add(record);
            db.ExpertProfiles.Add(profile);
        }

        profile.Name = name;
        profile.Country = country;
        profile.Lists = lists;
        profile.Availability = request.Availability?.Trim() ?? "";
        profile.Programme = request.Programme?.Trim() ?? "";
        profile.ProfileText = request.ProfileText ?? "";
        profile.ShowEmail = request.ShowEmail;
        profile.ConsentedAt = now;
        profile.ConsentVersion = ExpertRules.ConsentVersion;
        profile.ModifiedAt = now;
        // Logged-in members of the network, nobody else: a network grant at GREEN (never published).
        await sharing.ApplyAsync(profile.Record, Tlp.Green, [new ResolvedAudience(AudienceKind.Network)], published: false, cancellationToken);
        var wanted = ExpertRules.Facets(profile).ToHashSet();
        var existing = profile.RecordId == 0 ? [] : await db.ExpertFacets.Where(f => f.RecordId == profile.RecordId).ToListAsync(cancellationToken);
        db.ExpertFacets.RemoveRange(existing.Where(f => !wanted.Contains((f.Kind, f.Value))));
        wanted.ExceptWith(existing.Select(f => (f.Kind, f.Value)));
        db.ExpertFacets.AddRange(wanted.Select(f => new ExpertFacet { Kind = f.Kind, Value = f.Value, Profile = profile }));
        audit.Record(AuditEvent.ExpertProfileSaved, caller, $"expert:{profile.Id}", detail: $"consent v{ExpertRules.ConsentVersion}");
        await db.SaveChangesAsync(cancellationToken);
        return (await MineAsync(caller, cancellationToken))!;
    }

    /// <summary>
    /// Withdraws the caller's consent: the profile, its grants and search rows are deleted in one transaction (gone
    /// from every list and search at once), and requests not yet answered are closed (each sender is notified). False when there was no profile.
    /// </summary>
    public async Task<bool> WithdrawAsync(Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        EnsurePerson(caller);
        var userId = caller.UserId;
        var profile = await db.ExpertProfiles.Include(p => p.Record).FirstOrDefaultAsync(p => p.UserId == userId, cancellationToken);
        if (profile is null)
        {
            return false;
        }

        db.SharedRecords.Remove(profile.Record);
        var now = clock.GetUtcNow();
        foreach (var pending in await db.ExpertRequests.Where(r => r.ExpertUserId == userId && r.Status == ExpertRequestStatus.Pending).ToListAsync(cancellationToken))
        {
            pending.Status = ExpertRequestStatus.Closed;
            pending.AnsweredAt = now;
            db.Notify(NotificationKind.ExpertRequestClosed, caller, now, subjectId: pending.Id, userId: pending.FromUserId);
        }

        audit.Record(AuditEvent.ExpertConsentWithdrawn, caller, $"expert:{profile.Id}");
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>Sends a request to the expert of profile <paramref name="profileId"/>; null when the caller cannot read that profile.</summary>
    public async Task<ExpertRequestView?> SendAsync(Caller caller, Guid profileId, ExpertRequestRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        var profile = await access.Readable(Listed(db.ExpertProfiles.AsNoTracking().Include(p => p.Record)), caller).FirstOrDefaultAsync(p => p.Id == profileId, cancellationToken);
        if (profile is null)
        {
            return null;
        }

        EnsurePerson(caller);
        var errors = new RequestErrors();
        errors.SingleLine("subject", request.Subject, ExpertRules.LineLength);
        errors.MultiLine("message", request.Message, ExpertRules.TextLength, required: true);
        if (profile.UserId == caller.UserId)
        {
            errors.Add("id", "This is your own profile.");
        }

        errors.ThrowIfAny();
        var from = caller.UserId;
        if (await db.ExpertRequests.AnyAsync(r => r.ExpertUserId == profile.UserId && r.FromUserId == from && r.Status == ExpertRequestStatus.Pending, cancellationToken))
        {
            throw new ConflictException("You already have a request waiting for this expert's answer.");
        }

        var now = clock.GetUtcNow();
        var sent = new ExpertRequest
        {
            Id = Guid.CreateVersion7(now),
            ExpertUserId = profile.UserId,
            ExpertProfileId = profile.Id,
            ExpertName = profile.Name,
            FromUserId = caller.UserId,
            FromOrganisationId = caller.OrganisationId,
            Subject = request.Subject!.Trim(),
            Message = request.Message!,
            Status = ExpertRequestStatus.Pending,
            CreatedAt = now,
        };
        db.ExpertRequests.Add(sent);
        // The expert learns of it in the app (and by e-mail, if they choose): the outbox commits with the request.
        db.Notify(NotificationKind.ExpertRequestReceived, caller, now, subjectId: sent.Id, userId: sent.ExpertUserId);
        audit.Record(AuditEvent.ExpertRequestSent, caller, $"expert-request:{sent.Id}");
        await db.SaveChangesAsync(cancellationToken);
        return (await RequestViewsAsync([sent], cancellationToken))[0];
    }

    /// <summary>The requests sent to the caller (<paramref name="inbox"/>) or by the caller; nobody else's, whatever their role.</summary>
    public async Task<(IReadOnlyList<ExpertRequestView> Requests, Guid? Next)> RequestsAsync(Caller caller, bool inbox, Guid? before, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.IsAuthenticated || caller.IsOperator)
        {
            return ([], null);
        }

        var userId = caller.UserId;
        var query = inbox ? db.ExpertRequests.AsNoTracking().Where(r => r.ExpertUserId == userId) : db.ExpertRequests.AsNoTracking().Where(r => r.FromUserId == userId);
        if (before is { } b)
        {
            query = query.Where(r => r.Id.CompareTo(b) < 0);
        }

        var rows = await query.OrderByDescending(r => r.Id).Take(limit + 1).ToListAsync(cancellationToken);
        var page = rows.Take(limit).ToList();
        return (await RequestViewsAsync(page, cancellationToken), rows.Count > limit ? page[^1].Id : null);
    }

    /// <summary>The expert accepts or declines a request sent to them; null for anyone else (it does not exist for them).</summary>
    public async Task<ExpertRequestView?> AnswerAsync(Caller caller, Guid requestId, bool accept, ExpertAnswer answer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(answer);
        if (!caller.IsAuthenticated || caller.IsOperator)
        {
            return null;
        }

        var userId = caller.UserId;
        var request = await db.ExpertRequests.FirstOrDefaultAsync(r => r.Id == requestId && r.ExpertUserId == userId, cancellationToken);
        if (request is null)
        {
            return null;
        }

        EnsurePerson(caller);
        var errors = new RequestErrors();
        errors.MultiLine("response", answer.Response, ExpertRules.TextLength);
        errors.ThrowIfAny();
        if (request.Status != ExpertRequestStatus.Pending)
        {
            throw new ConflictException($"The request was already {request.Status.ToString().ToLowerInvariant()}.");
        }

        request.Status = accept ? ExpertRequestStatus.Accepted : ExpertRequestStatus.Declined;
        request.Response = answer.Response;
        request.AnsweredAt = clock.GetUtcNow();
        db.Notify(NotificationKind.ExpertRequestAnswered, caller, request.AnsweredAt.Value, subjectId: request.Id, userId: request.FromUserId);
        audit.Record(accept ? AuditEvent.ExpertRequestAccepted : AuditEvent.ExpertRequestDeclined, caller, $"expert-request:{request.Id}");
        await db.SaveChangesAsync(cancellationToken);
        return (await RequestViewsAsync([request], cancellationToken))[0];
    }

    /// <summary>
    /// One request as the caller reads it now (the expert it was sent to or its sender, the same rule as <see cref="RequestsAsync"/>;
    /// null for anyone else, administrators included), with whether the caller is the expert and whether the expert's consent — the
    /// profile it was sent to — still stands. What a notification about the request tells (<see cref="ExpertNotifications"/>).
    /// </summary>
    public async Task<ExpertRequestRead?> ReadRequestAsync(Caller caller, Guid requestId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.IsAuthenticated || caller.IsOperator || caller.UserId == Guid.Empty)
        {
            return null;
        }

        var userId = caller.UserId;
        var request = await db.ExpertRequests.AsNoTracking().FirstOrDefaultAsync(r => r.Id == requestId && (r.ExpertUserId == userId || r.FromUserId == userId), cancellationToken);
        if (request is null)
        {
            return null;
        }

        var (profileId, expert) = (request.ExpertProfileId, request.ExpertUserId);
        var consent = await db.ExpertProfiles.AsNoTracking().AnyAsync(p => p.Id == profileId && p.UserId == expert, cancellationToken);
        return new ExpertRequestRead((await RequestViewsAsync([request], cancellationToken))[0], expert == userId, consent);
    }

    private async Task<List<ExpertView>> ViewsAsync(IReadOnlyList<ExpertProfile> profiles, Caller caller, CancellationToken cancellationToken)
    {
        var organisationIds = profiles.Select(p => p.Record.OwnerOrganisationId).Distinct().ToList();
        var organisations = await db.Organisations.AsNoTracking().Where(o => organisationIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, cancellationToken);
        var shown = profiles.Where(p => p.ShowEmail).Select(p => p.UserId).ToList();
        var emails = await db.Users.AsNoTracking().Where(u => shown.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Email, cancellationToken);
        return profiles.Select(p =>
        {
            var isMe = caller.IsAuthenticated && p.UserId == caller.UserId;
            return new ExpertView(p.Id, p.Name, p.Record.OwnerOrganisationId, organisations.GetValueOrDefault(p.Record.OwnerOrganisationId, ""), p.Country,
                p.Lists.Languages, p.Lists.Areas, p.Lists.Tags, p.Availability, p.Programme, p.ProfileText,
                p.ShowEmail ? emails.GetValueOrDefault(p.UserId) : null, isMe, isMe ? p.ConsentedAt : null, p.ShowEmail);
        }).ToList();
    }

    private async Task<List<ExpertRequestView>> RequestViewsAsync(IReadOnlyList<ExpertRequest> requests, CancellationToken cancellationToken)
    {
        var userIds = requests.Select(r => r.FromUserId).Distinct().ToList();
        // A display name that is (or holds) an e-mail address is not shown: the sender never consented to pass their address on.
        var names = (await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id)).Select(u => new { u.Id, u.DisplayName, u.Email }).ToListAsync(cancellationToken))
            .ToDictionary(u => u.Id, u => u.DisplayName.Contains('@', StringComparison.Ordinal) || string.Equals(u.DisplayName, u.Email, StringComparison.OrdinalIgnoreCase) ? "" : u.DisplayName);
        var organisationIds = requests.Select(r => r.FromOrganisationId).Distinct().ToList();
        var organisations = await db.Organisations.AsNoTracking().Where(o => organisationIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, cancellationToken);
        // The expert's address reaches the sender only once the expert accepted, and only if their profile (still there) consents to show it.
        var accepted = requests.Where(r => r.Status == ExpertRequestStatus.Accepted).Select(r => r.ExpertUserId).Distinct().ToList();
        var consenting = await db.ExpertProfiles.AsNoTracking().Where(p => accepted.Contains(p.UserId) && p.ShowEmail).Select(p => p.UserId).ToListAsync(cancellationToken);
        var emails = await db.Users.AsNoTracking().Where(u => consenting.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Email, cancellationToken);
        return requests.Select(r => new ExpertRequestView(r.Id, r.ExpertProfileId, r.ExpertName, names.GetValueOrDefault(r.FromUserId, ""),
            organisations.GetValueOrDefault(r.FromOrganisationId, ""), r.Subject, r.Message, r.Status, r.Response, r.CreatedAt, r.AnsweredAt,
            r.Status == ExpertRequestStatus.Accepted ? emails.GetValueOrDefault(r.ExpertUserId) : null)).ToList();
    }
}
