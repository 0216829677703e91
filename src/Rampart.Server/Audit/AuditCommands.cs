using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Rampart.Server.Access;
using Rampart.Server.Admin;
using Rampart.Server.Data;

namespace Rampart.Server.Audit;

/// <summary><c>rampart audit verify [--full] [--checkpoints FILE]</c> and <c>rampart audit checkpoints export</c>.</summary>
internal static class AuditCommands
{
    private static readonly JsonSerializerOptions ReadExport = new(JsonSerializerDefaults.Web);

    public static void Add(AdminCommands commands)
    {
        ArgumentNullException.ThrowIfNull(commands);
        var audit = new Command("audit", "The tamper-evident audit trail.");
        commands.Root.Subcommands.Add(audit);

        // audit verify
        var full = new Option<bool>("--full") { Description = "Walk the whole chain, not only the entries after the newest signed checkpoint." };
        var against = new Option<FileInfo?>("--checkpoints")
        {
            Description = "Also check the chain against checkpoints exported earlier (`audit checkpoints export`), e.g. kept by a peer.",
        };
        var verify = new Command("verify", "Check entries' hashes, links and signed checkpoints; name the first broken entry. An intact chain gets a new signed checkpoint.")
        {
            full,
            against,
        };
        verify.SetAction((parse, ct) => commands.Run(async services =>
        {
            var verifier = services.GetRequiredService<AuditVerifier>();
            var isFull = parse.GetValue(full);
            if (parse.GetValue(against) is { } file)
            {
                var external = await CheckAgainstFileAsync(commands, verifier, file, ct);
                if (external != 0)
                {
                    return external;
                }
            }

            var result = await verifier.RunAsync(isFull, ct);
            if (result.Intact)
            {
                await commands.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"audit chain intact: {result.CheckedEntries} entries checked{(isFull ? "" : " after the newest checkpoint")}, verified through entry {result.VerifiedThrough}"));
                await services.GetRequiredService<AuditTrail>().RecordNowAsync(AuditEvent.AuditChainVerified, Caller.Operator(), "audit",
                    detail: isFull ? "full" : "incremental", cancellationToken: ct);
                return 0;
            }

            await commands.Output.WriteLineAsync($"audit chain BROKEN at entry {result.FirstBrokenSequence}: {result.Problem}");
            return 4;
        }, ct));
        audit.Subcommands.Add(verify);

        // audit checkpoints export
        var checkpoints = new Command("checkpoints", "Signed checkpoints of the chain head.");
        audit.Subcommands.Add(checkpoints);
        var output = new Option<FileInfo?>("--output") { Description = "Write to this file instead of standard output." };
        var export = new Command("export", "Print the signed checkpoints and the public key as JSON, for peers or an external log.") { output };
        export.SetAction((parse, ct) => commands.Run(async services =>
        {
            var document = await AuditEndpoints.ExportAsync(services.GetRequiredService<RampartDb>(), services.GetRequiredService<AuditSigningKey>(), ct);
            var json = JsonSerializer.Serialize(document, JsonOptions(services));
            if (parse.GetValue(output) is { } file)
            {
                await File.WriteAllTextAsync(file.FullName, json, ct);
            }
            else
            {
                await commands.Output.WriteLineAsync(json);
            }

            await services.GetRequiredService<AuditTrail>().RecordNowAsync(AuditEvent.AuditCheckpointsExported, Caller.Operator(), "audit",
                detail: document.Checkpoints.Count.ToString(CultureInfo.InvariantCulture), cancellationToken: ct);
            return 0;
        }, ct));
        checkpoints.Subcommands.Add(export);
    }

    private static JsonSerializerOptions JsonOptions(IServiceProvider services) =>
        new(services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions) { WriteIndented = true };

    // The database's own checkpoint rows could have been deleted along with a rewrite; an exported copy cannot.
    private static async Task<int> CheckAgainstFileAsync(AdminCommands commands, AuditVerifier verifier, FileInfo file, CancellationToken ct)
    {
        CheckpointExport? document;
        try
        {
            await using var stream = file.OpenRead();
            document = await JsonSerializer.DeserializeAsync<CheckpointExport>(stream, ReadExport, ct);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            await commands.Error.WriteLineAsync($"error: --checkpoints: {e.Message}");
            return 2;
        }

        if (document is null || string.IsNullOrWhiteSpace(document.PublicKey))
        {
            await commands.Error.WriteLineAsync("error: --checkpoints: not an exported checkpoint file.");
            return 2;
        }

        using var key = ECDsa.Create();
        key.ImportFromPem(document.PublicKey);
        var keyId = AuditSigningKey.IdOf(key);
        var result = await verifier.VerifyAsync(full: true, document.Checkpoints.Select(c => c.ToCheckpoint()).ToList(),
            c => string.Equals(c.KeyId, keyId, StringComparison.Ordinal) && AuditSigningKey.IsValid(c, key), ct);
        if (result.Intact)
        {
            return 0;
        }

        await commands.Output.WriteLineAsync($"audit chain BROKEN at entry {result.FirstBrokenSequence} (against {file.Name}): {result.Problem}");
        return 4;
    }
}
