using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Identity;
using Rampart.Server.Notes;
using Rampart.Server.Organisations;
using Rampart.Standards.Markings;

// The access decision at scale: seeds N notes over 50 organisations, 10 communities and every kind of
// audience with set-based SQL, then times list pages through NoteQueries (the path the API takes) and
// prints the query plans of the statements it runs.
//   dotnet run -c Release --project bench/Rampart.AccessBench -- sqlite /tmp/access.db [notes]
//   dotnet run -c Release --project bench/Rampart.AccessBench -- postgres "Host=…;Database=…" [notes]
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: Rampart.AccessBench sqlite <file> | postgres <connection string> [notes=1000000]");
    return 2;
}

var provider = args[0];
var notes = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1_000_000;
var isSqlite = provider == "sqlite";
RampartDb NewDb() => isSqlite
    ? new SqliteRampartDb(new DbContextOptionsBuilder<SqliteRampartDb>().UseSqlite($"Data Source={args[1]}").Options)
    : new PostgresRampartDb(new DbContextOptionsBuilder<PostgresRampartDb>().UseNpgsql(PostgresRampartDb.SessionConnectionString(args[1])).Options);

const int Organisations = 50;
const int Communities = 10;
const int PeoplePerOrganisation = 4;

var orgIds = Enumerable.Range(0, Organisations).Select(i => new Guid($"0b000000-0000-4000-8000-{i:x12}")).ToArray();
var communityIds = Enumerable.Range(0, Communities).Select(i => new Guid($"0c000000-0000-4000-8000-{i:x12}")).ToArray();
Guid UserId(int org, int n) => new($"0a000000-0000-4000-8000-{org * PeoplePerOrganisation + n:x12}");
// Each organisation belongs to two communities: org i to i % 10 and (i / 5 + 3) % 10.
int[] CommunitiesOf(int org) => [.. new[] { org % Communities, (org / 5 + 3) % Communities }.Distinct()];

await using (var db = NewDb())
{
    await db.Database.MigrateAsync();
    var existing = await db.Set<SharedRecord>().CountAsync();
    if (existing != notes)
    {
        await SeedAsync(db);
    }
}

var analystOrg = 7;
var analyst = new Caller(UserId(analystOrg, 1), orgIds[analystOrg], Role.Analyst, CommunitiesOf(analystOrg).Select(c => communityIds[c]).ToHashSet());
var loner = new Caller(UserId(analystOrg, 2), orgIds[analystOrg], Role.Analyst, new HashSet<Guid>());
var anonymous = Caller.Anonymous();

Console.WriteLine($"provider {provider}, {notes:N0} notes, {Organisations} organisations, {Communities} communities");
await using (var db = NewDb())
{
    Console.WriteLine($"  readable by the typical analyst: {await new AccessPolicy(db).Readable(db.Notes, analyst).CountAsync():N0} (counted once, not per page)");
}

if (Environment.GetEnvironmentVariable("PLANS_ONLY") == "1")
{
    await PlansAsync();
    return 0;
}

await TimeAsync("typical analyst (own org, 2 communities, network), first page of 100", analyst, null, null);
await TimeAsync("typical analyst, first page, the access decision alone (ids of 101 readable notes)", analyst, null, null, idsOnly: true);
await TimeAsync("typical analyst, a page in the middle (cursor at half the store)", analyst, notes / 2, null);
await TimeAsync("analyst of an organisation in no community, first page", loner, null, null);
await TimeAsync("anonymous (published CLEAR only, 5%), first page", anonymous, null, null);
await TimeAsync("typical analyst, by id (one note)", analyst, null, null, byId: true);
await PlansAsync();
return 0;

