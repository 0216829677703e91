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
// sql: build the store by set-based copies of a first job written through the write path; write: all through the write
// path; check: after building, compare the columns filled in the written job and in a copied one (then stop).
var seedMode = args.Length > 5 ? args[5] : "sql";
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

// 1. The store. "sql" (default): the first job of SeedJob indicators through the write path (the template: exactly what
// an import writes), then every further job as set-based copies of the template's rows (INSERT … SELECT per table, one
// transaction per job) with the job's owner and sharing and its own ids and values (SeedCopyAsync). "write": every job
// through the write path (slow: what the first version of this tool did).
if (stored < storeSize)
{
    var seedWatch = Stopwatch.StartNew();
    for (var from = stored; from < storeSize; from += SeedJob)
    {
        var count = Math.Min(SeedJob, storeSize - from);
        var job = from / SeedJob;
        var organisation = job % Organisations;
        var green = job % 10 < 7;
        var watch = Stopwatch.StartNew();
        string how;
        if (seedMode == "write" || job == 0 || count < SeedJob)
        {
            var path = Path.Combine(Path.GetTempPath(), $"ingest-seed-{Environment.ProcessId}.json");
            await WriteBundleAsync(path, Enumerable.Range(from, count).Select(n => (n, n)));
            var result = await ImportAsync(path, organisation, green ? Tlp.Green : Tlp.Amber, green);
            File.Delete(path);
            how = $"write path: {result.Added:N0} added, {result.Rejected:N0} rejected";
        }
        else
        {
            await SeedCopyAsync(job, organisation, green);
            how = "set-based copy of job 0";
        }

        Console.WriteLine($"  seed job {job}: {count:N0} indicators of team {organisation} as {(green ? "GREEN, network" : "AMBER, own organisation")}: "
            + $"{how}, {count / watch.Elapsed.TotalSeconds:N0} objects/s, load {Load()}");
    }

    await using (var scope = app.Services.CreateAsyncScope())
    {
        var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(30));
        await db.Database.ExecuteSqlRawAsync(isSqlite ? "ANALYZE" : "VACUUM ANALYZE");
    }

    Console.WriteLine($"store built: {storeSize - stored:N0} indicators in {seedWatch.Elapsed.TotalSeconds:N0} s (statistics refreshed)");
    stored = storeSize;
}

if (seedMode == "check")
{
    await CheckSeedAsync();
    return 0;
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
    // A store of copies holds the generator's own values only for job 0: pins are drawn from there.
    var pinnable = seedMode == "write" ? first : Math.Min(first, SeedJob);
    var items = Enumerable.Range(first, bundleSize).Select(n => (n, random.Next(100) < 2 ? random.Next(pinnable) : n)).ToList();
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

await TextSearchAsync();
return 0;

// Text search on the store just measured: each typed word a prefix range of IntelTerms; the rarest word drives
// (IntelQueries.DrivingTermAsync) — against the walk over the objects newest first with a term check per object, which
// is the plan every text search had before (then with an equality per word instead of a range).
async Task TextSearchAsync()
{
    var analyst = CallerOf(3);
    foreach (var (name, typed) in new[]
    {
        ("miss", "qqzzxx"), ("one object", $"upd{12348:x}"), ("rare prefix", "upd1e"),
        ("a quarter of the store", "phishing"), ("every object", "campaign"), ("two words", "phishing campaign"),
    })
    {
        var terms = Rampart.Server.Intelligence.Search.IntelText.QueryTerms(typed);
        var search = new Rampart.Server.Intelligence.Read.IntelSearch(Terms: terms);
        foreach (var walk in new[] { false, true })
        {
            await using var scope = app.Services.CreateAsyncScope();
            var queries = scope.ServiceProvider.GetRequiredService<Rampart.Server.Intelligence.Read.IntelQueries>();
            var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
            var times = new List<double>();
            var found = 0;
            string? driving = null;
            for (var i = 0; i < 5; i++)
            {
                var watch = Stopwatch.StartNew();
                driving = walk ? null : await queries.DrivingTermAsync(search, default);
                found = (await queries.SearchQuery(analyst, search, null, 50, driving).ToListAsync()).Count;
                times.Add(watch.Elapsed.TotalMilliseconds);
            }

            times.Sort();
            var command = queries.SearchQuery(analyst, search, null, 50, driving).CreateDbCommand();
            if (command.Connection!.State != System.Data.ConnectionState.Open)
            {
                await command.Connection.OpenAsync();
            }

            Console.WriteLine($"-- text search, {name}: q={typed}, {(walk ? "walk (the plan before)" : $"driven by '{driving ?? "(none: every word common)"}'")}: {Math.Min(found, 50)} rows, median {times[2]:F1} ms");
            command.CommandText = (isSqlite ? "EXPLAIN QUERY PLAN " : "EXPLAIN (ANALYZE, COSTS OFF) ") + command.CommandText;
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                Console.WriteLine("   " + (isSqlite ? reader.GetString(3) : reader.GetString(0)));
            }
        }
    }
}

