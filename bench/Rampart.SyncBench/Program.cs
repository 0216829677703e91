using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Federation;
using Rampart.Server.Hosting;
using Rampart.Server.Identity;
using Rampart.Server.Intelligence.Ingest;
using Rampart.Server.Intelligence.Read;
using Rampart.Server.Intelligence.Store;
using Rampart.Server.Organisations;

// Issue 10 and 9 measurements that need whole nodes (bench/README.md, "TAXII POST, node-to-node sync, one copy per id"):
//   post    <sqlite|postgres> <file | connection string> [objects=10000] [runs=3] [pollMs=100]
//           one node in this process on a loopback port; POST /taxii2/api/collections/{id}/objects/ of an envelope of
//           N new indicators over real HTTP, timed from the POST to the status resource answering "complete".
//   sync    <sqlite|postgres> <A file | connection> <B file | connection> [objects=20000]
//           two nodes in this process on two loopback ports, peers registered and confirmed both ways; N new indicators
//           (GREEN, network) stored on A through the write path, then A's federation sync pushes to B's inbox over HTTP,
//           run after run (the sync job back to back), timed until B holds all N.
//   onecopy <sqlite|postgres> <file | connection string> [copies=10000]
//           EXPLAIN of the statements that carry IntelQueries.OneCopyPerId (TAXII page, search page, object by id) on a
//           store seeded by Rampart.IntelBench; adds version rows if the store has none and second copies of <copies>
//           ids held by another organisation (so the "other readable copy" probe finds something). Run on a copy.
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: Rampart.SyncBench post|sync|onecopy sqlite|postgres <file|connection> … (see Program.cs)");
    return 2;
}

var mode = args[0];
var isSqlite = args[1] == "sqlite";
string Load() => File.ReadAllText("/proc/loadavg").Split(' ')[0];
int Arg(int index, int fallback) => args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;
TimeSpan Cpu() => Process.GetCurrentProcess().TotalProcessorTime;

switch (mode)
{
    case "post":
        await PostAsync(args[2], Arg(3, 10_000), Arg(4, 3), Arg(5, 100));
        return 0;
    case "sync":
        if (args.Length < 4)
        {
            Console.Error.WriteLine("sync needs two stores: A and B");
            return 2;
        }

        await SyncAsync(args[2], args[3], Arg(4, 20_000));
        return 0;
    case "onecopy":
        await OneCopyAsync(args[2], Arg(3, 10_000));
        return 0;
    default:
        Console.Error.WriteLine($"unknown mode {mode}");
        return 2;
}

// ---------------------------------------------------------------------------------------------------------------------
// A node in this process, on a free loopback port, as `dotnet run --project src/Rampart.Server` would start it.
async Task<WebApplication> StartNodeAsync(string store, string name)
{
    var connection = isSqlite ? $"Data Source={store}" : store;
    string[] settings =
    [
        "--urls", "http://127.0.0.1:0",
        // The web assets manifest is named after the server's assembly, not this tool's.
        "--applicationName", "Rampart.Server",
        $"--Rampart:Database:Provider={(isSqlite ? "Sqlite" : "Postgres")}",
        $"--Rampart:Database:ConnectionString={connection}",
        "--Rampart:Scheduler:Enabled=false",
        $"--Rampart:Federation:NodeName={name}",
        $"--Rampart:Node:AdminEmail=admin@{name}.bench",
        $"--Rampart:Audit:SigningKeyFile={Path.Combine(Path.GetTempPath(), $"rampart-syncbench-{name}-{Guid.NewGuid():N}.key")}",
        "--Logging:LogLevel:Default=Warning",
        "--Logging:LogLevel:Microsoft.EntityFrameworkCore=Error",
    ];
    var app = RampartHost.Build(settings);
    await app.StartAsync();
    return app;
}

async Task<Guid> OrganisationAsync(WebApplication node, string name, string shortName)
{
    await using var scope = node.Services.CreateAsyncScope();
    var organisations = scope.ServiceProvider.GetRequiredService<OrganisationAdministration>();
    return (await organisations.CreateAsync(Caller.Operator(), new OrganisationRequest(name, shortName, "AL", OrganisationKind.NationalCert), default)).Id;
}

