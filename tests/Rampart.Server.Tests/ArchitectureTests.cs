using System.Text.RegularExpressions;

namespace Rampart.Server.Tests;

/// <summary>
/// Shareable tables are read only through the access decision (docs/adr/0009): outside <c>Access/</c>
/// and the use cases of each shareable type, no page, endpoint or command names their sets.
/// </summary>
public sealed partial class ArchitectureTests
{
    // The tables whose rows are shareable, and the envelope and grant tables behind them.
    // (Not "Rampart.Server.Notes", the namespace.) Raw SQL naming the tables counts too.
    // The intelligence tables (issue 9) count too; "Rampart.Standards.Observables" is a namespace, not the table.
    [GeneratedRegex(@"(?<!Server|Standards)\.(Notes|NoteTitleTerms|SharedRecords|AccessGrants|" + IntelTables + @")\b|Set<\s*(Note|NoteTitleTerm|SharedRecord|AccessGrant|" + IntelEntities + @")\s*>|(FROM|JOIN|INTO|UPDATE)\s+\\?""?(Notes|NoteTitleTerms|SharedRecords|AccessGrants|" + IntelTables + @")\b",
        RegexOptions.IgnoreCase)]
    private static partial Regex ShareableSetUse();

    private const string IntelTables = "IntelObjects|IntelObjectVersions|IntelLabels|IntelWarningHits|Observables|ObservableLinks|IntelChanges|IntelImportJobs|IntelImportOutcomes";

    private const string IntelEntities = "IntelObject|IntelObjectVersion|IntelLabel|IntelWarningHit|Observable|ObservableLink|IntelChange|IntelImportJob|IntelImportOutcome";

    // Where reading them is allowed: the access decision itself, and each type's read and write use cases.
    private static readonly string[] Allowed =
    [
        "Access/",
        "Notes/NoteQueries.cs",
        "Notes/NoteEditing.cs",
        "Notes/NoteData.cs",
        "Intelligence/",
        "Data/Migrations/",
        "Data/ProviderContexts.cs",
    ];

    private static string SourceRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Rampart.slnx")))
        {
            directory = directory.Parent;
        }

        return Path.Combine(directory?.FullName ?? throw new InvalidOperationException("Rampart.slnx not found above the test binaries."), "src", "Rampart.Server");
    }

    private static IEnumerable<(string Path, int Line, string Text)> Uses()
    {
        var root = SourceRoot();
        foreach (var file in Directory.EnumerateFiles(root, "*.*", SearchOption.AllDirectories)
                     .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal))
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                                 && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            var relative = Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/');
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                var code = lines[i].TrimStart();
                if (!code.StartsWith("//", StringComparison.Ordinal) && !code.StartsWith("///", StringComparison.Ordinal) && ShareableSetUse().IsMatch(lines[i]))
                {
                    yield return (relative, i + 1, lines[i].Trim());
                }
            }
        }
    }

    [Fact]
    public void ShareableSets_AreNamedOnlyByTheAccessDecisionAndTheUseCases()
    {
        var offending = Uses().Where(u => !Allowed.Any(a => u.Path.StartsWith(a, StringComparison.Ordinal)))
            .Select(u => $"{u.Path}:{u.Line}: {u.Text}").ToList();
        Assert.True(offending.Count == 0,
            "Read shareable records through NoteQueries / AccessPolicy, not directly:\n" + string.Join('\n', offending));
    }

    [Fact]
    public void ShareableSets_TheScanFindsTheKnownUses()
    {
        // Guards the guard: if the pattern stopped matching, the test above would pass vacuously.
        var uses = Uses().Select(u => u.Path).ToHashSet();
        Assert.Contains("Notes/NoteQueries.cs", uses);
        Assert.Contains("Notes/NoteEditing.cs", uses);
        Assert.Contains("Access/AccessPolicy.cs", uses);
    }
}