// Job `job` of the store as a set-based copy of job 0 (the template, written through the write path): every row job 0's
// import wrote — envelopes, grants, objects, versions, labels, terms, observables, links, outbox, job and outcomes — copied
// with new record and observable ids, the job's owner and grants, and values of its own: IPv4 addresses get first octet
// 45 + job (the template's are 45.0.x.y), domains and URLs "k{job}u" for "upd", SHA-256 values rotated by a byte that is the job;
// names, JSON versions and terms follow. (Template indicators pin one value each, none on a warning list.)
async Task SeedCopyAsync(int job, int organisation, bool green)
{
    await using var scope = app.Services.CreateAsyncScope();
    var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
    db.Database.SetCommandTimeout(TimeSpan.FromMinutes(30));
    var template = await TemplateAsync(db);
    var caller = CallerOf(organisation);
    var share = await scope.ServiceProvider.GetRequiredService<IntelIngest>().ShareAsync(caller, green ? "green" : "amber",
        green ? [new AudienceEntry(AudienceKind.Network)] : [], false, default);
    await using var transaction = await db.Database.BeginTransactionAsync();
    var maxRecord = await db.SharedRecords.MaxAsync(r => r.Id);
    var maxObservable = await db.Observables.MaxAsync(o => o.Id);
    var off = maxRecord + 1 - template.MinRecord;
    var obsOff = maxObservable + 1 - template.MinObservable;
    var org = G(orgIds[organisation]);
    var inTemplate = $"BETWEEN {template.MinRecord} AND {template.MaxRecord}";
    var octet = (45 + job).ToString(CultureInfo.InvariantCulture);
    var domainPart = $"k{job}u";
    string NewStixId(string a) => $"substr({a}.\"StixId\", 1, length({a}.\"StixId\") - 12) || '{job:x4}' || substr({a}.\"StixId\", length({a}.\"StixId\") - 7)";
    string NewText(string e) => $"replace(replace({e}, '45.0.', '{octet}.0.'), 'upd', '{domainPart}')";
    string NewRange(string c) => isSqlite
        ? $"CASE WHEN o.\"Kind\" = 1 THEN unhex('00000000000000000000FFFF{45 + job:X2}' || substr(hex(o.\"{c}\"), 27)) ELSE o.\"{c}\" END"
        : $"CASE WHEN o.\"Kind\" = 1 THEN set_byte(o.\"{c}\", 12, {45 + job}) ELSE o.\"{c}\" END";
    // SHA-256: the value rotated by one byte with the job number as its last byte (overwriting a byte in place would map
    // a template value that already has it onto itself).
    const string NewValue = "CASE o.\"Kind\" WHEN 1 THEN '{0}' || substr(o.\"Value\", 3) WHEN 10 THEN substr(o.\"Value\", 3) || '{1}' ELSE replace(o.\"Value\", 'upd', '{2}') END";
    var newValue = string.Format(CultureInfo.InvariantCulture, NewValue, octet, $"{job:x2}", domainPart);
    var no = isSqlite ? "0" : "false";

    await CopyAsync(db, typeof(SharedRecord), "r", $"\"SharedRecords\" r WHERE r.\"Id\" {inTemplate}", new()
    {
        ["Id"] = $"r.\"Id\" + {off}", ["OwnerOrganisationId"] = org, ["CreatorOrganisationId"] = org,
        ["Tlp"] = ((int)share.Tlp).ToString(CultureInfo.InvariantCulture), ["Published"] = no,
    });
    foreach (var g in AccessTokens.GrantsFor(RecordType.StixObject, 0, orgIds[organisation], share.Audience, false))
    {
        await db.Database.ExecuteSqlRawAsync("INSERT INTO \"AccessGrants\" (\"GranteeId\", \"RecordType\", \"RecordId\", \"Kind\", \"SubjectId\", \"SubjectOrganisationId\") "
            + $"SELECT {G(g.GranteeId)}, {(short)g.RecordType}, r.\"Id\" + {off}, {(short)g.Kind}, {(g.SubjectId is { } s ? G(s) : "NULL")}, "
            + $"{(g.SubjectOrganisationId is { } so ? G(so) : "NULL")} FROM \"SharedRecords\" r WHERE r.\"Id\" {inTemplate}");
    }

    await CopyAsync(db, typeof(IntelObject), "i", $"\"IntelObjects\" i WHERE i.\"RecordId\" {inTemplate}", new()
    {
        ["RecordId"] = $"i.\"RecordId\" + {off}", ["OwnerOrganisationId"] = org, ["StixId"] = NewStixId("i"), ["Name"] = NewText("i.\"Name\""),
    });
    await CopyAsync(db, typeof(IntelObjectVersion), "v",
        $"\"IntelObjectVersions\" v JOIN \"IntelObjects\" i ON i.\"RecordId\" = v.\"RecordId\" JOIN \"ObservableLinks\" l ON l.\"RecordId\" = v.\"RecordId\" "
        + $"JOIN \"Observables\" o ON o.\"Id\" = l.\"ObservableId\" WHERE v.\"RecordId\" {inTemplate}", new()
    {
        ["RecordId"] = $"v.\"RecordId\" + {off}",
        ["Json"] = $"replace(replace({NewText($"replace(v.\"Json\", i.\"StixId\", {NewStixId("i")})")}, o.\"Value\", {newValue}), "
            + $"'{IntelIdentity.Of(orgIds[0])}', '{IntelIdentity.Of(orgIds[organisation])}')",
    });
    await CopyAsync(db, typeof(IntelLabel), "t", $"\"IntelLabels\" t WHERE t.\"RecordId\" {inTemplate}", new() { ["RecordId"] = $"t.\"RecordId\" + {off}" });
    await CopyAsync(db, typeof(Rampart.Server.Intelligence.Search.IntelTerm), "t", $"\"IntelTerms\" t WHERE t.\"RecordId\" {inTemplate}", new()
    {
        ["RecordId"] = $"t.\"RecordId\" + {off}",
        ["Term"] = $"CASE WHEN t.\"Term\" = '45' THEN '{octet}' WHEN t.\"Term\" LIKE 'upd%' THEN substr(replace(t.\"Term\", 'upd', '{domainPart}'), 1, 16) ELSE t.\"Term\" END",
    }, ignoreConflicts: true);
    await CopyAsync(db, typeof(Observable), "o", $"\"Observables\" o WHERE o.\"Id\" BETWEEN {template.MinObservable} AND {template.MaxObservable}", new()
    {
        ["Id"] = $"o.\"Id\" + {obsOff}", ["Value"] = newValue, ["RangeStart"] = NewRange("RangeStart"), ["RangeEnd"] = NewRange("RangeEnd"),
        ["ReversedDomain"] = $"replace(o.\"ReversedDomain\", 'upd', '{domainPart}')",
    });
    await CopyAsync(db, typeof(ObservableLink), "l", $"\"ObservableLinks\" l WHERE l.\"RecordId\" {inTemplate}", new()
    {
        ["ObservableId"] = $"l.\"ObservableId\" + {obsOff}", ["RecordId"] = $"l.\"RecordId\" + {off}",
    });
    await CopyAsync(db, typeof(IntelChange), "c", $"\"IntelChanges\" c WHERE c.\"RecordId\" {inTemplate}", new()
    {
        ["Sequence"] = null, ["RecordId"] = $"c.\"RecordId\" + {off}",
    });
    var jobId = Guid.NewGuid();
    await CopyAsync(db, typeof(IntelImportJob), "j", $"\"IntelImportJobs\" j WHERE j.\"Id\" = {G(template.Job)}", new()
    {
        ["Id"] = G(jobId), ["OrganisationId"] = org, ["UserId"] = G(caller.UserId), ["Tlp"] = ((int)share.Tlp).ToString(CultureInfo.InvariantCulture),
    });
    await CopyAsync(db, typeof(IntelImportOutcome), "u", $"\"IntelImportOutcomes\" u WHERE u.\"JobId\" = {G(template.Job)}", new()
    {
        ["JobId"] = G(jobId), ["StixId"] = NewStixId("u"),
    });
    if (!isSqlite)
    {
        await db.Database.ExecuteSqlRawAsync("SELECT setval(pg_get_serial_sequence('\"SharedRecords\"', 'Id'), (SELECT max(\"Id\") FROM \"SharedRecords\"))");
        await db.Database.ExecuteSqlRawAsync("SELECT setval(pg_get_serial_sequence('\"Observables\"', 'Id'), (SELECT max(\"Id\") FROM \"Observables\"))");
    }

    await transaction.CommitAsync();
}

