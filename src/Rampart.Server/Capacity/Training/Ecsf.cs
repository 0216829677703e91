using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Rampart.Server.Capacity.Training;

/// <summary>What an ECSF item of a role profile is.</summary>
public enum EcsfItemKind : short
{
    Task = 0,
    Skill = 1,
    Knowledge = 2,
    ECompetence = 3,
}

/// <summary>A version of the European Cybersecurity Skills Framework. Seeded with the schema; a version is never edited, a new one is added under a new key.</summary>
public sealed class EcsfFramework
{
    public required string Key { get; set; }

    public required string Title { get; set; }

    public DateOnly Released { get; set; }
}

/// <summary>One of the role profiles of a framework version (ECSF v1 has twelve).</summary>
public sealed class EcsfProfile
{
    public required string FrameworkKey { get; set; }

    /// <summary>A stable, readable id ("incident-responder"); its translated title is the resource <c>Ecsf.{ProfileId}</c>.</summary>
    public required string ProfileId { get; set; }

    public int Position { get; set; }

    public required string Title { get; set; }

    public required string Summary { get; set; }

    public required string Mission { get; set; }

    /// <summary>Alternative titles, one per line.</summary>
    public required string AlternativeTitles { get; set; }

    /// <summary>Deliverables, one per line.</summary>
    public required string Deliverables { get; set; }
}

/// <summary>A task, skill, knowledge item or e-competence, once per framework however many profiles name it (so a skill assessed once counts for every profile that needs it).</summary>
public sealed class EcsfItem
{
    public required string FrameworkKey { get; set; }

    /// <summary>"S-012", "K-034", "T-007", or the e-CF code "E-A.7".</summary>
    public required string ItemId { get; set; }

    public EcsfItemKind Kind { get; set; }

    public required string Text { get; set; }
}

/// <summary>That a profile names an item, in the framework's order; for an e-competence, its e-CF proficiency level (1–5).</summary>
public sealed class EcsfProfileItem
{
    public required string FrameworkKey { get; set; }

    public required string ProfileId { get; set; }

    public required string ItemId { get; set; }

    public int Position { get; set; }

    public int? Level { get; set; }
}

/// <summary>
/// The bundled ECSF v1 file (<c>ecsf-v1.json</c>, EUPL, see ECSF-NOTICE.txt) as rows. Item ids are given in the file's
/// order of first appearance, per kind; the file of a version never changes, so the ids never do either.
/// </summary>
public static class EcsfSource
{
    public const string V1 = "ecsf-v1";

    /// <summary>The profile ids of ECSF v1, by the file's titles (a title this table does not know stops the node from building its model).</summary>
    private static readonly Dictionary<string, string> ProfileIds = new(StringComparer.Ordinal)
    {
        ["Chief Information Security Officer (CISO)"] = "ciso",
        ["Cyber Incident Responder"] = "incident-responder",
        ["Cyber Legal, Policy & Compliance Officer"] = "legal-policy-compliance",
        ["Cyber Threat Intelligence Specialist"] = "threat-intelligence",
        ["Cybersecurity Architect"] = "architect",
        ["Cybersecurity Auditor"] = "auditor",
        ["Cybersecurity Educator"] = "educator",
        ["Cybersecurity Implementer"] = "implementer",
        ["Cybersecurity Researcher"] = "researcher",
        ["Cybersecurity Risk Manager"] = "risk-manager",
        ["Digital Forensics Investigator"] = "forensics-investigator",
        ["Penetration Tester"] = "penetration-tester",
    };

    public static IReadOnlyCollection<string> V1ProfileIds => ProfileIds.Values;

    private static readonly Lazy<Rows> Loaded = new(Load);

    public static EcsfFramework Framework => Loaded.Value.Framework;

    public static IReadOnlyList<EcsfProfile> Profiles => Loaded.Value.Profiles;

    public static IReadOnlyList<EcsfItem> Items => Loaded.Value.Items;

    public static IReadOnlyList<EcsfProfileItem> ProfileItems => Loaded.Value.ProfileItems;

    private sealed record Rows(EcsfFramework Framework, List<EcsfProfile> Profiles, List<EcsfItem> Items, List<EcsfProfileItem> ProfileItems);

