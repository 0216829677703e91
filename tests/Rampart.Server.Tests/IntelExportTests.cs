using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Identity;
using Rampart.Server.Intelligence.Search;
using Rampart.Server.Intelligence.Store;
using Rampart.Standards.Markings;

namespace Rampart.Server.Tests;

/// <summary>
/// A node whose store holds, owned by one team: an AMBER indicator shared with one other organisation only, a GREEN
/// one shared network-wide, a GREEN warning-listed one and a GREEN one long decayed. Seeded straight into the
/// store's tables (the store's writer is another branch's; these rows are what it writes).
/// </summary>
public abstract class IntelExportNode(DatabaseProvider provider) : IAsyncLifetime
{
    public static readonly string[] AmberValues = ["203.0.113.7", "198.51.100.0/24", "amber.secret.example", "http://amber.secret.example/x", new string('a', 64)];

    public static readonly string[] GreenValues = ["192.0.2.10", "192.0.2.128/25", "green.example", "http://green.example/a", new string('b', 64)];

    public const string WarningListedValue = "8.8.8.8";

    public const string DecayedValue = "192.0.2.99";

    public SeededNode Node { get; private set; } = null!;

    /// <summary>An org admin of an organisation the AMBER indicator was not shared with.</summary>
    public Person OutsiderAdmin { get; private set; } = null!;

    /// <summary>Someone of the recipient organisation with a read-only key.</summary>
    public Person RecipientReadOnly { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Node = await SeededNode.CreateAsync(provider);
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        OutsiderAdmin = await SeededNode.PersonAsync(scope.ServiceProvider, Node.OutsiderOrg, "admin@outside.test", Role.OrgAdmin);
        RecipientReadOnly = await SeededNode.PersonAsync(scope.ServiceProvider, Node.RecipientOrg, "soc@recipient.test", Role.Analyst, readOnlyKey: true);
        var now = Node.Factory.Clock.GetUtcNow();
        await SeedIndicatorAsync(Tlp.Amber, new ResolvedAudience(AudienceKind.Organisation, Node.RecipientOrg), AmberValues, now.AddDays(-1));
        await SeedIndicatorAsync(Tlp.Green, new ResolvedAudience(AudienceKind.Network), GreenValues, now.AddDays(-1));
        await SeedIndicatorAsync(Tlp.Green, new ResolvedAudience(AudienceKind.Network), [WarningListedValue], now.AddDays(-1), warningListed: true);
        await SeedIndicatorAsync(Tlp.Green, new ResolvedAudience(AudienceKind.Network), [DecayedValue], now.AddDays(-400));
    }

    public async Task DisposeAsync() => await Node.DisposeAsync();

    /// <summary>One indicator of <see cref="Node"/>'s owner carrying <paramref name="values"/>, as the store writes it.</summary>
    public async Task<long> SeedIndicatorAsync(Tlp tlp, ResolvedAudience audience, IReadOnlyList<string> values, DateTimeOffset modified, bool warningListed = false)
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
        var now = Node.Factory.Clock.GetUtcNow();
        var record = new SharedRecord { RecordType = RecordType.StixObject, OwnerOrganisationId = Node.OwnerOrg, CreatorOrganisationId = Node.OwnerOrg, CreatedAt = now };
        db.SharedRecords.Add(record);
        await scope.ServiceProvider.GetRequiredService<SharingStore>().ApplyAsync(record, tlp, [audience], false, default);
        var stixId = "indicator--" + Guid.NewGuid();
        var stamp = modified.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var pattern = string.Join(" OR ", values.Select(v => $"[x-test:value = '{v}']"));
        var json = new JsonObject
        {
            ["type"] = "indicator", ["spec_version"] = "2.1", ["id"] = stixId, ["created"] = stamp, ["modified"] = stamp,
            ["pattern"] = pattern, ["pattern_type"] = "stix", ["valid_from"] = stamp,
            ["object_marking_refs"] = new JsonArray(tlp.StixMarkingId()),
        };
        var intel = new IntelObject
        {
            Record = record, OwnerOrganisationId = Node.OwnerOrg, StixId = stixId, StixType = "indicator", Created = modified, Modified = modified,
            Name = pattern.Length > IntelLimits.NameLength ? pattern[..IntelLimits.NameLength] : pattern, AddedAt = now, UpdatedAt = now, WarningListed = warningListed,
        };
        IntelDecay.Apply(intel, IntelDecay.KindOf(values.Select(KindOf)), null, modified);
        db.IntelObjects.Add(intel);
        db.IntelObjectVersions.Add(new IntelObjectVersion { IntelObject = intel, Modified = modified, DateAdded = now, Json = json.ToJsonString() });
        db.IntelLabels.Add(new IntelLabel { Label = "malicious-activity", IntelObject = intel });
        await db.SaveChangesAsync();

