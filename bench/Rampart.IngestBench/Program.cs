using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Hosting;
using Rampart.Server.Identity;
using Rampart.Server.Intelligence.Ingest;
using Rampart.Server.Intelligence.Store;
using Rampart.Server.Organisations;
using Rampart.Standards.Markings;

// Ingest of STIX indicators end to end (issue 9, "Speed"). Builds the node's own services (RampartHost.AddRampartServices:
// the same DbContext, interceptors, warning lists and IntelIngest/IntelStore as the server), then
//  1. builds the store: ingests generated indicator bundles through the real write path (IntelIngest.RunAsync, the
//     same call the 202 path makes) until the store holds <store> indicators — 20 organisations, 70 % of the jobs
//     GREEN to the network, 30 % AMBER to the owner only; so the store is exactly what imports produce
//     (envelopes, grants, objects, versions, labels, terms, warning-list hits, observables, links, outbox, outcomes);
//  2. writes a bundle of <bundle> new indicators (IPv4 40 %, domain 25 %, URL 15 %, SHA-256 20 %, labels,
//     ~600 bytes each; 2 % pin a value already in the store, so correlation has work) to a file, and
//  3. times the import of that file as the 202 path runs it: a job started, then in a fresh scope
//     IntelIngest.RunAsync over IntelIngest.BundleItems(file) until the job is finished; prints objects/s and the
//     per-phase split (IngestPhases).
//   dotnet build -c Release bench/Rampart.IngestBench
//   dotnet bench/Rampart.IngestBench/bin/Release/net10.0/Rampart.IngestBench.dll sqlite /tmp/ingest-1m.db [store=1000000] [bundle=100000] [runs=1]
//   dotnet bench/Rampart.IngestBench/bin/Release/net10.0/Rampart.IngestBench.dll postgres "Host=…;Database=…" [store] [bundle] [runs]
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: Rampart.IngestBench sqlite <file> | postgres <connection string> [store=1000000] [bundle=100000] [runs=1]");
    return 2;
}

var isSqlite = args[0] == "sqlite";
var storeSize = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1_000_000;
var bundleSize = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 100_000;
var runs = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 1;
const int SeedJob = 50_000;
const int Organisations = 20;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
builder.Configuration["Rampart:Database:Provider"] = isSqlite ? "Sqlite" : "Postgres";
builder.Configuration["Rampart:Database:ConnectionString"] = isSqlite ? $"Data Source={args[1]}" : args[1];
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.AddRampartServices();
var phases = new IngestPhases();
builder.Services.AddSingleton(phases);
await using var app = builder.Build();

var orgIds = Enumerable.Range(0, Organisations).Select(i => new Guid($"0b000000-0000-4000-8000-{i + 0x1000:x12}")).ToArray();
Caller CallerOf(int organisation) => new(new Guid($"0a000000-0000-4000-8000-{organisation + 0x1000:x12}"), orgIds[organisation], Role.Analyst, new HashSet<Guid>());
string Load() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

int stored;
await using (var scope = app.Services.CreateAsyncScope())
{
    var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
    await db.Database.MigrateAsync();
    if (isSqlite)
    {
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
    }

    var known = await db.Organisations.Where(o => orgIds.Contains(o.Id)).Select(o => o.Id).ToListAsync();
    foreach (var (id, i) in orgIds.Select((id, i) => (id, i)).Where(o => !known.Contains(o.id)))
    {
        db.Organisations.Add(new Organisation { Id = id, Name = $"Ingest bench team {i}", ShortName = $"IB{i:00}", Country = "AL", CreatedAt = TimeProvider.System.GetUtcNow() });
    }

    await db.SaveChangesAsync();
    stored = await db.IntelObjects.CountAsync();
    var lists = scope.ServiceProvider.GetRequiredService<WarningListsProvider>().Matcher.Lists.Count;
    Console.WriteLine($"provider {args[0]}, store holds {stored:N0} objects, warning lists {lists}, batch size {IntelStore.BatchSize}, load average {Load()}");
    if (lists == 0)
    {
        Console.Error.WriteLine("No warning lists next to the binary: the measurement would skip the warning-list check.");
        return 1;
    }
}

