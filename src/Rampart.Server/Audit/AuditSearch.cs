using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Data;

namespace Rampart.Server.Audit;

/// <summary>What the audit log page filters on; every part optional.</summary>
public sealed record AuditFilter(DateTimeOffset? From = null, DateTimeOffset? To = null, string? Actor = null, AuditEvent? Event = null, AuditOutcome? Outcome = null);

/// <summary>An audit entry with its actor's name and organisation, as people read it.</summary>
public sealed record AuditLine(AuditEntry Entry, string? ActorEmail, string? ActorName, string? OrganisationName);

/// <summary>One page of audit lines, newest first, and the cursor (a sequence number) of the next, older page.</summary>
public sealed record AuditLinePage(IReadOnlyList<AuditLine> Lines, long? Next);

/// <summary>
/// The audit log as the page reads it: the caller's visible entries (<see cref="AuditTrail.VisibleTo"/>), filtered,
/// newest first, in keyset pages over the gapless sequence, with actor names joined in. CSV export is audited.
/// </summary>
public sealed class AuditSearch(RampartDb db, AuditTrail trail)
{
    public const int MaxExportRows = 50_000;

    /// <summary>The most people an actor filter matches; the page says to type more of the name beyond that.</summary>
    public const int MaxActorMatches = 500;

    public async Task<AuditLinePage> SearchAsync(Caller caller, AuditFilter filter, long? before, int take, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var query = await FilteredAsync(caller, filter, cancellationToken);
        if (before is { } cursor)
        {
            query = query.Where(a => a.Sequence < cursor);
        }

        var entries = await query.OrderByDescending(a => a.Sequence).Take(take + 1).ToListAsync(cancellationToken);
        var more = entries.Count > take;
        if (more)
        {
            entries.RemoveAt(entries.Count - 1);
        }

        return new AuditLinePage(await WithNamesAsync(entries, cancellationToken), more ? entries[^1].Sequence : null);
    }

    /// <summary>The filtered entries as CSV (UTC times, stable English event names for machines); records the export.</summary>
    public async Task<string> ExportCsvAsync(Caller caller, AuditFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var entries = await (await FilteredAsync(caller, filter, cancellationToken)).OrderByDescending(a => a.Sequence).Take(MaxExportRows).ToListAsync(cancellationToken);
        var lines = await WithNamesAsync(entries, cancellationToken);
        var csv = new StringBuilder("sequence,time_utc,event,event_code,outcome,actor_email,actor_name,organisation,target,detail,credential,client_ip\r\n");
        foreach (var l in lines)
        {
            var e = l.Entry;
            csv.AppendJoin(',', [
                e.Sequence.ToString(CultureInfo.InvariantCulture),
                e.Time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
                e.Event.ToString(), ((int)e.Event).ToString(CultureInfo.InvariantCulture), e.Outcome.ToString(),
                Cell(l.ActorEmail), Cell(l.ActorName), Cell(l.OrganisationName), Cell(e.Target), Cell(e.Detail), Cell(e.Credential), Cell(e.ClientIp)]);
            csv.Append("\r\n");
        }

        await trail.RecordNowAsync(AuditEvent.AuditLogViewed, caller, "audit", detail: $"csv export, {lines.Count} entries", cancellationToken: cancellationToken);
        return csv.ToString();
    }

    private async Task<IQueryable<AuditEntry>> FilteredAsync(Caller caller, AuditFilter filter, CancellationToken cancellationToken)
    {
        var query = trail.VisibleTo(caller);
        if (filter.From is { } from)
        {
            query = query.Where(a => a.Time >= from);
        }

        if (filter.To is { } to)
        {
            query = query.Where(a => a.Time < to);
        }

        if (filter.Event is { } auditEvent)
        {
            query = query.Where(a => a.Event == auditEvent);
        }

        if (filter.Outcome is { } outcome)
        {
            query = query.Where(a => a.Outcome == outcome);
        }

        if (Hosting.Http.SearchText(filter.Actor, "actor") is { } actor)
        {
            // The people whose e-mail address or display name starts with what was typed: index ranges over the users
            // (Identity.UserListing), their ids read first, then ActorId IN (…) against the audit trail's user index.
            // At most MaxActorMatches: a prefix that names more people than that is too wide to be a filter.
            var key = Identity.UserListing.SearchKey(actor)!;
            var actors = await Identity.UserListing.Matching(db.Users.AsNoTracking(), key).OrderBy(u => u.NormalizedEmail).Take(MaxActorMatches)
                .Select(u => u.Id).ToListAsync(cancellationToken);
            query = query.Where(a => a.UserId != null && actors.Contains(a.UserId.Value));
        }

        return query;
    }

    private async Task<List<AuditLine>> WithNamesAsync(List<AuditEntry> entries, CancellationToken cancellationToken)
    {
        var userIds = entries.Where(e => e.UserId is not null).Select(e => e.UserId!.Value).Distinct().ToList();
        var organisationIds = entries.Where(e => e.OrganisationId is not null).Select(e => e.OrganisationId!.Value).Distinct().ToList();
        var users = await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id))
            .Select(u => new { u.Id, u.Email, u.DisplayName }).ToDictionaryAsync(u => u.Id, cancellationToken);
        var organisations = await db.Organisations.AsNoTracking().Where(o => organisationIds.Contains(o.Id))
            .Select(o => new { o.Id, o.ShortName }).ToDictionaryAsync(o => o.Id, o => o.ShortName, cancellationToken);
        return [.. entries.Select(e =>
        {
            var user = e.UserId is { } u && users.TryGetValue(u, out var found) ? found : null;
            return new AuditLine(e, user?.Email, user?.DisplayName,
                e.OrganisationId is { } o && organisations.TryGetValue(o, out var name) ? name : null);
        })];
    }

    // RFC 4180 quoting; a leading =, +, - or @ is prefixed so that a spreadsheet never runs a cell as a formula.
    private static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        if (value[0] is '=' or '+' or '-' or '@')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
