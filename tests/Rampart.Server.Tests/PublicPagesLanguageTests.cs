using System.Net;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Access;
using Rampart.Server.Localisation;
using Rampart.Server.Notes;
using Rampart.Standards.Markings;

namespace Rampart.Server.Tests;

/// <summary>
/// Every page a visitor who is not logged in can reach — login, denied, not found, the public list and
/// details of notes and intelligence — reads wholly in each of the nine languages: no text of the shell or of
/// MudBlazor is left in English where the language has its own words, in the text or in labels for screen readers.
/// </summary>
public sealed partial class PublicPagesLanguageTests(SqliteNode fixture) : IClassFixture<SqliteNode>
{
    private static readonly string ResourcesFolder = Path.GetFullPath(Path.Combine(
        AppContext.BaseDirectory, "..", "..", "..", "..", "..", "src", "Rampart.Server", "Resources"));

    public static TheoryData<string> Cultures() => new(Languages.All.Select(l => l.Culture).Where(c => c != "en"));

    private static Dictionary<string, string> Load(string set, string culture) =>
        XDocument.Load(Path.Combine(ResourcesFolder, culture == "en" ? $"{set}.resx" : $"{set}.{culture}.resx")).Root!.Elements("data")
            .ToDictionary(d => d.Attribute("name")!.Value, d => d.Element("value")!.Value, StringComparer.Ordinal);

    /// <summary>English texts of two words or more that this language writes differently: none may show on its pages.</summary>
    private static List<string> EnglishThatMustNotShow(string culture)
    {
        var translatedCulture = culture == "sr-Cyrl" ? "sr-Latn" : culture;
        var texts = new List<string>();
        foreach (var set in new[] { "Shell", "MudBlazor", "CapacityTexts", "TrainingTexts" })
        {
            var english = Load(set, "en");
            var translated = Load(set, translatedCulture);
            texts.AddRange(english.Where(e => e.Value.Contains(' ', StringComparison.Ordinal) && e.Value.Length >= 8 && !e.Value.Contains('{', StringComparison.Ordinal)
                    && translated.GetValueOrDefault(e.Key) != e.Value)
                .Select(e => e.Value));
        }

        return texts;
    }

