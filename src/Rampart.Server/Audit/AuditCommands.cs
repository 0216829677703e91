using System.CommandLine;
using System.Globalization;
using Rampart.Server.Access;
using Rampart.Server.Admin;

namespace Rampart.Server.Audit;

/// <summary><c>rampart audit verify</c>.</summary>
internal static class AuditCommands
{
    public static void Add(AdminCommands commands)
    {
        ArgumentNullException.ThrowIfNull(commands);
        // audit verify
        var audit = new Command("audit", "The tamper-evident audit trail.");
        commands.Root.Subcommands.Add(audit);
        var verify = new Command("verify", "Check every entry's hash and link; name the first broken entry.");
        verify.SetAction((parse, ct) => commands.Run(async services =>
        {
            var trail = services.GetRequiredService<AuditTrail>();
            var result = await trail.VerifyAsync(ct);
            if (result.Intact)
            {
                await commands.Output.WriteLineAsync($"audit chain intact: {result.CheckedEntries.ToString(CultureInfo.InvariantCulture)} entries checked");
                await trail.RecordNowAsync(AuditEvent.AuditChainVerified, Caller.Operator(), "audit", cancellationToken: ct);
                return 0;
            }

            await commands.Output.WriteLineAsync($"audit chain BROKEN at entry {result.FirstBrokenSequence}: {result.Problem}");
            return 4;
        }, ct));
        audit.Subcommands.Add(verify);
    }
}
