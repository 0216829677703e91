using System.Globalization;
using System.Text.Json;
using Rampart.Server.Hosting;
using Rampart.Server.Public;
using Rampart.Server.Intelligence.Store;
using Rampart.Standards.Intelligence.Exports;
using Rampart.Standards.Markings;
using Rampart.Standards.Observables;
using Rampart.Standards;

namespace Rampart.Server.Intelligence.Exports;

/// <summary>The formats of <c>GET /api/intel/exports/{format}</c>.</summary>
public enum IntelExportFormat
{
    Stix,
    Csv,
    Ips,
    Cidrs,
    Domains,
    Urls,
    Hashes,
    Rpz,
    Suricata,
    Misp,
}

/// <summary>
/// What an export contains: the filters of the read side that are cheap on a walk over readable records.
/// Withdrawn objects are never exported; revoked ones only in STIX (where the revocation is the news).
/// </summary>
public sealed record IntelExportFilter(
    string? Type,
    string? Label,
    Tlp? TlpCeiling,
    Guid? Owner,
    DateTimeOffset? AddedSince,
    bool IncludeWarningListed,
    bool IncludeDecayed)
{
    private static readonly string[] Known = ["type", "label", "tlp", "owner", "addedSince", "includeWarningListed", "includeDecayed"];

    /// <summary>The filter in one canonical line: the audit detail and part of the ETag.</summary>
    public string Describe() => string.Join(' ', new[]
    {
        Type is null ? null : $"type={Type}",
        Label is null ? null : $"label={Label}",
        TlpCeiling is { } t ? $"tlp<={t.Code()}" : null,
        Owner is { } o ? $"owner={o}" : null,
        AddedSince is { } s ? $"addedSince={s.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)}" : null,
        IncludeWarningListed ? "includeWarningListed" : null,
        IncludeDecayed ? "includeDecayed" : null,
    }.Where(p => p is not null));

    /// <summary>Reads the query string strictly: an unknown parameter or a bad value is a 400 naming it (a typo must not widen a blocklist).</summary>
    public static IntelExportFilter Parse(IQueryCollection query, IntelExportFormat format)
    {
        ArgumentNullException.ThrowIfNull(query);
        var errors = new RequestErrors();
        foreach (var key in query.Keys.Where(k => !Known.Contains(k, StringComparer.Ordinal)))
        {
            errors.Add(key, $"Unknown parameter; exports take {string.Join(", ", Known)}.");
        }

        string? Single(string name)
        {
            var values = query[name];
            if (values.Count > 1)
            {
                errors.Add(name, "Give it once.");
            }

            return values.Count == 0 ? null : values[0];
        }

        var type = Single("type");
        if (type is not null && (type.Length is 0 or > IntelLimits.StixTypeLength || !type.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-')))
        {
            errors.Add("type", "A STIX type: lower-case letters, digits and hyphens, such as 'indicator'.");
        }

        var label = Single("label");
        if (label is not null && (label.Length is 0 or > IntelLimits.LabelLength || TextRules.FirstForbidden(label, multiLine: false) is not null))
        {
            errors.Add("label", $"A label of 1 to {IntelLimits.LabelLength} characters without control characters.");
        }

        Tlp? ceiling = null;
        if (Single("tlp") is { } tlpText)
        {
            if (TlpMarking.TryParse(tlpText, out var t))
            {
                ceiling = t;
            }
            else
            {
                errors.Add("tlp", "A TLP level: clear, green, amber, amber+strict or red (the most restrictive to include).");
            }
        }

        Guid? owner = null;
        if (Single("owner") is { } ownerText)
        {
            if (Guid.TryParse(ownerText, out var o))
            {
                owner = o;
            }
            else
            {
                errors.Add("owner", "An organisation id (UUID).");
            }
        }

        DateTimeOffset? since = null;
        if (Single("addedSince") is { } sinceText)
        {
            if (DateTimeOffset.TryParse(sinceText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var s)
                && s.Year is >= 1970 and <= 9999)
            {
                since = s.ToUniversalTime();
            }
            else
            {
                errors.Add("addedSince", "An ISO 8601 time, such as 2026-11-29T00:00:00Z.");
            }
        }

        bool Flag(string name)
        {
            var text = Single(name);
            if (text is null)
            {
                return false;
            }

            if (bool.TryParse(text, out var value))
            {
                return value;
            }

            errors.Add(name, "true or false.");
            return false;
        }

        var includeWarningListed = Flag("includeWarningListed");
        var includeDecayed = Flag("includeDecayed");
        errors.ThrowIfAny();
        // Value lists come from indicators unless asked otherwise: an observed address is not yet a verdict.
        type ??= format == IntelExportFormat.Stix ? null : "indicator";
        return new(type, label, ceiling, owner, since, includeWarningListed, includeDecayed);
    }

    public static bool TryParseFormat(string? text, out IntelExportFormat format)
    {
        format = default;
        return text is not null && text.All(char.IsAsciiLetterLower) && Enum.TryParse(text, ignoreCase: true, out format) && Enum.IsDefined(format);
    }
}

/// <summary>How each export format maps onto the store's observable kinds and the standards library's writers.</summary>
public static class IntelExportFormats
{
    private static readonly ObservableKind[] Addresses = [ObservableKind.Ipv4, ObservableKind.Ipv6];

    private static readonly ObservableKind[] Networks = [ObservableKind.Ipv4Cidr, ObservableKind.Ipv6Cidr];

    private static readonly ObservableKind[] FileHashes = [ObservableKind.Md5, ObservableKind.Sha1, ObservableKind.Sha256, ObservableKind.Sha512];

    private static readonly ObservableKind[] Exportable =
    [
        .. Addresses, .. Networks, ObservableKind.Domain, ObservableKind.Url, ObservableKind.Email, .. FileHashes,
        ObservableKind.Vulnerability, ObservableKind.AutonomousSystem,
    ];

    /// <summary>The observable kinds a value format writes (none for STIX, which writes objects).</summary>
    public static IReadOnlyList<ObservableKind> Kinds(IntelExportFormat format) => format switch
    {
        IntelExportFormat.Ips => Addresses,
        IntelExportFormat.Cidrs => Networks,
        IntelExportFormat.Domains or IntelExportFormat.Rpz => [ObservableKind.Domain],
        IntelExportFormat.Urls => [ObservableKind.Url],
        IntelExportFormat.Hashes => FileHashes,
        IntelExportFormat.Suricata => [.. Addresses, .. Networks, ObservableKind.Domain, ObservableKind.Url],
        IntelExportFormat.Csv or IntelExportFormat.Misp => Exportable,
        _ => [],
    };

    /// <summary>The writer format and options of a value format.</summary>
    public static (ExportFormat Format, ExportOptions Options) Writer(IntelExportFormat format) => format switch
    {
        IntelExportFormat.Csv => (ExportFormat.Csv, new ExportOptions()),
        IntelExportFormat.Ips => (ExportFormat.PlainList, new ExportOptions { Kinds = ExportOptions.PlainLists.Ips }),
        IntelExportFormat.Cidrs => (ExportFormat.PlainList, new ExportOptions { Kinds = ExportOptions.PlainLists.Cidrs }),
        IntelExportFormat.Domains => (ExportFormat.PlainList, new ExportOptions { Kinds = ExportOptions.PlainLists.Domains }),
        IntelExportFormat.Urls => (ExportFormat.PlainList, new ExportOptions { Kinds = ExportOptions.PlainLists.Urls }),
        IntelExportFormat.Hashes => (ExportFormat.PlainList, new ExportOptions { Kinds = ExportOptions.PlainLists.Hashes }),
        IntelExportFormat.Rpz => (ExportFormat.Rpz, new ExportOptions()),
        IntelExportFormat.Suricata => (ExportFormat.Suricata, new ExportOptions()),
        IntelExportFormat.Misp => (ExportFormat.MispEvent, new ExportOptions()),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "STIX is written object by object."),
    };

    /// <summary>The standards library's kind of an indexed value; null for kinds no value format carries.</summary>
    public static IndicatorKind? IndicatorKindOf(ObservableKind kind) => kind switch
    {
        ObservableKind.Ipv4 => IndicatorKind.Ipv4,
        ObservableKind.Ipv6 => IndicatorKind.Ipv6,
        ObservableKind.Ipv4Cidr or ObservableKind.Ipv6Cidr => IndicatorKind.Cidr,
        ObservableKind.Domain => IndicatorKind.Domain,
        ObservableKind.Url => IndicatorKind.Url,
        ObservableKind.Email => IndicatorKind.Email,
        ObservableKind.Md5 => IndicatorKind.Md5,
        ObservableKind.Sha1 => IndicatorKind.Sha1,
        ObservableKind.Sha256 => IndicatorKind.Sha256,
        ObservableKind.Sha512 => IndicatorKind.Sha512,
        ObservableKind.Vulnerability => IndicatorKind.Cve,
        ObservableKind.AutonomousSystem => IndicatorKind.AutonomousSystem,
        _ => null,
    };
}

/// <summary>What an export says about where it comes from and what each value is, beyond the observable index.</summary>
public static class IntelExportDetails
{
    /// <summary>
    /// The node as the export's header names it: the hosting organisation's name and short name and its contact
    /// address, as <c>/public</c> shows them — not the host name the request happened to use (a proxy's, an internal one).
    /// </summary>
    public static string Source(NodeContact node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var name = $"{node.Name} ({node.ShortName})";
        return node.Email is { Length: > 0 } email ? $"{name}, {email}" : name;
    }

    /// <summary>The STIX <c>valid_from</c>, <c>valid_until</c> and <c>description</c> of an object's current version; nulls where absent or unreadable.</summary>
    public static (DateTimeOffset? ValidFrom, DateTimeOffset? ValidUntil, string? Description) Of(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return default;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return default;
            }

            return (Time(root, "valid_from"), Time(root, "valid_until"), Text(root, "description"));
        }
        catch (JsonException)
        {
            // Stored JSON was validated on ingest; a row that no longer parses exports its value without these columns.
            return default;
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String && p.GetString() is { Length: > 0 } text ? text : null;

    private static DateTimeOffset? Time(JsonElement root, string name) =>
        Text(root, name) is { } text && Timestamps.TryParse(text, out var time) ? time : null;
}
