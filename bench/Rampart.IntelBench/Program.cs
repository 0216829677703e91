using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Identity;
using Rampart.Server.Intelligence.Read;
using Rampart.Server.Organisations;

// Bulk and single-value lookup against N indicators: seeds N indicator objects (one IPv4 value each, 50
// organisations, 70 % shared network-wide, 30 % own organisation only) with set-based SQL, then times
// IntelQueries.LookupAsync — exactly what POST /api/intel/lookup runs, without HTTP.
//   dotnet run -c Release --project bench/Rampart.IntelBench -- sqlite /tmp/intel.db [indicators] [values]
//   dotnet run -c Release --project bench/Rampart.IntelBench -- postgres "Host=…;Database=…" [indicators] [values]
// A fifth argument picks what runs: "lookup" (the timings), "plans" (EXPLAIN of every search shape, the lookup and
// the sizes of the observable index and the links), or "all" (default).
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: Rampart.IntelBench sqlite <file> | postgres <connection string> [indicators=1000000] [values=100000]");
    return 2;
}

var isSqlite = args[0] == "sqlite";
var indicators = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1_000_000;
var lookupSize = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 100_000;
var mode = args.Length > 4 ? args[4] : "all";
RampartDb NewDb() => isSqlite
    ? new SqliteRampartDb(new DbContextOptionsBuilder<SqliteRampartDb>().UseSqlite($"Data Source={args[1]}").Options)
    : new PostgresRampartDb(new DbContextOptionsBuilder<PostgresRampartDb>().UseNpgsql(PostgresRampartDb.SessionConnectionString(args[1])).Options);

const int Organisations = 50;
var orgIds = Enumerable.Range(0, Organisations).Select(i => new Guid($"0b000000-0000-4000-8000-{i:x12}")).ToArray();

await using (var db = NewDb())
{
    await db.Database.MigrateAsync();
    if (await db.IntelObjects.CountAsync() != indicators)
    {
        await SeedAsync(db);
    }

    await EnsureRangesAsync(db);
}