        foreach (var value in values)
        {
            var kind = KindOf(value);
            var observable = await db.Observables.SingleOrDefaultAsync(o => o.Kind == kind && o.Value == value)
                             ?? db.Observables.Add(new Observable { Kind = kind, Value = value }).Entity;
            observable.ObjectCount++;
            await db.SaveChangesAsync();
            db.ObservableLinks.Add(new ObservableLink { ObservableId = observable.Id, RecordId = record.Id });
        }

        db.IntelChanges.Add(new IntelChange { RecordId = record.Id, Kind = IntelChangeKind.Added, At = now });
        await db.SaveChangesAsync();
        return record.Id;
    }

    private static ObservableKind KindOf(string value) => value switch
    {
        _ when value.Contains('/', StringComparison.Ordinal) && value.StartsWith("http", StringComparison.Ordinal) => ObservableKind.Url,
        _ when value.Contains('/', StringComparison.Ordinal) => ObservableKind.Ipv4Cidr,
        _ when value.Length == 64 => ObservableKind.Sha256,
        _ when char.IsAsciiDigit(value[0]) => ObservableKind.Ipv4,
        _ => ObservableKind.Domain,
    };
}

public sealed class SqliteIntelExportNode() : IntelExportNode(DatabaseProvider.Sqlite);

public sealed class PostgresIntelExportNode() : IntelExportNode(DatabaseProvider.Postgres);

/// <summary>
/// <c>GET /api/intel/exports/{format}</c> through HTTP: what each kind of caller gets in every format, the TLP each
/// export states, the default exclusions, caching for pollers and the audit trail. On SQLite and PostgreSQL.
/// </summary>
public abstract class IntelExportTests(IntelExportNode fixture)
{
    public static readonly string[] Formats = ["stix", "csv", "ips", "cidrs", "domains", "urls", "hashes", "rpz", "suricata", "misp"];

    private SeededNode Node => fixture.Node;

    public static TheoryData<string> AllFormats()
    {
        var data = new TheoryData<string>();
        foreach (var f in Formats)
        {
            data.Add(f);
        }

        return data;
    }

    /// <summary>A GREEN value each format carries: the proof that the export is not simply empty.</summary>
    private static string GreenMarker(string format) => format switch
    {
        "cidrs" => "192.0.2.128/25",
        "domains" or "rpz" => "green.example",
        "urls" => "green.example/a",
        "hashes" => new string('b', 64),
        _ => "192.0.2.10",
    };

    /// <summary>The AMBER value each format would carry if it leaked.</summary>
    private static string AmberMarker(string format) => format switch
    {
        "cidrs" => "198.51.100.0/24",
        "domains" or "rpz" => "amber.secret.example",
        "urls" => "amber.secret.example/x",
        "hashes" => new string('a', 64),
        _ => "203.0.113.7",
    };

