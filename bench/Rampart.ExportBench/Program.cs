using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Identity;
using Rampart.Server.Intelligence.Exports;
using Rampart.Server.Organisations;
using Rampart.Standards.Intelligence.Exports;
using Rampart.Standards.Markings;

// Export of N indicators as a plain list (issue 9, "Speed"): seeds N indicators, each pinning one IPv4 address,
// set-based (owned by one team: 70% GREEN to the network, 30% AMBER to the team itself), then runs the export
// the endpoint runs (IntelExports + the plain-list writer) into a counting sink, and prints time and memory.
//   dotnet run -c Release --project bench/Rampart.ExportBench -- sqlite /tmp/export.db [indicators]
//   dotnet run -c Release --project bench/Rampart.ExportBench -- postgres "Host=…;Database=…" [indicators]
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: Rampart.ExportBench sqlite <file> | postgres <connection string> [indicators=1000000]");
    return 2;
}

var isSqlite = args[0] == "sqlite";
var count = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1_000_000;
var runs = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 3;
RampartDb NewDb() => isSqlite
    ? new SqliteRampartDb(new DbContextOptionsBuilder<SqliteRampartDb>().UseSqlite($"Data Source={args[1]}").Options)
    : new PostgresRampartDb(new DbContextOptionsBuilder<PostgresRampartDb>().UseNpgsql(PostgresRampartDb.SessionConnectionString(args[1])).Options);

var org = new Guid("0b000000-0000-4000-8000-00000000e001");
var user = new Guid("0a000000-0000-4000-8000-00000000e001");
var now = TimeProvider.System.GetUtcNow();
await using (var db = NewDb())
{
    await db.Database.MigrateAsync();
    if (await db.Set<SharedRecord>().CountAsync() != count)
    {
        await SeedAsync(db);
    }
}

var caller = new Caller(user, org, Role.Analyst, new HashSet<Guid>(), ReadOnly: true, Credential: "apikey:bench");
for (var run = 0; run < runs; run++)
{
    GC.Collect();
    var baseline = GC.GetTotalMemory(true);
    var peak = 0L;
    using var sampler = new Timer(_ => peak = Math.Max(peak, GC.GetTotalMemory(false)), null, 0, 50);
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var watch = Stopwatch.StartNew();
    await using var db = NewDb();
    var access = new AccessPolicy(db);
    var exports = new IntelExports(db, access, new Rampart.Server.Intelligence.Read.IntelQueries(db, access,
        Microsoft.Extensions.Options.Options.Create(new Rampart.Server.Intelligence.Store.IntelOptions()), TimeProvider.System));
    var filter = new IntelExportFilter("indicator", null, null, null, null, false, false);
    var tlp = await exports.MostRestrictiveAsync(caller, filter, valuesOnly: true, default);
    var header = watch.Elapsed;
    var sink = new CountingStream();
    var (format, options) = IntelExportFormats.Writer(IntelExportFormat.Ips);
    await using var writer = IndicatorExportWriter.Create(format, sink, new ExportHeader(tlp, now), options);
    var summary = await writer.WriteAllAsync(exports.ValuesAsync(caller, IntelExportFormat.Ips, filter, now, default));
    watch.Stop();
    Console.WriteLine($"run {run + 1}: {summary.Written:N0} values, {sink.Length / 1048576.0:F1} MiB, stated {tlp.Label()} in {header.TotalSeconds:F2} s, "
        + $"total {watch.Elapsed.TotalSeconds:F2} s, process CPU {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:F2} s, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}; managed heap above baseline at peak {(peak - baseline) / 1048576.0:F0} MiB, process peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:F0} MiB");
}

return 0;

