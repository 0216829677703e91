using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Rampart.Standards.Markings;
using Rampart.Standards.Observables;
using Rampart.Standards.Patterns;
using Rampart.Standards.Stix;

namespace Rampart.Standards.Intelligence;

/// <summary>What to make an indicator of: one value of one kind, shared by one organisation under one TLP.</summary>
/// <param name="Kind">What the value is; <see cref="IndicatorFactory.Detect"/> finds it when the source does not say.</param>
/// <param name="Value">The value as written; it is normalised (<see cref="IndicatorFactory.TryNormalise"/>).</param>
/// <param name="ValidFrom">The indicator's <c>valid_from</c>, also its <c>created</c> and <c>modified</c>.</param>
/// <param name="CreatedByRef">The sharing organisation's STIX identity (<c>identity--…</c>).</param>
/// <param name="Tlp">The marking both objects carry.</param>
public sealed record IndicatorRequest(IndicatorKind Kind, string Value, DateTimeOffset ValidFrom, string CreatedByRef, Tlp Tlp)
{
    /// <summary>The indicator's <c>valid_until</c>; must be later than <see cref="ValidFrom"/>.</summary>
    public DateTimeOffset? ValidUntil { get; init; }

    public string? Description { get; init; }

    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>indicator-type-ov values, e.g. <c>malicious-activity</c>.</summary>
    public IReadOnlyList<string> IndicatorTypes { get; init; } = [];

    /// <summary>STIX confidence 0–100.</summary>
    public int? Confidence { get; init; }
}

/// <summary>
/// The objects made for one value: the STIX indicator (null for a CVE, which is no observable) and its subject — the
/// cyber-observable (deterministic id) or, for a CVE, a vulnerability.
/// </summary>
public sealed record IndicatorObjects(StixObject? Indicator, StixObject Subject, string NormalisedValue);

/// <summary>
/// Builds the STIX indicator and SCO for a single value (free-text confirm, CSV import, quick share). The pattern is
/// a pattern tree printed by <see cref="PatternPrinter"/>, the SCO id comes from <see cref="ScoIds"/>, and the
/// indicator id is a UUIDv5 of the creator and the pattern: the same team sharing the same value again makes a new
/// version of the same indicator, not a second one (the server keeps the first <c>created</c> for every later version).
/// </summary>
public static class IndicatorFactory
{
    private static readonly Guid IndicatorNamespace = new("5d2c6a43-7d0e-4f6b-9e0c-2a8f3f7b1c94");

    /// <summary>Creates the objects; a value that is not of its kind is a <see cref="StandardsException"/> (path <c>value</c>).</summary>
    public static IndicatorObjects Create(IndicatorRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!TryNormalise(request.Kind, request.Value, out var value))
        {
            throw new StandardsException($"'{Shorten(request.Value)}' is not a valid {KindName(request.Kind)}.", path: "value");
        }

        if (!StixIdentifier.TryParse(request.CreatedByRef, out var creatorType, out _) || creatorType != "identity")
        {
            throw new StandardsException("created_by_ref is an identity id ('identity--UUID').", path: "created_by_ref");
        }

        if (request.ValidUntil is { } until && until <= request.ValidFrom)
        {
            throw new StandardsException("valid_until is later than valid_from.", path: "valid_until");
        }

        if (request.Confidence is < 0 or > 100)
        {
            throw new StandardsException("confidence is 0 to 100.", path: "confidence");
        }

        var time = Timestamps.Format(request.ValidFrom);
        var marking = new JsonArray((JsonNode)request.Tlp.StixMarkingId());
        if (request.Kind == IndicatorKind.Cve)
        {
            var vulnerability = new JsonObject
            {
                ["type"] = "vulnerability",
                ["spec_version"] = "2.1",
                ["id"] = "vulnerability--" + Uuid(request.CreatedByRef + "\n" + value),
                ["created"] = time,
                ["modified"] = time,
                ["created_by_ref"] = request.CreatedByRef,
                ["name"] = value,
                ["external_references"] = new JsonArray(new JsonObject { ["source_name"] = "cve", ["external_id"] = value }),
            };
            AddCommon(vulnerability, request, marking);
            return new IndicatorObjects(null, new StixObject(vulnerability), value);
        }

