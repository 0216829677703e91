using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Rampart.Standards.Observables;

namespace Rampart.Standards.Misp;

public enum WarningListType
{
    /// <summary>MISP <c>string</c>: the whole value equals an entry.</summary>
    Exact,
    Substring,
    Hostname,
    Cidr,
    Regex,
}

/// <summary>One MISP warning list (<c>list.json</c>): known false positives such as RFC 1918 ranges, public resolvers, top sites.</summary>
public sealed record WarningList(string Name, string Description, int Version, WarningListType Type, IReadOnlyList<string> Entries, IReadOnlyList<string> MatchingAttributes)
{
    public const int MaxEntries = 2_000_000;

    /// <summary>Reads a MISP warning-list document; a malformed one is a <see cref="StandardsException"/> naming the field.</summary>
    public static WarningList Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json.ToArray());
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new StandardsException("A warning list is a JSON object.", path: "$");
            }

            var name = RequiredString(root, "name");
            var type = RequiredString(root, "type") switch
            {
                "string" => WarningListType.Exact,
                "substring" => WarningListType.Substring,
                "hostname" => WarningListType.Hostname,
                "cidr" => WarningListType.Cidr,
                "regex" => WarningListType.Regex,
                var other => throw new StandardsException($"Unknown warning-list type '{other}' (string, substring, hostname, cidr, regex).", path: "type"),
            };
            if (!root.TryGetProperty("list", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                throw new StandardsException("Required: an array of entries.", path: "list");
            }

            if (list.GetArrayLength() > MaxEntries)
            {
                throw new StandardsException($"More than {MaxEntries} entries.", path: "list");
            }

            var entries = new List<string>(list.GetArrayLength());
            var index = 0;
            foreach (var entry in list.EnumerateArray())
            {
                if (entry.ValueKind != JsonValueKind.String)
                {
                    throw new StandardsException("Entries are strings.", path: $"list[{index}]");
                }

                entries.Add(entry.GetString()!);
                index++;
            }

            var attributes = root.TryGetProperty("matching_attributes", out var m) && m.ValueKind == JsonValueKind.Array
                ? m.EnumerateArray().Where(a => a.ValueKind == JsonValueKind.String).Select(a => a.GetString()!).ToList()
                : [];
            var description = root.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()! : "";
            var version = root.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? n : 0;
            return new WarningList(name, description, version, type, entries, attributes);
        }
        catch (JsonException e)
        {
            throw new StandardsException($"Not JSON: {e.Message}", (int?)e.BytePositionInLine, e.Path);
        }
    }

    private static string RequiredString(JsonElement root, string property) =>
        root.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString())
            ? value.GetString()!
            : throw new StandardsException("Required: a non-empty string.", path: property);
}

/// <summary>A warning list a value hit, and the entry that made it hit.</summary>
public sealed record WarningListHit(string ListName, string Entry);

/// <summary>
/// One matcher over many warning lists. Exact strings and host names are hash lookups (a host name
/// also matches its sub-domains), CIDR ranges are looked up per prefix length, substrings and regular
/// expressions are scanned. Values are normalised first (case, trailing dots, URL hosts, IPv6 forms).
/// </summary>
public sealed class WarningListMatcher
{
    private readonly List<WarningList> lists;
    private readonly Dictionary<string, List<(int List, string Entry)>> exact = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(int List, string Entry)>> hosts = new(StringComparer.Ordinal);
    private readonly List<(int List, string Entry)> substrings = [];
    private readonly List<(int List, string Entry, Regex Regex)> regexes = [];
    private readonly Dictionary<int, Dictionary<UInt128, List<(int List, string Entry)>>> v4 = [];
    private readonly Dictionary<int, Dictionary<UInt128, List<(int List, string Entry)>>> v6 = [];
    private readonly int[] v4Prefixes;
    private readonly int[] v6Prefixes;

    public WarningListMatcher(IEnumerable<WarningList> warningLists)
    {
        ArgumentNullException.ThrowIfNull(warningLists);
        lists = warningLists.ToList();
        for (var i = 0; i < lists.Count; i++)
        {
            foreach (var entry in lists[i].Entries)
            {
                Add(i, lists[i].Type, entry);
            }
        }

        v4Prefixes = v4.Keys.OrderDescending().ToArray();
        v6Prefixes = v6.Keys.OrderDescending().ToArray();
    }

    public IReadOnlyList<WarningList> Lists => lists;

