namespace Rampart.Standards.Stix;

/// <summary>
/// The relationships STIX 2.1 names between object types (STIX 2.1 OS, the "Relationships" section of each SDO in §4 and
/// the summary table of Appendix B), and the common ones valid between any objects (§4.13 / §5.1.1): <c>related-to</c> between
/// any two objects, <c>derived-from</c> and <c>duplicate-of</c> between objects of the same type.
/// </summary>
public static class StixRelationships
{
    /// <summary>Valid between any two objects.</summary>
    public const string RelatedTo = "related-to";

    /// <summary>The common relationships that join only two objects of the same type.</summary>
    private static readonly string[] SameType = ["derived-from", "duplicate-of"];

    // Cyber observables that a relationship of the table may point at (communicates-with, downloads, drops, consists-of).
    private const string AnySco = "<sco>";

    // Source type → relationship type → target types, as the specification lists them.
    private static readonly Dictionary<string, Dictionary<string, string[]>> Table = new(StringComparer.Ordinal)
    {
        ["attack-pattern"] = Rel(("delivers", ["malware"]), ("targets", ["identity", "location", "vulnerability"]), ("uses", ["malware", "tool"])),
        ["campaign"] = Rel(
            ("attributed-to", ["intrusion-set", "threat-actor"]), ("compromises", ["infrastructure"]), ("originates-from", ["location"]),
            ("targets", ["identity", "location", "vulnerability"]), ("uses", ["attack-pattern", "infrastructure", "malware", "tool"])),
        ["course-of-action"] = Rel(
            ("investigates", ["indicator"]), ("mitigates", ["attack-pattern", "indicator", "malware", "tool", "vulnerability"]),
            ("remediates", ["malware", "vulnerability"])),
        ["identity"] = Rel(("located-at", ["location"])),
        ["indicator"] = Rel(
            ("indicates", ["attack-pattern", "campaign", "infrastructure", "intrusion-set", "malware", "threat-actor", "tool"]),
            ("based-on", ["observed-data"])),
        ["infrastructure"] = Rel(
            ("communicates-with", ["infrastructure", "ipv4-addr", "ipv6-addr", "domain-name", "url"]),
            ("consists-of", ["infrastructure", "observed-data", AnySco]), ("controls", ["infrastructure", "malware"]), ("delivers", ["malware"]),
            ("has", ["vulnerability"]), ("hosts", ["tool", "malware"]), ("located-at", ["location"]), ("uses", ["infrastructure"])),
        ["intrusion-set"] = Rel(
            ("attributed-to", ["threat-actor"]), ("compromises", ["infrastructure"]), ("hosts", ["infrastructure"]), ("owns", ["infrastructure"]),
            ("originates-from", ["location"]), ("targets", ["identity", "location", "vulnerability"]),
            ("uses", ["attack-pattern", "infrastructure", "malware", "tool"])),
        ["malware"] = Rel(
            ("authored-by", ["threat-actor", "intrusion-set"]), ("beacons-to", ["infrastructure"]), ("exfiltrates-to", ["infrastructure"]),
            ("communicates-with", ["ipv4-addr", "ipv6-addr", "domain-name", "url"]), ("controls", ["malware"]), ("downloads", ["malware", "tool", "file"]),
            ("drops", ["malware", "tool", "file"]), ("exploits", ["vulnerability"]), ("originates-from", ["location"]),
            ("targets", ["identity", "infrastructure", "location", "vulnerability"]), ("uses", ["attack-pattern", "infrastructure", "malware", "tool"]),
            ("variant-of", ["malware"])),
        ["malware-analysis"] = Rel(
            ("characterizes", ["malware"]), ("analysis-of", ["malware"]), ("static-analysis-of", ["malware"]), ("dynamic-analysis-of", ["malware"])),
        ["threat-actor"] = Rel(
            ("attributed-to", ["identity"]), ("compromises", ["infrastructure"]), ("hosts", ["infrastructure"]), ("owns", ["infrastructure"]),
            ("impersonates", ["identity"]), ("located-at", ["location"]), ("targets", ["identity", "location", "vulnerability"]),
            ("uses", ["attack-pattern", "infrastructure", "malware", "tool"])),
        ["tool"] = Rel(
            ("delivers", ["malware"]), ("drops", ["malware"]), ("has", ["vulnerability"]), ("targets", ["identity", "infrastructure", "location", "vulnerability"]),
            ("uses", ["infrastructure"])),
    };

    /// <summary>
    /// The relationship types valid from an object of <paramref name="sourceType"/> to one of <paramref name="targetType"/>:
    /// the specification's own first (in its order), then the common ones that apply, <c>related-to</c> last.
    /// </summary>
    public static IReadOnlyList<string> Between(string sourceType, string targetType)
    {
        ArgumentNullException.ThrowIfNull(sourceType);
        ArgumentNullException.ThrowIfNull(targetType);
        var types = new List<string>();
        if (Table.TryGetValue(sourceType, out var bySource))
        {
            var targetIsSco = StixTypes.IsSco(targetType);
            foreach (var (relationship, targets) in bySource)
            {
                if (targets.Contains(targetType, StringComparer.Ordinal) || (targetIsSco && targets.Contains(AnySco, StringComparer.Ordinal)))
                {
                    types.Add(relationship);
                }
            }
        }

        if (string.Equals(sourceType, targetType, StringComparison.Ordinal))
        {
            types.AddRange(SameType);
        }

        types.Add(RelatedTo);
        return types;
    }

    /// <summary>Whether STIX 2.1 names <paramref name="relationshipType"/> from <paramref name="sourceType"/> to <paramref name="targetType"/>.</summary>
    public static bool IsValid(string sourceType, string relationshipType, string targetType) =>
        Between(sourceType, targetType).Contains(relationshipType, StringComparer.Ordinal);

    /// <summary>Every relationship type the specification names (its table and the common ones), in order.</summary>
    public static IReadOnlyList<string> All { get; } =
        [.. Table.Values.SelectMany(r => r.Keys).Concat(SameType).Append(RelatedTo).Distinct(StringComparer.Ordinal)];

    private static Dictionary<string, string[]> Rel(params (string Type, string[] Targets)[] entries)
    {
        // Insertion order is kept by Dictionary while nothing is removed: Between lists the types in the specification's order.
        var result = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (type, targets) in entries)
        {
            result[type] = targets;
        }

        return result;
    }
}