// A person of an organisation with an API key they made themselves (as tests/Rampart.Server.Tests/SeededNode.PersonAsync).
async Task<string> PersonKeyAsync(WebApplication node, Guid organisation, string email, Role role)
{
    await using var scope = node.Services.CreateAsyncScope();
    var services = scope.ServiceProvider;
    var users = services.GetRequiredService<UserManager<User>>();
    var user = new User
    {
        Id = Guid.CreateVersion7(), UserName = email, Email = email, EmailConfirmed = true, DisplayName = email, OrganisationId = organisation,
        Role = role, MustChangePassword = true, LockoutEnabled = true, CreatedAt = TimeProvider.System.GetUtcNow(),
    };
    var created = await users.CreateAsync(user, UserAdministration.OneTimePassword());
    if (!created.Succeeded)
    {
        throw new InvalidOperationException(string.Join(" ", created.Errors.Select(e => e.Description)));
    }

    var self = new Caller(user.Id, organisation, role, new HashSet<Guid>(), Credential: "session:bench");
    return (await services.GetRequiredService<ApiKeyAdministration>().CreateAsync(self, user.Id, new ApiKeyRequest("bench"), default))!.Key;
}

// One indicator of ~560 bytes, unique id and value per (run, index).
static string IndicatorJson(int run, int i) =>
    $$"""{"type":"indicator","spec_version":"2.1","id":"indicator--{{run:x8}}-0000-4000-8000-{{i:x12}}","created":"2026-11-02T08:00:00.000Z","modified":"2026-11-02T08:00:00.000Z","name":"Bench C2 address {{run}}-{{i}}","description":"Command-and-control address seen in the bench campaign, run {{run}}, generated for the measurement.","indicator_types":["malicious-activity"],"pattern":"[ipv4-addr:value = '10.{{run & 255}}.{{(i >> 8) & 255}}.{{i & 255}}']","pattern_type":"stix","valid_from":"2026-11-02T08:00:00Z","labels":["bench","c2"]}""";

static byte[] Objects(string head, int run, int count, int first = 0)
{
    var text = new StringBuilder(head.Length + (count * 600));
    text.Append(head).Append("\"objects\":[");
    for (var i = 0; i < count; i++)
    {
        text.Append(i == 0 ? "" : ",").Append(IndicatorJson(run, first + i));
    }

    return Encoding.UTF8.GetBytes(text.Append("]}").ToString());
}

// ---------------------------------------------------------------------------------------------------------------------
async Task PostAsync(string store, int count, int runs, int pollMs)
{
    await using var node = await StartNodeAsync(store, "bench-post");
    var url = node.Urls.First();
    var org = await OrganisationAsync(node, $"TAXII bench {Guid.NewGuid():N}"[..24], $"TB{Random.Shared.Next(100000):00000}");
    var adminKey = await PersonKeyAsync(node, org, $"admin-{Guid.NewGuid():N}@post.bench", Role.OrgAdmin);
    var analystKey = await PersonKeyAsync(node, org, $"analyst-{Guid.NewGuid():N}@post.bench", Role.Analyst);
    using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(30) };
    using var create = new HttpRequestMessage(HttpMethod.Post, "/api/taxii/collections")
    {
        Content = JsonContent.Create(new
        {
            title = "Bench exchange",
            readers = new object[] { new { kind = "organisation", id = org } },
            writers = new object[] { new { kind = "organisation", id = org } },
            writeTlp = "green",
            writeAudiences = new object[] { new { kind = "network" } },
        }),
    };
    create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
    var created = await http.SendAsync(create);
    var collection = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
    Console.WriteLine($"node {url}, provider {args[1]}, collection {collection}; envelope of {count:N0} indicators, {runs} runs, status polled every {pollMs} ms");
    var runBase = Random.Shared.Next(1, 0x7fff0000);
    for (var run = 0; run < runs; run++)
    {
        var body = Objects("{", runBase + run, count);
        var load = Load();
        var cpu = Cpu();
        var watch = Stopwatch.StartNew();
        using var post = new HttpRequestMessage(HttpMethod.Post, $"/taxii2/api/collections/{collection}/objects/") { Content = new ByteArrayContent(body) };
        post.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/taxii+json;version=2.1");
        post.Headers.Accept.ParseAdd("application/taxii+json;version=2.1");
        post.Headers.Authorization = new AuthenticationHeaderValue("Bearer", analystKey);
        var answer = await http.SendAsync(post);
        var status = JsonNode.Parse(await answer.Content.ReadAsStringAsync())!;
        var answered = watch.Elapsed;
        var polls = 0;
        while (status["status"]!.GetValue<string>() != "complete")
        {
            await Task.Delay(pollMs);
            using var get = new HttpRequestMessage(HttpMethod.Get, $"/taxii2/api/status/{status["id"]}/");
            get.Headers.Accept.ParseAdd("application/taxii+json;version=2.1");
            get.Headers.Authorization = new AuthenticationHeaderValue("Bearer", analystKey);
            status = JsonNode.Parse(await (await http.SendAsync(get)).Content.ReadAsStringAsync())!;
            polls++;
        }

        var total = watch.Elapsed;
        var used = Cpu() - cpu;
        // The import job's own span (its first and last write), from the store.
        await using var scope = node.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
        var jobId = Guid.Parse(status["id"]!.GetValue<string>());
        var job = await db.IntelImportJobs.AsNoTracking().FirstAsync(j => j.Id == jobId);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  run {run}: {(int)answer.StatusCode} after {answered.TotalMilliseconds:F0} ms, complete after {total.TotalMilliseconds:F0} ms ({polls} polls); successes {status["success_count"]}, failures {status["failure_count"]}; {body.Length / 1048576.0:F1} MiB; import job {(job.FinishedAt - job.StartedAt)?.TotalMilliseconds:F0} ms; process CPU {used.TotalMilliseconds:F0} ms; load average {load} → {Load()}"));
    }

    await node.StopAsync();
}

