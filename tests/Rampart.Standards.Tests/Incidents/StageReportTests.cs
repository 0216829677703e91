using System.Text.Json.Nodes;
using Rampart.Standards.Incidents;

namespace Rampart.Standards.Tests.Incidents;

/// <summary>Required content per stage, the validator, and the frozen report's JSON and HTML.</summary>
public sealed class StageReportTests
{
    private static readonly DateTimeOffset Due = new(2026, 3, 11, 8, 0, 0, TimeSpan.Zero);

    private static JsonObject EarlyWarning() => new() { ["suspected_malicious"] = "yes", ["cross_border_impact"] = "unknown", ["summary"] = "Ransomware on the ministry's file servers." };

    [Fact]
    public void Catalogue_EveryStage_DescribesItsFieldsWithKindAndSource()
    {
        foreach (var stage in Enum.GetValues<ReportingStage>())
        {
            var fields = StageContent.FieldsOf(stage);
            Assert.NotEmpty(fields);
            Assert.Contains(fields, f => f.Required);
            Assert.All(fields, f => Assert.False(string.IsNullOrWhiteSpace(f.Source)));
            Assert.Equal(fields.Count, fields.Select(f => f.Name).Distinct().Count());
        }

        var notification = StageContent.FieldsOf(ReportingStage.IncidentNotification);
        Assert.Equal(["early_warning_update", "severity", "impact", "indicators_of_compromise"], notification.Select(f => f.Name));
        Assert.False(notification.Single(f => f.Name == "indicators_of_compromise").Required);
        Assert.Equal(StageFieldKind.TextList, notification.Single(f => f.Name == "indicators_of_compromise").Kind);
        Assert.Equal(StageContent.Severities, notification.Single(f => f.Name == "severity").Choices);
    }

    [Fact]
    public void Validate_EmptyFinalReport_NamesEveryRequiredField()
    {
        var errors = StageContent.Validate(ReportingStage.FinalReport, []);

        Assert.Equal(["description", "severity", "impact", "threat_or_root_cause", "mitigation"], errors.Select(e => e.Field));
        Assert.All(errors, e => Assert.Equal("is required", e.Reason));
    }

    [Fact]
    public void Validate_WrongKindsUnknownChoicesAndStrayFields_ReportsEachByName()
    {
        var content = new JsonObject
        {
            ["early_warning_update"] = 42,
            ["severity"] = "apocalyptic",
            ["impact"] = "   ",
            ["indicators_of_compromise"] = new JsonArray("198.51.100.7", 5),
            ["colour"] = "red",
        };

        var errors = StageContent.Validate(ReportingStage.IncidentNotification, content).ToDictionary(e => e.Field, e => e.Reason);

        Assert.Equal("must be a string", errors["early_warning_update"]);
        Assert.Equal("must be one of: low, medium, high, critical", errors["severity"]);
        Assert.Equal("is required", errors["impact"]);
        Assert.Equal("item 1 must be a string", errors["indicators_of_compromise"]);
        Assert.Equal("is not a field of this stage", errors["colour"]);
        Assert.Equal(5, errors.Count);
    }

    [Fact]
    public void Validate_ControlCharactersBrokenUnicodeAndOverlongText_AreRefused()
    {
        var errors = StageContent.Validate(ReportingStage.IntermediateReport, new JsonObject { ["status_update"] = "ok\u0000" });
        var broken = StageContent.Validate(ReportingStage.IntermediateReport, new JsonObject { ["status_update"] = "ok\ud800" });
        var tooLong = StageContent.Validate(ReportingStage.IntermediateReport, new JsonObject { ["status_update"] = new string('a', 20_001) });
        var fine = StageContent.Validate(ReportingStage.IntermediateReport, new JsonObject { ["status_update"] = "Contained.\r\n\tServers rebuilt. Ђорђе 🛡" });

        Assert.Single(errors);
        Assert.Single(broken);
        Assert.Equal("must be at most 20000 characters", Assert.Single(tooLong).Reason);
        Assert.Empty(fine);
    }

    [Fact]
    public void Validate_DataBreachNotifiedLate_RequiresTheReasonsForTheDelay()
    {
        var content = new JsonObject
        {
            ["breach_nature"] = "Exfiltration of the HR database",
            ["data_subject_categories"] = "employees",
            ["approximate_data_subjects"] = 1200,
            ["record_categories"] = "names, national ID numbers, salaries",
            ["approximate_records"] = 1200,
            ["contact_point"] = "dpo@example.gov.rs",
            ["likely_consequences"] = "identity theft",
            ["measures"] = "passwords reset, affected staff informed",
        };

        Assert.Empty(StageContent.Validate(ReportingStage.DataBreachNotification, content));
        Assert.Equal("delay_reasons", Assert.Single(StageContent.Validate(ReportingStage.DataBreachNotification, content, late: true)).Field);

        content["approximate_records"] = -3;
        Assert.Equal("must be a whole number of at least 0", Assert.Single(StageContent.Validate(ReportingStage.DataBreachNotification, content)).Reason);
    }