// Job 0 of the store: its records, its observables and its import job.
async Task<(long MinRecord, long MaxRecord, long MinObservable, long MaxObservable, Guid Job)> TemplateAsync(RampartDb db)
{
    var job = await db.IntelImportJobs.Where(j => j.OrganisationId == orgIds[0]).OrderBy(j => j.StartedAt).Select(j => j.Id).FirstAsync();
    var records = db.IntelObjects.Where(o => o.OwnerOrganisationId == orgIds[0]).OrderBy(o => o.RecordId).Select(o => o.RecordId).Take(SeedJob);
    var minRecord = await records.MinAsync();
    var maxRecord = await records.MaxAsync();
    var observables = db.ObservableLinks.Where(l => l.RecordId >= minRecord && l.RecordId <= maxRecord).Select(l => l.ObservableId);
    return (minRecord, maxRecord, await observables.MinAsync(), await observables.MaxAsync(), job);
}

// INSERT INTO table (every mapped column) SELECT (the column's override, or alias.column) FROM source; an override of
// null leaves the column out (the database's identity fills it).
async Task CopyAsync(RampartDb db, Type entity, string alias, string source, Dictionary<string, string?> overrides, bool ignoreConflicts = false)
{
    var type = db.Model.FindEntityType(entity)!;
    var table = type.GetTableName()!;
    var columns = type.GetProperties().Select(p => p.GetColumnName()).Where(c => !overrides.TryGetValue(c, out var o) || o is not null).ToList();
    var select = columns.Select(c => overrides.TryGetValue(c, out var o) ? o! : $"{alias}.\"{c}\"");
    var sql = $"INSERT {(ignoreConflicts && isSqlite ? "OR IGNORE " : "")}INTO \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) "
        + $"SELECT {string.Join(", ", select)} FROM {source}{(ignoreConflicts && !isSqlite ? " ON CONFLICT DO NOTHING" : "")}";
    await db.Database.ExecuteSqlRawAsync(sql);
}

