using System.Globalization;
using System.Text.RegularExpressions;

namespace Rampart.Server.Incidents;

/// <summary>
/// The reference lists an incident is classified with: the RSIT taxonomy (<c>misp-taxonomies/rsit.json</c>) and the
/// NIS2 Annex I/II sectors (<c>misp-taxonomies/nis2.json</c>, predicate <c>impact-sectors-impacted</c>) plus "other".
/// <c>IncidentTaxonomyTests</c> compares both with the files.
/// </summary>
public static class IncidentTaxonomy
{
    public const string OtherSector = "other";

    /// <summary>RSIT category → its types, in the taxonomy's order.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Rsit { get; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        ["abusive-content"] = ["spam", "harmful-speech", "violence"],
        ["malicious-code"] = ["infected-system", "c2-server", "malware-distribution", "malware-configuration"],
        ["information-gathering"] = ["scanner", "sniffing", "social-engineering"],
        ["intrusion-attempts"] = ["ids-alert", "brute-force", "exploit"],
        ["intrusions"] = ["privileged-account-compromise", "unprivileged-account-compromise", "application-compromise", "system-compromise", "burglary"],
        ["availability"] = ["dos", "ddos", "misconfiguration", "sabotage", "outage"],
        ["information-content-security"] = ["unauthorised-information-access", "unauthorised-information-modification", "data-loss", "data-leak"],
        ["fraud"] = ["unauthorised-use-of-resources", "copyright", "masquerade", "phishing"],
        ["vulnerable"] = ["weak-crypto", "ddos-amplifier", "potentially-unwanted-accessible", "information-disclosure", "vulnerable-system"],
        ["other"] = ["other", "undetermined"],
        ["test"] = ["test"],
    };

    /// <summary>NIS2 Annex I (high criticality) and Annex II (other critical) sectors, then "other".</summary>
    public static IReadOnlyList<string> Sectors { get; } =
    [
        "energy", "transport", "banking", "financial", "health", "drinking-water", "waste-water", "digital-infrastructure",
        "ict-services", "public-administration", "space", "courier", "waste-management", "chemical", "food", "manufacturing",
        "digital-providers", "research", OtherSector,
    ];

    public static bool IsRsit(string? category, string? kind) =>
        category is not null && kind is not null && Rsit.TryGetValue(category, out var kinds) && kinds.Contains(kind, StringComparer.Ordinal);

    public static bool IsSector(string? sector) => sector is not null && Sectors.Contains(sector, StringComparer.Ordinal);
}

/// <summary>The status workflow: which status may follow which (docs/incidents.md).</summary>
public static class IncidentWorkflow
{
    private static readonly Dictionary<IncidentStatus, IncidentStatus[]> Next = new()
    {
        [IncidentStatus.New] = [IncidentStatus.Triage, IncidentStatus.InProgress, IncidentStatus.Rejected, IncidentStatus.Duplicate],
        [IncidentStatus.Triage] = [IncidentStatus.InProgress, IncidentStatus.Rejected, IncidentStatus.Duplicate],
        [IncidentStatus.InProgress] = [IncidentStatus.Contained, IncidentStatus.Resolved, IncidentStatus.Duplicate],
        [IncidentStatus.Contained] = [IncidentStatus.Resolved, IncidentStatus.InProgress],
        [IncidentStatus.Resolved] = [IncidentStatus.Closed, IncidentStatus.InProgress],
        [IncidentStatus.Closed] = [IncidentStatus.InProgress],
        [IncidentStatus.Rejected] = [IncidentStatus.Triage],
        [IncidentStatus.Duplicate] = [IncidentStatus.Triage],
    };

    public static IReadOnlyList<IncidentStatus> From(IncidentStatus status) => Next[status];

    public static bool Allows(IncidentStatus from, IncidentStatus to) => Next[from].Contains(to);

    /// <summary>Still being worked on: shown as open, not closed, rejected or a duplicate.</summary>
    public static bool IsOpen(IncidentStatus status) => status is not (IncidentStatus.Closed or IncidentStatus.Rejected or IncidentStatus.Duplicate);
}

public static partial class IncidentNumbers
{
    public static string Format(int year, int number) =>
        string.Create(CultureInfo.InvariantCulture, $"INC-{year:D4}-{number:D4}");

    /// <summary>Parses "INC-2026-0001" (any case); null when it is not one.</summary>
    public static (int Year, int Number)? Parse(string? text)
    {
        var match = text is null ? null : HumanId().Match(text);
        return match is { Success: true }
            && int.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            && int.TryParse(match.Groups[2].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? (year, number)
            : null;
    }

    [GeneratedRegex(@"^INC-(\d{4})-(\d{1,9})$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex HumanId();
}
