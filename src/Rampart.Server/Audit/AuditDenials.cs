using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Hosting;

namespace Rampart.Server.Audit;

/// <summary>
/// Denied attempts in the audit trail, folded so that a scan cannot flood it. Chained entries are
/// immutable, so folding cannot update a count in place: the first denial of an actor (user, or client
/// address) and status in a window is chained at once; further ones only increment a counter row; when the
/// window has closed, the audit job chains one summary entry with their number and drops the row.
/// </summary>
public sealed class AuditDenials(RampartDb db, AuditTrail audit, TimeProvider clock, IOptions<AuditOptions> options)
{
    public async Task RecordAsync(Caller caller, int status, string target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var now = clock.GetUtcNow();
        var window = options.Value.DenialWindow;
        var start = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % window.Ticks), TimeSpan.Zero);
        var actor = caller.UserId != Guid.Empty ? $"user:{caller.UserId}" : $"ip:{caller.ClientIp}";
        if (await CountFurtherAsync(actor, status, start, cancellationToken))
        {
            return;
        }

        db.AuditDenialCounters.Add(new AuditDenialCounter
        {
            Id = Guid.CreateVersion7(now),
            Actor = actor,
            Status = status,
            WindowStart = start,
            WindowEnd = start + window,
            UserId = caller.UserId == Guid.Empty ? null : caller.UserId,
            OrganisationId = caller.OrganisationId == Guid.Empty ? null : caller.OrganisationId,
            Credential = caller.Credential,
            ClientIp = caller.ClientIp,
        });
        audit.Record(AuditEvent.AccessDenied, caller, target, AuditOutcome.Denied, status.ToString(CultureInfo.InvariantCulture));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another request (or app server) chained the first denial of this window a moment ago.
            db.ChangeTracker.Clear();
            await CountFurtherAsync(actor, status, start, cancellationToken);
        }
    }

    private async Task<bool> CountFurtherAsync(string actor, int status, DateTimeOffset start, CancellationToken cancellationToken) =>
        await db.AuditDenialCounters.Where(c => c.Actor == actor && c.Status == status && c.WindowStart == start)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.Further, c => c.Further + 1), cancellationToken) == 1;

    /// <summary>Chains one summary entry per closed window that saw more than one denial; returns how many.</summary>
    public async Task<int> FoldClosedWindowsAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var closed = await db.AuditDenialCounters.AsNoTracking().Where(c => c.WindowEnd <= now).OrderBy(c => c.WindowStart).Take(1000)
            .ToListAsync(cancellationToken);
        if (closed.Count == 0)
        {
            return 0;
        }

        // Each counter is removed and summarised in one transaction; whoever removes it writes its summary.
        var summaries = 0;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var counter in closed)
        {
            var removed = await db.AuditDenialCounters.Where(c => c.Id == counter.Id).ExecuteDeleteAsync(cancellationToken);
            if (removed == 1 && counter.Further > 0)
            {
                audit.Record(AuditEvent.AccessDeniedRepeated, counter.UserId, counter.OrganisationId, counter.Credential, counter.ClientIp, counter.Actor,
                    AuditOutcome.Denied, string.Create(CultureInfo.InvariantCulture,
                        $"{counter.Further} further {counter.Status} from {counter.WindowStart:yyyy-MM-ddTHH:mm:ssZ} to {counter.WindowEnd:yyyy-MM-ddTHH:mm:ssZ}"));
                summaries++;
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return summaries;
    }
}

/// <summary>
/// Audits denied attempts on machine paths (<c>/api</c> and its siblings) without any edit to feature
/// endpoints: every 403, and every 404 of a GET whose route has an <c>{id}</c> — the access decision's
/// "does not exist" for a record the caller may not read. Runs outermost, so it sees the status the
/// exception handler wrote too. Anonymous callers are not audited here (they get 401, audited by login).
/// </summary>
public sealed partial class DeniedAttemptAuditing(RequestDelegate next, IServiceScopeFactory scopes, ILogger<DeniedAttemptAuditing> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        await next(context);
        var status = context.Response.StatusCode;
        if (status is not (StatusCodes.Status403Forbidden or StatusCodes.Status404NotFound) || MachinePath.Of(context) is null)
        {
            return;
        }

        var endpoint = context.GetEndpoint() ?? context.Features.Get<IExceptionHandlerFeature>()?.Endpoint;
        if (status == StatusCodes.Status404NotFound
            && !(HttpMethods.IsGet(context.Request.Method) && endpoint is RouteEndpoint route
                 && route.RoutePattern.Parameters.Any(p => string.Equals(p.Name, "id", StringComparison.OrdinalIgnoreCase))))
        {
            return;
        }

        var caller = await Caller.ForRequestAsync(context);
        if (!caller.IsAuthenticated)
        {
            return;
        }

        // Its own unit of work: the request's may hold changes that were refused.
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<AuditDenials>()
                .RecordAsync(caller, status, $"{context.Request.Method} {context.Request.Path}", CancellationToken.None);
        }
#pragma warning disable CA1031 // The refusal has been answered already; a failed record is logged, not turned into a broken response.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogRecordFailed(logger, status, e);
        }
    }

    [LoggerMessage(EventId = 3004, Level = LogLevel.Error, Message = "Could not audit a denied attempt ({Status})")]
    private static partial void LogRecordFailed(ILogger logger, int status, Exception exception);
}
