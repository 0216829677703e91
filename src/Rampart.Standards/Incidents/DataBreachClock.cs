namespace Rampart.Standards.Incidents;

/// <summary>
/// Where a personal-data breach is notified and within how many hours: GDPR Art. 33(1) in the EU, the national law
/// that mirrors it elsewhere. The server binds these from configuration (section <see cref="SectionName"/>);
/// <see cref="Defaults"/> holds only jurisdictions whose law we can cite (docs/incidents-clocks.md lists the sources).
/// </summary>
public sealed record DataProtectionJurisdiction
{
    /// <summary>Configuration section the server binds (a dictionary keyed by ISO 3166-1 alpha-2 code, <c>XK</c> for Kosovo, <c>EU</c> for the GDPR).</summary>
    public const string SectionName = "Rampart:DataProtection";

    /// <summary>The data-protection authority the controller notifies.</summary>
    public required string Authority { get; init; }

    /// <summary>Hours from awareness of the breach (72 under the GDPR).</summary>
    public required int Hours { get; init; }

    /// <summary>The provision, e.g. <c>Regulation (EU) 2016/679, Art. 33(1)</c>.</summary>
    public required string LegalReference { get; init; }

    /// <summary>
    /// Jurisdictions with a cited breach-notification duty. Albania (Law No. 124/2024: which provisions already
    /// apply was not verified), Montenegro and Moldova are left out on purpose: configure them when the applicable
    /// provision is confirmed.
    /// </summary>
    public static IReadOnlyDictionary<string, DataProtectionJurisdiction> Defaults { get; } = new Dictionary<string, DataProtectionJurisdiction>(StringComparer.OrdinalIgnoreCase)
    {
        ["EU"] = new() { Authority = "The competent supervisory authority (GDPR Art. 55)", Hours = 72, LegalReference = "Regulation (EU) 2016/679, Art. 33(1)" },
        ["RS"] = new() { Authority = "Commissioner for Information of Public Importance and Personal Data Protection", Hours = 72, LegalReference = "Law on Personal Data Protection, Official Gazette of RS No. 87/2018 (notification of a personal data breach to the Commissioner)" },
        ["MK"] = new() { Authority = "Personal Data Protection Agency", Hours = 72, LegalReference = "Law on Personal Data Protection, Official Gazette No. 42/2020 and 294/2021 (notification of a personal data breach to the Agency)" },
        ["XK"] = new() { Authority = "Information and Privacy Agency", Hours = 72, LegalReference = "Law No. 06/L-082 on Protection of Personal Data (notification of a personal data breach to the Agency)" },
        ["GE"] = new() { Authority = "Personal Data Protection Service", Hours = 72, LegalReference = "Law of Georgia on Personal Data Protection of 14 June 2023, No. 3144 (incident notification to the Service)" },
        ["BA"] = new() { Authority = "Personal Data Protection Agency in Bosnia and Herzegovina", Hours = 72, LegalReference = "Law on Personal Data Protection of Bosnia and Herzegovina (in force since 4 October 2025)" },
    };
}

/// <summary>The facts of a personal-data breach found inside an incident.</summary>
/// <param name="AwareAt">When the controller became aware of the breach (the clock starts here, not at the incident's awareness).</param>
/// <param name="Jurisdiction">Key into the configured jurisdictions (<c>RS</c>, <c>EU</c>, …).</param>
/// <param name="SubmittedAt">When the notification was sent to the authority, if it was.</param>
public sealed record DataBreachFacts(DateTimeOffset AwareAt, string Jurisdiction, DateTimeOffset? SubmittedAt = null);

/// <summary>The GDPR Art. 33 clock (or its national mirror) for one breach.</summary>
public static class DataBreachClock
{
    /// <summary>The notification stage at <paramref name="now"/>, or a <see cref="StandardsException"/> (path <c>Jurisdiction</c>) when the jurisdiction is not configured — the caller shows "not configured", it never guesses a deadline.</summary>
    public static StageStatus Evaluate(DataBreachFacts facts, IReadOnlyDictionary<string, DataProtectionJurisdiction> jurisdictions, DateTimeOffset now, ClockOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(jurisdictions);
        options ??= ClockOptions.Default;
        DataProtectionJurisdiction? rule = null;
        if (string.IsNullOrWhiteSpace(facts.Jurisdiction)
            || !(jurisdictions.TryGetValue(facts.Jurisdiction, out rule) || jurisdictions.TryGetValue(facts.Jurisdiction.ToUpperInvariant(), out rule)) || rule is null)
        {
            throw new StandardsException("no data-protection authority is configured for this jurisdiction", null, nameof(DataBreachFacts.Jurisdiction));
        }

        if (rule.Hours is <= 0 or > 24 * 365)
        {
            throw new StandardsException("must be between 1 and 8760", null, $"{facts.Jurisdiction}.{nameof(DataProtectionJurisdiction.Hours)}");
        }

        var due = facts.AwareAt.ToUniversalTime() + TimeSpan.FromHours(rule.Hours);
        return ReportingClocks.Running(ReportingStage.DataBreachNotification, StageObligee.Controller, due, facts.SubmittedAt?.ToUniversalTime(), now, options.DueSoonWindow, rule.LegalReference);
    }
}