    /// <summary>Loads every <c>*.json</c> warning list in a folder (MISP's layout, or flat), skipping <c>schema.json</c>.</summary>
    public static WarningListMatcher FromDirectory(string directory)
    {
        var loaded = Directory.EnumerateFiles(directory, "*.json", SearchOption.AllDirectories)
            .Where(f => !Path.GetFileName(f).Equals("schema.json", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .Select(f => WarningList.Parse(File.ReadAllBytes(f)));
        return new WarningListMatcher(loaded);
    }

    private static void AddTo(Dictionary<string, List<(int, string)>> map, string key, int list, string entry)
    {
        if (!map.TryGetValue(key, out var hits))
        {
            hits = [];
            map[key] = hits;
        }

        if (!hits.Any(h => h.Item1 == list))
        {
            hits.Add((list, entry));
        }
    }

    private void Add(int list, WarningListType type, string entry)
    {
        var trimmed = entry.Trim();
        if (trimmed.Length == 0)
        {
            return;
        }

        switch (type)
        {
            case WarningListType.Exact:
                AddTo(exact, Key(trimmed), list, entry);
                break;
            case WarningListType.Hostname:
                AddTo(hosts, HostKey(trimmed), list, entry);
                break;
            case WarningListType.Substring:
                substrings.Add((list, trimmed));
                break;
            case WarningListType.Regex:
                try
                {
                    regexes.Add((list, entry, new Regex(TrimDelimiters(trimmed), RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, TimeSpan.FromMilliseconds(50))));
                }
                catch (ArgumentException)
                {
                    // MISP lists occasionally carry PCRE-only syntax; such an entry cannot match here.
                }

                break;
            case WarningListType.Cidr:
                if (Cidr.TryParse(trimmed, out var block))
                {
                    var byPrefix = block.IsV6 ? v6 : v4;
                    if (!byPrefix.TryGetValue(block.PrefixLength, out var networks))
                    {
                        networks = [];
                        byPrefix[block.PrefixLength] = networks;
                    }

                    if (!networks.TryGetValue(block.Network, out var hits))
                    {
                        hits = [];
                        networks[block.Network] = hits;
                    }

                    if (!hits.Any(h => h.List == list))
                    {
                        hits.Add((list, entry));
                    }
                }

                break;
        }
    }

    /// <summary>
    /// The lists <paramref name="value"/> hits. With a MISP attribute type (e.g. <c>ip-dst</c>,
    /// <c>domain</c>), only lists meant for that type are consulted; composite values (<c>domain|ip</c>)
    /// are checked part by part.
    /// </summary>
    public IReadOnlyList<WarningListHit> Match(string value, string? mispAttributeType = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        var hits = new List<WarningListHit>(0);
        if (mispAttributeType is not null && mispAttributeType.Contains('|', StringComparison.Ordinal))
        {
            foreach (var part in value.Split('|'))
            {
                Collect(part, mispAttributeType, hits);
            }
        }
        else
        {
            Collect(value, mispAttributeType, hits);
        }

        return hits;
    }

    private void Collect(string value, string? type, List<WarningListHit> hits)
    {
        var trimmed = value.Trim();
        if (trimmed.Length == 0)
        {
            return;
        }

        var key = Key(trimmed);
        if (exact.TryGetValue(key, out var exactHits))
        {
            Report(exactHits, type, hits);
        }

        // Host names: the value itself, its URL host, and every parent domain.
        var host = HostOf(trimmed);
        if (host is not null && hosts.Count > 0)
        {
            var candidate = host;
            while (true)
            {
                if (hosts.TryGetValue(candidate, out var hostHits))
                {
                    Report(hostHits, type, hits);
                }

                var dot = candidate.IndexOf('.', StringComparison.Ordinal);
                if (dot < 0)
                {
                    break;
                }

                candidate = candidate[(dot + 1)..];
            }
        }

        if (Cidr.TryParse(host ?? trimmed, out var address))
        {
            var byPrefix = address.IsV6 ? v6 : v4;
            foreach (var prefix in address.IsV6 ? v6Prefixes : v4Prefixes)
            {
                if (prefix > address.PrefixLength)
                {
                    continue;
                }

                if (byPrefix[prefix].TryGetValue(address.Truncate(prefix).Network, out var cidrHits))
                {
                    Report(cidrHits, type, hits);
                }
            }
        }

        foreach (var (list, entry) in substrings)
        {
            if (Applies(list, type) && trimmed.Contains(entry, StringComparison.OrdinalIgnoreCase))
            {
                AddHit(list, entry, hits);
            }
        }

        foreach (var (list, entry, regex) in regexes)
        {
            if (!Applies(list, type))
            {
                continue;
            }

            try
            {
                if (regex.IsMatch(trimmed))
                {
                    AddHit(list, entry, hits);
                }
            }
            catch (RegexMatchTimeoutException)
            {
                // A pathological entry is treated as no hit rather than stalling ingestion.
            }
        }
    }

    private void Report(List<(int List, string Entry)> found, string? type, List<WarningListHit> hits)
    {
        foreach (var (list, entry) in found)
        {
            if (Applies(list, type))
            {
                AddHit(list, entry, hits);
            }
        }
    }

    private void AddHit(int list, string entry, List<WarningListHit> hits)
    {
        var name = lists[list].Name;
        foreach (var hit in hits)
        {
            if (ReferenceEquals(hit.ListName, name))
            {
                return;
            }
        }

        hits.Add(new WarningListHit(name, entry));
    }

    private bool Applies(int list, string? type) =>
        type is null || lists[list].MatchingAttributes.Count == 0 || lists[list].MatchingAttributes.Contains(type, StringComparer.Ordinal);

    private static string Key(string value) =>
        Normalise.TryIpAddress(value, out var ip) ? ip
        : Normalise.TryHash(value, out var hash) ? hash
        : value.TrimEnd('.').ToLowerInvariant();

    private static string HostKey(string value) =>
        Normalise.TryDomain(value, out var domain) ? domain : value.Trim().TrimEnd('.').ToLowerInvariant();

    private static string? HostOf(string value)
    {
        if (value.Contains("://", StringComparison.Ordinal))
        {
            return Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.IdnHost.Length > 0 ? HostKey(uri.IdnHost.Trim('[', ']')) : null;
        }

        if (Normalise.TryIpAddress(value, out var ip))
        {
            return ip;
        }

        return value.Contains('.', StringComparison.Ordinal) && !value.Contains('/', StringComparison.Ordinal) ? HostKey(value) : null;
    }

    // MISP regex entries are often written as /…/flags.
    private static string TrimDelimiters(string pattern) =>
        pattern.Length > 2 && pattern[0] == '/' && pattern.LastIndexOf('/') is var end and > 0 ? pattern[1..end] : pattern;
}