async Task SeedAsync(RampartDb db)
{
    var watch = Stopwatch.StartNew();
    await using var transaction = await db.Database.BeginTransactionAsync();
    foreach (var table in new[] { "IntelChanges", "ObservableLinks", "Observables", "IntelObjects", "AccessGrants", "SharedRecords" })
    {
        await db.Database.ExecuteSqlRawAsync($"DELETE FROM \"{table}\"");
    }

    if (!await db.Organisations.AnyAsync(o => o.Id == org))
    {
        db.Organisations.Add(new Organisation { Id = org, Name = "Export bench team", ShortName = "EXPB", Country = "AL" });
        await db.SaveChangesAsync();
    }

    string G(Guid g) => isSqlite ? $"'{g.ToString().ToUpperInvariant()}'" : $"'{g}'::uuid";
    var series = isSqlite
        ? $"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count}) SELECT i FROM n"
        : $"SELECT generate_series(1::bigint, {count}) AS i";
    // SQLite keeps DateTimeOffset as EF's binary form: (ticks / 1000) << 11 | offset minutes (0 here).
    var yesterday = now.AddDays(-1);
    var time = isSqlite ? $"{yesterday.UtcTicks / 1000 * 2048}" : $"timestamptz '{yesterday.UtcDateTime:yyyy-MM-dd HH:mm:ss}+00'";
    var amber = "(s.i % 10 >= 7)";
    await db.Database.ExecuteSqlRawAsync(
        "INSERT INTO \"SharedRecords\" (\"Id\", \"RecordType\", \"OwnerOrganisationId\", \"CreatorOrganisationId\", \"Tlp\", \"Published\", \"CreatedAt\") "
        + $"SELECT s.i, 2, {G(org)}, {G(org)}, CASE WHEN {amber} THEN 2 ELSE 1 END, {(isSqlite ? "0" : "false")}, {time} FROM ({series}) s");
    var grant = "INSERT INTO \"AccessGrants\" (\"GranteeId\", \"RecordType\", \"RecordId\", \"Kind\", \"SubjectId\", \"SubjectOrganisationId\") ";
    await db.Database.ExecuteSqlRawAsync(grant + $"SELECT {G(org)}, 2, r.\"Id\", 0, {G(org)}, NULL FROM \"SharedRecords\" r");
    await db.Database.ExecuteSqlRawAsync(grant + $"SELECT {G(AccessTokens.Network)}, 2, r.\"Id\", 4, NULL, NULL FROM \"SharedRecords\" r WHERE r.\"Tlp\" = 1");
    var value = isSqlite
        ? "'10.' || ((r.\"Id\" >> 16) & 255) || '.' || ((r.\"Id\" >> 8) & 255) || '.' || (r.\"Id\" & 255)"
        : "'10.' || ((r.\"Id\" >> 16) & 255)::text || '.' || ((r.\"Id\" >> 8) & 255)::text || '.' || (r.\"Id\" & 255)::text";
    var stixId = isSqlite
        ? "printf('indicator--00000000-0000-4000-8000-%012x', r.\"Id\")"
        : "'indicator--00000000-0000-4000-8000-' || lpad(to_hex(r.\"Id\"), 12, '0')";
    await db.Database.ExecuteSqlRawAsync(
        "INSERT INTO \"IntelObjects\" (\"RecordId\", \"OwnerOrganisationId\", \"StixId\", \"StixType\", \"Created\", \"Modified\", \"Name\", \"Revoked\", \"AddedAt\", \"UpdatedAt\", \"WarningListed\") "
        + $"SELECT r.\"Id\", {G(org)}, {stixId}, 'indicator', {time}, {time}, '[ipv4-addr:value = ''' || {value} || ''']', {(isSqlite ? "0" : "false")}, {time}, {time}, {(isSqlite ? "0" : "false")} FROM \"SharedRecords\" r");
    await db.Database.ExecuteSqlRawAsync(
        "INSERT INTO \"Observables\" (\"Id\", \"Kind\", \"Value\", \"ObjectCount\") "
        + $"SELECT r.\"Id\", 1, {value}, 1 FROM \"SharedRecords\" r");
    await db.Database.ExecuteSqlRawAsync("INSERT INTO \"ObservableLinks\" (\"ObservableId\", \"RecordId\") SELECT r.\"Id\", r.\"Id\" FROM \"SharedRecords\" r");
    await db.Database.ExecuteSqlRawAsync($"INSERT INTO \"IntelChanges\" (\"RecordId\", \"Kind\", \"At\") SELECT r.\"Id\", 1, {time} FROM \"SharedRecords\" r");
    if (!isSqlite)
    {
        await db.Database.ExecuteSqlRawAsync("SELECT setval(pg_get_serial_sequence('\"SharedRecords\"', 'Id'), (SELECT max(\"Id\") FROM \"SharedRecords\"))");
        await db.Database.ExecuteSqlRawAsync("SELECT setval(pg_get_serial_sequence('\"Observables\"', 'Id'), (SELECT max(\"Id\") FROM \"Observables\"))");
    }

    await transaction.CommitAsync();
    await db.Database.ExecuteSqlRawAsync(isSqlite ? "ANALYZE" : "VACUUM ANALYZE");
    Console.WriteLine($"seeded {count:N0} indicators in {watch.Elapsed.TotalSeconds:F0} s");
}

/// <summary>A sink that counts what the export writes (the network is not what is measured).</summary>
internal sealed class CountingStream : Stream
{
    private long length;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => length;

    public override long Position { get => length; set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => length += count;

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        length += buffer.Length;
        return ValueTask.CompletedTask;
    }
}