// 1. The store, through the write path. Indicator n (0-based, over the whole store) is generated from n alone.
if (stored < storeSize)
{
    var seedWatch = Stopwatch.StartNew();
    for (var from = stored; from < storeSize; from += SeedJob)
    {
        var count = Math.Min(SeedJob, storeSize - from);
        var job = from / SeedJob;
        var organisation = job % Organisations;
        var green = job % 10 < 7;
        var path = Path.Combine(Path.GetTempPath(), $"ingest-seed-{Environment.ProcessId}.json");
        await WriteBundleAsync(path, Enumerable.Range(from, count).Select(n => (n, n)));
        var watch = Stopwatch.StartNew();
        var result = await ImportAsync(path, organisation, green ? Tlp.Green : Tlp.Amber, green);
        File.Delete(path);
        Console.WriteLine($"  seed job {job}: {count:N0} indicators of team {organisation} as {(green ? "GREEN, network" : "AMBER, own organisation")}: "
            + $"{result.Added:N0} added, {result.Rejected:N0} rejected, {count / watch.Elapsed.TotalSeconds:N0} objects/s, load {Load()}");
    }

    Console.WriteLine($"store built: {storeSize - stored:N0} indicators in {seedWatch.Elapsed.TotalSeconds:N0} s");
    stored = storeSize;
}

// 2.–3. The measured bundle: new indicators after everything stored; 2 % of them pin the value of a stored indicator.
for (var run = 0; run < runs; run++)
{
    long lastBefore;
    await using (var scope = app.Services.CreateAsyncScope())
    {
        var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
        stored = await db.IntelObjects.CountAsync();
        lastBefore = await db.IntelObjects.MaxAsync(o => (long?)o.RecordId) ?? 0;
    }

    var random = new Random(1000 + run);
    var first = stored;
    var items = Enumerable.Range(first, bundleSize).Select(n => (n, random.Next(100) < 2 ? random.Next(first) : n)).ToList();
    var bundlePath = Path.Combine(Path.GetTempPath(), $"ingest-bundle-{Environment.ProcessId}.json");
    await WriteBundleAsync(bundlePath, items);
    Console.WriteLine($"run {run + 1}: bundle of {bundleSize:N0} indicators, {new FileInfo(bundlePath).Length / 1048576.0:F1} MiB "
        + $"({new FileInfo(bundlePath).Length / bundleSize} bytes each), {items.Count(i => i.Item1 != i.Item2):N0} pin a stored value; store holds {stored:N0}; load average {Load()}");
    GC.Collect();
    phases.Reset();
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var watch = Stopwatch.StartNew();
    var job = await ImportAsync(bundlePath, 3, Tlp.Green, network: true);
    watch.Stop();
    cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
    File.Delete(bundlePath);
    Console.WriteLine($"  {job.Status}: {job.Added:N0} added, {job.Updated:N0} updated, {job.Unchanged:N0} unchanged, {job.Rejected:N0} rejected in {job.Batches} batches");
    Console.WriteLine($"  end to end {watch.Elapsed.TotalSeconds:F2} s = {bundleSize / watch.Elapsed.TotalSeconds:N0} objects/s "
        + $"(this process's CPU {cpu.TotalSeconds:F2} s; load average now {Load()})");
    var split = phases.Snapshot();
    var accounted = split.Sum(p => p.Time.TotalSeconds);
    Console.WriteLine($"    {"phase",-40} {"wall",8}   {"share",6} {"wall/object",12} {"CPU/object",12}");
    foreach (var (phase, time, phaseCpu) in split)
    {
        Console.WriteLine($"    {phase,-40} {time.TotalSeconds,8:F2} s {time.TotalSeconds / watch.Elapsed.TotalSeconds,6:P0} {time.TotalMicroseconds / bundleSize,9:F1} µs {phaseCpu.TotalMicroseconds / bundleSize,9:F1} µs");
    }

    Console.WriteLine($"    {"(elsewhere: job start/finish, heartbeat)",-40} {watch.Elapsed.TotalSeconds - accounted,8:F2} s");
    await using (var scope = app.Services.CreateAsyncScope())
    {
        var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
        var correlated = await db.ObservableLinks.Where(l => l.RecordId > lastBefore)
            .Join(db.Observables.Where(o => o.ObjectCount > 1), l => l.ObservableId, o => o.Id, (l, o) => l.RecordId).CountAsync();
        Console.WriteLine($"  correlation: {correlated:N0} of the new objects share a value with another object");
    }
}

return 0;