string Ip(int i) => $"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}";
var analyst = new Caller(new Guid("0a000000-0000-4000-8000-00000000001d"), orgIds[7], Role.Analyst, new HashSet<Guid>());
var random = new Random(42);
// Half the values are in the store, half are not (11.x.y.z is never seeded).
var values = Enumerable.Range(0, lookupSize).Select(n => n % 2 == 0 ? Ip(1 + random.Next(indicators)) : $"11.{random.Next(256)}.{random.Next(256)}.{random.Next(256)}").ToList();
var options = Options.Create(new Rampart.Server.Intelligence.Store.IntelOptions());
Console.WriteLine($"provider {args[0]}, {indicators:N0} indicators, lookup of {lookupSize:N0} values (half known), load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
if (mode is "plans" or "all")
{
    await PlansAsync();
}

if (mode == "plans")
{
    return 0;
}

for (var run = 0; run < 4; run++)
{
    await using var db = NewDb();
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var watch = Stopwatch.StartNew();
    var known = await new IntelQueries(db, new AccessPolicy(db), options, TimeProvider.System).LookupAsync(analyst, values, default);
    watch.Stop();
    // Process CPU (all threads): on a loaded machine the wall time measures the queue for a core, this the work.
    Console.WriteLine($"  bulk run {run}: {watch.Elapsed.TotalMilliseconds:F0} ms, process CPU {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds:F0} ms, {known.Count:N0} readable matches, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
}

var samples = new List<double>();
var singleCpu = TimeSpan.Zero;
for (var i = 0; i < 220; i++)
{
    await using var db = NewDb();
    var one = new[] { Ip(1 + random.Next(indicators)) };
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var watch = Stopwatch.StartNew();
    _ = await new IntelQueries(db, new AccessPolicy(db), options, TimeProvider.System).LookupAsync(analyst, one, default);
    watch.Stop();
    if (i >= 20)
    {
        samples.Add(watch.Elapsed.TotalMilliseconds);
        singleCpu += Process.GetCurrentProcess().TotalProcessorTime - cpu;
    }
}

samples.Sort();
Console.WriteLine($"  single value: p50 {samples[samples.Count / 2]:F2} ms, p90 {samples[(int)(samples.Count * 0.9)]:F2} ms over {samples.Count} runs, mean process CPU {singleCpu.TotalMilliseconds / samples.Count:F2} ms, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
return 0;

// EXPLAIN of every search shape of GET /api/intel/objects (the statement SearchAsync runs, with its real parameters),
// the lookup statements, the search's wall time (median of 5) and the storage of the index and the links.
async Task PlansAsync()
{
    var day = new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);
    var shapes = new (string Name, IntelSearch Search)[]
    {
        ("exact value", new IntelSearch(Value: "10.0.1.2")),
        ("CIDR containment", new IntelSearch(Value: "10.0.1.0/24", Match: ValueMatch.Network)),
        ("domain with subdomains", new IntelSearch(Value: "example.com", Match: ValueMatch.Domain)),
        ("prefix", new IntelSearch(Value: "10.0.1.", Match: ValueMatch.Prefix)),
        ("type", new IntelSearch(Type: "indicator")),
        ("rare type", new IntelSearch(Type: "malware")),
        ("label", new IntelSearch(Label: "phishing")),
        ("TLP AMBER", new IntelSearch(Tlp: Rampart.Standards.Markings.Tlp.Amber)),
        ("TLP RED (none)", new IntelSearch(Tlp: Rampart.Standards.Markings.Tlp.Red)),
        ("owner", new IntelSearch(Owner: orgIds[7])),
        ("created range (one day)", new IntelSearch(CreatedFrom: day, CreatedTo: day.AddDays(1))),
        ("modified range (one day)", new IntelSearch(ModifiedFrom: day, ModifiedTo: day.AddDays(1))),
        ("added range (one day)", new IntelSearch(AddedFrom: day, AddedTo: day.AddDays(1))),
        ("text", new IntelSearch(Terms: ["emotet"])),
        ("not decayed", new IntelSearch(ExcludeDecayed: true)),
        ("sort added (no filter)", new IntelSearch()),
        ("sort modified (no filter)", new IntelSearch(Sort: IntelSort.Modified)),
        ("sort modified, page in the middle", new IntelSearch(Sort: IntelSort.Modified)),
    };
    foreach (var (name, search) in shapes)
    {
        await using var db = NewDb();
        var queries = new IntelQueries(db, new AccessPolicy(db), options, TimeProvider.System);
        var after = name.Contains("middle", StringComparison.Ordinal) ? new SearchPosition(indicators / 2, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(indicators / 2)) : null;
        var times = new List<double>();
        var found = 0;
        for (var i = 0; i < 5; i++)
        {
            var watch = Stopwatch.StartNew();
            found = (await queries.SearchAsync(analyst, search, after, 50, default)).Objects.Count;
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        await ExplainAsync(db, $"search: {name} — {found} rows, median {times[2]:F1} ms", queries.SearchQuery(analyst, search, after, 50).CreateDbCommand());
    }

    {
        await using var db = NewDb();
        var queries = new IntelQueries(db, new AccessPolicy(db), options, TimeProvider.System);
        await ExplainAsync(db, "lookup, one value", queries.LookupQuery(analyst, Rampart.Server.Intelligence.Store.ObservableKind.Ipv4, [Ip(12345)], false, TimeProvider.System.GetUtcNow()).CreateDbCommand());
        await ExplainAsync(db, "lookup, 5,000 values", queries.LookupQuery(analyst, Rampart.Server.Intelligence.Store.ObservableKind.Ipv4, [.. Enumerable.Range(1, 5000).Select(i => Ip(i * 97))], false, TimeProvider.System.GetUtcNow()).CreateDbCommand());
        if (isSqlite)
        {
            // The bundled SQLite has no dbstat table; the sqlite3 shell has it (bench/README.md).
            Console.WriteLine("storage: sqlite3 <file> \"SELECT m.tbl_name, SUM(d.pgsize) FROM dbstat d JOIN sqlite_master m ON m.name = d.name WHERE m.tbl_name IN ('Observables', 'ObservableLinks') GROUP BY m.tbl_name\"");
            return;
        }

        var connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 'Observables', pg_total_relation_size('\"Observables\"') UNION ALL SELECT 'ObservableLinks', pg_total_relation_size('\"ObservableLinks\"')";
        await using var reader = await command.ExecuteReaderAsync();
        var bytes = new Dictionary<string, long>();
        while (await reader.ReadAsync())
        {
            bytes[reader.GetString(0)] = reader.GetInt64(1);
        }

        Console.WriteLine($"storage: Observables + indexes {bytes["Observables"] / 1048576.0:F1} MiB, ObservableLinks + indexes {bytes["ObservableLinks"] / 1048576.0:F1} MiB, ratio {(double)bytes["ObservableLinks"] / bytes["Observables"]:F2}");
    }
}

async Task ExplainAsync(RampartDb db, string title, DbCommand command)
{
    if (command.Connection!.State != System.Data.ConnectionState.Open)
    {
        await command.Connection.OpenAsync();
    }

    Console.WriteLine($"-- {title}");
    command.CommandText = (isSqlite ? "EXPLAIN QUERY PLAN " : "EXPLAIN (ANALYZE, COSTS OFF, BUFFERS) ") + command.CommandText;
    await using var reader = await command.ExecuteReaderAsync();
    while (await reader.ReadAsync())
    {
        Console.WriteLine("   " + (isSqlite ? reader.GetString(3) : reader.GetString(0)));
    }

    Console.WriteLine();
}

// The store fills RangeStart/RangeEnd for every address (16 bytes, IPv4 mapped into ::ffff:0:0/96); seeds of earlier
// versions of this tool left them empty, which made the observable index look smaller than it is.
async Task EnsureRangesAsync(RampartDb db)
{
    var range = isSqlite
        ? "unhex('00000000000000000000FFFF' || printf('%08X', 167772160 + (\"Id\" & 16777215)))"
        : "decode('00000000000000000000ffff' || lpad(to_hex(167772160 + (\"Id\" & 16777215)), 8, '0'), 'hex')";
    var changed = await db.Database.ExecuteSqlRawAsync($"UPDATE \"Observables\" SET \"RangeStart\" = {range}, \"RangeEnd\" = {range} WHERE \"Kind\" = 1 AND \"RangeStart\" IS NULL");
    if (changed > 0)
    {
        await db.Database.ExecuteSqlRawAsync(isSqlite ? "ANALYZE" : "VACUUM ANALYZE");
        Console.WriteLine($"address ranges filled in for {changed:N0} observables");
    }
}

async Task SeedAsync(RampartDb db)
{
    var watch = Stopwatch.StartNew();
    await using var transaction = await db.Database.BeginTransactionAsync();
    foreach (var table in new[] { "ObservableLinks", "Observables", "IntelObjects", "AccessGrants", "SharedRecords" })
    {
        await db.Database.ExecuteSqlRawAsync($"DELETE FROM \"{table}\"");
    }

    await db.Database.ExecuteSqlRawAsync("DELETE FROM \"Organisations\" WHERE \"ShortName\" LIKE 'B%'");
    for (var i = 0; i < Organisations; i++)
    {
        db.Organisations.Add(new Organisation { Id = orgIds[i], Name = $"Bench team {i}", ShortName = $"B{i:00}", Country = "AL" });
    }

    await db.SaveChangesAsync();
    string G(Guid g) => isSqlite ? $"'{g.ToString().ToUpperInvariant()}'" : $"'{g}'::uuid";
    await db.Database.ExecuteSqlRawAsync($"CREATE TEMP TABLE bo (idx INTEGER PRIMARY KEY, id {(isSqlite ? "TEXT" : "uuid")})");
    await db.Database.ExecuteSqlRawAsync("INSERT INTO bo VALUES " + string.Join(',', orgIds.Select((g, i) => $"({i},{G(g)})")));
    var series = isSqlite
        ? $"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {indicators}) SELECT i FROM n"
        : $"SELECT generate_series(1::bigint, {indicators}) AS i";
    var epoch = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).Ticks / 1000;
    var at = isSqlite ? $"(({epoch} + r.\"Id\" * 10000) * 2048)" : "timestamptz '2026-01-01' + r.\"Id\" * interval '1 second'";
    // 70 % GREEN network-wide, 30 % AMBER own organisation only.
    await db.Database.ExecuteSqlRawAsync(
        "INSERT INTO \"SharedRecords\" (\"Id\", \"RecordType\", \"OwnerOrganisationId\", \"CreatorOrganisationId\", \"Tlp\", \"Published\", \"CreatedAt\") "
        + $"SELECT s.i, 2, bo.id, bo.id, CASE WHEN s.i % 10 < 7 THEN 1 ELSE 2 END, {(isSqlite ? "0" : "false")}, {(isSqlite ? $"(({epoch} + s.i * 10000) * 2048)" : "timestamptz '2026-01-01' + s.i * interval '1 second'")} "
        + $"FROM ({series}) s JOIN bo ON bo.idx = s.i % {Organisations}");
    var grant = "INSERT INTO \"AccessGrants\" (\"GranteeId\", \"RecordType\", \"RecordId\", \"Kind\", \"SubjectId\", \"SubjectOrganisationId\") ";
    await db.Database.ExecuteSqlRawAsync(grant + "SELECT r.\"OwnerOrganisationId\", 2, r.\"Id\", 0, r.\"OwnerOrganisationId\", NULL FROM \"SharedRecords\" r");
    await db.Database.ExecuteSqlRawAsync(grant + $"SELECT {G(AccessTokens.Network)}, 2, r.\"Id\", 4, NULL, NULL FROM \"SharedRecords\" r WHERE r.\"Id\" % 10 < 7");
    var ip = isSqlite
        ? "'10.' || ((r.\"Id\" >> 16) & 255) || '.' || ((r.\"Id\" >> 8) & 255) || '.' || (r.\"Id\" & 255)"
        : "'10.' || ((r.\"Id\" >> 16) & 255) || '.' || ((r.\"Id\" >> 8) & 255) || '.' || (r.\"Id\" & 255)";
    var stixId = isSqlite
        ? "printf('indicator--00000000-0000-4000-8000-%012X', r.\"Id\")"
        : "'indicator--00000000-0000-4000-8000-' || lpad(to_hex(r.\"Id\"), 12, '0')";
    var no = isSqlite ? "0" : "false";
    await db.Database.ExecuteSqlRawAsync(
        "INSERT INTO \"IntelObjects\" (\"RecordId\", \"OwnerOrganisationId\", \"StixId\", \"StixType\", \"Created\", \"Modified\", \"Name\", \"Revoked\", \"AddedAt\", \"UpdatedAt\", \"WarningListed\") "
        + $"SELECT r.\"Id\", r.\"OwnerOrganisationId\", {stixId}, 'indicator', {at}, {at}, '[ipv4-addr:value = ''' || {ip} || ''']', {no}, {at}, {at}, {no} FROM \"SharedRecords\" r");
    await db.Database.ExecuteSqlRawAsync(
        $"INSERT INTO \"Observables\" (\"Id\", \"Kind\", \"Value\", \"ObjectCount\") SELECT r.\"Id\", 1, {ip}, 1 FROM \"SharedRecords\" r");
    await db.Database.ExecuteSqlRawAsync("INSERT INTO \"ObservableLinks\" (\"ObservableId\", \"RecordId\") SELECT r.\"Id\", r.\"Id\" FROM \"SharedRecords\" r");
    if (!isSqlite)
    {
        await db.Database.ExecuteSqlRawAsync("SELECT setval(pg_get_serial_sequence('\"SharedRecords\"', 'Id'), (SELECT max(\"Id\") FROM \"SharedRecords\"))");
        await db.Database.ExecuteSqlRawAsync("SELECT setval(pg_get_serial_sequence('\"Observables\"', 'Id'), (SELECT max(\"Id\") FROM \"Observables\"))");
    }

    await transaction.CommitAsync();
    await db.Database.ExecuteSqlRawAsync(isSqlite ? "ANALYZE" : "VACUUM ANALYZE");
    Console.WriteLine($"seeded {indicators:N0} indicators in {watch.Elapsed.TotalSeconds:F0} s");
}
