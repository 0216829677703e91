using System.Text.RegularExpressions;
using System.Xml.Linq;
using Rampart.Server.Access;
using Rampart.Server.Identity;
using Rampart.Server.Organisations;

namespace Rampart.Server.Tests;

/// <summary>
/// Every string the pages show has an English key in <c>Shell.resx</c>. That the key is then translated into the
/// other eight languages is <see cref="LanguageCompletenessTests"/>'s part.
/// </summary>
public sealed partial class LocalisationTests
{
    private static readonly string ServerProject = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "src", "Rampart.Server"));

    private static Dictionary<string, string> Resources(string suffix) =>
        XDocument.Load(Path.Combine(ServerProject, "Resources", $"Shell{suffix}.resx")).Root!.Elements("data")
            .ToDictionary(d => d.Attribute("name")!.Value, d => d.Element("value")!.Value, StringComparer.Ordinal);

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

    [Fact]
    public void EveryStringThePagesShow_HasAnEnglishKey()
    {
        var resources = Resources("");
        var used = KeysUsedByPages().Distinct().ToList();
        Assert.True(used.Count > 100, "the scan found too few strings: is the path right?");
        var missing = used.Where(k => !resources.TryGetValue(k, out var v) || string.IsNullOrWhiteSpace(v)).ToList();
        Assert.True(missing.Count == 0, $"Shell.resx lacks: {string.Join(" | ", missing)}");
    }

    [Fact]
    public void Macedonian_IsCyrillic_SerbianLatinIsLatin()
    {
        Assert.Matches("\\p{IsCyrillic}", Resources(".mk")["Organisations"]);
        Assert.DoesNotMatch("\\p{IsCyrillic}", string.Concat(Resources(".sr-Latn").Values));
    }

    [GeneratedRegex("""L\["([^"]+)"\]""")]
    private static partial Regex LiteralKey();
}