        var (sco, comparison) = Observable(request.Kind, value);
        sco["object_marking_refs"] = marking.DeepClone();
        ScoIds.Assign(sco);
        var pattern = PatternPrinter.Print(new StixPattern(new ObservationTest(comparison)));
        var indicator = new JsonObject
        {
            ["type"] = "indicator",
            ["spec_version"] = "2.1",
            ["id"] = "indicator--" + Uuid(request.CreatedByRef + "\n" + pattern),
            ["created"] = time,
            ["modified"] = time,
            ["created_by_ref"] = request.CreatedByRef,
            ["name"] = value,
            ["pattern"] = pattern,
            ["pattern_type"] = "stix",
            ["valid_from"] = time,
        };
        if (request.ValidUntil is { } validUntil)
        {
            indicator["valid_until"] = Timestamps.Format(validUntil);
        }

        if (request.IndicatorTypes.Count > 0)
        {
            indicator["indicator_types"] = new JsonArray([.. request.IndicatorTypes.Select(t => (JsonNode)t)]);
        }

        AddCommon(indicator, request, marking);
        return new IndicatorObjects(new StixObject(indicator), new StixObject(sco), value);
    }

    /// <summary>
    /// The canonical form of <paramref name="raw"/> as a value of <paramref name="kind"/> (the forms the observable
    /// index stores): addresses and CIDRs by <see cref="Normalise"/> (a /32 or /128 CIDR is its address), hashes lower
    /// case of their kind's length, CVE ids upper case, AS numbers as <c>AS123</c>.
    /// </summary>
    public static bool TryNormalise(IndicatorKind kind, string? raw, out string value)
    {
        value = "";
        if (string.IsNullOrWhiteSpace(raw))
        {
            return false;
        }

        var text = raw.Trim();
        switch (kind)
        {
            case IndicatorKind.Ipv4:
            case IndicatorKind.Ipv6:
                return Normalise.TryIpAddress(text, out value) && value.Contains(':', StringComparison.Ordinal) == (kind == IndicatorKind.Ipv6);
            case IndicatorKind.Cidr:
                return text.Contains('/', StringComparison.Ordinal) && Normalise.TryCidr(text, out value);
            case IndicatorKind.Domain:
                return Normalise.TryDomain(text, out value);
            case IndicatorKind.Url:
                return Normalise.TryUrl(text, out value);
            case IndicatorKind.Email:
                return Normalise.TryEmail(text, out value);
            case IndicatorKind.Md5 or IndicatorKind.Sha1 or IndicatorKind.Sha256 or IndicatorKind.Sha512:
                return Normalise.TryHash(text, out value) && value.Length == HashLength(kind);
            case IndicatorKind.Cve:
                value = text.ToUpperInvariant();
                return StixFormats.CveId().IsMatch(value);
            case IndicatorKind.AutonomousSystem:
                var digits = text.StartsWith("AS", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
                if (digits.Length is > 0 and <= 10 && digits.All(char.IsAsciiDigit) && (digits.Length == 1 || digits[0] != '0')
                    && long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number <= uint.MaxValue)
                {
                    value = "AS" + digits;
                    return true;
                }

                return false;
            default:
                return false;
        }
    }

    /// <summary>
    /// The kind a lone value has, tried from the most to the least specific form: URL, e-mail, CIDR, IP address,
    /// hash (by length), CVE, AS number, domain. Null when it is none of them.
    /// </summary>
    public static IndicatorKind? Detect(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        var text = raw.Trim();
        IndicatorKind[] order = text.Contains("://", StringComparison.Ordinal) ? [IndicatorKind.Url]
            : text.Contains('@', StringComparison.Ordinal) ? [IndicatorKind.Email]
            : text.Contains('/', StringComparison.Ordinal) ? [IndicatorKind.Cidr]
            : [IndicatorKind.Ipv4, IndicatorKind.Ipv6, IndicatorKind.Md5, IndicatorKind.Sha1, IndicatorKind.Sha256, IndicatorKind.Sha512, IndicatorKind.Cve, IndicatorKind.AutonomousSystem, IndicatorKind.Domain];
        foreach (var kind in order)
        {
            if (TryNormalise(kind, text, out _))
            {
                return kind;
            }
        }

        return null;
    }

    /// <summary>The STIX cyber-observable type a kind's values are (<c>file</c> for hashes); null for a CVE.</summary>
    public static string? ScoType(IndicatorKind kind, string normalisedValue) => kind switch
    {
        IndicatorKind.Ipv4 => "ipv4-addr",
        IndicatorKind.Ipv6 => "ipv6-addr",
        IndicatorKind.Cidr => normalisedValue.Contains(':', StringComparison.Ordinal) ? "ipv6-addr" : "ipv4-addr",
        IndicatorKind.Domain => "domain-name",
        IndicatorKind.Url => "url",
        IndicatorKind.Email => "email-addr",
        IndicatorKind.Md5 or IndicatorKind.Sha1 or IndicatorKind.Sha256 or IndicatorKind.Sha512 => "file",
        IndicatorKind.AutonomousSystem => "autonomous-system",
        _ => null,
    };

    /// <summary>The hashing-algorithm-ov name of a hash kind (<c>SHA-256</c>); null for other kinds.</summary>
    public static string? HashAlgorithm(IndicatorKind kind) => kind switch
    {
        IndicatorKind.Md5 => "MD5",
        IndicatorKind.Sha1 => "SHA-1",
        IndicatorKind.Sha256 => "SHA-256",
        IndicatorKind.Sha512 => "SHA-512",
        _ => null,
    };

    internal static string KindName(IndicatorKind kind) => kind switch
    {
        IndicatorKind.Ipv4 => "IPv4 address",
        IndicatorKind.Ipv6 => "IPv6 address",
        IndicatorKind.Cidr => "CIDR block",
        IndicatorKind.Domain => "domain name",
        IndicatorKind.Url => "URL",
        IndicatorKind.Email => "e-mail address",
        IndicatorKind.AutonomousSystem => "AS number",
        IndicatorKind.Cve => "CVE id",
        _ => HashAlgorithm(kind) + " hash",
    };

    internal static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";

    private static int HashLength(IndicatorKind kind) => kind switch
    {
        IndicatorKind.Md5 => 32,
        IndicatorKind.Sha1 => 40,
        IndicatorKind.Sha256 => 64,
        _ => 128,
    };

    private static (JsonObject Sco, ComparisonExpression Comparison) Observable(IndicatorKind kind, string value)
    {
        var type = ScoType(kind, value)!;
        var sco = new JsonObject { ["type"] = type, ["spec_version"] = "2.1", ["id"] = type + "--00000000-0000-4000-8000-000000000000" };
        if (HashAlgorithm(kind) is { } algorithm)
        {
            sco["hashes"] = new JsonObject { [algorithm] = value };
            return (sco, Equal(type, new StringValue(value), "hashes", algorithm));
        }

        if (kind == IndicatorKind.AutonomousSystem)
        {
            var number = long.Parse(value.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture);
            sco["number"] = number;
            return (sco, Equal(type, new IntegerValue(number), "number"));
        }

        // A /32 or /128 CIDR is stored as its address; ISSUBSET would say the same thing less plainly.
        var written = kind == IndicatorKind.Cidr ? Normalise.Value(type, "value", value) : value;
        sco["value"] = written;
        return (sco, Equal(type, new StringValue(written), "value"));
    }

    private static PropertyTest Equal(string type, PatternValue value, params string[] steps) =>
        new(new ObjectPath(type, [.. steps.Select(s => (PathStep)new PropertyStep(s))]), ComparisonOperator.Equal, false, value);

    private static void AddCommon(JsonObject o, IndicatorRequest request, JsonArray marking)
    {
        if (!string.IsNullOrWhiteSpace(request.Description))
        {
            o["description"] = request.Description;
        }

        if (request.Labels.Count > 0)
        {
            o["labels"] = new JsonArray([.. request.Labels.Distinct(StringComparer.Ordinal).Select(l => (JsonNode)l)]);
        }

        if (request.Confidence is { } confidence)
        {
            o["confidence"] = confidence;
        }

        o["object_marking_refs"] = marking;
    }

    private static string Uuid(string seed) => ScoIds.UuidV5(IndicatorNamespace, Encoding.UTF8.GetBytes(seed)).ToString();
}
