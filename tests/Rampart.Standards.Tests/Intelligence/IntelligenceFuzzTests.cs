using System.Text;
using FsCheck.Xunit;
using Rampart.Standards.Intelligence.Csv;
using Rampart.Standards.Intelligence.Exports;
using Rampart.Standards.Markings;
using Rampart.Standards.Observables;

namespace Rampart.Standards.Tests.Intelligence;

/// <summary>What a client can send never escapes as anything but a row error (or a mapping StandardsException), and no value can break a line of an export.</summary>
public sealed class IntelligenceFuzzTests
{
    // Characters that matter to CSV, to values and to line structure.
    private const string Alphabet = "a1.,\"\r\n:/@[]#-=x é\t;|\\";

    private static string Text(char[] picks) => new([.. picks.Select(c => Alphabet[c % Alphabet.Length])]);

    [Property(MaxTest = 1000)]
    public bool CsvImport_AnyText_OnlyRowsOrMappingErrors(char[] picks, bool header)
    {
        var rows = 0;
        try
        {
            var mapping = new CsvMapping { ValueColumn = header ? "a1" : "1", KindColumn = header ? null : "2", HasHeader = header };
            var e = CsvIndicatorImport.ReadAsync(new StringReader(Text(picks)), mapping).GetAsyncEnumerator();
            while (e.MoveNextAsync().AsTask().GetAwaiter().GetResult())
            {
                rows++;
                if (e.Current.Candidate is null == e.Current.Error is null)
                {
                    return false;
                }
            }

            return true;
        }
        catch (StandardsException ex)
        {
            return ex.Path?.StartsWith("mapping.", StringComparison.Ordinal) == true;
        }
    }

    [Property(MaxTest = 1000)]
    public bool Exports_AnyValue_OneLinePerWrittenItem(char[] picks, byte kindIndex)
    {
        var kinds = Enum.GetValues<IndicatorKind>();
        var item = new ExportItem(kinds[kindIndex % kinds.Length], Text(picks), Tlp.Green, "indicator--11111111-1111-4111-8111-111111111111") { Description = Text(picks), Labels = [Text(picks)] };
        foreach (var (format, linesPerItem) in new[] { (ExportFormat.PlainList, 1), (ExportFormat.Rpz, 2) })
        {
            using var stream = new MemoryStream();
            var writer = IndicatorExportWriter.Create(format, stream, new ExportHeader(Tlp.Amber, DateTimeOffset.UnixEpoch));
            var written = writer.WriteAsync(item).AsTask().GetAwaiter().GetResult();
            writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
            var lines = Encoding.UTF8.GetString(stream.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Count(l => !l.StartsWith('#') && !l.StartsWith(';') && !l.StartsWith('$') && !l.StartsWith('@'));
            if (lines != (written ? linesPerItem : 0))
            {
                return false;
            }
        }

        // Suricata: every line is a comment or one complete rule.
        using var rules = new MemoryStream();
        var suricata = IndicatorExportWriter.Create(ExportFormat.Suricata, rules, new ExportHeader(Tlp.Amber, DateTimeOffset.UnixEpoch));
        suricata.WriteAsync(item).AsTask().GetAwaiter().GetResult();
        suricata.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return Encoding.UTF8.GetString(rules.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .All(l => l.StartsWith('#') || (l.StartsWith("alert ", StringComparison.Ordinal) && l.EndsWith(" rev:1;)", StringComparison.Ordinal)));
    }

    [Property(MaxTest = 500)]
    public bool CsvExport_AnyText_ReadsBackToTheSameCells(char[] picks)
    {
        var text = Text(picks);
        using var stream = new MemoryStream();
        var writer = IndicatorExportWriter.Create(ExportFormat.Csv, stream, new ExportHeader(Tlp.Amber, DateTimeOffset.UnixEpoch));
        writer.WriteAsync(new ExportItem(IndicatorKind.Domain, "evil.example.com", Tlp.Green, "indicator--11111111-1111-4111-8111-111111111111") { Description = text }).AsTask().GetAwaiter().GetResult();
        writer.DisposeAsync().AsTask().GetAwaiter().GetResult();

        var records = new List<CsvRecord>();
        var e = CsvRecordReader.ReadAsync(new StringReader(Encoding.UTF8.GetString(stream.ToArray()))).GetAsyncEnumerator();
        while (e.MoveNextAsync().AsTask().GetAwaiter().GetResult())
        {
            records.Add(e.Current);
        }

        var expected = text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + text : text;
        return records.Count == 2 && records[1].Error is null && records[1].Fields.Count == 10 && records[1].Fields[9] == expected;
    }
}
