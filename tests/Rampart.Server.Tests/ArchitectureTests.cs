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
    [GeneratedRegex(@"(?<!Server|Standards|NavGroup)\.(Notes|NoteTitleTerms|SharedRecords|AccessGrants|" + IntelTables + "|" + IncidentTables + "|" + ReportTables + "|" + CapacityTables + "|" + MaturityTables + "|" + TrainingTables + @")\b|Set<\s*(Note|NoteTitleTerm|SharedRecord|AccessGrant|" + IntelEntities + "|" + IncidentEntities + "|" + ReportEntities + "|" + CapacityEntities + "|" + MaturityEntities + "|" + TrainingEntities + @")\s*>|(FROM|JOIN|INTO|UPDATE)\s+\\?""?(Notes|NoteTitleTerms|SharedRecords|AccessGrants|" + IntelTables + "|" + IncidentTables + "|" + ReportTables + "|" + CapacityTables + "|" + MaturityTables + "|" + TrainingTables + @")\b",
        RegexOptions.IgnoreCase)]
    private static partial Regex ShareableSetUse();

    // The capacity registry's and expert directory's tables (issue 12).
    private const string CapacityTables = "CapacityProjects|CapacityProjectFacets|CapacityProjectSuggestions|ExpertProfiles|ExpertFacets|ExpertRequests";

    private const string CapacityEntities = "CapacityProject|ProjectFacet|ProjectSuggestion|ExpertProfile|ExpertFacet|ExpertRequest";

    private const string IntelTables = "IntelObjects|IntelObjectVersions|IntelLabels|IntelTerms|IntelSightings|IntelWarningHits|Observables|ObservableLinks|IntelChanges|IntelImportJobs|IntelImportOutcomes";

    private const string MaturityTables = "MaturityAssessments|MaturityRatings|MaturityEvidenceFiles|MaturityProfiles|MaturityProfileLevels|" + PlanTables;

    // The capacity-building plans (issue 12): the plan and its parts, read only through PlanQueries / PlanEditing.
    private const string PlanTables = "CapacityPlans|CapacityPlanTitleTerms|CapacityPlanActions|CapacityPlanActionParameters|CapacityPlanActionDependencies|CapacityPlanActionNotes|CapacityPlanStatusChanges|CapacityPlanCampaigns|CapacityPlanMaterials|CapacityPlanIndicators|CapacityPlanIndicatorValues";

    private const string PlanEntities = "CapacityPlan|PlanTitleTerm|PlanAction|PlanActionParameter|PlanActionDependency|PlanActionNote|PlanStatusChange|PlanCampaign|PlanMaterial|PlanIndicator|PlanIndicatorValue";

    private const string MaturityEntities = "MaturityAssessment|MaturityRating|MaturityEvidenceFile|MaturityProfile|MaturityProfileLevel|" + PlanEntities;

    // Training records and courses (issue 12) with everything that hangs off them; the ECSF reference tables are not shareable.
    private const string TrainingTables = "TrainingPeople|TrainingPersonProfiles|TrainingProficiencies|TrainingCourses|TrainingCourseItems|TrainingCourseProfiles|TrainingSessions|TrainingEnrolments|TrainingCertificates|TrainingCourseParameters|TrainingCourseTopics|TrainingNeeds";

    private const string TrainingEntities = "TrainingPerson|TrainingPersonProfile|TrainingProficiency|TrainingCourse|TrainingCourseItem|TrainingCourseProfile|TrainingSession|TrainingEnrolment|TrainingCertificate|TrainingCourseParameter|TrainingCourseTopic|TrainingNeed";

    private const string IntelEntities = "IntelObject|IntelObjectVersion|IntelLabel|IntelTerm|IntelSighting|IntelWarningHit|Observable|ObservableLink|IntelChange|IntelImportJob|IntelImportOutcome";

    // The incident tables (issue 11): the record and its parts, read only through IncidentQueries / IncidentEditing.
    private const string IncidentTables = "Incidents|IncidentCountries|IncidentClassifications|IncidentTechniques|IncidentParticipants|IncidentJournal|IncidentTasks|IncidentTaskLog|IncidentClocks|IncidentStageReports|IncidentIntermediateRequests|IncidentDeadlines|AssistanceRequests|AssistanceRecipients|IncidentObservables|PeerIncidents|PeerIncidentJournal|PeerIncidentCommands|IncidentPeerSent|PeerIncidentFacets|PeerIncidentDeadlines";

    private const string IncidentEntities = "Incident|IncidentCountry|IncidentClassification|IncidentParticipant|IncidentJournalEntry|IncidentTask|IncidentTaskLog|IncidentClock|IncidentStageReport|IncidentIntermediateRequest|IncidentDeadline|AssistanceRequest|AssistanceRecipient|IncidentObservable|PeerIncident|PeerIncidentEntry|PeerIncidentCommand|IncidentPeerSent|PeerIncidentFacet|PeerIncidentDeadline";
    // Incident reports and attachments (issue 11, intake): read through ReportQueries, written by ReportEditing; journal attachments via AttachmentStore.
    private const string ReportTables = "IncidentReports|IncidentReportEvents|IncidentReportLinks|IncidentAttachments|IncidentAttachmentContents|MailIntakeReceipts";

    private const string ReportEntities = "IncidentReport|ReportEvent|ReportIncidentLink|Attachment|AttachmentContent|MailIntakeReceipt";


    // Where reading them is allowed: the access decision itself, and each type's read and write use cases.
    private static readonly string[] Allowed =
    [
        "Access/",
        "Notes/NoteQueries.cs",
        "Notes/NoteEditing.cs",
        "Notes/NoteData.cs",
        "Intelligence/",
        "Incidents/IncidentQueries.cs",
        "Incidents/IncidentEditing",
        "Incidents/IncidentData.cs",
        // Reporting clocks, the due list and requests for assistance: through the incident, read by the access decision.
        "Incidents/Clocks/",
        "Incidents/Requests/",
        // The live board's change stamp: the open incidents through AccessPolicy.Readable, then on each the journal entries
        // the viewer would see (IncidentQueries.JournalAsync's rules), nothing else (IncidentBoardLiveTests).
        "Incidents/Board/BoardQueries.cs",
        "Incidents/Reports/ReportQueries.cs",
        "Incidents/Reports/ReportEditing.cs",
        "Incidents/Reports/ReportData.cs",
        "Incidents/Attachments/AttachmentStore.cs",
        // Observables: the incident through the access decision first, then every linked object through it again.
        "Incidents/Observables/",
        // Incidents across nodes (ADR 17): the owner's side reads participations and journal stamps to know what to send,
        // and every view it sends through IncidentQueries as the participating organisation; the copies on the participant's
        // node are read through the access decision in PeerIncidentQueries / PeerIncidentCommands.
        "Incidents/Peers/",
        // These name the Observables namespace only; what they read comes through IncidentObservables.
        "Incidents/Export/",
        "Incidents/Print/IncidentPrint.razor",
        "Incidents/IncidentCoordinationEndpoints.cs",
        "Incidents/IncidentsFeature.cs",
        "Capacity/Projects/ProjectQueries.cs",
        "Capacity/Projects/ProjectEditing.cs",
        "Capacity/Projects/ProjectData.cs",
        "Capacity/Experts/ExpertDirectory.cs",
        "Capacity/Experts/ExpertData.cs",
        "Capacity/Maturity/MaturityQueries.cs",
        "Capacity/Maturity/MaturityEditing.cs",
        "Capacity/Maturity/MaturityData.cs",
        "Capacity/Plans/PlanQueries.cs",
        "Capacity/Plans/PlanEditing.cs",
        "Capacity/Plans/PlanData.cs",
        "Capacity/Training/TrainingQueries.cs",
        "Capacity/Training/TrainingEditing.cs",
        "Capacity/Training/TrainingData.cs",
        // Only whether a model version is used (never changed then), never an assessment's content.
        "Capacity/Maturity/MaturityModels.cs",
        // Federation: the sync decides what crosses to a peer from each record's grants (HopRules) and re-checks every
        // receiving organisation with AccessPolicy.CanRead; the inbox is the writer of what peers send (issue 10, ADR 14).
        "Federation/FederationSync.cs",
        "Federation/FederationInbox.cs",
        // Whether an organisation already owns or receives records (a yes/no, no record read): such an organisation's first
        // user is not created by a node admin, who would otherwise read what was shared with it.
        "Identity/UserAdministration.cs",
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
        Assert.Contains("Capacity/Maturity/MaturityQueries.cs", uses);
        Assert.Contains("Notes/NoteEditing.cs", uses);
        Assert.Contains("Access/AccessPolicy.cs", uses);
        Assert.Contains("Incidents/IncidentQueries.cs", uses);
        Assert.Contains("Incidents/IncidentEditing.cs", uses);
        Assert.Contains("Capacity/Projects/ProjectQueries.cs", uses);
        Assert.Contains("Capacity/Experts/ExpertDirectory.cs", uses);
        Assert.Contains("Capacity/Training/TrainingQueries.cs", uses);
    }
}

