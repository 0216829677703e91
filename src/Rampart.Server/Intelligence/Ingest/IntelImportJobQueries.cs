using Microsoft.EntityFrameworkCore;
using Rampart.Server.Data;
using Rampart.Server.Intelligence.Store;
using Rampart.Standards.Markings;

namespace Rampart.Server.Intelligence.Ingest;

/// <summary>One import job in the list of its organisation's jobs (no outcomes: those are on the job's own page).</summary>
public sealed record IntelImportSummary(
    Guid Id, IntelImportFormat Format, IntelImportStatus Status, Tlp Tlp, Guid StartedBy, string? StartedByName, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt,
    int Processed, int Added, int Updated, int Unchanged, int Rejected, string? Error);

/// <summary>
/// The import jobs of the caller's organisation, newest first: a walk down the (organisation, id) index, ids being
/// UUIDv7 and so in start order. Like a job's own page (<see cref="IntelIngest.FindAsync"/>), another organisation's
/// jobs — also for a node admin — do not exist.
/// </summary>
public sealed class IntelImportJobQueries(RampartDb db)
{
    public async Task<(IReadOnlyList<IntelImportSummary> Items, bool More)> ListAsync(Caller caller, Guid? before, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        if (!caller.IsAuthenticated || caller.IsOperator)
        {
            return ([], false);
        }

        var organisation = caller.OrganisationId;
        var query = db.IntelImportJobs.AsNoTracking().Where(j => j.OrganisationId == organisation);
        if (before is { } b)
        {
            query = query.Where(j => j.Id.CompareTo(b) < 0);
        }

        var rows = await query.OrderByDescending(j => j.Id).Take(limit + 1).ToListAsync(cancellationToken);
        var page = rows.Take(limit).ToList();
        var userIds = page.Select(j => j.UserId).Distinct().ToList();
        // Names of the organisation's own users only (a job is always started by one of them).
        var names = await db.Users.AsNoTracking().Where(u => EF.Parameter(userIds).Contains(u.Id) && u.OrganisationId == organisation)
            .Select(u => new { u.Id, u.DisplayName }).ToDictionaryAsync(u => u.Id, u => u.DisplayName, cancellationToken);
        return ([.. page.Select(j => new IntelImportSummary(j.Id, j.Format, j.Status, j.Tlp, j.UserId, names.GetValueOrDefault(j.UserId), j.StartedAt, j.FinishedAt,
            j.Processed, j.Added, j.Updated, j.Unchanged, j.Rejected, j.Error))], rows.Count > limit);
    }
}