string G(Guid g) => isSqlite ? $"'{g.ToString().ToUpperInvariant()}'" : $"'{g}'::uuid";

// Seeded rows and written rows alike: per table, rows and non-null values per column in job 0 (written) and job 1 (copied).
async Task CheckSeedAsync()
{
    await using var scope = app.Services.CreateAsyncScope();
    var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
    var t = await TemplateAsync(db);
    var span = t.MaxRecord - t.MinRecord;
    var copyMin = await db.IntelObjects.Where(o => o.OwnerOrganisationId == orgIds[1]).MinAsync(o => o.RecordId);
    var copyObsMin = await db.ObservableLinks.Where(l => l.RecordId == copyMin).MinAsync(l => l.ObservableId);
    Console.WriteLine($"{"table.column",-45} {"written (job 0)",16} {"copied (job 1)",16}");
    foreach (var (entity, key, obs) in new[]
    {
        (typeof(SharedRecord), "Id", false), (typeof(AccessGrant), "RecordId", false), (typeof(IntelObject), "RecordId", false),
        (typeof(IntelObjectVersion), "RecordId", false), (typeof(IntelLabel), "RecordId", false),
        (typeof(Rampart.Server.Intelligence.Search.IntelTerm), "RecordId", false), (typeof(Observable), "Id", true),
        (typeof(ObservableLink), "RecordId", false), (typeof(IntelChange), "RecordId", false),
    })
    {
        var type = db.Model.FindEntityType(entity)!;
        var table = type.GetTableName()!;
        var columns = type.GetProperties().Select(p => p.GetColumnName()).ToList();
        async Task<List<long>> CountsAsync(long from, long to)
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = $"SELECT count(*), {string.Join(", ", columns.Select(c => $"count(\"{c}\")"))} FROM \"{table}\" WHERE \"{key}\" BETWEEN {from} AND {to}";
            if (command.Connection!.State != System.Data.ConnectionState.Open)
            {
                await command.Connection.OpenAsync();
            }

            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            return [.. Enumerable.Range(0, columns.Count + 1).Select(i => reader.GetInt64(i))];
        }

        var written = obs ? await CountsAsync(t.MinObservable, t.MaxObservable) : await CountsAsync(t.MinRecord, t.MaxRecord);
        var copied = obs ? await CountsAsync(copyObsMin, copyObsMin + (t.MaxObservable - t.MinObservable)) : await CountsAsync(copyMin, copyMin + span);
        Console.WriteLine($"{table + " rows",-45} {written[0],16:N0} {copied[0],16:N0}");
        for (var i = 0; i < columns.Count; i++)
        {
            Console.WriteLine($"{"  " + columns[i] + " filled",-45} {written[i + 1],16:N0} {copied[i + 1],16:N0}{(written[i + 1] == copied[i + 1] ? "" : "   <-- differs")}");
        }
    }

    var sample = await db.IntelObjectVersions.Where(v => v.RecordId == copyMin).Select(v => v.Json).FirstAsync();
    Console.WriteLine($"a copied version: {sample}");
}

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
