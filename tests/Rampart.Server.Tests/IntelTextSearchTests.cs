using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Identity;
using Rampart.Server.Intelligence.Read;
using Rampart.Server.Intelligence.Search;
using Rampart.Server.Notes;

namespace Rampart.Server.Tests;

/// <summary>
/// Text search (<c>q=</c>) over whole-word term rows: each typed word is a prefix range of the term key, in byte order
/// on both databases (non-ASCII words included), driven from the term index or from the objects — same answers.
/// </summary>
public abstract class IntelTextSearchTests(NodeFixture fixture)
{
    private SeededNode Node => fixture.Node;

    private static string Id(string type) => $"{type}--{Guid.NewGuid()}";

    // Letters and digits only, unique per test: every word below contains it, so tests do not see each other. Short, so
    // that the words below stay within the 16 characters where typed and stored words are cut.
    private static string Tag() => "zq" + Guid.NewGuid().ToString("N")[..5];

    private static JsonObject Indicator(string id, string name, string? description = null)
    {
        var o = new JsonObject
        {
            ["type"] = "indicator", ["spec_version"] = "2.1", ["id"] = id, ["created"] = "2026-11-01T00:00:00.000Z", ["modified"] = "2026-11-01T00:00:00.000Z",
            ["name"] = name, ["pattern"] = $"[ipv4-addr:value = '198.51.{Random.Shared.Next(101, 255)}.{Random.Shared.Next(1, 255)}']",
            ["pattern_type"] = "stix", ["valid_from"] = "2026-11-01T00:00:00.000Z",
        };
        if (description is not null)
        {
            o["description"] = description;
        }

        return o;
    }

    private async Task ImportAsync(string query, params JsonObject[] objects)
    {
        var bundle = new JsonObject { ["type"] = "bundle", ["id"] = Id("bundle"), ["objects"] = new JsonArray(objects.Select(o => (JsonNode)o.DeepClone()).ToArray()) };
        var response = await Node.Client(Node.Owner).PostAsync($"/api/intel/bundles?{query}",
            new StringContent(bundle.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    private async Task<List<string>> SearchAsync(Person? person, string q)
    {
        var response = await Node.Client(person).GetAsync($"/api/intel/objects?q={Uri.EscapeDataString(q)}&limit=200");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await Json.ReadAsync(response))["items"]!.AsArray().Select(i => i!["stixId"]!.GetValue<string>()).Order(StringComparer.Ordinal)];
    }

    private static List<string> Sorted(params string[] ids) => [.. ids.Order(StringComparer.Ordinal)];

    private async Task<Person> OutsiderAdminAsync()
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        return await SeededNode.PersonAsync(scope.ServiceProvider, Node.OutsiderOrg, $"{Guid.NewGuid():N}@outsider-admin.test", Role.OrgAdmin);
    }

    [Fact]
    public async Task Search_WordPrefix_FindsWordsStartingWithItAndNothingElse()
    {
        var t = Tag();
        var (x, y, z, w) = (Id("indicator"), Id("indicator"), Id("indicator"), Id("indicator"));
        await ImportAsync($"tlp=amber&audience=organisation:{Node.RecipientOrg}",
            Indicator(x, $"{t}kampanja ќ{t}шпион"),
            Indicator(y, $"{t}kampus"),
            // U+D7A3 (a letter, the highest before the surrogates): the range's upper bound must lie above it.
            Indicator(z, $"{t}kamp\uD7A3 one"),
            Indicator(w, "Georgian", $"ნახე ქართ{t}ული კამპანია"));

        Assert.Equal(Sorted(x, y, z), await SearchAsync(Node.Recipient, $"{t}kamp"));
        Assert.Equal(Sorted(x, y, z), await SearchAsync(Node.Recipient, $"{t}k"));
        Assert.Equal(Sorted(x), await SearchAsync(Node.Recipient, $"{t}kampa"));
        Assert.Equal(Sorted(x), await SearchAsync(Node.Recipient, $"{t}kampanja"));
        Assert.Equal(Sorted(z), await SearchAsync(Node.Recipient, $"{t}kamp\uD7A3"));
        Assert.Equal(Sorted(z), await SearchAsync(Node.Recipient, $"{t}KAMP one"));
        // Longer than the word, the middle of a word, a word of another object: nothing.
        Assert.Empty(await SearchAsync(Node.Recipient, $"{t}kampanjax"));
        Assert.Empty(await SearchAsync(Node.Recipient, $"{t[2..]}kamp"));
        Assert.Empty(await SearchAsync(Node.Recipient, $"{t}kampus {t}kampa"));
        // Non-ASCII words: Cyrillic (any case) and Georgian, whole and as prefixes.
        Assert.Equal(Sorted(x), await SearchAsync(Node.Recipient, $"ќ{t}ш"));
        Assert.Equal(Sorted(x), await SearchAsync(Node.Recipient, $"Ќ{t.ToUpperInvariant()}ШПИОН"));
        Assert.Empty(await SearchAsync(Node.Recipient, $"ќ{t}шпионажа"));
        Assert.Equal(Sorted(w), await SearchAsync(Node.Recipient, $"ქართ{t}"));
        Assert.Equal(Sorted(w), await SearchAsync(Node.Recipient, $"ქართ{t}ული"));
        Assert.Empty(await SearchAsync(Node.Recipient, $"ქართ{t}ულიი"));

        foreach (var stranger in new[] { Node.Outsider, Node.NodeAdmin, await OutsiderAdminAsync(), null })
        {
            Assert.Empty(await SearchAsync(stranger, $"{t}kamp"));
            Assert.Empty(await SearchAsync(stranger, $"ქართ{t}"));
        }
    }