    private async Task<(HttpResponseMessage Response, string Body)> ExportAsync(Person? person, string format, string query = "")
    {
        var response = await Node.Client(person).GetAsync($"/api/intel/exports/{format}{query}");
        return (response, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [MemberData(nameof(AllFormats))]
    public async Task Export_Recipient_GetsTheAmberValueAndTheExportSaysAmber(string format)
    {
        var (response, body) = await ExportAsync(Node.Recipient, format);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(AmberMarker(format), body, StringComparison.Ordinal);
        Assert.Contains(GreenMarker(format), body, StringComparison.Ordinal);
        Assert.Equal("TLP:AMBER", Assert.Single(response.Headers.GetValues("X-Rampart-Tlp")));
        if (format != "stix")
        {
            Assert.Contains("AMBER", body, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [MemberData(nameof(AllFormats))]
    public async Task Export_OtherOrganisationsAndEveryAdministrator_NeverGetTheAmberValueNorSeeAmberStated(string format)
    {
        foreach (var person in new[] { Node.Outsider, Node.Member, Node.SameCountry, Node.NodeAdmin, fixture.OutsiderAdmin })
        {
            var (response, body) = await ExportAsync(person, format, "?includeWarningListed=true&includeDecayed=true");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains(GreenMarker(format), body, StringComparison.Ordinal);
            foreach (var amber in IntelExportNode.AmberValues)
            {
                Assert.DoesNotContain(amber, body, StringComparison.Ordinal);
            }

            Assert.DoesNotContain("amber", body, StringComparison.OrdinalIgnoreCase);
            Assert.Equal("TLP:GREEN", Assert.Single(response.Headers.GetValues("X-Rampart-Tlp")));
        }
    }

    [Fact]
    public async Task Export_ReadOnlyKey_CanExport()
    {
        var (response, body) = await ExportAsync(fixture.RecipientReadOnly, "ips");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("203.0.113.7\n", body, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AllFormats))]
    public async Task Export_Anonymous_Is401(string format)
    {
        var (response, body) = await ExportAsync(null, format);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain("192.0.2.10", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_PlainList_IsTextWithAFileNameAndExcludesWarningListedAndDecayedByDefault()
    {
        var (response, body) = await ExportAsync(Node.Outsider, "ips");

        Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType.CharSet);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Matches(@"^rampart-ips-\d{8}T\d{6}Z\.txt$", response.Content.Headers.ContentDisposition.FileName!.Trim('"'));
        Assert.StartsWith("# TLP:GREEN", body, StringComparison.Ordinal);
        var lines = body.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        Assert.Contains("192.0.2.10", lines);
        Assert.DoesNotContain(IntelExportNode.WarningListedValue, lines);
        Assert.DoesNotContain(IntelExportNode.DecayedValue, lines);
        Assert.DoesNotContain("192.0.2.128/25", lines);

        var (_, all) = await ExportAsync(Node.Outsider, "ips", "?includeWarningListed=true&includeDecayed=true");
        var allLines = all.Split('\n').ToList();
        Assert.Contains(IntelExportNode.WarningListedValue, allLines);
        Assert.Contains(IntelExportNode.DecayedValue, allLines);
    }

    [Fact]
    public async Task Export_Stix_ObjectWhoseRecordTlpRose_CarriesTheRecordsMarkingNotTheStoredOne()
    {
        // A stricter re-share (or an older version with a stricter marking) raises the record's TLP; the stored JSON keeps its old marking.
        var recordId = await fixture.SeedIndicatorAsync(Tlp.Green, new ResolvedAudience(AudienceKind.Organisation, Node.RecipientOrg), ["198.18.91.33"],
            Node.Factory.Clock.GetUtcNow().AddDays(-1));
        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
            await db.SharedRecords.Where(r => r.Id == recordId).ExecuteUpdateAsync(u => u.SetProperty(r => r.Tlp, Tlp.Red));
        }

        var (_, body) = await ExportAsync(Node.Owner, "stix", "?includeWarningListed=true");
        var matching = JsonNode.Parse(body)!["objects"]!.AsArray().Where(o => o!["pattern"]!.GetValue<string>().Contains("198.18.91.33", StringComparison.Ordinal)).ToList();
        Assert.True(matching.Count == 1, body);
        var raised = matching[0];
        var markings = raised!["object_marking_refs"]!.AsArray().Select(m => m!.GetValue<string>()).ToList();
        Assert.Contains(Tlp.Red.StixMarkingId(), markings);
        Assert.DoesNotContain(Tlp.Green.StixMarkingId(), markings);
        // The class shares one node: leave the owner's other exports as they were.
        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
            await db.SharedRecords.Where(r => r.Id == recordId).ExecuteDeleteAsync();
        }
    }

    [Fact]
    public async Task Export_Stix_IsABundleOfTheReadableObjectsWithItsMediaType()
    {
        var (response, body) = await ExportAsync(Node.Outsider, "stix");

        Assert.Equal("application/stix+json;version=2.1", response.Content.Headers.ContentType!.ToString().Replace(" ", "", StringComparison.Ordinal));
        Assert.EndsWith(".json", response.Content.Headers.ContentDisposition!.FileName!.Trim('"'), StringComparison.Ordinal);
        var bundle = JsonNode.Parse(body)!;
        Assert.Equal("bundle", bundle["type"]!.GetValue<string>());
        var objects = bundle["objects"]!.AsArray();
        Assert.Contains(objects, o => o!["pattern"]!.GetValue<string>().Contains("192.0.2.10", StringComparison.Ordinal));
        Assert.All(objects, o => Assert.Contains(o!["object_marking_refs"]![0]!.GetValue<string>(), new[] { Tlp.Green.StixMarkingId(), Tlp.Clear.StixMarkingId() }));
        Assert.DoesNotContain(objects, o => o!["pattern"]!.GetValue<string>().Contains(IntelExportNode.WarningListedValue, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Export_TlpCeiling_LeavesOutWhatIsAboveAndStatesTheCeiling()
    {
        var (response, body) = await ExportAsync(Node.Recipient, "ips", "?tlp=green");

        Assert.Equal("TLP:GREEN", Assert.Single(response.Headers.GetValues("X-Rampart-Tlp")));
        Assert.DoesNotContain("203.0.113.7", body, StringComparison.Ordinal);
        Assert.Contains("192.0.2.10", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_OwnerAndLabelFilters_Select()
    {
        var (_, mine) = await ExportAsync(Node.Recipient, "ips", $"?owner={Node.OwnerOrg}&label=malicious-activity");
        var (_, others) = await ExportAsync(Node.Recipient, "ips", $"?owner={Node.RecipientOrg}");
        var (_, otherLabel) = await ExportAsync(Node.Recipient, "ips", "?label=benign");

        Assert.Contains("203.0.113.7", mine, StringComparison.Ordinal);
        Assert.DoesNotContain("192.0.2.10", others, StringComparison.Ordinal);
        Assert.DoesNotContain("192.0.2.10", otherLabel, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/intel/exports/pdf", "format")]
    [InlineData("/api/intel/exports/ips?tlp=purple", "tlp")]
    [InlineData("/api/intel/exports/ips?tpl=green", "tpl")]
    [InlineData("/api/intel/exports/ips?owner=someone", "owner")]
    [InlineData("/api/intel/exports/ips?addedSince=yesterday", "addedSince")]
    [InlineData("/api/intel/exports/ips?includeDecayed=maybe", "includeDecayed")]
    [InlineData("/api/intel/exports/ips?type=Indicator;DROP", "type")]
    public async Task Export_BadInput_Is400NamingTheField(string url, string field)
    {
        var response = await Node.Client(Node.Recipient).GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await Json.ReadAsync(response))["errors"]![field]);
    }

    [Fact]
    public async Task Export_IfNoneMatch_Is304UntilSomethingTheCallerMaySeeChanges()
    {
        var client = Node.Client(Node.Outsider);
        var first = await client.GetAsync("/api/intel/exports/ips");
        var etag = first.Headers.ETag!;

        var again = new HttpRequestMessage(HttpMethod.Get, "/api/intel/exports/ips");
        again.Headers.IfNoneMatch.Add(etag);
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(again)).StatusCode);

        // Something the outsider cannot see changes: still 304 (and nothing tells them it happened).
        await fixture.SeedIndicatorAsync(Tlp.Amber, new ResolvedAudience(AudienceKind.Organisation, Node.RecipientOrg), ["203.0.113.200"], Node.Factory.Clock.GetUtcNow());
        var afterHidden = new HttpRequestMessage(HttpMethod.Get, "/api/intel/exports/ips");
        afterHidden.Headers.IfNoneMatch.Add(etag);
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(afterHidden)).StatusCode);

        // Something they can see changes: the new list.
        await fixture.SeedIndicatorAsync(Tlp.Clear, new ResolvedAudience(AudienceKind.Network), ["192.0.2.201"], Node.Factory.Clock.GetUtcNow());
        var afterVisible = new HttpRequestMessage(HttpMethod.Get, "/api/intel/exports/ips");
        afterVisible.Headers.IfNoneMatch.Add(etag);
        var changed = await client.SendAsync(afterVisible);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Contains("192.0.2.201\n", await changed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.NotEqual(etag, changed.Headers.ETag);
    }

    [Fact]
    public async Task Export_IsAuditedWithFormatFilterAndCount()
    {
        var person = await NewPersonAsync();
        var (response, _) = await ExportAsync(person, "domains", "?tlp=amber");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var entries = await scope.ServiceProvider.GetRequiredService<RampartDb>().AuditEntries.AsNoTracking()
            .Where(e => e.UserId == person.UserId).OrderBy(e => e.Sequence).ToListAsync();
        var started = Assert.Single(entries, e => e.Event == AuditEvent.IntelExported);
        Assert.Equal("intel-export:domains", started.Target);
        Assert.Contains("tlp<=amber", started.Detail, StringComparison.Ordinal);
        var ended = Assert.Single(entries, e => e.Event == AuditEvent.IntelExportEnded);
        Assert.Equal(AuditOutcome.Success, ended.Outcome);
        Assert.StartsWith("1 written", ended.Detail, StringComparison.Ordinal);
    }

    private async Task<Person> NewPersonAsync()
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        return await SeededNode.PersonAsync(scope.ServiceProvider, Node.SameCountryOrg, $"audit-{Guid.NewGuid():N}@sameco.test", Role.Analyst);
    }
}

public sealed class SqliteIntelExportTests(SqliteIntelExportNode fixture) : IntelExportTests(fixture), IClassFixture<SqliteIntelExportNode>;

public sealed class PostgresIntelExportTests(PostgresIntelExportNode fixture) : IntelExportTests(fixture), IClassFixture<PostgresIntelExportNode>;