async Task TimeAsync(string what, Caller caller, long? before, string? search, bool byId = false, bool idsOnly = false)
{
    var samples = new List<double>();
    var cpu = new List<double>();
    using var process = Process.GetCurrentProcess();
    var publicId = new Guid($"00000000-0000-7000-8000-{notes - Organisations + analystOrg:x12}");
    for (var i = 0; i < 220; i++)
    {
        await using var db = NewDb();
        var queries = new NoteQueries(db, new AccessPolicy(db), new SharingStore(db, new Rampart.Server.Identity.PeopleDirectory(db)));
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var count = idsOnly ? (await new AccessPolicy(db).ReadableIdsAsync(caller, RecordType.Note, before, 101, default)).Count
            : byId
            ? (await queries.FindAsync(caller, publicId, default) is null ? 0 : 1)
            : (await queries.ListAsync(caller, search, before, 100, default)).Notes.Count;
        watch.Stop();
        process.Refresh();
        if (i >= 20)
        {
            samples.Add(watch.Elapsed.TotalMilliseconds);
            cpu.Add((process.TotalProcessorTime - cpuBefore).TotalMilliseconds);
        }

        if (i == 0)
        {
            Console.WriteLine($"  {what}: {count} notes");
        }
    }

    samples.Sort();
    double P(double q) => samples[(int)Math.Min(samples.Count - 1, Math.Round(q * (samples.Count - 1)))];
    cpu.Sort();
    Console.WriteLine($"    wall p50 {P(0.5):F2} ms, p90 {P(0.9):F2} ms, p99 {P(0.99):F2} ms, max {samples[^1]:F2} ms over {samples.Count} runs; "
        + $"this process's CPU per page p50 {cpu[cpu.Count / 2]:F2} ms (load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]})");
}

async Task PlansAsync()
{
    await using var db = NewDb();
    var access = new AccessPolicy(db);
    var tokens = AccessTokens.Of(analyst);
    Console.WriteLine();
    Console.WriteLine("Query plans (typical analyst, first page):");
    var shown = new HashSet<string>();
    foreach (var token in tokens)
    {
        var kind = token.Ceiling.RequiresPublished ? "public" : token.Ceiling.MaxTlp switch
        {
            Tlp.Red => "organisation or person", Tlp.Amber => "community", _ => "network",
        };
        if (!shown.Add(kind))
        {
            continue;
        }

        await ExplainAsync(db, $"token range, {kind}", access.TokenRange(token, RecordType.Note, long.MaxValue, long.MinValue, 101).ToQueryString());
    }

    var id = new Guid($"00000000-0000-7000-8000-{notes - Organisations + analystOrg:x12}");
    await ExplainAsync(db, "by id (semi-join on the grants)", access.Readable(db.Notes.Include(n => n.Record), analyst).Where(n => n.Id == id).Take(1).ToQueryString());
}

async Task ExplainAsync(RampartDb db, string title, string sql)
{
    // ToQueryString declares parameters above the statement; put their values in for EXPLAIN.
    var values = new Dictionary<string, string>();
    var body = new StringBuilder();
    foreach (var line in sql.Split('\n'))
    {
        var sqliteParam = Regex.Match(line, @"^\.param set (@\w+) (.+)$");
        var pgParam = Regex.Match(line, @"^-- (@\w+)='(.*)'( \(.*\))?$");
        if (sqliteParam.Success)
        {
            values[sqliteParam.Groups[1].Value] = sqliteParam.Groups[2].Value.Trim();
        }
        else if (pgParam.Success)
        {
            var value = pgParam.Groups[2].Value;
            values[pgParam.Groups[1].Value] = long.TryParse(value, out _) || value is "True" or "False" ? value.ToLowerInvariant() : $"'{value}'";
        }
        else if (line.Trim().Length > 0)
        {
            body.AppendLine(line);
        }
    }

    var statement = body.ToString();
    foreach (var (name, value) in values.OrderByDescending(v => v.Key.Length))
    {
        statement = Regex.Replace(statement, Regex.Escape(name) + @"\b", value);
    }

    Console.WriteLine($"-- {title}");
    Console.WriteLine(statement.TrimEnd());
    var connection = db.Database.GetDbConnection();
    if (connection.State != System.Data.ConnectionState.Open)
    {
        await connection.OpenAsync();
    }

    await using var command = connection.CreateCommand();
    command.CommandText = (isSqlite ? "EXPLAIN QUERY PLAN " : "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ") + statement;
    try
    {
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            Console.WriteLine("   " + (isSqlite ? reader.GetString(3) : reader.GetString(0)));
        }
    }
    catch (DbException e)
    {
        // The parameter substitution above is textual; array parameters (PostgreSQL) do not survive it.
        Console.WriteLine($"   (no plan: {e.Message})");
    }

    Console.WriteLine();
}

