using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Hosting;

namespace Rampart.Server.Audit;

public static class AuditEndpoints
{
    public static void MapAuditApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/audit").WithTags("Audit").RequireAuthorization();

        group.MapGet("/", async Task<Results<Ok<Page<AuditEntry>>, ForbidHttpResult>> (Caller caller, AuditTrail audit, int? page, int? pageSize, CancellationToken ct) =>
        {
            if (caller.Role is not (Identity.Role.NodeAdmin or Identity.Role.OrgAdmin))
            {
                return TypedResults.Forbid();
            }

            var (number, size) = Http.Paging(page, pageSize);
            var visible = audit.VisibleTo(caller);
            var total = await visible.CountAsync(ct);
            var entries = await visible.OrderByDescending(a => a.Sequence).Skip((number - 1) * size).Take(size).ToListAsync(ct);
            await audit.RecordNowAsync(AuditEvent.AuditLogViewed, caller, "audit", cancellationToken: ct);
            return TypedResults.Ok(new Page<AuditEntry>(entries, total, number, size));
        });

        group.MapPost("/verify", async Task<Results<Ok<AuditVerification>, ForbidHttpResult>> (Caller caller, AuditTrail audit, CancellationToken ct) =>
        {
            // Verifying appends an entry: a read-only key causes no write, so it may not verify.
            if (!caller.IsNodeAdmin || caller.ReadOnly)
            {
                return TypedResults.Forbid();
            }

            var result = await audit.VerifyAsync(ct);
            await audit.RecordNowAsync(AuditEvent.AuditChainVerified, caller, "audit", result.Intact ? AuditOutcome.Success : AuditOutcome.Failed,
                result.Intact ? null : $"first broken entry {result.FirstBrokenSequence}", ct);
            return TypedResults.Ok(result);
        });
    }
}
