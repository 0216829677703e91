namespace Rampart.Standards.Sim3;

/// <summary>The four SIM3 categories.</summary>
public enum Sim3Category
{
    /// <summary>O — Organisation.</summary>
    Organisation,

    /// <summary>H — Human.</summary>
    Human,

    /// <summary>T — Tools.</summary>
    Tools,

    /// <summary>P — Processes.</summary>
    Processes,
}

/// <summary>One parameter of a SIM3 model version as seeded: id ("O-1"), category, English name and whether that name is verified.</summary>
/// <param name="Id">The SIM3 id, category letter, hyphen, number.</param>
/// <param name="Name">The English name.</param>
/// <param name="NameVerified">False where the source (shared/data/sim3.md) says the name is a label to verify, not an authority.</param>
/// <param name="Description">The description; null where the source gives none (sim3.md gives no descriptions: none are invented).</param>
public sealed record Sim3Parameter(string Id, Sim3Category Category, string Name, bool NameVerified, string? Description = null)
{
    /// <summary>The number after the category letter (O-10 → 10), for ordering.</summary>
    public int Number => int.Parse(Id.AsSpan(2), System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>How one SIM3 parameter bears on another (the verbs of the SIM3 data file the relations come from).</summary>
public enum Sim3RelationKind
{
    /// <summary>O-4 is detailed in O-5.</summary>
    IsDetailedIn,

    /// <summary>O-3 and O-4: the size of the gap between them matters (authority against responsibility).</summary>
    GapSizeWith,

    /// <summary>O-8 defines the types used in O-7.</summary>
    DefinesTypesOf,

    /// <summary>O-1 … O-9 define O-10.</summary>
    Defines,

    /// <summary>O-5 and O-7 bear on how large H-2 must be.</summary>
    ImpactsSizeOf,

    /// <summary>H-1 is aligned with O-11.</summary>
    IsAlignedWith,

    /// <summary>H-2 is an aspect of O-11, T-5 and T-7.</summary>
    IsAspectOf,

    /// <summary>H-3 is developed by H-4.</summary>
    IsDevelopedBy,

    /// <summary>H-5 and H-6 support H-4.</summary>
    Supports,

    /// <summary>H-6 enforces H-1.</summary>
    Enforces,

    /// <summary>H-7 works together with O-9.</summary>
    CollaboratesWith,
}

/// <summary>A relation between two parameters of a SIM3 version: <paramref name="From"/> <paramref name="Kind"/> <paramref name="To"/> ("H-3 is developed by H-4").</summary>
public sealed record Sim3Relation(string From, Sim3RelationKind Kind, string To);

/// <summary>A SIM3 model version: its key, title, date in force and parameters in SIM3 order.</summary>
public sealed record Sim3Version(string Key, string Title, string Source, IReadOnlyList<Sim3Parameter> Parameters);

/// <summary>
/// The SIM3 model versions known to the node on first start, transcribed from <c>shared/data/sim3.md</c>
/// (sources there). v1 names come from secondary sources and are flagged unverified; v2-interim names from a
/// public SIM3 data file (RodrigoVilanova/SIM3, commit 86dc127). No descriptions: the source gives none.
/// </summary>
public static class Sim3Model
{
    public const int MinLevel = 0;

    public const int MaxLevel = 4;

    public const string V1 = "sim3-v1";

    public const string V2Interim = "sim3-v2-interim";

    /// <summary>The meaning of each level 0–4, in English (sim3.md §5.1).</summary>
    public static IReadOnlyList<string> LevelMeanings { get; } =
    [
        "not available / undefined / unaware",
        "implicit (known/considered but not written down, \"between the ears\")",
        "explicit, internal (written down but not formalised in any way)",
        "explicit, formalised on authority of the CSIRT head or above (rubber-stamped or published)",
        "explicit, audited on authority of governance levels above the CSIRT head (subject to control process/audit/enforcement)",
    ];

    /// <summary>The category of a parameter id by its letter, or null for a malformed id.</summary>
    public static Sim3Category? CategoryOf(string? id) => id is { Length: >= 3 } && id[1] == '-' && id.AsSpan(2).ToString().All(char.IsAsciiDigit)
        ? id[0] switch
        {
            'O' => Sim3Category.Organisation,
            'H' => Sim3Category.Human,
            'T' => Sim3Category.Tools,
            'P' => Sim3Category.Processes,
            _ => null,
        }
        : null;

    /// <summary>The category letter (O, H, T, P).</summary>
    public static char Letter(Sim3Category category) => category switch
    {
        Sim3Category.Organisation => 'O',
        Sim3Category.Human => 'H',
        Sim3Category.Tools => 'T',
        _ => 'P',
    };

    public static bool IsLevel(int level) => level is >= MinLevel and <= MaxLevel;

    // (id, v1 name or null when not in v1, v2-interim name)
    private static readonly (string Id, string? V1, string V2)[] Table =
    [
        ("O-1", "Mandate", "Mandate"),
        ("O-2", "Constituency", "Constituency"),
        ("O-3", "Authority", "Authority"),
        ("O-4", "Responsibility", "Responsibility"),
        ("O-5", "Service Description", "Service Description"),
        ("O-6", null, "Public Media Policy"),
        ("O-7", "Service Level Description", "Service Level Description"),
        ("O-8", "Incident Classification", "Incident Classification"),
        ("O-9", "Integration in existing CSIRT systems", "Participation in CSIRT Systems"),
        ("O-10", "Organisational Framework", "Organisational Framework"),
        ("O-11", "Security Policy", "Security Policy"),
        ("H-1", "Code of Conduct/Practice/Ethics", "Code of Conduct/Practice/Ethics"),
        ("H-2", "Personal Resilience", "Staff Resilience"),
        ("H-3", "Skillset Description", "Skillset Description"),
        ("H-4", "Internal Training", "Staff Development"),
        ("H-5", "(External) Technical Training", "Technical Training"),
        ("H-6", "(External) Communication Training", "Soft Skills Training"),
        ("H-7", "External Networking", "External Networking"),
        ("T-1", "IT Resources List", "IT Assets and Configurations"),
        ("T-2", "Information Sources List", "Information Sources List"),
        ("T-3", "Consolidated E-mail System", "Consolidated Messaging System(s)"),
        ("T-4", "Incident Tracking System", "Incident Tracking System"),
        ("T-5", "Resilient Phone", "Resilient Voice Calls"),
        ("T-6", "Resilient E-mail", "Resilient Messaging"),
        ("T-7", "Resilient Internet Access", "Resilient Internet Access"),
        ("T-8", "Incident Prevention Toolset", "Incident Prevention Toolset"),
        ("T-9", "Incident Detection Toolset", "Incident Detection Toolset"),
        ("T-10", "Incident Resolution Toolset", "Incident Resolution Toolset"),
        ("P-1", "Escalation to Governance Level", "Escalation to Governance Level"),
        ("P-2", "Escalation to Press Function", "Escalation to Press Function"),
        ("P-3", "Escalation to Legal Function", "Escalation to Legal Function"),
        ("P-4", "Incident Prevention Process", "Incident Prevention Process"),
        ("P-5", "Incident Detection Process", "Incident Detection Process"),
        ("P-6", "Incident Resolution Process", "Incident Resolution Process"),
        ("P-7", "Specific Incident Processes", "Specific Incident Processes"),
        ("P-8", "Audit/Feedback Process", "Audit & Feedback Process"),
        ("P-9", "Emergency Reachability Process", "Emergency Reachability Process"),
        ("P-10", "Best Practice E-mail and Web Presence", "Best Practice Internet Presence"),
        ("P-11", "Secure Information Handling Process", "Secure Information Handling Process"),
        ("P-12", "Information Sources Process", "Information Sources Process"),
        ("P-13", "Outreach Process", "Outreach Process"),
        ("P-14", "Reporting Process", "Governance Reporting Process"),
        ("P-15", "Statistics Process", "Constituency Reporting Process"),
        ("P-16", "Meeting Process", "Meeting Process"),
        ("P-17", "Peer-to-Peer Process", "Peer Collaboration Process"),
    ];

    /// <summary>SIM3 v1: 44 parameters; names unverified (sim3.md: "verify against the opencsirt.org SIM3 v1 PDF before seeding").</summary>
    public static Sim3Version Version1 { get; } = new(V1, "SIM3 v1",
        "shared/data/sim3.md — v1 names from secondary sources, to be verified against the opencsirt.org SIM3 v1 PDF",
        [.. Table.Where(p => p.V1 is not null).Select(p => new Sim3Parameter(p.Id, CategoryOf(p.Id)!.Value, p.V1!, NameVerified: false))]);

    /// <summary>SIM3 v2 interim (in force since 2023-01-01): 45 parameters, adds O-6.</summary>
    public static Sim3Version Version2Interim { get; } = new(V2Interim, "SIM3 v2 interim",
        "shared/data/sim3.md — v2-interim names from RodrigoVilanova/SIM3 data/SIM3.cypher (commit 86dc127, typos normalised); opencsirt.org",
        [.. Table.Select(p => new Sim3Parameter(p.Id, CategoryOf(p.Id)!.Value, p.V2, NameVerified: true))]);

    public static IReadOnlyList<Sim3Version> Versions { get; } = [Version1, Version2Interim];

    // The relations between parameters of the public SIM3 data file the v2-interim names come from (RodrigoVilanova/SIM3
    // data/SIM3.cypher, commit 86dc127: every edge other than "belongs to" a category), in its order.
    private static readonly Sim3Relation[] RelationTable =
    [
        new("O-4", Sim3RelationKind.IsDetailedIn, "O-5"),
        new("O-3", Sim3RelationKind.GapSizeWith, "O-4"),
        new("O-8", Sim3RelationKind.DefinesTypesOf, "O-7"),
        new("O-1", Sim3RelationKind.Defines, "O-10"),
        new("O-2", Sim3RelationKind.Defines, "O-10"),
        new("O-3", Sim3RelationKind.Defines, "O-10"),
        new("O-4", Sim3RelationKind.Defines, "O-10"),
        new("O-5", Sim3RelationKind.Defines, "O-10"),
        new("O-6", Sim3RelationKind.Defines, "O-10"),
        new("O-7", Sim3RelationKind.Defines, "O-10"),
        new("O-8", Sim3RelationKind.Defines, "O-10"),
        new("O-9", Sim3RelationKind.Defines, "O-10"),
        new("O-5", Sim3RelationKind.ImpactsSizeOf, "H-2"),
        new("O-7", Sim3RelationKind.ImpactsSizeOf, "H-2"),
        new("H-1", Sim3RelationKind.IsAlignedWith, "O-11"),
        new("H-2", Sim3RelationKind.IsAspectOf, "O-11"),
        new("H-2", Sim3RelationKind.IsAspectOf, "T-5"),
        new("H-2", Sim3RelationKind.IsAspectOf, "T-7"),
        new("H-3", Sim3RelationKind.IsDevelopedBy, "H-4"),
        new("H-5", Sim3RelationKind.Supports, "H-4"),
        new("H-6", Sim3RelationKind.Supports, "H-4"),
        new("H-6", Sim3RelationKind.Enforces, "H-1"),
        new("H-7", Sim3RelationKind.CollaboratesWith, "O-9"),
    ];

    private static readonly Sim3Relation[] Version1Relations =
        [.. RelationTable.Where(r => Version1.Parameters.Any(p => p.Id == r.From) && Version1.Parameters.Any(p => p.Id == r.To))];

    /// <summary>
    /// The relations between parameters of a model version known to the node on first start: the 23 of the SIM3 data
    /// file for v2 interim, the same without O-6 for v1 (whose other ids are the same parameters). A version added
    /// later has none (its ids need not mean the same parameters).
    /// </summary>
    public static IReadOnlyList<Sim3Relation> RelationsOf(string modelKey) => modelKey switch
    {
        V2Interim => RelationTable,
        V1 => Version1Relations,
        _ => [],
    };
}
