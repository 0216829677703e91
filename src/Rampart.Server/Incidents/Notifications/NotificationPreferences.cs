using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Hosting;
using Rampart.Server.Incidents.Reports;
using Rampart.Server.Validation;

namespace Rampart.Server.Incidents.Notifications;

/// <summary>One kind's channels for one person.</summary>
public sealed record PreferenceView(NotificationKind Kind, bool InApp, bool Email);

/// <summary>A change of preferences: only the kinds named change.</summary>
public sealed record PreferencesRequest(IReadOnlyList<PreferenceChange?>? Preferences);

public sealed record PreferenceChange(string? Kind, bool? InApp, bool? Email);

/// <summary>
/// The sensible defaults: everything in the app; e-mail for what needs an answer from you (invitations, requests, requests to
/// you as an expert), for the answer to your requests and for overdue deadlines.
/// </summary>
public static class NotificationDefaults
{
    public static PreferenceView Of(NotificationKind kind) => new(kind, true,
        kind is NotificationKind.Invited or NotificationKind.RequestReceived or NotificationKind.RequestAnswered or NotificationKind.DeadlineOverdue
            or NotificationKind.ExpertRequestReceived or NotificationKind.ExpertRequestAnswered or NotificationKind.ExpertRequestClosed or NotificationKind.PeerInvited
            or NotificationKind.PeerDeadlineOverdue or NotificationKind.PeerRequestReceived or NotificationKind.PeerRequestAnswered);
}

/// <summary>
/// Reads and changes the caller's own notification preferences (nobody else's: there is no id to name another person). On a
/// node without a mail server e-mail is not offered: every kind reads <c>email: false</c> and asking for e-mail is a 400.
/// </summary>
public sealed class NotificationPreferences(RampartDb db, IOptionsMonitor<IntakeOptions> intake)
{
    /// <summary>Whether this node sends notification e-mail (an SMTP host and a From address are configured).</summary>
    public bool EmailOffered => NotificationMail.Configured(intake.CurrentValue);

    public async Task<IReadOnlyList<PreferenceView>> OfAsync(Guid userId, CancellationToken cancellationToken)
    {
        var rows = await db.NotificationPreferences.AsNoTracking().Where(p => p.UserId == userId).ToDictionaryAsync(p => p.Kind, cancellationToken);
        var mail = EmailOffered;
        return Enum.GetValues<NotificationKind>()
            .Select(k => rows.TryGetValue(k, out var p) ? new PreferenceView(k, p.InApp, p.Email) : NotificationDefaults.Of(k))
            .Select(p => mail ? p : p with { Email = false }).ToList();
    }

    public async Task<PreferenceView> OfAsync(Guid userId, NotificationKind kind, CancellationToken cancellationToken)
    {
        var wanted = await db.NotificationPreferences.AsNoTracking().Where(p => p.UserId == userId && p.Kind == kind)
            .Select(p => new PreferenceView(p.Kind, p.InApp, p.Email)).FirstOrDefaultAsync(cancellationToken) ?? NotificationDefaults.Of(kind);
        return EmailOffered ? wanted : wanted with { Email = false };
    }

    public async Task<IReadOnlyList<PreferenceView>> ChangeAsync(Caller caller, PreferencesRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        if (!caller.IsAuthenticated || caller.IsOperator)
        {
            throw new ForbiddenException("Only a person has notification preferences.");
        }

        var errors = new RequestErrors();
        var changes = new List<(NotificationKind Kind, bool? InApp, bool? Email)>();
        if (request.Preferences is null)
        {
            errors.Add("preferences", "Required: a list of { kind, inApp, email }.");
        }
        else if (request.Preferences.Count > 50)
        {
            errors.Add("preferences", "At most 50 entries.");
        }
        else
        {
            for (var i = 0; i < request.Preferences.Count; i++)
            {
                var change = request.Preferences[i];
                if (change is null || !TryKind(change.Kind, out var kind))
                {
                    errors.Add($"preferences[{i}].kind", $"One of: {string.Join(", ", Enum.GetValues<NotificationKind>().Select(Name))}.");
                    continue;
                }

                if (change.Email == true && !EmailOffered)
                {
                    errors.Add($"preferences[{i}].email", "This node sends no e-mail (no mail server is configured): only inApp can be chosen.");
                    continue;
                }

                changes.Add((kind, change.InApp, change.Email));
            }
        }

        errors.ThrowIfAny();
        var userId = caller.UserId;
        var rows = await db.NotificationPreferences.Where(p => p.UserId == userId).ToDictionaryAsync(p => p.Kind, cancellationToken);
        foreach (var (kind, inApp, email) in changes)
        {
            if (!rows.TryGetValue(kind, out var row))
            {
                var d = NotificationDefaults.Of(kind);
                row = new NotificationPreference { UserId = userId, Kind = kind, InApp = d.InApp, Email = d.Email };
                db.NotificationPreferences.Add(row);
                rows[kind] = row;
            }

            row.InApp = inApp ?? row.InApp;
            row.Email = email ?? row.Email;
        }

        await db.SaveChangesAsync(cancellationToken);
        return await OfAsync(userId, cancellationToken);
    }

    /// <summary>The kebab-case name of a kind, as the API writes it.</summary>
    public static string Name(NotificationKind kind) => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(kind.ToString());

    public static bool TryKind(string? text, out NotificationKind kind)
    {
        foreach (var k in Enum.GetValues<NotificationKind>())
        {
            if (string.Equals(Name(k), text, StringComparison.Ordinal))
            {
                kind = k;
                return true;
            }
        }

        kind = default;
        return false;
    }
}
