using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Intelligence.Read;
using Rampart.Server.Organisations;
using Rampart.Server.Taxii;

// TAXII GET objects over N stored objects (issue 10, "Speed"): seeds N indicators with one version each (the JSON a
// TAXII client receives; 50 organisations, 70 % GREEN network-wide, 30 % AMBER own organisation only; one second of
// date_added apart) with set-based SQL, then walks a network collection without filters page by page, exactly as
// GET …/collections/{id}/objects/?limit=1000&next=… does (settled horizon, IntelQueries.TaxiiVersionsAsync with the
// access decision, the envelope serialised), without HTTP. Prints p50 / p90 per page and the full traversal.
//   dotnet run -c Release --project bench/Rampart.TaxiiBench -- sqlite /tmp/taxii.db [objects=1000000] [limit=1000]
//   dotnet run -c Release --project bench/Rampart.TaxiiBench -- postgres "Host=…;Database=…" [objects] [limit]
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: Rampart.TaxiiBench sqlite <file> | postgres <connection string> [objects=1000000] [limit=1000]");
    return 2;
}

var isSqlite = args[0] == "sqlite";
var count = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1_000_000;
var limit = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 1000;
RampartDb NewDb() => isSqlite
    ? new SqliteRampartDb(new DbContextOptionsBuilder<SqliteRampartDb>().UseSqlite($"Data Source={args[1]}").Options)
    : new PostgresRampartDb(new DbContextOptionsBuilder<PostgresRampartDb>().UseNpgsql(PostgresRampartDb.SessionConnectionString(args[1])).Options);

const int Organisations = 50;
var orgIds = Enumerable.Range(0, Organisations).Select(i => new Guid($"0b000000-0000-4000-8000-{i:x12}")).ToArray();

await using (var db = NewDb())
{
    await db.Database.MigrateAsync();
    if (await db.IntelObjectVersions.CountAsync() != count)
    {
        await SeedAsync(db);
    }
}

// An analyst of one team: reads the 70 % shared network-wide and its own team's 2 % (about 720,000 of 1,000,000).
var analyst = new Caller(new Guid("0a000000-0000-4000-8000-00000000001d"), orgIds[7], Role.Analyst, new HashSet<Guid>());
var options = Options.Create(new Rampart.Server.Intelligence.Store.IntelOptions());
var taxii = new TaxiiOptions();
Console.WriteLine($"provider {args[0]}, {count:N0} objects, {limit} per page, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");

for (var run = 0; run < 2; run++)
{
    var pages = new List<double>();
    var objects = 0L;
    var bytes = 0L;
    TaxiiPosition? after = null;
    var total = Stopwatch.StartNew();
    while (true)
    {
        var watch = Stopwatch.StartNew();
        await using var db = NewDb();
        var queries = new IntelQueries(db, new AccessPolicy(db), options, TimeProvider.System);
        var settled = await queries.TaxiiSettledBeforeAsync(taxii.ClockAllowance, default);
        var (rows, more) = await queries.TaxiiVersionsAsync(analyst, TaxiiObjectFilter.None, new TaxiiMatch(), after, settled, limit, withJson: true, default);
        using var sink = new CountingStream();
        await JsonSerializer.SerializeAsync(sink, new TaxiiEnvelope(more, more ? "next" : null, [.. rows.Select(r => new StixText(r.Json!))]), TaxiiHttp.Json);
        watch.Stop();
        pages.Add(watch.Elapsed.TotalMilliseconds);
        objects += rows.Count;
        bytes += sink.Length;
        if (!more)
        {
            break;
        }

        after = rows[^1].Position;
    }

    total.Stop();
    pages.Sort();
    Console.WriteLine($"  run {run}: {objects:N0} objects in {pages.Count:N0} pages, {bytes / 1048576.0:F0} MiB of envelopes; traversal {total.Elapsed.TotalSeconds:F1} s; "
        + $"per page p50 {pages[pages.Count / 2]:F1} ms, p90 {pages[(int)(pages.Count * 0.9)]:F1} ms, max {pages[^1]:F0} ms");
}

return 0;