// ---------------------------------------------------------------------------------------------------------------------
async Task SyncAsync(string storeA, string storeB, int count)
{
    await using var a = await StartNodeAsync(storeA, "bench-a");
    await using var b = await StartNodeAsync(storeB, "bench-b");
    var op = Caller.Operator();

    // Peers both ways, confirmed by fingerprint; B's operators declare that A speaks for A's origin organisation.
    async Task<Guid> PeerAsync(WebApplication on, WebApplication to)
    {
        await using var scope = on.Services.CreateAsyncScope();
        var peers = scope.ServiceProvider.GetRequiredService<FederationPeers>();
        var view = await to.Services.GetRequiredService<NodeIdentity>().ViewAsync(default);
        var peer = await peers.RegisterAsync(op, new PeerRequest(view.Name, to.Urls.First(), view.PublicKey), default);
        await peers.ConfirmAsync(op, peer.Id, new PeerConfirmation(view.Fingerprint), default);
        return peer.Id;
    }

    var bOnA = await PeerAsync(a, b);
    var aOnB = await PeerAsync(b, a);
    var origin = await OrganisationAsync(a, "Sync bench origin", $"SO{Random.Shared.Next(100000):00000}");
    var originOnB = await OrganisationAsync(b, "Sync bench origin (on A)", $"SA{Random.Shared.Next(100000):00000}");
    await using (var scope = b.Services.CreateAsyncScope())
    {
        await scope.ServiceProvider.GetRequiredService<FederationPeers>().DeclareOrganisationsAsync(op, aOnB,
            new PeerOrganisationsRequest([new PeerOrganisationEntry(originOnB, IntelIdentity.Of(origin))]), default);
    }

    // N new indicators on A through the write path (jobs of up to 50,000), GREEN to the network: every one crosses.
    var analyst = new Caller(Guid.CreateVersion7(), origin, Role.Analyst, new HashSet<Guid>(), Credential: "session:bench");
    var run = Random.Shared.Next(1, 0x7fff0000);
    var seed = Stopwatch.StartNew();
    for (var first = 0; first < count; first += 50_000)
    {
        var size = Math.Min(50_000, count - first);
        await using var scope = a.Services.CreateAsyncScope();
        var ingest = scope.ServiceProvider.GetRequiredService<IntelIngest>();
        var share = await ingest.ShareAsync(analyst, "green", [new AudienceEntry(AudienceKind.Network)], false, default);
        var job = await ingest.Store.StartJobAsync(analyst, IntelImportFormat.StixBundle, share.Tlp, default);
        await using var input = new MemoryStream(Objects($"{{\"type\":\"bundle\",\"id\":\"bundle--{Guid.NewGuid()}\",", run, size, first));
        var done = await ingest.RunAsync(analyst, job, share, IntelIngest.BundleItems(input, default), default);
        Console.WriteLine($"  seeded {first + size:N0} on A ({done.Added:N0} added in this job), {seed.Elapsed.TotalSeconds:F0} s, load average {Load()}");
    }

    async Task<int> OnBAsync()
    {
        await using var scope = b.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RampartDb>().IntelObjects.CountAsync(o => o.OwnerOrganisationId == originOnB);
    }

    var options = a.Services.GetRequiredService<IOptions<FederationOptions>>().Value;
    Console.WriteLine($"A {a.Urls.First()}, B {b.Urls.First()}, provider {args[1]}: {count:N0} new objects on A; sync runs of up to {options.SyncEnvelopesPerRun} envelopes × {options.SyncChangesPerEnvelope} changes; load average {Load()}");
    // SYNCBENCH_SQL=1: count the SQL commands of the timed part per database and per statement (costs a little CPU).
    var sql = Environment.GetEnvironmentVariable("SYNCBENCH_SQL") == "1" ? SqlCounter.Start() : null;
    sql?.Enabled = true;
    var cpu = Cpu();
    var watch = Stopwatch.StartNew();
    var onB = 0;
    var runs = 0;
    var failures = 0;
    while (onB < count)
    {
        PushResult result;
        await using (var scope = a.Services.CreateAsyncScope())
        {
            result = await scope.ServiceProvider.GetRequiredService<FederationSync>().PushAsync(bOnA, default);
        }

        runs++;
        onB = await OnBAsync();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  run {runs}: {result.Envelopes} envelopes, {result.Sent:N0} sent, {result.Acknowledged:N0} acknowledged, {result.Refused} refused{(result.Error is null ? "" : ", error: " + result.Error)}; B holds {onB:N0} after {watch.Elapsed.TotalSeconds:F1} s ({onB / watch.Elapsed.TotalSeconds:F0} objects/s); load average {Load()}"));
        if (result.Error is not null && ++failures > 5)
        {
            throw new InvalidOperationException("The push keeps failing.");
        }

        if (result.Envelopes == 0 && result.Error is null && onB < count)
        {
            throw new InvalidOperationException($"Nothing more to send, but B holds {onB} of {count}.");
        }
    }

    var used = Cpu() - cpu;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"sync of {count:N0} objects: {watch.Elapsed.TotalSeconds:F1} s = {count / watch.Elapsed.TotalSeconds:F0} objects/s; process CPU (both nodes) {used.TotalSeconds:F1} s = {used.TotalMicroseconds / count:F0} µs/object; load average {Load()}"));
    if (sql is not null)
    {
        sql.Enabled = false;
        foreach (var database in sql.ByDatabase)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  SQL commands on {database.Key}: {database.Value:N0} = {(double)database.Value / count:F2} per object"));
        }

        foreach (var statement in sql.Top(20))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {statement.Value,8:N0}  {statement.Key.ReplaceLineEndings(" ")}"));
        }
    }
    await b.StopAsync();
    await a.StopAsync();
}