// Runs one import as the 202 path does: the job is started in the request's scope, the import runs in a fresh one.
async Task<IntelImportJob> ImportAsync(string path, int organisation, Tlp tlp, bool network)
{
    var caller = CallerOf(organisation);
    Guid jobId;
    IntelShare share;
    await using (var scope = app.Services.CreateAsyncScope())
    {
        var ingest = scope.ServiceProvider.GetRequiredService<IntelIngest>();
        share = await ingest.ShareAsync(caller, tlp == Tlp.Green ? "green" : "amber",
            network ? [new AudienceEntry(AudienceKind.Network)] : [], false, default);
        jobId = (await ingest.Store.StartJobAsync(caller, IntelImportFormat.StixBundle, share.Tlp, default)).Id;
    }

    await using (var scope = app.Services.CreateAsyncScope())
    {
        var ingest = scope.ServiceProvider.GetRequiredService<IntelIngest>();
        var job = await ingest.Store.FindJobAsync(jobId, default);
        await using var input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return await ingest.RunAsync(caller, job, share, Timed(IntelIngest.BundleItems(input, default)), default);
    }
}

// The reader's time (file read, JSON parse into StixObject) as its own phase.
async IAsyncEnumerable<IngestItem> Timed(IAsyncEnumerable<IngestItem> items, [EnumeratorCancellation] CancellationToken cancellationToken = default)
{
    await using var e = items.GetAsyncEnumerator(cancellationToken);
    while (true)
    {
        var mark = Stopwatch.GetTimestamp();
        var more = await e.MoveNextAsync();
        phases.Lap("read + parse (StixBundleReader)", ref mark);
        if (!more)
        {
            yield break;
        }

        yield return e.Current;
    }
}

// A bundle of indicators: (n, v) = indicator number n pinning the value of indicator v (v == n: its own value).
static async Task WriteBundleAsync(string path, IEnumerable<(int N, int V)> indicators)
{
    await using var file = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
    await file.WriteAsync("{\"type\":\"bundle\",\"id\":\"bundle--6f1b0c1e-1c5b-4a0e-9d53-000000000001\",\"objects\":[");
    var comma = false;
    foreach (var (n, v) in indicators)
    {
        await file.WriteAsync(comma ? ",\n" : "\n");
        comma = true;
        await file.WriteAsync(Indicator(n, v));
    }

    await file.WriteAsync("\n]}\n");
}

static string Indicator(int n, int v)
{
    var (pattern, what, label) = (v % 20) switch
    {
        < 8 => ($"[ipv4-addr:value = '{Ipv4(v)}']", $"C2 server {Ipv4(v)}", "c2"),
        < 13 => ($"[domain-name:value = '{Domain(v)}']", $"Phishing domain {Domain(v)}", "phishing"),
        < 16 => ($"[url:value = '{Url(v)}']", $"Malware download {Domain(v)}", "malware-download"),
        _ => ($"[file:hashes.'SHA-256' = '{Sha256(v)}']", "Loader sample", "loader"),
    };
    var created = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(n % 28_000_000).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
    var campaign = n % 97;
    return $$"""{"type":"indicator","spec_version":"2.1","id":"indicator--{{StixUuid(n)}}","created":"{{created}}","modified":"{{created}}","name":"{{what}}","description":"Seen in campaign {{campaign}} against government mail servers; block at the perimeter.","indicator_types":["malicious-activity"],"pattern":"{{pattern}}","pattern_type":"stix","pattern_version":"2.1","valid_from":"{{created}}","labels":["{{label}}","campaign-{{campaign}}"],"confidence":{{60 + (n % 40)}},"kill_chain_phases":[{"kill_chain_name":"mitre-attack","phase_name":"command-and-control"}],"object_marking_refs":["marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"]}""";
}

// Public-looking, not on the bundled warning lists (no private, documentation or well-known resolver ranges).
static string Ipv4(int v) => $"{45 + (v >> 24 & 63)}.{(v >> 16) & 255}.{(v >> 8) & 255}.{v & 255}";

static string Domain(int v) => $"upd{v:x}.cdn-{v % 5000}.xyz";

static string Url(int v) => $"http://{Domain(v)}/gate/{v % 1000}.php";

static string Sha256(int v) => Convert.ToHexStringLower(SHA256.HashData(BitConverter.GetBytes(v)));

static string StixUuid(int n)
{
    var h = (uint)n * 2654435761u;
    return $"{h:x8}-{(n >> 16) & 0xffff:x4}-4{n & 0xfff:x3}-8{(h >> 20) & 0xfff:x3}-{n:x12}";
}
