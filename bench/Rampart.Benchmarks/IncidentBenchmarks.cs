using System.Text;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Rampart.Standards.Incidents;
using Rampart.Standards.Mail;

namespace Rampart.Benchmarks;

/// <summary>The clocks run for every incident on every page and in the "due" list; the intake reads every reported e-mail.</summary>
[MemoryDiagnoser]
[MedianColumn]
public class IncidentBenchmarks
{
    private static readonly DateTimeOffset Aware = new(2026, 3, 10, 8, 0, 0, TimeSpan.Zero);
    private IncidentClockFacts facts = null!;
    private JsonObject finalReport = null!;
    private byte[] eml = [];

    [GlobalSetup]
    public void Setup()
    {
        facts = new IncidentClockFacts
        {
            AwareAt = Aware,
            Significant = true,
            IntermediateRequests = [new IntermediateReportRequest(Aware.AddDays(5), Aware.AddDays(7))],
            Submissions =
            [
                new StageSubmission(ReportingStage.EarlyWarning, Aware.AddHours(20)),
                new StageSubmission(ReportingStage.CsirtFeedback, Aware.AddHours(30)),
                new StageSubmission(ReportingStage.IncidentNotification, Aware.AddHours(70)),
            ],
        };
        finalReport = new JsonObject
        {
            ["description"] = string.Concat(Enumerable.Repeat("Ransomware encrypted the file servers of the ministry. ", 40)),
            ["severity"] = "high",
            ["impact"] = "Two days without document registry.",
            ["threat_or_root_cause"] = "Phishing, then a VPN appliance without MFA.",
            ["mitigation"] = "Servers rebuilt, MFA enforced, IOCs shared.",
        };
        var attachment = Convert.ToBase64String(new byte[1024 * 1024], Base64FormattingOptions.InsertLineBreaks);
        eml = Encoding.ASCII.GetBytes(
            "From: a@example.org\r\nTo: intake@example.org\r\nSubject: report\r\nDate: Tue, 10 Mar 2026 09:15:00 +0100\r\nMessage-ID: <x@y>\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>Phishing <b>wave</b></p>\r\n"
            + "--b\r\nContent-Type: application/zip\r\nContent-Disposition: attachment; filename=sample.zip\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + attachment + "\r\n--b--\r\n");
    }

    [Benchmark]
    public int EvaluateStages() => ReportingClocks.Evaluate(facts, Aware.AddDays(6)).Count;

    [Benchmark]
    public int FreezeFinalReportToCanonicalJson() =>
        StageReport.Freeze(ReportingStage.FinalReport, "INC-2026-0042", "analyst", Aware.AddDays(20), Aware.AddDays(33), finalReport).ToCanonicalJson().Length;

    [Benchmark]
    public int ReadEmlWithOneMegabyteAttachment() => IntakeMessageReader.Read(eml).Attachments.Count;
}