// ---------------------------------------------------------------------------------------------------------------------
async Task OneCopyAsync(string store, int copies)
{
    var capture = new ExplainingInterceptor(isSqlite);
    RampartDb NewDb(bool explain)
    {
        capture.Enabled = explain;
        return isSqlite
            ? new SqliteRampartDb(new DbContextOptionsBuilder<SqliteRampartDb>().UseSqlite($"Data Source={store}").AddInterceptors(capture).Options)
            : new PostgresRampartDb(new DbContextOptionsBuilder<PostgresRampartDb>().UseNpgsql(PostgresRampartDb.SessionConnectionString(store)).AddInterceptors(capture).Options);
    }

    var orgIds = Enumerable.Range(0, 50).Select(i => new Guid($"0b000000-0000-4000-8000-{i:x12}")).ToArray();
    await using (var db = NewDb(false))
    {
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(60));
        await db.Database.MigrateAsync();
        var objects = await db.IntelObjects.CountAsync();
        Console.WriteLine($"provider {args[1]}: {objects:N0} objects; load average {Load()}");
        var no = isSqlite ? "0" : "false";
        if (!await db.IntelObjectVersions.AnyAsync())
        {
            // One stored version per object, as the write path keeps (Rampart.IntelBench seeds objects only).
            var watch = Stopwatch.StartNew();
            var json = "'{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"' || o.\"StixId\" || '\",\"pattern\":\"' || replace(o.\"Name\", '''', '') || '\"}'";
            json = json.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal); // raw SQL is a format string
            await db.Database.ExecuteSqlRawAsync($"INSERT INTO \"IntelObjectVersions\" (\"RecordId\", \"Modified\", \"DateAdded\", \"Json\") SELECT o.\"RecordId\", o.\"Modified\", o.\"AddedAt\", {json} FROM \"IntelObjects\" o");
            Console.WriteLine($"versions added in {watch.Elapsed.TotalSeconds:F0} s");
        }

        if (copies > 0 && !await db.IntelObjects.GroupBy(o => o.StixId).Where(g => g.Count() > 1).AnyAsync())
        {
            // Second copies: <copies> ids (every 100th record, owned by team i) held again by team (i + 1) % 50, GREEN to the network.
            var watch = Stopwatch.StartNew();
            await using var transaction = await db.Database.BeginTransactionAsync();
            var max = await db.SharedRecords.MaxAsync(r => r.Id);
            var pick = $"SELECT o.\"RecordId\" AS src, {max} + ROW_NUMBER() OVER (ORDER BY o.\"RecordId\") AS dst FROM \"IntelObjects\" o WHERE o.\"RecordId\" % 100 = 7 AND o.\"RecordId\" <= {max} ORDER BY o.\"RecordId\" LIMIT {copies}";
            await db.Database.ExecuteSqlRawAsync($"CREATE TEMP TABLE pick AS {pick}");
            var next = isSqlite
                ? "(SELECT t.\"Id\" FROM \"Organisations\" t WHERE t.\"ShortName\" = printf('B%02d', (CAST(substr(r.\"OwnerOrganisationId\", 25) AS INTEGER) + 1) % 50))"
                : "(SELECT t.\"Id\" FROM \"Organisations\" t WHERE t.\"ShortName\" = 'B' || lpad(((('x' || right(r.\"OwnerOrganisationId\"::text, 12))::bit(48)::bigint + 1) % 50)::text, 2, '0'))";
            await db.Database.ExecuteSqlRawAsync(
                "INSERT INTO \"SharedRecords\" (\"Id\", \"RecordType\", \"OwnerOrganisationId\", \"CreatorOrganisationId\", \"Tlp\", \"Published\", \"CreatedAt\") "
                + $"SELECT p.dst, r.\"RecordType\", {next}, {next}, 1, {no}, r.\"CreatedAt\" FROM pick p JOIN \"SharedRecords\" r ON r.\"Id\" = p.src");
            var grant = "INSERT INTO \"AccessGrants\" (\"GranteeId\", \"RecordType\", \"RecordId\", \"Kind\", \"SubjectId\", \"SubjectOrganisationId\") ";
            await db.Database.ExecuteSqlRawAsync(grant + "SELECT r.\"OwnerOrganisationId\", 2, r.\"Id\", 0, r.\"OwnerOrganisationId\", NULL FROM pick p JOIN \"SharedRecords\" r ON r.\"Id\" = p.dst");
            await db.Database.ExecuteSqlRawAsync(grant + $"SELECT {(isSqlite ? $"'{AccessTokens.Network.ToString().ToUpperInvariant()}'" : $"'{AccessTokens.Network}'::uuid")}, 2, p.dst, 4, NULL, NULL FROM pick p");
            await db.Database.ExecuteSqlRawAsync(
                "INSERT INTO \"IntelObjects\" (\"RecordId\", \"OwnerOrganisationId\", \"StixId\", \"StixType\", \"Created\", \"Modified\", \"Name\", \"Revoked\", \"AddedAt\", \"UpdatedAt\", \"WarningListed\") "
                + "SELECT p.dst, r.\"OwnerOrganisationId\", o.\"StixId\", o.\"StixType\", o.\"Created\", o.\"Modified\", o.\"Name\", o.\"Revoked\", o.\"AddedAt\", o.\"UpdatedAt\", o.\"WarningListed\" "
                + "FROM pick p JOIN \"IntelObjects\" o ON o.\"RecordId\" = p.src JOIN \"SharedRecords\" r ON r.\"Id\" = p.dst");
            await db.Database.ExecuteSqlRawAsync("INSERT INTO \"IntelObjectVersions\" (\"RecordId\", \"Modified\", \"DateAdded\", \"Json\") SELECT p.dst, v.\"Modified\", v.\"DateAdded\", v.\"Json\" FROM pick p JOIN \"IntelObjectVersions\" v ON v.\"RecordId\" = p.src");
            if (!isSqlite)
            {
                await db.Database.ExecuteSqlRawAsync("SELECT setval(pg_get_serial_sequence('\"SharedRecords\"', 'Id'), (SELECT max(\"Id\") FROM \"SharedRecords\"))");
            }

            await db.Database.ExecuteSqlRawAsync("DROP TABLE pick");
            await transaction.CommitAsync();
            Console.WriteLine($"second copies of {copies:N0} ids added in {watch.Elapsed.TotalSeconds:F0} s");
        }

        await db.Database.ExecuteSqlRawAsync(isSqlite ? "ANALYZE" : "ANALYZE");
    }

    var analyst = new Caller(new Guid("0a000000-0000-4000-8000-00000000001d"), orgIds[7], Role.Analyst, new HashSet<Guid>());
    var options = Options.Create(new IntelOptions());
    var settled = new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero);
    TaxiiPosition middle;
    string twoCopies;
    await using (var db = NewDb(false))
    {
        var m = await db.IntelObjectVersions.AsNoTracking().OrderBy(v => v.RecordId).Skip(500_000).Select(v => new { v.DateAdded, v.RecordId, v.Modified }).FirstAsync();
        middle = new TaxiiPosition(m.DateAdded, m.RecordId, m.Modified);
        twoCopies = await db.IntelObjects.AsNoTracking().GroupBy(o => o.StixId).Where(g => g.Count() > 1).Select(g => g.Key).FirstOrDefaultAsync()
            ?? await db.IntelObjects.AsNoTracking().Select(o => o.StixId).FirstAsync();
    }

    async Task ShapeAsync(string title, Func<IntelQueries, Task<int>> run)
    {
        var times = new List<double>();
        var rows = 0;
        for (var i = 0; i < 5; i++)
        {
            await using var timed = NewDb(false);
            var watch = Stopwatch.StartNew();
            rows = await run(new IntelQueries(timed, new AccessPolicy(timed), options, TimeProvider.System));
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        Console.WriteLine($"== {title}: {rows} rows, median {times[2]:F1} ms of 5 (load average {Load()})");
        await using var db = NewDb(true);
        await run(new IntelQueries(db, new AccessPolicy(db), options, TimeProvider.System));
        capture.Enabled = false;
        Console.WriteLine();
    }

    await ShapeAsync("TAXII objects, first page of 1,000 (unfiltered collection, analyst of team 7)",
        async q => (await q.TaxiiVersionsAsync(analyst, TaxiiObjectFilter.None, new TaxiiMatch(), null, settled, 1000, false, default)).Rows.Count);
    await ShapeAsync("TAXII objects, page of 1,000 from the middle of the store",
        async q => (await q.TaxiiVersionsAsync(analyst, TaxiiObjectFilter.None, new TaxiiMatch(), middle, settled, 1000, false, default)).Rows.Count);
    await ShapeAsync("search, first page of 50 (GET /api/intel/objects, no filter)",
        async q => (await q.SearchAsync(analyst, new IntelSearch(), null, 50, default)).Objects.Count);
    await ShapeAsync($"object by id, an id with two readable copies ({twoCopies})",
        async q => (await q.FindAsync(analyst, twoCopies, null, default)).Copies.Count);
}