    [Fact]
    public async Task Search_LongWord_StoredOnceAndFoundByItsStart()
    {
        var t = Tag();
        var id = Id("indicator");
        var word = $"{t}abcdefghijklmnopqrstuvwxyz";
        await ImportAsync("tlp=green&audience=network", Indicator(id, $"{word} a b", "x y z"));

        Assert.Equal(Sorted(id), await SearchAsync(Node.Recipient, word));
        Assert.Equal(Sorted(id), await SearchAsync(Node.Recipient, word[..NoteSearch.MaxPrefix]));
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
        var recordId = await db.IntelObjects.Where(o => o.StixId == id).Select(o => o.RecordId).SingleAsync();
        // One row per word of two or more characters, the long word cut where a typed word is cut.
        Assert.Equal(new[] { word[..NoteSearch.MaxPrefix] }, await db.IntelTerms.Where(r => r.RecordId == recordId).Select(r => r.Term).ToListAsync());
    }

    [Fact]
    public async Task Search_DrivenFromTermsOrFromObjects_SameAnswers()
    {
        var t = Tag();
        var ids = Enumerable.Range(0, 6).Select(_ => Id("indicator")).ToList();
        await ImportAsync("tlp=green&audience=network", [.. ids.Select((id, i) => Indicator(id, $"{t}loader{i % 3} stage{t}", i % 2 == 0 ? "even" : "odd"))]);
        await ImportAsync("tlp=amber", Indicator(Id("indicator"), $"{t}loader0 stage{t}", "even"));
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var queries = scope.ServiceProvider.GetRequiredService<IntelQueries>();
        var recipient = new Caller(Node.Recipient.UserId, Node.RecipientOrg, Role.Analyst, new HashSet<Guid>());

        foreach (var typed in new[] { $"{t}loader", $"{t}loader0 stage{t}", $"stage{t} even", $"{t}loader1 odd", $"{t}loader2 even", $"{t}loader nothing{t}" })
        {
            var terms = IntelText.QueryTerms(typed);
            var search = new IntelSearch(Terms: terms);
            var answers = new List<List<string>>();
            foreach (var driving in terms.Select(term => (string?)term).Append(null))
            {
                // Paged by two: the keyset works on either plan.
                var found = new List<string>();
                SearchPosition? after = null;
                while (true)
                {
                    var rows = await queries.SearchQuery(recipient, search, after, 2, driving).ToListAsync();
                    found.AddRange(rows.Take(2).Select(r => r.StixId));
                    if (rows.Count <= 2)
                    {
                        break;
                    }

                    after = new SearchPosition(rows[1].RecordId, null);
                }

                answers.Add(found);
            }

            var expected = ids.Where((id, i) => typed switch
            {
                _ when typed.EndsWith("loader", StringComparison.Ordinal) => true,
                _ when typed.StartsWith($"{t}loader0", StringComparison.Ordinal) => i % 3 == 0,
                _ when typed.EndsWith("even", StringComparison.Ordinal) && typed.StartsWith("stage", StringComparison.Ordinal) => i % 2 == 0,
                _ when typed.StartsWith($"{t}loader1", StringComparison.Ordinal) => i % 3 == 1 && i % 2 == 1,
                _ when typed.StartsWith($"{t}loader2", StringComparison.Ordinal) => i % 3 == 2 && i % 2 == 0,
                _ => false,
            }).Reverse().ToList();
            Assert.All(answers, a => Assert.Equal(expected, a));
            var chosen = await queries.DrivingTermAsync(search, default);
            Assert.NotNull(chosen);
            Assert.Contains(chosen, terms);
        }
    }

    [Fact]
    public async Task Search_RowsOfEveryPrefix_AsWrittenBeforeWholeWords_StillMatchTheSameWay()
    {
        var t = Tag();
        var id = Id("indicator");
        await ImportAsync("tlp=green&audience=network", Indicator(id, $"{t}camp ќ{t}шпион"));
        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
            var recordId = await db.IntelObjects.Where(o => o.StixId == id).Select(o => o.RecordId).SingleAsync();
            await db.IntelTerms.Where(r => r.RecordId == recordId).ExecuteDeleteAsync();
            // The rows the store wrote before: every prefix of 2 to 16 characters of every word.
            db.IntelTerms.AddRange(NoteSearch.Terms($"{t}camp ќ{t}шпион").Select(term => new IntelTerm { Term = term, RecordId = recordId }));
            await db.SaveChangesAsync();
        }

        Assert.Equal(Sorted(id), await SearchAsync(Node.Recipient, $"{t}ca"));
        Assert.Equal(Sorted(id), await SearchAsync(Node.Recipient, $"{t}camp"));
        Assert.Equal(Sorted(id), await SearchAsync(Node.Recipient, $"ќ{t}ш"));
        Assert.Empty(await SearchAsync(Node.Recipient, $"{t}camps"));
        Assert.Empty(await SearchAsync(Node.Recipient, $"{t}cx"));
        Assert.Empty(await SearchAsync(null, $"{t}camp"));
    }
}

public sealed class SqliteIntelTextSearchTests(SqliteNode fixture) : IntelTextSearchTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresIntelTextSearchTests(PostgresNode fixture) : IntelTextSearchTests(fixture), IClassFixture<PostgresNode>;
