using System.Globalization;
using Rampart.Standards.Intelligence.Exports;

namespace Rampart.Server.Capacity.Training;

/// <summary>
/// A training record as CSV: one row per attended session (hours, course, dates) and one per certificate issued in the
/// year. Every cell is defused against formula injection (<see cref="CsvExportWriter.Field"/>): a name typed as
/// <c>=HYPERLINK(…)</c> is shown as text by a spreadsheet, not run.
/// </summary>
public static class TrainingCsv
{
    public const string Columns = "person,kind,title,provider_or_issuer,start,end,hours,certificate_number,expires";

    public static string Write(TrainingRecordView record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var text = new System.Text.StringBuilder(Columns).Append("\r\n");
        foreach (var l in record.Lines)
        {
            Row(text, l.PersonName, "course", l.Course, l.Provider, Date(l.StartDate), Date(l.EndDate), l.Hours.ToString(CultureInfo.InvariantCulture), null, null);
        }

        foreach (var c in record.CertificatesIssued)
        {
            Row(text, c.PersonName, "certificate", c.Name, c.Issuer, Date(c.IssuedOn), null, null, c.Number, c.ExpiresOn is { } e ? Date(e) : null);
        }

        return text.ToString();
    }

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static void Row(System.Text.StringBuilder text, params string?[] cells) =>
        text.Append(string.Join(',', cells.Select(CsvExportWriter.Field))).Append("\r\n");
}