/// <summary>When enabled, prints the plan of every statement EF Core runs, with its real parameters, before running it.</summary>
internal sealed class ExplainingInterceptor(bool sqlite) : DbCommandInterceptor
{
    public bool Enabled { get; set; }

    public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        if (Enabled && command.CommandText.TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase))
        {
            Console.WriteLine("-- " + command.CommandText.Replace("\n", "\n-- ", StringComparison.Ordinal));
            await using var explain = command.Connection!.CreateCommand();
            explain.Transaction = command.Transaction;
            explain.CommandText = (sqlite ? "EXPLAIN QUERY PLAN " : "EXPLAIN (ANALYZE, COSTS OFF, BUFFERS) ") + command.CommandText;
            foreach (DbParameter p in command.Parameters)
            {
                explain.Parameters.Add(p is ICloneable cloneable ? cloneable.Clone() : Copy(explain, p));
            }

            await using var reader = await explain.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                Console.WriteLine("   " + (sqlite ? reader.GetString(3) : reader.GetString(0)));
            }
        }

        return result;
    }

    private static DbParameter Copy(DbCommand command, DbParameter p)
    {
        var copy = command.CreateParameter();
        copy.ParameterName = p.ParameterName;
        copy.Value = p.Value;
        copy.DbType = p.DbType;
        return copy;
    }
}