async Task SeedAsync(RampartDb db)
{
    var watch = Stopwatch.StartNew();
    db.Database.SetCommandTimeout(TimeSpan.FromHours(1)); // one statement inserts a million rows
    await using var transaction = await db.Database.BeginTransactionAsync();
    foreach (var table in new[] { "IntelObjectVersions", "ObservableLinks", "Observables", "IntelObjects", "AccessGrants", "SharedRecords" })
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
        ? $"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count}) SELECT i FROM n"
        : $"SELECT generate_series(1::bigint, {count}) AS i";
    var epoch = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).Ticks / 1000;
    // DateTimeOffsetToBinaryConverter on SQLite (ticks / 1000, shifted past the offset bits); timestamptz on PostgreSQL.
    var at = isSqlite ? $"(({epoch} + r.\"Id\" * 10000) * 2048)" : "timestamptz '2026-01-01' + r.\"Id\" * interval '1 second'";
    await db.Database.ExecuteSqlRawAsync(
        "INSERT INTO \"SharedRecords\" (\"Id\", \"RecordType\", \"OwnerOrganisationId\", \"CreatorOrganisationId\", \"Tlp\", \"Published\", \"CreatedAt\") "
        + $"SELECT s.i, 2, bo.id, bo.id, CASE WHEN s.i % 10 < 7 THEN 1 ELSE 2 END, {(isSqlite ? "0" : "false")}, {(isSqlite ? $"(({epoch} + s.i * 10000) * 2048)" : "timestamptz '2026-01-01' + s.i * interval '1 second'")} "
        + $"FROM ({series}) s JOIN bo ON bo.idx = s.i % {Organisations}");
    var grant = "INSERT INTO \"AccessGrants\" (\"GranteeId\", \"RecordType\", \"RecordId\", \"Kind\", \"SubjectId\", \"SubjectOrganisationId\") ";
    await db.Database.ExecuteSqlRawAsync(grant + "SELECT r.\"OwnerOrganisationId\", 2, r.\"Id\", 0, r.\"OwnerOrganisationId\", NULL FROM \"SharedRecords\" r");
    await db.Database.ExecuteSqlRawAsync(grant + $"SELECT {G(AccessTokens.Network)}, 2, r.\"Id\", 4, NULL, NULL FROM \"SharedRecords\" r WHERE r.\"Id\" % 10 < 7");
    var ip = "'10.' || ((r.\"Id\" >> 16) & 255) || '.' || ((r.\"Id\" >> 8) & 255) || '.' || (r.\"Id\" & 255)";
    var stixId = isSqlite
        ? "printf('indicator--00000000-0000-4000-8000-%012X', r.\"Id\")"
        : "'indicator--00000000-0000-4000-8000-' || lpad(to_hex(r.\"Id\"), 12, '0')";
    var no = isSqlite ? "0" : "false";
    await db.Database.ExecuteSqlRawAsync(
        "INSERT INTO \"IntelObjects\" (\"RecordId\", \"OwnerOrganisationId\", \"StixId\", \"StixType\", \"Created\", \"Modified\", \"Name\", \"Revoked\", \"AddedAt\", \"UpdatedAt\", \"WarningListed\", \"SightingCount\") "
        + $"SELECT r.\"Id\", r.\"OwnerOrganisationId\", {stixId}, 'indicator', {at}, {at}, '[ipv4-addr:value = ''' || {ip} || ''']', {no}, {at}, {at}, {no}, 0 FROM \"SharedRecords\" r");
    // One version per object: a typical indicator as stored (≈ 450 bytes), marked with its record's TLP.
    var marking = "CASE WHEN r.\"Tlp\" = 1 THEN 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb' ELSE 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421' END";
    var json = "'{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"' || o.\"StixId\" || '\",\"created\":\"2026-01-01T00:00:00.000Z\",\"modified\":\"2026-01-01T00:00:00.000Z\","
        + "\"name\":\"Bench C2 address\",\"description\":\"Command and control address seen in the bench campaign.\",\"pattern\":\"' || o.\"Name\" || '\",\"pattern_type\":\"stix\","
        + "\"valid_from\":\"2026-01-01T00:00:00.000Z\",\"labels\":[\"c2\"],\"created_by_ref\":\"identity--00000000-0000-4000-8000-000000000001\",\"object_marking_refs\":[\"' || " + marking + " || '\"]}'";
    json = json.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal); // raw SQL treats braces as placeholders
    await db.Database.ExecuteSqlRawAsync(
        "INSERT INTO \"IntelObjectVersions\" (\"RecordId\", \"Modified\", \"DateAdded\", \"Json\") "
        + $"SELECT o.\"RecordId\", o.\"Modified\", o.\"AddedAt\", {json} FROM \"IntelObjects\" o JOIN \"SharedRecords\" r ON r.\"Id\" = o.\"RecordId\"");
    if (!isSqlite)
    {
        await db.Database.ExecuteSqlRawAsync("SELECT setval(pg_get_serial_sequence('\"SharedRecords\"', 'Id'), (SELECT max(\"Id\") FROM \"SharedRecords\"))");
    }

    await transaction.CommitAsync();
    await db.Database.ExecuteSqlRawAsync(isSqlite ? "ANALYZE" : "VACUUM ANALYZE");
    Console.WriteLine($"seeded {count:N0} objects in {watch.Elapsed.TotalSeconds:F0} s");
}

/// <summary>Counts what the envelope writer writes, keeping nothing.</summary>
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

    public override void Write(ReadOnlySpan<byte> buffer) => length += buffer.Length;

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        length += buffer.Length;
        return ValueTask.CompletedTask;
    }
}