    [Fact]
    public void Freeze_InvalidContent_ThrowsNamingEveryFieldAndFreezesNothing()
    {
        var error = Assert.Throws<StageContentException>(() =>
            StageReport.Freeze(ReportingStage.EarlyWarning, "", "analyst", Due, Due, new JsonObject { ["cross_border_impact"] = "maybe" }));

        Assert.Equal(["IncidentReference", "suspected_malicious", "cross_border_impact"], error.Errors.Select(e => e.Field));
        Assert.Equal("content", error.Path);
    }

    [Fact]
    public void Freeze_CanonicalJson_IsVersionedStableAndIndependentOfPropertyOrder()
    {
        var a = StageReport.Freeze(ReportingStage.EarlyWarning, "INC-2026-0042", "Ana (CERT.rs)", Due.AddHours(-2), Due, EarlyWarning());
        var reordered = new JsonObject { ["summary"] = "Ransomware on the ministry's file servers.", ["cross_border_impact"] = "unknown", ["suspected_malicious"] = "yes" };
        var b = StageReport.Freeze(ReportingStage.EarlyWarning, "INC-2026-0042", "Ana (CERT.rs)", Due.AddHours(-2).ToOffset(TimeSpan.FromHours(1)), Due, reordered);

        Assert.Equal(a.ToCanonicalJson(), b.ToCanonicalJson());
        Assert.Equal(
            "{\"content\":{\"cross_border_impact\":\"unknown\",\"summary\":\"Ransomware on the ministry's file servers.\",\"suspected_malicious\":\"yes\"},"
            + "\"due\":\"2026-03-11T08:00:00.000Z\",\"incident\":\"INC-2026-0042\",\"on_time\":true,\"schema\":\"urn:rampart:incident-stage-report:1\","
            + "\"sequence\":1,\"stage\":\"early_warning\",\"submitted_at\":\"2026-03-11T06:00:00.000Z\",\"submitted_by\":\"Ana (CERT.rs)\",\"version\":1}",
            a.ToCanonicalJson());
    }

    [Fact]
    public void Freeze_CallerChangesItsJsonAfterwards_TheFrozenReportDoesNotChange()
    {
        var content = EarlyWarning();
        var report = StageReport.Freeze(ReportingStage.EarlyWarning, "INC-1", "analyst", Due, Due, content);
        var before = report.ToCanonicalJson();

        content["summary"] = "rewritten";
        report.Content["summary"] = "rewritten too";

        Assert.Equal(before, report.ToCanonicalJson());
    }

    [Fact]
    public void FromJson_StoredReport_ReadsBackToTheSameBytes_TamperedOneIsRefused()
    {
        var report = StageReport.Freeze(ReportingStage.EarlyWarning, "INC-1", "analyst", Due.AddHours(1), Due, EarlyWarning());
        var json = report.ToCanonicalJson();

        var again = StageReport.FromJson(json);

        Assert.Equal(json, again.ToCanonicalJson());
        Assert.Equal(DeadlineState.SubmittedLate, again.State);
        Assert.Throws<StageContentException>(() => StageReport.FromJson(json.Replace("\"yes\"", "\"perhaps\"", StringComparison.Ordinal)));
        Assert.Equal("schema", Assert.Throws<StandardsException>(() => StageReport.FromJson(json.Replace(":1\"", ":2\"", StringComparison.Ordinal))).Path);
        Assert.Throws<StandardsException>(() => StageReport.FromJson("{\"schema\":"));
        Assert.Throws<StandardsException>(() => StageReport.FromJson("[]"));
    }

    [Fact]
    public void ToHtml_HostileContent_IsEncodedNeverMarkup()
    {
        var content = new JsonObject
        {
            ["suspected_malicious"] = "yes",
            ["cross_border_impact"] = "no",
            ["summary"] = "<script>alert(1)</script><img src=x onerror=alert(2)> & \"quotes\"",
        };
        var report = StageReport.Freeze(ReportingStage.EarlyWarning, "INC-<b>7</b>", "<i>eve</i>", Due, Due, content);

        var html = report.ToHtml();

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<i>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("<dt data-field=\"summary\">Summary</dt>", html, StringComparison.Ordinal);
        Assert.Contains("<section class=\"rampart-stage-report\"", html, StringComparison.Ordinal);
        Assert.Contains("2026-03-11T08:00:00.000Z", html, StringComparison.Ordinal);
    }
}
