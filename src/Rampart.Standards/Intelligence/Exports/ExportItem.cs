using Rampart.Standards.Markings;
using Rampart.Standards.Observables;

namespace Rampart.Standards.Intelligence.Exports;

/// <summary>
/// One exported value: what the store's observable index and the indicator carrying it say. The server produces
/// these from a query that has already applied the access decision, warning-list and decay filters.
/// </summary>
/// <param name="Kind">The value's kind.</param>
/// <param name="Value">The value in the form <see cref="IndicatorFactory.TryNormalise"/> gives.</param>
/// <param name="Tlp">The TLP of the record it comes from.</param>
/// <param name="StixId">The indicator (or observable) the value belongs to.</param>
public sealed record ExportItem(IndicatorKind Kind, string Value, Tlp Tlp, string StixId)
{
    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>Current (decayed) score 0–100, when the store has one.</summary>
    public double? Score { get; init; }

    public DateTimeOffset? ValidFrom { get; init; }

    public DateTimeOffset? ValidUntil { get; init; }

    /// <summary>When the indicator last changed; MISP attributes take it as their timestamp.</summary>
    public DateTimeOffset? Modified { get; init; }

    /// <summary>The owning organisation's display name.</summary>
    public string? Owner { get; init; }

    public string? Description { get; init; }

    /// <summary>The sightings of the indicator the reader may read (MISP: the attribute's <c>Sighting</c> entries).</summary>
    public IReadOnlyList<ExportSighting> Sightings { get; init; } = [];
}

/// <summary>
/// One reported sighting of an exported value. <see cref="Organisation"/> is null for an anonymous sighting and must
/// stay null: the writers name nobody then.
/// </summary>
/// <param name="StixId">The STIX <c>sighting</c> id (the MISP sighting's uuid is its UUID part).</param>
/// <param name="Source">Where it was seen, as reported.</param>
public sealed record ExportSighting(string StixId, int Count, DateTimeOffset FirstSeen, DateTimeOffset LastSeen, string? Source, string? Organisation);

/// <summary>
/// What every export states up front. <see cref="MaxTlp"/> is the most restrictive TLP of the content: the writers
/// stream, so they cannot know it before the last item — the caller computes it with a query over the same filter
/// and passes it here, and a writer refuses (<see cref="StandardsException"/>) an item more restrictive than it.
/// </summary>
public sealed record ExportHeader(Tlp MaxTlp, DateTimeOffset GeneratedAt)
{
    /// <summary>Who made the export, e.g. the node's name; written into comments.</summary>
    public string Source { get; init; } = "Rampart";

    /// <summary>A title; the MISP event's <c>info</c>.</summary>
    public string Title { get; init; } = "Rampart indicator export";

    /// <summary>The export's id: the MISP event's uuid; a fresh one unless the caller keeps it stable.</summary>
    public Guid ExportId { get; init; } = Guid.NewGuid();
}

/// <summary>The export formats of issue 9 (the STIX bundle goes through <see cref="Stix.StixBundleWriter"/>).</summary>
public enum ExportFormat
{
    /// <summary>RFC 4180 CSV with a <c>#</c> comment line first; formula-injection safe.</summary>
    Csv,

    /// <summary>One value per line, for firewalls and DNS filters; which kinds: <see cref="ExportOptions.Kinds"/>.</summary>
    PlainList,

    /// <summary>A DNS response policy zone: each domain and its subdomains answer NXDOMAIN.</summary>
    Rpz,

    /// <summary>Suricata rules for addresses, CIDRs, domains and URLs.</summary>
    Suricata,

    /// <summary>One MISP event (JSON) with an attribute per value.</summary>
    MispEvent,
}

/// <summary>Options of the writers; every format reads only the ones that concern it.</summary>
public sealed record ExportOptions
{
    /// <summary>Plain list: the kinds written (others are skipped); all kinds when null.</summary>
    public IReadOnlySet<IndicatorKind>? Kinds { get; init; }

    /// <summary>Suricata: the first sid; each rule takes the next one. 1 000 000–1 999 999 is reserved for local rules.</summary>
    public long SuricataSidBase { get; init; } = 1_000_000;

    /// <summary>Suricata: rule action, <c>alert</c> or <c>drop</c>.</summary>
    public string SuricataAction { get; init; } = "alert";

    /// <summary>RPZ: TTL of every record, seconds.</summary>
    public int RpzTtl { get; init; } = 300;

    /// <summary>RPZ: the name-server and SOA contact host.</summary>
    public string RpzNameServer { get; init; } = "localhost.";

    /// <summary>The kind sets of the plain lists the issue names.</summary>
    public static class PlainLists
    {
        public static IReadOnlySet<IndicatorKind> Ips { get; } = new HashSet<IndicatorKind> { IndicatorKind.Ipv4, IndicatorKind.Ipv6 };

        public static IReadOnlySet<IndicatorKind> Cidrs { get; } = new HashSet<IndicatorKind> { IndicatorKind.Cidr };

        public static IReadOnlySet<IndicatorKind> Domains { get; } = new HashSet<IndicatorKind> { IndicatorKind.Domain };

        public static IReadOnlySet<IndicatorKind> Urls { get; } = new HashSet<IndicatorKind> { IndicatorKind.Url };

        public static IReadOnlySet<IndicatorKind> Hashes { get; } = new HashSet<IndicatorKind> { IndicatorKind.Md5, IndicatorKind.Sha1, IndicatorKind.Sha256, IndicatorKind.Sha512 };

        /// <summary>The set named in a URL (<c>ips</c>, <c>cidrs</c>, <c>domains</c>, <c>urls</c>, <c>hashes</c>); null for another name.</summary>
        public static IReadOnlySet<IndicatorKind>? Named(string? name) => name?.ToUpperInvariant() switch
        {
            "IPS" => Ips,
            "CIDRS" => Cidrs,
            "DOMAINS" => Domains,
            "URLS" => Urls,
            "HASHES" => Hashes,
            _ => null,
        };
    }
}

/// <summary>What a finished export wrote and what its format had no form for.</summary>
public sealed record ExportSummary(long Written, long Skipped);