/// <summary>
/// <c>Access</c> is the kernel every feature builds on: it must not depend on <c>Identity</c> (users, logins) nor on
/// <c>Hosting</c> (composition, error handling). Checked on the compiled code: every type of the namespace (with
/// its closures and state machines), its base type, interfaces, fields, signatures and every type or member its
/// method bodies reference in IL.
/// </summary>
public sealed class AccessDependencyTests
{
    private static readonly string[] Forbidden = ["Rampart.Server.Identity", "Rampart.Server.Hosting"];

    // The one exception: the feature class that plugs Access into the host, as every folder's does (Hosting/Features.cs).
    private static readonly string[] Exempt = ["Rampart.Server.Access.AccessFeature"];

    [Fact]
    public void Access_ReferencesNoIdentityOrHostingType()
    {
        var offences = AccessDependencies.Find(typeof(Rampart.Server.Access.Caller).Assembly, "Rampart.Server.Access", Forbidden, Exempt);
        Assert.True(offences.Count == 0, "Access depends on:\n" + string.Join("\n", offences.Take(40)));
    }

    [Fact]
    public void TheCheck_FindsAReferenceWhenThereIsOne()
    {
        // The same scan over a namespace known to use Identity and Hosting types must report them, or the test above proves nothing.
        var offences = AccessDependencies.Find(typeof(Rampart.Server.Access.Caller).Assembly, "Rampart.Server.Organisations", Forbidden, []);
        Assert.Contains(offences, o => o.Contains("Rampart.Server.Hosting.", StringComparison.Ordinal));
        Assert.Contains(offences, o => o.Contains("Rampart.Server.Identity.", StringComparison.Ordinal));
    }
}

