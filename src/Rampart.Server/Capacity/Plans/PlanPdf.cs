using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Rampart.Server.Access;
using Rampart.Server.Capacity.Maturity;
using Rampart.Server.Capacity.Pdf;
using Rampart.Server.Data;
using Rampart.Standards.Markings;

namespace Rampart.Server.Capacity.Plans;

/// <summary>
/// The capacity-building plan as a PDF (issue 12; ADR 16): what the printable page shows — marking, kind, status, progress,
/// expected maturity and every action — in the organisation's language (from its country) or the one asked for, with
/// the embedded font. Read through <see cref="PlanQueries"/> and <see cref="PlanViews"/> like the page.
/// </summary>
public sealed class PlanPdf(PlanQueries queries, PlanViews views, MaturityModels models, RampartDb db, IStringLocalizer<PlanTexts> texts, TimeProvider clock)
{
    /// <summary>The UI language of an organisation's country: the language its people most likely read.</summary>
    public static string LanguageOf(string country) => country.ToUpperInvariant() switch
    {
        "AL" or "XK" => "sq",
        "MK" => "mk",
        "RS" => "sr-Latn",
        "ME" => "sr-Latn-ME",
        "BA" => "bs",
        "GE" => "ka",
        "MD" or "RO" => "ro",
        _ => "en",
    };

    /// <summary>The PDF's bytes and file name, or null when the plan is not readable (as for an unknown id).</summary>
    public async Task<(byte[] Pdf, string FileName)?> WriteAsync(Caller caller, Guid id, string? language, CancellationToken cancellationToken)
    {
        if (await queries.FindAsync(caller, id, cancellationToken) is not { } read)
        {
            return null;
        }

        CultureInfo culture;
        if (language is null)
        {
            var organisationId = read.Plan.OrganisationId;
            var country = await db.Organisations.AsNoTracking().Where(o => o.Id == organisationId).Select(o => o.Country).FirstOrDefaultAsync(cancellationToken) ?? "";
            culture = PdfLanguage.Parse(LanguageOf(country), CultureInfo.GetCultureInfo("en"));
        }
        else
        {
            culture = PdfLanguage.Parse(language, CultureInfo.GetCultureInfo("en"));
        }

        var (ui, current) = (CultureInfo.CurrentUICulture, CultureInfo.CurrentCulture);
        CultureInfo.CurrentUICulture = culture;
        CultureInfo.CurrentCulture = culture;
        try
        {
            var model = await models.FindAsync(read.Plan.ModelKey, culture, cancellationToken);
            var names = model?.Parameters.ToDictionary(p => p.Id, p => p.Name, StringComparer.Ordinal) ?? new Dictionary<string, string>(StringComparer.Ordinal);
            var plan = await views.DetailAsync(read, caller, cancellationToken);
            var progress = await views.ProgressAsync(read, caller, model?.Parameters.Select(p => p.Id).ToList() ?? [], cancellationToken);
            var actions = await views.ActionsAsync(await queries.AllActionsAsync(read, cancellationToken), caller, cancellationToken);
            string T(string key) => texts[key].Value;

            using var pdf = new PdfLayout(plan.Title, culture.Name, clock.GetUtcNow());
            pdf.Text(plan.Tlp.Label(), 10, bold: true);
            pdf.Text(plan.Title, 18, bold: true);
            pdf.Text($"{T("PlanKind." + plan.Kind)} · {T("PlanStatus." + plan.Status)} · {model?.Title ?? plan.ModelKey} · {T("Printed on")} {views.Today.ToString("D", culture)}", 9);
            pdf.Space(6);
            pdf.Text($"{T("Actions done")}: {progress.Done} / {progress.Actions - progress.Cancelled} ({progress.Percent.ToString("0.#", culture)} %) · {T("Overdue")}: {progress.Overdue}", 10);
            if (progress.Expected.Count > 0)
            {
                pdf.Space(10);
                pdf.Text(T("Expected maturity if all actions are done"), 13, bold: true);
                pdf.Text(T("Sim3EnglishNote"), 8);
                pdf.Table([T("Parameter"), T("Current level"), T("Expected level"), T("Minimum level"), T("Met")], [0.52, 0.12, 0.12, 0.12, 0.12],
                    progress.Expected.Select(e => (IReadOnlyList<string>)[
                        $"{e.ParameterId} {names.GetValueOrDefault(e.ParameterId)}", e.Current?.ToString(culture) ?? "–", e.Expected.ToString(culture),
                        e.MinLevel?.ToString(culture) ?? "–", e.Met is null ? "–" : e.Met.Value ? T("Yes") : T("No")]));
            }

            pdf.Space(10);
            pdf.Text(T("Actions"), 13, bold: true);
            pdf.Table([" #", T("Title"), T("SIM3 parameters"), T("Owner"), T("Due date"), T("Status"), T("Funding"), T("Budget estimate")],
                [0.05, 0.27, 0.12, 0.12, 0.11, 0.1, 0.12, 0.11],
                actions.Select(a => (IReadOnlyList<string>)[
                    a.Number.ToString(culture), a.Description is null ? a.Title : a.Title + "\n" + a.Description,
                    string.Join(", ", a.Parameters.Select(p => $"{p.ParameterId} → {p.TargetLevel}")), a.Owner ?? "",
                    (a.DueDate?.ToString("d", culture) ?? "") + (a.Overdue ? " (" + T("Overdue") + ")" : ""), T("ActionStatus." + a.Status),
                    T("FundingSource." + a.Funding) + (a.FundingProject is { } fp ? ": " + fp.Label : ""),
                    a.Budget is { } b ? b.ToString("N2", culture) + " " + a.Currency : ""]));
            return (pdf.ToArray(), $"plan-{plan.Id}.pdf");
        }
        finally
        {
            (CultureInfo.CurrentUICulture, CultureInfo.CurrentCulture) = (ui, current);
        }
    }
}
