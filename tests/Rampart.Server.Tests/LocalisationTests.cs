using System.Text.RegularExpressions;
using System.Xml.Linq;
using Rampart.Server.Access;
using Rampart.Server.Identity;
using Rampart.Server.Organisations;

namespace Rampart.Server.Tests;

/// <summary>Every string the shell shows exists in English, Albanian, Serbian (Latin) and Macedonian.</summary>
public sealed partial class LocalisationTests
{
    private static readonly string ServerProject = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "src", "Rampart.Server"));

    private static Dictionary<string, string> Resources(string suffix) =>
        XDocument.Load(Path.Combine(ServerProject, "Resources", $"Shell{suffix}.resx")).Root!.Elements("data")
            .ToDictionary(d => d.Attribute("name")!.Value, d => d.Element("value")!.Value, StringComparer.Ordinal);

    public static TheoryData<string> Languages() => new() { "", ".sq", ".sr-Latn", ".mk" };

    private static IEnumerable<string> KeysUsedByPages()
    {
        foreach (var file in Directory.EnumerateFiles(ServerProject, "*.razor", SearchOption.AllDirectories))
        {
            foreach (Match match in LiteralKey().Matches(File.ReadAllText(file)))
            {
                yield return match.Groups[1].Value;
            }
        }

        foreach (var audience in Enum.GetNames<Audience>())
        {
            yield return "Audience." + audience;
        }

        foreach (var kind in Enum.GetNames<OrganisationKind>())
        {
            yield return "Kind." + kind;
        }

        foreach (var role in Enum.GetNames<Role>())
        {
            yield return "Role." + role;
        }
    }

    [Theory]
    [MemberData(nameof(Languages))]
    public void EveryShellString_IsTranslated(string suffix)
    {
        var resources = Resources(suffix);
        var used = KeysUsedByPages().Distinct().ToList();
        Assert.True(used.Count > 100, "the scan found too few strings: is the path right?");
        var missing = used.Where(k => !resources.TryGetValue(k, out var v) || string.IsNullOrWhiteSpace(v)).ToList();
        Assert.True(missing.Count == 0, $"Shell{suffix}.resx lacks: {string.Join(" | ", missing)}");
    }

    [Theory]
    [InlineData(".sq")]
    [InlineData(".sr-Latn")]
    [InlineData(".mk")]
    public void Translations_AreNotEnglishLeftovers(string suffix)
    {
        var english = Resources("");
        var translated = Resources(suffix);
        var same = translated.Count(t => english.TryGetValue(t.Key, out var en) && en == t.Value);
        // Proper names and codes (TLP, PGP, E-mail in Albanian) may stay the same; most strings must not.
        Assert.True(same < english.Count / 10, $"{same} of {english.Count} strings in Shell{suffix}.resx are identical to English");
    }

    [Fact]
    public void Macedonian_IsCyrillic_SerbianIsLatin()
    {
        Assert.Matches("\\p{IsCyrillic}", Resources(".mk")["Organisations"]);
        Assert.DoesNotMatch("\\p{IsCyrillic}", string.Concat(Resources(".sr-Latn").Values));
    }

    [GeneratedRegex("""L\["([^"]+)"\]""")]
    private static partial Regex LiteralKey();
}