    [Theory]
    [MemberData(nameof(Cultures))]
    public async Task AnonymousPages_InEachLanguage_HaveNoEnglishLeft(string culture)
    {
        var published = await PublishedNoteAsync();
        var intel = await PublishedIntelAsync();
        var project = await PublicProjectAsync();
        var pages = new[]
        {
            "/account/login", "/account/denied", "/no/such/page", "/public", "/public?q=nothing-matches-this",
            $"/public/notes/{published}", "/public/intel", $"/public/intel/{intel}", $"/public/intel/indicator--{Guid.NewGuid()}",
            "/public/projects", $"/public/projects/{project}", $"/public/projects/{Guid.NewGuid()}", "/verify", "/verify/ABCD-EFGH-JKMN-PQRS",
        };
        var english = EnglishThatMustNotShow(culture);
        var problems = new List<string>();
        foreach (var path in pages)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("Cookie", $".AspNetCore.Culture=c={culture}|uic={culture}");
            var response = await fixture.Node.Factory.ClientWithKey(null).SendAsync(request);
            var html = await response.Content.ReadAsStringAsync();
            if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.NotFound))
            {
                problems.Add($"{path}: {(int)response.StatusCode}");
                continue;
            }

            if (!html.Contains($"<html lang=\"{culture}\">", StringComparison.Ordinal))
            {
                problems.Add($"{path}: not served as {culture}");
            }

            var text = ReadableText(html);
            problems.AddRange(english.Where(e => text.Contains(e, StringComparison.Ordinal)).Select(e => $"{path}: \"{e}\""));
        }

        Assert.True(problems.Count == 0, $"{culture}: {string.Join(" | ", problems.Distinct())}");
    }

    /// <summary>What a person reads or hears: the text outside scripts and styles, and the labels, titles and placeholders.</summary>
    private static string ReadableText(string html)
    {
        var withoutCode = ScriptOrStyle().Replace(html, " ");
        var attributes = string.Join("\n", ReadAttribute().Matches(withoutCode).Select(m => m.Groups["value"].Value));
        return WebUtility.HtmlDecode(Regex.Replace(Tag().Replace(withoutCode, "\n"), @"[ \t]+", " ") + "\n" + attributes);
    }

    [Fact]
    public async Task EnglishPages_WriteDatesYearMonthDay_NotTheUsOrder()
    {
        // The object was modified 2026-01-01 00:00 UTC; in the US order a date such as 1 December reads as 12/1.
        var intel = await PublishedIntelAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/public/intel/{intel}");
        request.Headers.Add("Cookie", ".AspNetCore.Culture=c=en|uic=en");
        var text = ReadableText(await (await fixture.Node.Factory.ClientWithKey(null).SendAsync(request)).Content.ReadAsStringAsync());
        Assert.Contains("2026-01-01 00:00 UTC", text, StringComparison.Ordinal);
        Assert.DoesNotContain("1/1/2026", text, StringComparison.Ordinal);

        // No cookie, no Accept-Language: the node's default language, with the same dates.
        var plain = ReadableText(await (await fixture.Node.Factory.ClientWithKey(null).GetAsync($"/public/intel/{intel}")).Content.ReadAsStringAsync());
        Assert.Contains("2026-01-01 00:00 UTC", plain, StringComparison.Ordinal);
    }

    private async Task<Guid> PublishedNoteAsync()
    {
        await using var scope = fixture.Node.Factory.Services.CreateAsyncScope();
        var owner = new Caller(fixture.Node.Owner.UserId, fixture.Node.OwnerOrg, Role.Analyst, new HashSet<Guid>());
        var note = await scope.ServiceProvider.GetRequiredService<NoteEditing>()
            .CreateAsync(owner, new NoteRequest("Phishing wave", "Block the sender.", Tlp.Clear, Audience.Network, Published: true), default);
        return note.Id;
    }

    private async Task<Guid> PublicProjectAsync()
    {
        await using var scope = fixture.Node.Factory.Services.CreateAsyncScope();
        var owner = new Caller(fixture.Node.Owner.UserId, fixture.Node.OwnerOrg, Role.Analyst, new HashSet<Guid>());
        var project = await scope.ServiceProvider.GetRequiredService<Rampart.Server.Capacity.Projects.ProjectEditing>().CreateAsync(owner,
            new Rampart.Server.Capacity.Projects.ProjectRequest("CERT skills for the Western Balkans", Status: Rampart.Server.Capacity.Projects.ProjectStatus.Ongoing,
                Start: "2025-03", End: "2026-12", Themes: [Rampart.Server.Capacity.Projects.ProjectTheme.CultureAndSkills], Countries: ["AL", "XK"],
                Summary: "Training incident handlers of three national CERTs.", Budget: 250_000, Currency: "EUR",
                Visibility: Rampart.Server.Capacity.Projects.ProjectVisibility.Public), default);
        return project.Id;
    }

    private async Task<string> PublishedIntelAsync()
    {
        var id = $"indicator--{Guid.NewGuid()}";
        var bundle = $$"""{"type":"bundle","id":"bundle--{{Guid.NewGuid()}}","objects":[{"type":"indicator","spec_version":"2.1","id":"{{id}}","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z","name":"Phishing sender","pattern":"[email-addr:value = 'a@b.example']","pattern_type":"stix","valid_from":"2026-01-01T00:00:00.000Z","description":"From the phishing wave.","labels":["phishing"]}]}""";
        var response = await fixture.Node.Client(fixture.Node.Owner).PostAsync("/api/intel/bundles?tlp=clear&audience=network&published=true",
            new StringContent(bundle, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return id;
    }

    [GeneratedRegex(@"<(script|style)\b[^>]*>.*?</\1>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex ScriptOrStyle();

    [GeneratedRegex(@"<[^>]+>")]
    private static partial Regex Tag();

    [GeneratedRegex(@"\b(?:aria-label|title|placeholder|alt)=""(?<value>[^""]*)""")]
    private static partial Regex ReadAttribute();
}
