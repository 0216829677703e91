using System.Globalization;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Rampart.Server.Access;
using Rampart.Server.Capacity.Experts;
using Rampart.Server.Capacity.Maturity;
using Rampart.Server.Capacity.Plans;
using Rampart.Server.Capacity.Projects;
using Rampart.Server.Capacity.Training;
using Rampart.Standards.Sim3;
using static Microsoft.Playwright.Assertions;

namespace Rampart.Browser.Tests;

/// <summary>
/// Issue 12's registry, expert directory and training pages in the browser, as an analyst of one organisation sees them:
/// the project list and a project's page with the plan actions it funds (its own, never another organisation's private
/// plan's), the expert directory with a consenting expert, the course list and a course's page; axe-core finds no serious
/// or critical WCAG 2.1 A/AA problem on any of them.
/// </summary>
public sealed class CapacityPagesTests : IClassFixture<BrowserNode>
{
    private static readonly string?[] IncidentResponder = ["incident-responder"];

    private readonly BrowserNode node;

    public CapacityPagesTests(BrowserNode node)
    {
        this.node = node;
        SetDefaultExpectTimeout(30_000);
    }

    private static async Task OpenAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        await Seeds.WaitInteractiveAsync(page);
    }

    private static async Task<IEnumerable<string>> AxeAsync(IPage page, string where)
    {
        await page.WaitForFunctionAsync("() => document.title.trim().length > 0", null, new PageWaitForFunctionOptions { Timeout = 30_000 });
        var result = await page.RunAxe(new AxeRunOptions { RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
        return result.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{where}: {v.Id} ({v.Impact}) {v.Help} — {string.Join(" | ", v.Nodes.Take(3).Select(n => string.Join(" ", n.Target)))}");
    }

    [Fact]
    public async Task RegistryExpertsAndTraining_AnAnalystSeesProjectsFundedActionsExpertsAndCourses_NotAnotherOrganisationsPrivateAction_AxeClean()
    {
        await Seeds.OrganisationAsync(node, "CPA", "Team Capacity Pages");
        await Seeds.OrganisationAsync(node, "CPB", "Team Capacity Other");
        var analyst = await Seeds.UserAsync(node, "analyst@cpa.test", Role.Analyst, "CPA");
        var other = await Seeds.UserAsync(node, "analyst@cpb.test", Role.Analyst, "CPB");
        var projectTitle = "CERT skills for the Western Balkans";
        Guid projectId, courseId;
        await using (var scope = node.Services.CreateAsyncScope())
        {
            var services = scope.ServiceProvider;
            projectId = (await services.GetRequiredService<ProjectEditing>().CreateAsync(analyst.Caller, new ProjectRequest(
                projectTitle, Status: ProjectStatus.Ongoing, Start: "2025-03", End: "2026-12", Themes: [ProjectTheme.CultureAndSkills], Countries: ["AL", "XK"],
                Summary: "Training incident handlers of three national CERTs.", Budget: 250_000, Currency: "EUR", Visibility: ProjectVisibility.Network), default)).Id;
            var plans = services.GetRequiredService<PlanEditing>();
            var ownPlan = await plans.CreateAsync(analyst.Caller, new PlanRequest("Our 2027 plan"), default);
            await plans.AddActionAsync(analyst.Caller, ownPlan.Id, new ActionRequest("Train the incident handlers", Funding: FundingSource.DonorProject, FundingProjectId: projectId),
                CultureInfo.InvariantCulture, default);
            var otherPlan = await plans.CreateAsync(other.Caller, new PlanRequest("Their private plan"), default);
            await plans.AddActionAsync(other.Caller, otherPlan.Id, new ActionRequest("Their confidential action", Funding: FundingSource.DonorProject, FundingProjectId: projectId),
                CultureInfo.InvariantCulture, default);
            await services.GetRequiredService<ExpertDirectory>().SaveAsync(other.Caller,
                new ExpertProfileRequest(true, "Ana Expert", "AL", ["sq", "en"], ["incident-handling"], Availability: "Two days a month"), default);
            courseId = (await services.GetRequiredService<TrainingEditing>().CreateCourseAsync(analyst.Caller,
                new CourseRequest("Log analysis for incident handlers", "CPA", CourseFormat.Online, "en", 8, Network: true, Topics: ["logs"]), default)).Id;
        }

        await using var context = await Seeds.ContextAsync(node);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        page.SetDefaultNavigationTimeout(90_000);
        await Seeds.LogInAsync(page, analyst);
        var problems = new List<string>();

        await OpenAsync(page, "/capacity/projects");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Capacity-building projects");
        await Expect(page.Locator("main")).ToContainTextAsync(projectTitle);
        problems.AddRange(await AxeAsync(page, "projects"));
        // The timeline tab: one bar per project, from its first to its last month.
        await page.GetByRole(AriaRole.Tab, new() { Name = "Timeline" }).ClickAsync();
        await Expect(page.Locator("#project-timeline svg title", new() { HasTextString = projectTitle })).ToHaveTextAsync($"{projectTitle} (2025-03 – 2026-12)");
        await Expect(page.Locator("#project-timeline svg text", new() { HasTextString = "2026" })).ToHaveCountAsync(1);
        // Where the funding goes: the budget counts in full in each of the project's countries, per currency.
        await OpenAsync(page, "/capacity/projects/funding");
        var euro = page.Locator("#funding-EUR");
        await Expect(euro.Locator("svg title")).ToHaveTextAsync(["AL: 250,000 EUR (1)", "XK: 250,000 EUR (1)"]);
        problems.AddRange(await AxeAsync(page, "project funding"));

        await OpenAsync(page, $"/capacity/projects/{projectId}");
        await Expect(page.Locator("h1")).ToHaveTextAsync(projectTitle);
        await Expect(page.Locator("#project-actions")).ToContainTextAsync("Our 2027 plan");
        await Expect(page.Locator("#project-actions")).ToContainTextAsync("Train the incident handlers");
        await Expect(page.Locator("main")).Not.ToContainTextAsync("Their confidential action");
        await Expect(page.Locator("main")).Not.ToContainTextAsync("Their private plan");
        problems.AddRange(await AxeAsync(page, "project"));

        await OpenAsync(page, "/capacity/experts");
        await Expect(page.Locator("#experts")).ToContainTextAsync("Ana Expert");
        problems.AddRange(await AxeAsync(page, "experts"));

        await OpenAsync(page, "/capacity/training/courses");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Courses and sessions");
        await Expect(page.Locator("main")).ToContainTextAsync("Log analysis for incident handlers");
        problems.AddRange(await AxeAsync(page, "courses"));

        await OpenAsync(page, $"/capacity/training/courses/{courseId}");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Log analysis for incident handlers");
        problems.AddRange(await AxeAsync(page, "course"));

        // The other organisation's analyst sees its own action on the same project page, and not ours.
        await using var otherContext = await Seeds.ContextAsync(node);
        var otherPage = await otherContext.NewPageAsync();
        otherPage.SetDefaultTimeout(60_000);
        otherPage.SetDefaultNavigationTimeout(90_000);
        await Seeds.LogInAsync(otherPage, other);
        await OpenAsync(otherPage, $"/capacity/projects/{projectId}");
        await Expect(otherPage.Locator("#project-actions")).ToContainTextAsync("Their confidential action");
        await Expect(otherPage.Locator("main")).Not.ToContainTextAsync("Train the incident handlers");

        Assert.Empty(problems);
    }
    [Fact]
    public async Task EvidenceUpload_AnAnalystUploadsAFileOnTheAssessmentPage_SeesItListed_AxeClean_AnOutsiderGetsTheNotFoundPage()
    {
        await Seeds.OrganisationAsync(node, "CPE", "Team Capacity Evidence");
        await Seeds.OrganisationAsync(node, "CPF", "Team Capacity Foreign");
        var analyst = await Seeds.UserAsync(node, "analyst@cpe.test", Role.Analyst, "CPE");
        var outsider = await Seeds.UserAsync(node, "analyst@cpf.test", Role.Analyst, "CPF");
        Guid assessmentId;
        await using (var scope = node.Services.CreateAsyncScope())
        {
            assessmentId = (await scope.ServiceProvider.GetRequiredService<MaturityEditing>().CreateAsync(analyst.Caller,
                new AssessmentRequest(Sim3Model.V2Interim, AssessmentType.SelfAssessment, new DateOnly(2026, 11, 1), "E. Assessor"), default)).Id;
        }

        var bytes = System.Text.Encoding.UTF8.GetBytes("%PDF-1.4 incident classification policy, approved 2026-10-01");
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        await using var context = await Seeds.ContextAsync(node);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        page.SetDefaultNavigationTimeout(90_000);
        await Seeds.LogInAsync(page, analyst);
        await OpenAsync(page, $"/capacity/maturity/{assessmentId}");
        await Expect(page.Locator("#evidence-files-O-1 li")).ToHaveCountAsync(0);

        // The button opens the file picker of its parameter's MudFileUpload; the browser picks the file.
        var chooser = await page.RunAndWaitForFileChooserAsync(() => page.ClickAsync("#evidence-upload-O-1"));
        await chooser.SetFilesAsync(new FilePayload { Name = "incident-policy.pdf", MimeType = "application/pdf", Buffer = bytes });
        await Expect(page.Locator("#evidence-files-O-1")).ToContainTextAsync("incident-policy.pdf");
        await Expect(page.Locator("#evidence-files-O-1")).ToContainTextAsync(sha);
        await Expect(page.Locator("#evidence-files-O-2 li")).ToHaveCountAsync(0);
        // A draft with its evidence section (inputs, file pickers, a listed file): no serious or critical WCAG problem.
        var problems = (await AxeAsync(page, "assessment draft with evidence")).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));

        // Stored, not just drawn: a fresh load lists it, with a download link.
        await OpenAsync(page, $"/capacity/maturity/{assessmentId}");
        await Expect(page.Locator("#evidence-files-O-1 a[download]")).ToHaveTextAsync("incident-policy.pdf");

        // Another organisation's analyst: the 404 not-found page, nothing of the assessment or its file.
        await using var otherContext = await Seeds.ContextAsync(node);
        var otherPage = await otherContext.NewPageAsync();
        otherPage.SetDefaultTimeout(60_000);
        otherPage.SetDefaultNavigationTimeout(90_000);
        await Seeds.LogInAsync(otherPage, outsider);
        var response = await otherPage.GotoAsync($"/capacity/maturity/{assessmentId}");
        Assert.Equal(404, response!.Status);
        await Expect(otherPage.Locator("main")).ToContainTextAsync("There is nothing here, or you may not see it.");
        await Expect(otherPage.Locator("body")).Not.ToContainTextAsync("incident-policy.pdf");
        await Expect(otherPage.Locator("body")).Not.ToContainTextAsync("E. Assessor");
    }

    [Fact]
    public async Task Sharing_AnAnalystSharesAFinishedAssessmentAndAPlanWithAnotherTeam_ConfirmsTheWidening_ThatTeamThenReadsThem()
    {
        await Seeds.OrganisationAsync(node, "CPS", "Team Capacity Sharing");
        await Seeds.OrganisationAsync(node, "CPR", "Team Capacity Reader");
        var analyst = await Seeds.UserAsync(node, "analyst@cps.test", Role.Analyst, "CPS");
        var reader = await Seeds.UserAsync(node, "analyst@cpr.test", Role.Analyst, "CPR");
        Guid assessmentId, planId;
        await using (var scope = node.Services.CreateAsyncScope())
        {
            var maturity = scope.ServiceProvider.GetRequiredService<MaturityEditing>();
            assessmentId = (await maturity.CreateAsync(analyst.Caller,
                new AssessmentRequest(Sim3Model.V2Interim, AssessmentType.SelfAssessment, new DateOnly(2026, 11, 5), "S. Sharer"), default)).Id;
            await maturity.SaveDraftAsync(analyst.Caller, assessmentId, new DraftRequest(Ratings: [new Rampart.Server.Capacity.Maturity.RatingRequest("O-1", 2)]), default);
            await maturity.FinishAsync(analyst.Caller, assessmentId, default);
            planId = (await scope.ServiceProvider.GetRequiredService<PlanEditing>().CreateAsync(analyst.Caller, new PlanRequest("Plan to share with CPR"), default)).Id;
        }

        await using var context = await Seeds.ContextAsync(node);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        page.SetDefaultNavigationTimeout(90_000);
        await Seeds.LogInAsync(page, analyst);
        await OpenAsync(page, $"/capacity/maturity/{assessmentId}");
        await Expect(page.Locator("#assessment-sharing-now")).ToContainTextAsync("Own organisation only");

        // Recipients: the other team. Cancelling the confirmation changes nothing; confirming shares it.
        await page.ClickAsync("#assessment-sharing-open");
        await page.Locator("#assessment-tlp").SelectOptionAsync("Amber");
        await page.Locator("#assessment-audience").SelectOptionAsync("Recipients");
        await page.Locator("#assessment-recipients label", new() { HasTextString = "CPR" }).Locator("input").CheckAsync();
        await page.ClickAsync("#assessment-sharing-save");
        await Expect(page.Locator("#confirm-object")).ToContainTextAsync("TLP:AMBER");
        await page.ClickAsync("#confirm-cancel");
        await Expect(page.Locator("#assessment-sharing-now")).ToContainTextAsync("Own organisation only");
        await page.ClickAsync("#assessment-sharing-save");
        await page.ClickAsync("#confirm-ok");
        await Expect(page.Locator("#assessment-sharing-now")).ToContainTextAsync("Recipients");
        await Expect(page.Locator("#assessment-sharing-now")).ToContainTextAsync("CPR");
        var problems = (await AxeAsync(page, "assessment sharing")).ToList();

        await OpenAsync(page, $"/capacity/plans/{planId}");
        await page.ClickAsync("#plan-sharing-open");
        await page.Locator("#plan-tlp").SelectOptionAsync("Amber");
        await page.Locator("#plan-audience").SelectOptionAsync("Recipients");
        await page.Locator("#plan-recipients label", new() { HasTextString = "CPR" }).Locator("input").CheckAsync();
        await page.ClickAsync("#plan-sharing-save");
        await page.ClickAsync("#confirm-ok");
        await Expect(page.Locator("#plan-sharing-now")).ToContainTextAsync("CPR");
        problems.AddRange(await AxeAsync(page, "plan sharing"));
        Assert.True(problems.Count == 0, string.Join("\n", problems));

        // The other team reads both, and may not change who reads them.
        await using var otherContext = await Seeds.ContextAsync(node);
        var otherPage = await otherContext.NewPageAsync();
        otherPage.SetDefaultTimeout(60_000);
        otherPage.SetDefaultNavigationTimeout(90_000);
        await Seeds.LogInAsync(otherPage, reader);
        await OpenAsync(otherPage, $"/capacity/maturity/{assessmentId}");
        await Expect(otherPage.Locator("#level-O-1")).ToHaveTextAsync("2");
        await Expect(otherPage.Locator("#assessment-sharing-open")).ToHaveCountAsync(0);
        await OpenAsync(otherPage, $"/capacity/plans/{planId}");
        await Expect(otherPage.Locator("#plan-title")).ToHaveTextAsync("Plan to share with CPR");
        await Expect(otherPage.Locator("#plan-sharing-open")).ToHaveCountAsync(0);

        // Narrowing back (no confirmation needed): the other team gets the not-found page.
        await OpenAsync(page, $"/capacity/maturity/{assessmentId}");
        await page.ClickAsync("#assessment-sharing-open");
        await page.Locator("#assessment-audience").SelectOptionAsync("Organisation");
        await page.ClickAsync("#assessment-sharing-save");
        await Expect(page.Locator("#assessment-sharing-now")).ToContainTextAsync("Own organisation only");
        var response = await otherPage.GotoAsync($"/capacity/maturity/{assessmentId}");
        Assert.Equal(404, response!.Status);
    }

    [Fact]
    public async Task PeerReview_TheAssessedTeamSeesTheReviewersLevelsBesideItsOwn_WithTheDifferences_TheReviewerDoesNotSeeTheSelfAssessment()
    {
        await Seeds.OrganisationAsync(node, "CPP", "Team Capacity Assessed");
        await Seeds.OrganisationAsync(node, "CPQ", "Team Capacity Reviewer");
        var analyst = await Seeds.UserAsync(node, "analyst@cpp.test", Role.Analyst, "CPP");
        var reviewer = await Seeds.UserAsync(node, "analyst@cpq.test", Role.Analyst, "CPQ");
        Guid selfId, peerId;
        await using (var scope = node.Services.CreateAsyncScope())
        {
            var maturity = scope.ServiceProvider.GetRequiredService<MaturityEditing>();
            selfId = (await maturity.CreateAsync(analyst.Caller, new AssessmentRequest(Sim3Model.V2Interim, AssessmentType.SelfAssessment, new DateOnly(2026, 10, 1), "Own team"), default)).Id;
            await maturity.SaveDraftAsync(analyst.Caller, selfId, new DraftRequest(Ratings: [new Rampart.Server.Capacity.Maturity.RatingRequest("O-1", 3), new Rampart.Server.Capacity.Maturity.RatingRequest("O-2", 2)]), default);
            await maturity.FinishAsync(analyst.Caller, selfId, default);
            var reviewerOrg = reviewer.Caller.OrganisationId;
            peerId = (await maturity.CreateAsync(analyst.Caller, new AssessmentRequest(Sim3Model.V2Interim, AssessmentType.PeerReview, new DateOnly(2026, 11, 1), "Peer team", reviewerOrg), default)).Id;
            await maturity.SaveDraftAsync(reviewer.Caller, peerId, new DraftRequest(Ratings: [new Rampart.Server.Capacity.Maturity.RatingRequest("O-1", 2), new Rampart.Server.Capacity.Maturity.RatingRequest("O-2", 2)]), default);
            await maturity.FinishAsync(reviewer.Caller, peerId, default);
        }

        await using var context = await Seeds.ContextAsync(node);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        page.SetDefaultNavigationTimeout(90_000);
        await Seeds.LogInAsync(page, analyst);
        // The list names the reviewing organisation.
        await OpenAsync(page, "/capacity/maturity");
        await Expect(page.Locator("#assessment-table")).ToContainTextAsync("Reviewer organisation: CPQ");

        // The peer review opens beside the latest self-assessment: the reviewer rated O-1 one level lower.
        await OpenAsync(page, $"/capacity/maturity/{peerId}");
        await Expect(page.Locator("#assessment-reviewer")).ToContainTextAsync("CPQ");
        await Expect(page.Locator("#compare-summary")).ToHaveTextAsync("1 of 45 parameters differ.");
        await Expect(page.Locator("#compare-O-1 td")).ToHaveTextAsync(["O-1 Mandate", "2", "3", "+1"]);
        await Expect(page.Locator("#compare-O-2")).ToHaveCountAsync(0);
        await Expect(page.Locator("#radar-compare svg")).ToHaveCountAsync(1);
        await page.Locator("#compare-all").CheckAsync();
        await Expect(page.Locator("#compare-O-2 td")).ToHaveTextAsync(["O-2 Constituency", "2", "2", "0"]);
        var problems = (await AxeAsync(page, "peer review comparison")).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));

        // From the self-assessment, the difference has the other sign.
        await OpenAsync(page, $"/capacity/maturity/{selfId}");
        await Expect(page.Locator("#compare-O-1 td")).ToHaveTextAsync(["O-1 Mandate", "3", "2", "-1"]);

        // The reviewer reads its peer review but not the self-assessment: nothing to compare with.
        await using var otherContext = await Seeds.ContextAsync(node);
        var otherPage = await otherContext.NewPageAsync();
        otherPage.SetDefaultTimeout(60_000);
        otherPage.SetDefaultNavigationTimeout(90_000);
        await Seeds.LogInAsync(otherPage, reviewer);
        await OpenAsync(otherPage, $"/capacity/maturity/{peerId}");
        await Expect(otherPage.Locator("#compare-none")).ToBeVisibleAsync();
        await Expect(otherPage.Locator("main")).Not.ToContainTextAsync("Own team");
    }

    [Fact]
    public async Task TargetProfiles_AnAnalystDefinesAProfileOnThePage_ChangesItAsANewVersion_BadInputIsExplained()
    {
        await Seeds.OrganisationAsync(node, "CPT", "Team Capacity Targets");
        var analyst = await Seeds.UserAsync(node, "analyst@cpt.test", Role.Analyst, "CPT");
        await using var context = await Seeds.ContextAsync(node);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        page.SetDefaultNavigationTimeout(90_000);
        await Seeds.LogInAsync(page, analyst);
        await OpenAsync(page, "/capacity/maturity");
        await page.ClickAsync("#profiles-link");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Target profiles");
        await Seeds.WaitInteractiveAsync(page);

        // No level at all: the page says what is missing and nothing is created.
        await page.FillAsync("#profile-name-input", "CPT baseline 2027");
        await page.ClickAsync("#profile-create");
        await Expect(page.Locator("#new-profile .errors")).ToContainTextAsync("a minimum level for at least one parameter");
        await page.Locator("#min-O-1").SelectOptionAsync("2");
        await page.Locator("#min-H-3").SelectOptionAsync("3");
        await page.ClickAsync("#profile-create");
        await Expect(page.Locator("#profile-name")).ToHaveTextAsync("CPT baseline 2027");
        await Expect(page.Locator("#profile-meta")).ToContainTextAsync("Version 1");
        await Expect(page.Locator("#min-O-1")).ToHaveTextAsync("2");
        await Expect(page.Locator("#min-H-3")).ToHaveTextAsync("3");
        await Expect(page.Locator("#min-O-2")).ToHaveCountAsync(0);
        var problems = (await AxeAsync(page, "target profile")).ToList();

        // A change is a new version; the first stays readable and says a newer one exists.
        await page.ClickAsync("#profile-edit");
        // The form replaces the read-only table once the click is handled: wait for it before choosing a level.
        await Expect(page.Locator("#profile-save-version")).ToBeVisibleAsync();
        await page.Locator("#min-O-1").SelectOptionAsync("3");
        await page.ClickAsync("#profile-save-version");
        await Expect(page.Locator("#profile-meta")).ToContainTextAsync("Version 2");
        await Expect(page.Locator("#min-O-1")).ToHaveTextAsync("3");
        await page.ClickAsync("#profile-version-1");
        await Expect(page.Locator("#profile-not-latest")).ToBeVisibleAsync();
        await Expect(page.Locator("#min-O-1")).ToHaveTextAsync("2");
        await Expect(page.Locator("#profile-edit")).ToHaveCountAsync(0);

        await OpenAsync(page, "/capacity/maturity/profiles");
        await Expect(page.Locator("#profile-table tbody tr", new() { HasTextString = "CPT baseline 2027" })).ToHaveCountAsync(2);
        problems.AddRange(await AxeAsync(page, "target profiles"));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task ModelVersions_ANodeAdministratorAddsAndTranslatesAVersion_AnAnalystOnlyReadsTheList_AxeClean()
    {
        await Seeds.OrganisationAsync(node, "CPM", "Team Capacity Models");
        var admin = await Seeds.UserAsync(node, "models-admin@node.test", Role.NodeAdmin);
        var analyst = await Seeds.UserAsync(node, "analyst@cpm.test", Role.Analyst, "CPM");
        await using (var scope = node.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<MaturityModels>().AddAsync(admin.Caller, new ModelVersionRequest("browser-models", "Browser test model", "tests",
                [new ParameterRequest("O-1", "Mandate", "What the team is for."), new ParameterRequest("H-1", "Code of conduct")]), default);
            await scope.ServiceProvider.GetRequiredService<MaturityModels>().AddAsync(admin.Caller, new ModelVersionRequest("browser-used", "Browser used model", "tests",
                [new ParameterRequest("O-1", "Mandate")]), default);
            await scope.ServiceProvider.GetRequiredService<MaturityEditing>().CreateAsync(analyst.Caller,
                new AssessmentRequest("browser-used", AssessmentType.SelfAssessment, new DateOnly(2026, 11, 2), "M. Assessor"), default);
        }

        await using var context = await Seeds.ContextAsync(node);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        page.SetDefaultNavigationTimeout(90_000);
        await Seeds.LogInAsync(page, admin);
        await OpenAsync(page, "/capacity/maturity");
        await page.ClickAsync("#models-link");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Maturity model versions");
        await Seeds.WaitInteractiveAsync(page);
        await Expect(page.Locator("#model-browser-models")).ToContainTextAsync("Browser test model");
        await Expect(page.Locator("#model-used-browser-models")).ToHaveTextAsync("Not used yet");
        await Expect(page.Locator("#model-edit-browser-models")).ToBeVisibleAsync();

        // A used version cannot be changed, and the page says why.
        await Expect(page.Locator("#model-used-browser-used")).ToHaveTextAsync("Used: never changed again");
        await Expect(page.Locator("#model-locked-browser-used")).ToContainTextAsync("an assessment or a target profile uses it");
        await Expect(page.Locator("#model-edit-browser-used")).ToHaveCountAsync(0);

        // An unused one is changed through its JSON, after a confirmation.
        await page.ClickAsync("#model-edit-browser-models");
        await Expect(page.Locator("#model-json")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("\"key\": \"browser-models\""));
        var changed = (await page.Locator("#model-json").InputValueAsync()).Replace("\"Code of conduct\"", "\"Code of conduct (corrected)\"", StringComparison.Ordinal);
        await page.FillAsync("#model-json", changed);
        await page.ClickAsync("#model-save");
        await Expect(page.Locator("#confirm-object")).ToHaveTextAsync("browser-models");
        await page.ClickAsync("#confirm-ok");
        await Expect(page.Locator("#model-add")).ToBeVisibleAsync();

        // Bad JSON and a taken key are explained next to the form; nothing is added.
        await page.FillAsync("#model-json", "{ \"key\": 1 ");
        await page.ClickAsync("#model-add");
        await Expect(page.Locator("#model-editor .errors")).ToContainTextAsync("cannot be read at line 1");
        await page.FillAsync("#model-json", "{ \"key\": \"sim3-v1\", \"title\": \"Again\", \"parameters\": [ { \"id\": \"O-1\", \"name\": \"Mandate\" } ] }");
        await page.ClickAsync("#model-add");
        await Expect(page.Locator("#model-editor .errors")).ToContainTextAsync("choose a new key");

        // Translate one parameter name into Albanian, save, reload: the form starts from the stored translation.
        await page.Locator("#translate-model").SelectOptionAsync("browser-models");
        await page.Locator("#translate-culture").SelectOptionAsync("sq");
        await Expect(page.Locator("#text-O-1")).ToContainTextAsync("What the team is for.");
        await page.FillAsync("#text-name-O-1", "Mandati");
        await page.ClickAsync("#translate-save");
        await Expect(page.Locator(".mud-snackbar", new() { HasTextString = "Translation into Shqip saved." })).ToBeVisibleAsync();
        await OpenAsync(page, "/capacity/maturity/models");
        await page.Locator("#translate-model").SelectOptionAsync("browser-models");
        await page.Locator("#translate-culture").SelectOptionAsync("sq");
        await Expect(page.Locator("#text-name-O-1")).ToHaveValueAsync("Mandati");
        await Expect(page.Locator("#text-name-H-1")).ToHaveValueAsync("");
        await Expect(page.Locator("#text-H-1")).ToContainTextAsync("Code of conduct (corrected)");
        var problems = (await AxeAsync(page, "model versions (node admin)")).ToList();

        // An analyst reads the list, without any control to add, change or translate.
        await using var analystContext = await Seeds.ContextAsync(node);
        var analystPage = await analystContext.NewPageAsync();
        analystPage.SetDefaultTimeout(60_000);
        analystPage.SetDefaultNavigationTimeout(90_000);
        await Seeds.LogInAsync(analystPage, analyst);
        await OpenAsync(analystPage, "/capacity/maturity/models");
        await Expect(analystPage.Locator("#model-browser-models")).ToContainTextAsync("Browser test model");
        await Expect(analystPage.Locator("#model-sim3-v2-interim")).ToBeVisibleAsync();
        await Expect(analystPage.Locator("#model-editor")).ToHaveCountAsync(0);
        await Expect(analystPage.Locator("#model-translation")).ToHaveCountAsync(0);
        await Expect(analystPage.Locator("#model-edit-browser-models")).ToHaveCountAsync(0);
        await Expect(analystPage.Locator("#model-translate-browser-models")).ToHaveCountAsync(0);
        problems.AddRange(await AxeAsync(analystPage, "model versions (analyst)"));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task Suggestion_TheOwnerSeesWhatItChangesFieldByField_AndIsWarnedWhenTheProjectChangedSince()
    {
        await Seeds.OrganisationAsync(node, "CPO", "Team Capacity Owner");
        await Seeds.OrganisationAsync(node, "CPX", "Team Capacity Suggester");
        var owner = await Seeds.UserAsync(node, "analyst@cpo.test", Role.Analyst, "CPO");
        var suggester = await Seeds.UserAsync(node, "analyst@cpx.test", Role.Analyst, "CPX");
        Guid projectId;
        await using (var scope = node.Services.CreateAsyncScope())
        {
            var projects = scope.ServiceProvider.GetRequiredService<ProjectEditing>();
            projectId = (await projects.CreateAsync(owner.Caller, new ProjectRequest("SOC for the ministries", Status: ProjectStatus.Ongoing, Start: "2025-01", End: "2026-12",
                Summary: "A SOC for five ministries.", Visibility: ProjectVisibility.Network), default)).Id;
            await projects.SuggestAsync(suggester.Caller, projectId, new SuggestionRequest(new ProjectRequest("SOC for the ministries", Status: ProjectStatus.Ongoing, Start: "2025-01",
                End: "2027-06", Summary: "A SOC for seven ministries."), "Extended in 2026."), default);
        }

        await using var context = await Seeds.ContextAsync(node);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        page.SetDefaultNavigationTimeout(90_000);
        await Seeds.LogInAsync(page, owner);
        await OpenAsync(page, $"/capacity/projects/{projectId}");
        var diff = page.Locator("#suggestions .suggestion-diff");
        await Expect(diff.Locator("tr[data-field=end] td")).ToHaveTextAsync(["End (yyyy-mm, empty while open-ended)", "2026-12", "2027-06"]);
        await Expect(diff.Locator("tr[data-field=summary] td").Nth(2)).ToHaveTextAsync("A SOC for seven ministries.");
        await Expect(diff.Locator("tr[data-field=title]")).ToHaveCountAsync(0);
        await Expect(page.Locator("#suggestions .suggestion-stale")).ToHaveCountAsync(0);
        var problems = (await AxeAsync(page, "project with a suggestion")).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));

        // The owner changes the project after the suggestion: the page warns, and the confirmation says so before accepting.
        await using (var scope = node.Services.CreateAsyncScope())
        {
            await Task.Delay(20);
            await scope.ServiceProvider.GetRequiredService<ProjectEditing>().UpdateAsync(owner.Caller, projectId, new ProjectRequest("SOC for the ministries (phase 2)", Status: ProjectStatus.Ongoing,
                Start: "2025-01", End: "2026-12", Summary: "A SOC for five ministries.", Visibility: ProjectVisibility.Network), default);
        }

        await OpenAsync(page, $"/capacity/projects/{projectId}");
        await Expect(page.Locator("#suggestions .suggestion-stale")).ToBeVisibleAsync();
        await page.Locator("#suggestions .accept-suggestion").ClickAsync();
        await Expect(page.Locator(".mud-dialog")).ToContainTextAsync("accepting also replaces those changes");
        await page.ClickAsync("#confirm-ok");
        await Expect(page.Locator("h1")).ToHaveTextAsync("SOC for the ministries");
        await Expect(page.Locator("main")).ToContainTextAsync("A SOC for seven ministries.");
    }

    [Fact]
    public async Task MySkills_APersonRatesARoleSeesTheRatingAndConsent_WithdrawsWithConfirmation_AndTheRecordIsGone()
    {
        await Seeds.OrganisationAsync(node, "CMS", "Team My Skills");
        var manager = await Seeds.UserAsync(node, "analyst@cms.test", Role.Analyst, "CMS");
        var person = await Seeds.UserAsync(node, "viewer@cms.test", Role.Viewer, "CMS");
        Guid recordId;
        await using (var scope = node.Services.CreateAsyncScope())
        {
            recordId = (await scope.ServiceProvider.GetRequiredService<TrainingEditing>().CreatePersonAsync(manager.Caller,
                new PersonRequest("Mira Skills", person.Id, IncidentResponder, true), default)).Id;
        }

        await using var context = await Seeds.ContextAsync(node);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        page.SetDefaultNavigationTimeout(90_000);
        await Seeds.LogInAsync(page, person);
        await OpenAsync(page, "/capacity/training");
        await page.ClickAsync("#training-me");
        await Seeds.WaitInteractiveAsync(page);
        // Who recorded the consent, by name: a colleague's address is for administrators only.
        await Expect(page.Locator("#my-consent")).ToContainTextAsync("analyst Example");
        await Expect(page.Locator("#my-consent")).Not.ToContainTextAsync("analyst@cms.test");
        await Expect(page.Locator("#my-profiles")).ToContainTextAsync("Incident");

        // Rate one skill of the role as self-assessed; the table shows it after saving.
        var first = page.Locator("#my-ratings tbody tr").First;
        var itemId = (await first.Locator("code").InnerTextAsync()).Trim();
        await page.Locator($"#rate-{itemId}").SelectOptionAsync("3");
        await page.ClickAsync("#my-ratings-save");
        await Expect(page.Locator("#my-ratings-save")).ToHaveCountAsync(0);
        await Expect(first).ToContainTextAsync("self-assessed");
        var problems = (await AxeAsync(page, "my skills")).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));

        // Withdrawing asks first; cancelling keeps the record, confirming deletes it.
        await page.ClickAsync("#my-withdraw");
        await Expect(page.Locator("#confirm-object")).ToContainTextAsync("Mira Skills");
        await page.ClickAsync("#confirm-cancel");
        await Expect(page.Locator("#my-consent")).ToBeVisibleAsync();
        await page.ClickAsync("#my-withdraw");
        await page.ClickAsync("#confirm-ok");
        await Expect(page.Locator("#my-skills-withdrawn")).ToBeVisibleAsync();
        await OpenAsync(page, "/capacity/training/me");
        await Expect(page.Locator("#my-skills-none")).ToBeVisibleAsync();
        var response = await page.GotoAsync($"/capacity/training/people/{recordId}");
        Assert.Equal(404, response!.Status);
    }

    [Fact]
    public async Task PlanPage_AnAnalystRenamesThePlan_PicksTheFundingProjectByCode_AnUnknownIncidentNumberIsAFieldError()
    {
        await Seeds.OrganisationAsync(node, "CPK", "Team Capacity Pickers");
        var analyst = await Seeds.UserAsync(node, "analyst@cpk.test", Role.Analyst, "CPK");
        Guid planId;
        await using (var scope = node.Services.CreateAsyncScope())
        {
            var services = scope.ServiceProvider;
            await services.GetRequiredService<ProjectEditing>().CreateAsync(analyst.Caller, new ProjectRequest("Regional CSIRT twinning", Code: "CPK-TWIN-01",
                Status: ProjectStatus.Ongoing, Start: "2026-01", Themes: [ProjectTheme.CultureAndSkills], Countries: ["AL"], Visibility: ProjectVisibility.Network), default);
            var plans = services.GetRequiredService<PlanEditing>();
            planId = (await plans.CreateAsync(analyst.Caller, new PlanRequest("CPK plan draft title"), default)).Id;
            await plans.AddActionAsync(analyst.Caller, planId, new ActionRequest("Twin with a mature CSIRT"), CultureInfo.InvariantCulture, default);
        }

        await using var context = await Seeds.ContextAsync(node);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        page.SetDefaultNavigationTimeout(90_000);
        await Seeds.LogInAsync(page, analyst);
        await OpenAsync(page, $"/capacity/plans/{planId}");
        await Expect(page.Locator("#plan-title")).ToHaveTextAsync("CPK plan draft title");

        // The plan's title and status (PUT /plans/{id}) from the page.
        await page.ClickAsync("#plan-edit");
        await page.FillAsync("#plan-edit-title", "CPK capacity plan 2027");
        await page.Locator("#plan-edit-status").SelectOptionAsync("Active");
        await page.ClickAsync("#plan-edit-save");
        await Expect(page.Locator("#plan-title")).ToHaveTextAsync("CPK capacity plan 2027");
        await Expect(page.Locator(".record-meta")).ToContainTextAsync("Active");

        // The funding project picked by its code among the projects this analyst reads; the action shows it by title.
        await page.ClickAsync("#edit-action-1");
        await Expect(page.Locator("#action-title")).ToHaveValueAsync("Twin with a mature CSIRT");
        await page.Locator("#action-funding").SelectOptionAsync("DonorProject");
        await page.FillAsync("#action-project", "cpk-twin");
        await page.ClickAsync(".mud-popover-open .mud-list-item >> text=CPK-TWIN-01 · Regional CSIRT twinning");
        await page.ClickAsync("#save-action");
        await Expect(page.Locator("#action-1 a", new() { HasTextString = "Regional CSIRT twinning" })).ToHaveCountAsync(1);

        // A source incident by a number nobody here may read: the field says so, nothing is saved.
        await page.ClickAsync("#edit-action-1");
        await Expect(page.Locator("#action-title")).ToHaveValueAsync("Twin with a mature CSIRT");
        await page.Locator("#action-source-kind").SelectOptionAsync("Incident");
        await page.FillAsync("#action-incident", "INC-2099-0999");
        await page.ClickAsync("#save-action");
        await Expect(page.Locator("#error-sourceId")).ToContainTextAsync("No incident with this number that you may read.");
        // Nothing saved: the action still has no source, on the page and in the store.
        await Expect(page.Locator("#action-source-1")).ToHaveCountAsync(0);
        await using (var scope = node.Services.CreateAsyncScope())
        {
            var read = await scope.ServiceProvider.GetRequiredService<PlanQueries>().FindAsync(analyst.Caller, planId, default);
            var actions = await scope.ServiceProvider.GetRequiredService<PlanQueries>().AllActionsAsync(read!, default);
            Assert.All(actions, a => Assert.Null(a.SourceKind));
        }
    }

    [Fact]
    public async Task DraftAndMatrix_TheSkillsMatrixShowsMorePeopleOnRequest_ADraftAssessmentIsDeletedOnlyAfterConfirming()
    {
        await Seeds.OrganisationAsync(node, "CPD", "Team Capacity Drafts");
        var analyst = await Seeds.UserAsync(node, "analyst@cpd.test", Role.Analyst, "CPD");
        Guid assessmentId;
        await using (var scope = node.Services.CreateAsyncScope())
        {
            var training = scope.ServiceProvider.GetRequiredService<TrainingEditing>();
            for (var i = 1; i <= 51; i++)
            {
                await training.CreatePersonAsync(analyst.Caller, new PersonRequest($"CPD person {i:D2}", Consent: true), default);
            }

            assessmentId = (await scope.ServiceProvider.GetRequiredService<MaturityEditing>().CreateAsync(analyst.Caller,
                new AssessmentRequest(Sim3Model.V2Interim, AssessmentType.SelfAssessment, new DateOnly(2026, 11, 20), "D. Drafter"), default)).Id;
        }

        await using var context = await Seeds.ContextAsync(node);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        page.SetDefaultNavigationTimeout(90_000);
        await Seeds.LogInAsync(page, analyst);

        // The matrix shows a page of people, and the next ones on "More" (newest first: person 01 is the last).
        await OpenAsync(page, "/capacity/training/matrix");
        await Expect(page.Locator("#matrix-people tbody tr")).ToHaveCountAsync(50);
        await page.ClickAsync("#matrix-more");
        await Expect(page.Locator("#matrix-people tbody tr")).ToHaveCountAsync(51);
        await Expect(page.Locator("#matrix-people tbody tr").Last).ToContainTextAsync("CPD person 01");
        await Expect(page.Locator("#matrix-more")).ToHaveCountAsync(0);

        // Cancelling keeps the draft; confirming deletes it and the page is gone.
        await OpenAsync(page, $"/capacity/maturity/{assessmentId}");
        await page.ClickAsync("#assessment-delete");
        await page.ClickAsync("#confirm-cancel");
        await Expect(page.Locator("#assessment-status")).ToHaveTextAsync("Draft");
        await page.ClickAsync("#assessment-delete");
        await page.ClickAsync("#confirm-ok");
        await page.WaitForURLAsync(url => url.EndsWith("/capacity/maturity", StringComparison.Ordinal));
        var response = await page.GotoAsync($"/capacity/maturity/{assessmentId}");
        Assert.Equal(404, response!.Status);
    }
}