internal static class AccessDependencies
{
    private static readonly Dictionary<short, System.Reflection.Emit.OpCode> OpCodes = typeof(System.Reflection.Emit.OpCodes)
        .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
        .Select(f => (System.Reflection.Emit.OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    public static List<string> Find(System.Reflection.Assembly assembly, string ns, string[] forbidden, string[] exempt)
    {
        var offences = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var type in assembly.GetTypes().Where(t => InNamespace(Outermost(t), ns) && !exempt.Contains(Outermost(t).FullName)))
        {
            void Check(Type? used, string where)
            {
                foreach (var t in Expand(used))
                {
                    if (t.Namespace is { } n && forbidden.Any(f => n == f || n.StartsWith(f + ".", StringComparison.Ordinal)))
                    {
                        offences.Add($"{Outermost(type).FullName} ({where}) → {t.FullName}");
                    }
                }
            }

            Check(type.BaseType, "base type");
            foreach (var i in type.GetInterfaces())
            {
                Check(i, "interface");
            }

            const System.Reflection.BindingFlags all = System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic
                | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.DeclaredOnly;
            foreach (var field in type.GetFields(all))
            {
                Check(field.FieldType, "field " + field.Name);
            }

            foreach (var method in type.GetMethods(all).Cast<System.Reflection.MethodBase>().Concat(type.GetConstructors(all)))
            {
                if (method is System.Reflection.MethodInfo info)
                {
                    Check(info.ReturnType, method.Name);
                }

                foreach (var parameter in method.GetParameters())
                {
                    Check(parameter.ParameterType, method.Name);
                }

                foreach (var used in BodyReferences(method))
                {
                    Check(used, method.Name + " body");
                }
            }
        }

        return offences.ToList();
    }

    private static Type Outermost(Type type)
    {
        while (type.DeclaringType is not null)
        {
            type = type.DeclaringType;
        }

        return type;
    }

    private static bool InNamespace(Type type, string ns) => type.Namespace == ns || type.Namespace?.StartsWith(ns + ".", StringComparison.Ordinal) == true;

    private static IEnumerable<Type> Expand(Type? type)
    {
        if (type is null)
        {
            yield break;
        }

        if (type.HasElementType)
        {
            foreach (var t in Expand(type.GetElementType()))
            {
                yield return t;
            }

            yield break;
        }

        yield return type;
        if (type.IsGenericType)
        {
            foreach (var argument in type.GetGenericArguments().SelectMany(Expand))
            {
                yield return argument;
            }
        }
    }

    // Types named by the method's IL: type tokens, and the declaring and signature types of member tokens.
    private static IEnumerable<Type> BodyReferences(System.Reflection.MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
        {
            yield break;
        }

        var module = method.Module;
        var typeArguments = method.DeclaringType?.IsGenericType == true ? method.DeclaringType.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var i = 0;
        while (i < il.Length)
        {
            short value = il[i] == 0xFE && i + 1 < il.Length ? (short)(0xFE00 | il[i + 1]) : il[i];
            if (!OpCodes.TryGetValue(value, out var code))
            {
                yield break; // not a known opcode: stop rather than misread
            }

            i += code.Size;
            var operand = code.OperandType switch
            {
                System.Reflection.Emit.OperandType.InlineNone => 0,
                System.Reflection.Emit.OperandType.ShortInlineBrTarget or System.Reflection.Emit.OperandType.ShortInlineI or System.Reflection.Emit.OperandType.ShortInlineVar => 1,
                System.Reflection.Emit.OperandType.InlineVar => 2,
                System.Reflection.Emit.OperandType.InlineI8 or System.Reflection.Emit.OperandType.InlineR => 8,
                System.Reflection.Emit.OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, i)),
                _ => 4,
            };
            if (code.OperandType is System.Reflection.Emit.OperandType.InlineType or System.Reflection.Emit.OperandType.InlineTok
                or System.Reflection.Emit.OperandType.InlineMethod or System.Reflection.Emit.OperandType.InlineField)
            {
                var token = BitConverter.ToInt32(il, i);
                System.Reflection.MemberInfo? member = null;
                try
                {
                    member = module.ResolveMember(token, typeArguments, methodArguments);
                }
                catch (ArgumentException)
                {
                }

                switch (member)
                {
                    case Type t:
                        yield return t;
                        break;
                    case System.Reflection.FieldInfo f:
                        yield return f.DeclaringType!;
                        yield return f.FieldType;
                        break;
                    case System.Reflection.MethodBase m:
                        if (m.DeclaringType is { } declaring)
                        {
                            yield return declaring;
                        }

                        if (m is System.Reflection.MethodInfo mi)
                        {
                            yield return mi.ReturnType;
                            foreach (var a in mi.IsGenericMethod ? mi.GetGenericArguments() : [])
                            {
                                yield return a;
                            }
                        }

                        foreach (var p in m.GetParameters())
                        {
                            yield return p.ParameterType;
                        }

                        break;
                }
            }

            i += operand;
        }
    }
}