    private static Rows Load()
    {
        using var stream = typeof(EcsfSource).Assembly.GetManifestResourceStream("Rampart.Server.Capacity.Training.ecsf-v1.json")
            ?? throw new InvalidOperationException("The ECSF file is not embedded.");
        using var document = JsonDocument.Parse(stream);
        var root = document.RootElement;
        var metadata = root.GetProperty("metadata");
        var framework = new EcsfFramework
        {
            Key = V1,
            Title = $"{metadata.GetProperty("name").GetString()} {metadata.GetProperty("version").GetString()}",
            Released = DateOnly.ParseExact(metadata.GetProperty("date-released").GetString()!, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        };
        var profiles = new List<EcsfProfile>();
        var items = new List<EcsfItem>();
        var byText = new Dictionary<(EcsfItemKind, string), string>();
        var counters = new Dictionary<EcsfItemKind, int>();
        var links = new List<EcsfProfileItem>();
        foreach (var p in root.GetProperty("role-profiles").EnumerateArray())
        {
            var title = p.GetProperty("title").GetString()!.Trim();
            var profileId = ProfileIds.TryGetValue(title, out var known) ? known : throw new InvalidOperationException($"Unknown ECSF profile '{title}'.");
            profiles.Add(new EcsfProfile
            {
                FrameworkKey = V1, ProfileId = profileId, Position = profiles.Count + 1, Title = title,
                Summary = p.GetProperty("summary-statement").GetString()!.Trim(), Mission = p.GetProperty("mission").GetString()!.Trim(),
                AlternativeTitles = string.Join('\n', Strings(p, "alternative-titles")), Deliverables = string.Join('\n', Strings(p, "deliverables")),
            });
            var position = 0;
            void Link(EcsfItemKind kind, string text, int? level)
            {
                text = string.Join(' ', text.Split(' ', StringSplitOptions.RemoveEmptyEntries));
                if (!byText.TryGetValue((kind, text), out var id))
                {
                    counters[kind] = counters.GetValueOrDefault(kind) + 1;
                    id = kind == EcsfItemKind.ECompetence
                        ? "E-" + text.Split(' ')[0].TrimEnd('.')
                        : $"{"TSK"[(int)kind]}-{counters[kind]:000}";
                    byText[(kind, text)] = id;
                    items.Add(new EcsfItem { FrameworkKey = V1, ItemId = id, Kind = kind, Text = text });
                }

                if (!links.Any(l => l.ProfileId == profileId && l.ItemId == id))
                {
                    links.Add(new EcsfProfileItem { FrameworkKey = V1, ProfileId = profileId, ItemId = id, Position = ++position, Level = level });
                }
            }

            foreach (var t in Strings(p, "main-tasks"))
            {
                Link(EcsfItemKind.Task, t, null);
            }

            foreach (var s in Strings(p, "key-skills"))
            {
                Link(EcsfItemKind.Skill, s, null);
            }

            foreach (var k in Strings(p, "key-knowledge"))
            {
                Link(EcsfItemKind.Knowledge, k, null);
            }

            foreach (var e in p.GetProperty("e-competences").EnumerateArray())
            {
                Link(EcsfItemKind.ECompetence, e.GetProperty("name").GetString()!, e.GetProperty("level").GetInt32());
            }
        }

        return new Rows(framework, profiles, items, links);
    }

    private static IEnumerable<string> Strings(JsonElement element, string property) =>
        element.GetProperty(property).EnumerateArray().Select(e => e.GetString()!.Trim()).Where(s => s.Length > 0);
}

internal sealed class EcsfFrameworkConfiguration : IEntityTypeConfiguration<EcsfFramework>
{
    public void Configure(EntityTypeBuilder<EcsfFramework> b)
    {
        b.ToTable("EcsfFrameworks");
        b.HasKey(f => f.Key);
        b.Property(f => f.Key).HasMaxLength(TrainingLimits.KeyLength);
        b.Property(f => f.Title).HasMaxLength(TrainingLimits.NameLength);
        // Seeded with the schema: every node and app server has the same framework from its first start.
        b.HasData(EcsfSource.Framework);
    }
}

internal sealed class EcsfProfileConfiguration : IEntityTypeConfiguration<EcsfProfile>
{
    public void Configure(EntityTypeBuilder<EcsfProfile> b)
    {
        b.ToTable("EcsfProfiles");
        b.HasKey(p => new { p.FrameworkKey, p.ProfileId });
        b.Property(p => p.FrameworkKey).HasMaxLength(TrainingLimits.KeyLength);
        b.Property(p => p.ProfileId).HasMaxLength(TrainingLimits.KeyLength);
        b.Property(p => p.Title).HasMaxLength(TrainingLimits.NameLength);
        b.Property(p => p.Summary).HasMaxLength(TrainingLimits.TextLength);
        b.Property(p => p.Mission).HasMaxLength(TrainingLimits.TextLength);
        b.Property(p => p.AlternativeTitles).HasMaxLength(TrainingLimits.TextLength);
        b.Property(p => p.Deliverables).HasMaxLength(TrainingLimits.TextLength);
        b.HasOne<EcsfFramework>().WithMany().HasForeignKey(p => p.FrameworkKey).OnDelete(DeleteBehavior.Restrict);
        b.HasData(EcsfSource.Profiles);
    }
}

internal sealed class EcsfItemConfiguration : IEntityTypeConfiguration<EcsfItem>
{
    public void Configure(EntityTypeBuilder<EcsfItem> b)
    {
        b.ToTable("EcsfItems");
        b.HasKey(i => new { i.FrameworkKey, i.ItemId });
        b.Property(i => i.FrameworkKey).HasMaxLength(TrainingLimits.KeyLength);
        b.Property(i => i.ItemId).HasMaxLength(TrainingLimits.ItemIdLength);
        b.Property(i => i.Text).HasMaxLength(TrainingLimits.TextLength);
        b.HasOne<EcsfFramework>().WithMany().HasForeignKey(i => i.FrameworkKey).OnDelete(DeleteBehavior.Restrict);
        b.HasData(EcsfSource.Items);
    }
}

internal sealed class EcsfProfileItemConfiguration : IEntityTypeConfiguration<EcsfProfileItem>
{
    public void Configure(EntityTypeBuilder<EcsfProfileItem> b)
    {
        b.ToTable("EcsfProfileItems");
        b.HasKey(l => new { l.FrameworkKey, l.ProfileId, l.ItemId });
        b.Property(l => l.FrameworkKey).HasMaxLength(TrainingLimits.KeyLength);
        b.Property(l => l.ProfileId).HasMaxLength(TrainingLimits.KeyLength);
        b.Property(l => l.ItemId).HasMaxLength(TrainingLimits.ItemIdLength);
        b.HasOne<EcsfProfile>().WithMany().HasForeignKey(l => new { l.FrameworkKey, l.ProfileId }).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<EcsfItem>().WithMany().HasForeignKey(l => new { l.FrameworkKey, l.ItemId }).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(l => new { l.FrameworkKey, l.ItemId });
        b.HasData(EcsfSource.ProfileItems);
    }
}