async Task SeedAsync(RampartDb db)
{
    var watch = Stopwatch.StartNew();
    await using var transaction = await db.Database.BeginTransactionAsync();
    foreach (var table in new[] { "NoteTitleTerms", "AccessGrants", "Notes", "SharedRecords", "CommunityMembers", "Communities" })
    {
        await db.Database.ExecuteSqlRawAsync($"DELETE FROM \"{table}\"");
    }

    await db.Database.ExecuteSqlRawAsync("DELETE FROM \"Organisations\" WHERE \"ShortName\" LIKE 'B%'");
    for (var i = 0; i < Organisations; i++)
    {
        db.Organisations.Add(new Organisation { Id = orgIds[i], Name = $"Bench team {i}", ShortName = $"B{i:00}", Country = "AL" });
    }

    for (var c = 0; c < Communities; c++)
    {
        db.Communities.Add(new Community
        {
            Id = communityIds[c], Name = $"Bench community {c}", ModeratorOrganisationId = orgIds[c],
            Members = [.. Enumerable.Range(0, Organisations).Where(o => CommunitiesOf(o).Contains(c)).Select(o => new CommunityMember { CommunityId = communityIds[c], OrganisationId = orgIds[o] })],
        });
    }

    await db.SaveChangesAsync();

    // Lookup tables the set-based inserts join: organisations, communities and person tokens by number.
    string G(Guid g) => isSqlite ? $"'{g.ToString().ToUpperInvariant()}'" : $"'{g}'::uuid";
    var temp = isSqlite ? "TEMP " : "TEMP ";
    await db.Database.ExecuteSqlRawAsync($"CREATE {temp}TABLE bo (idx INTEGER PRIMARY KEY, id {(isSqlite ? "TEXT" : "uuid")})");
    await db.Database.ExecuteSqlRawAsync($"CREATE {temp}TABLE bc (idx INTEGER PRIMARY KEY, id {(isSqlite ? "TEXT" : "uuid")})");
    await db.Database.ExecuteSqlRawAsync($"CREATE {temp}TABLE bp (idx INTEGER PRIMARY KEY, org INTEGER, userid {(isSqlite ? "TEXT" : "uuid")}, token {(isSqlite ? "TEXT" : "uuid")})");
    await db.Database.ExecuteSqlRawAsync("INSERT INTO bo VALUES " + string.Join(',', orgIds.Select((g, i) => $"({i},{G(g)})")));
    await db.Database.ExecuteSqlRawAsync("INSERT INTO bc VALUES " + string.Join(',', communityIds.Select((g, i) => $"({i},{G(g)})")));
    await db.Database.ExecuteSqlRawAsync("INSERT INTO bp VALUES " + string.Join(',', Enumerable.Range(0, Organisations * PeoplePerOrganisation)
        .Select(p => $"({p},{p / PeoplePerOrganisation},{G(UserId(p / PeoplePerOrganisation, p % PeoplePerOrganisation))},{G(AccessTokens.Person(UserId(p / PeoplePerOrganisation, p % PeoplePerOrganisation), orgIds[p / PeoplePerOrganisation]))})")));

    // The mix, by c = (Id * 7919) % 100: 20% own organisation only (any TLP), 20% two recipient organisations
    // (AMBER or RED), 5% one named person (RED), 25% one community (GREEN or AMBER), 25% network (CLEAR or
    // GREEN), 5% CLEAR published to everyone.
    const string C = "((r.\"Id\" * 7919) % 100)";
    var series = isSqlite
        ? $"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {notes}) SELECT i FROM n"
        : $"SELECT generate_series(1::bigint, {notes}) AS i";
    var tlp = $"CASE WHEN {C.Replace("r.\"Id\"", "s.i")} < 20 THEN s.i % 5 WHEN {C.Replace("r.\"Id\"", "s.i")} < 40 THEN 2 + 2 * (s.i % 2) "
        + $"WHEN {C.Replace("r.\"Id\"", "s.i")} < 45 THEN 4 WHEN {C.Replace("r.\"Id\"", "s.i")} < 70 THEN 1 + s.i % 2 WHEN {C.Replace("r.\"Id\"", "s.i")} < 95 THEN s.i % 2 ELSE 0 END";
    var published = $"{C.Replace("r.\"Id\"", "s.i")} >= 95";
    // SQLite keeps DateTimeOffset as EF's binary form: (ticks / 1000) << 11 | offset minutes (0 here).
    var epoch = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).Ticks / 1000;
    var createdAt = isSqlite ? $"(({epoch} + s.i * 10000) * 2048)" : "timestamptz '2026-01-01' + s.i * interval '1 second'";
    await db.Database.ExecuteSqlRawAsync(
        $"INSERT INTO \"SharedRecords\" (\"Id\", \"RecordType\", \"OwnerOrganisationId\", \"CreatorOrganisationId\", \"Tlp\", \"Published\", \"CreatedAt\") "
        + $"SELECT s.i, 1, bo.id, bo.id, {tlp}, {published}, {createdAt} FROM ({series}) s JOIN bo ON bo.idx = s.i % {Organisations}");
    var publicId = isSqlite
        ? "printf('00000000-0000-7000-8000-%012X', r.\"Id\")"
        : "('00000000-0000-7000-8000-' || lpad(to_hex(r.\"Id\"), 12, '0'))::uuid";
    await db.Database.ExecuteSqlRawAsync(
        $"INSERT INTO \"Notes\" (\"RecordId\", \"Id\", \"Title\", \"Body\", \"CreatedByUserId\", \"CreatedAt\", \"ModifiedAt\") "
        + $"SELECT r.\"Id\", {publicId}, 'Bench note ' || r.\"Id\", 'Body of a bench note.', bo.id, r.\"CreatedAt\", r.\"CreatedAt\" FROM \"SharedRecords\" r JOIN bo ON bo.idx = r.\"Id\" % {Organisations}");

    var grant = "INSERT INTO \"AccessGrants\" (\"GranteeId\", \"RecordType\", \"RecordId\", \"Kind\", \"SubjectId\", \"SubjectOrganisationId\") ";
    await db.Database.ExecuteSqlRawAsync(grant + "SELECT r.\"OwnerOrganisationId\", 1, r.\"Id\", 0, r.\"OwnerOrganisationId\", NULL FROM \"SharedRecords\" r");
    foreach (var offset in new[] { 1, 17 })
    {
        await db.Database.ExecuteSqlRawAsync(grant + $"SELECT bo.id, 1, r.\"Id\", 1, bo.id, NULL FROM \"SharedRecords\" r JOIN bo ON bo.idx = (r.\"Id\" + {offset}) % {Organisations} WHERE {C} >= 20 AND {C} < 40");
    }

    await db.Database.ExecuteSqlRawAsync(grant + $"SELECT bp.token, 1, r.\"Id\", 2, bp.userid, bo.id FROM \"SharedRecords\" r JOIN bp ON bp.idx = (r.\"Id\" * 13) % {Organisations * PeoplePerOrganisation} JOIN bo ON bo.idx = bp.org WHERE {C} >= 40 AND {C} < 45 AND bp.org <> r.\"Id\" % {Organisations}");
    await db.Database.ExecuteSqlRawAsync(grant + $"SELECT bc.id, 1, r.\"Id\", 3, bc.id, NULL FROM \"SharedRecords\" r JOIN bc ON bc.idx = r.\"Id\" % {Communities} WHERE {C} >= 45 AND {C} < 70");
    await db.Database.ExecuteSqlRawAsync(grant + $"SELECT {G(AccessTokens.Network)}, 1, r.\"Id\", 4, NULL, NULL FROM \"SharedRecords\" r WHERE {C} >= 70");
    await db.Database.ExecuteSqlRawAsync(grant + $"SELECT {G(AccessTokens.Public)}, 1, r.\"Id\", 5, NULL, NULL FROM \"SharedRecords\" r WHERE {C} >= 95");
    if (!isSqlite)
    {
        await db.Database.ExecuteSqlRawAsync("SELECT setval(pg_get_serial_sequence('\"SharedRecords\"', 'Id'), (SELECT max(\"Id\") FROM \"SharedRecords\"))");
    }

    await transaction.CommitAsync();
    await db.Database.ExecuteSqlRawAsync(isSqlite ? "ANALYZE" : "VACUUM ANALYZE");
    Console.WriteLine($"seeded {notes:N0} notes and {await db.Set<AccessGrant>().CountAsync():N0} grants in {watch.Elapsed.TotalSeconds:F0} s");
}
