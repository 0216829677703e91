using System.Text;
using Rampart.Standards.Markings;

namespace Rampart.Standards.Intelligence.Exports;

/// <summary>
/// RFC 4180 CSV (CRLF line ends, fields with a comma, quote or line break quoted, quotes doubled) with the columns
/// <c>value,kind,tlp,stix_id,labels,score,valid_from,valid_until,owner,description</c> (labels joined by <c>;</c>). The
/// first line is a <c>#</c> comment stating the most restrictive TLP (pandas <c>comment='#'</c>, Splunk and most
/// importers skip it); every row carries its own TLP too. A cell starting with <c>=</c> <c>+</c> <c>-</c> <c>@</c>, a
/// tab or a carriage return is prefixed with <c>'</c> so a spreadsheet shows it as text instead of running it.
/// </summary>
public sealed class CsvExportWriter : TextExportWriter
{
    public const string Columns = "value,kind,tlp,stix_id,labels,score,valid_from,valid_until,owner,description";

    internal CsvExportWriter(Stream output, ExportHeader header, ExportOptions options)
        : base(output, header, options)
    {
    }

    public override string ContentType => "text/csv; charset=utf-8; header=present";

    public override string FileExtension => "csv";

    /// <summary>One field as RFC 4180 writes it, defused against formula injection.</summary>
    public static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        var text = value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value;
        return text.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }

    private protected override string Preamble() => CommentHeader("#", "CSV").Replace("\n", "\r\n", StringComparison.Ordinal) + Columns + "\r\n";

    private protected override async ValueTask<bool> WriteItemAsync(ExportItem item, CancellationToken cancellationToken)
    {
        await StartAsync(cancellationToken).ConfigureAwait(false);
        var line = new StringBuilder(128)
            .Append(Field(item.Value)).Append(',')
            .Append(Field(KindCodes.Code(item.Kind))).Append(',')
            .Append(Field(item.Tlp.Code())).Append(',')
            .Append(Field(item.StixId)).Append(',')
            .Append(Field(string.Join(';', item.Labels))).Append(',')
            .Append(item.Score is { } s ? Invariant(s) : "").Append(',')
            .Append(item.ValidFrom is { } f ? Timestamps.Format(f) : "").Append(',')
            .Append(item.ValidUntil is { } u ? Timestamps.Format(u) : "").Append(',')
            .Append(Field(item.Owner)).Append(',')
            .Append(Field(item.Description))
            .Append("\r\n");
        await Text.WriteAsync(line, cancellationToken).ConfigureAwait(false);
        return true;
    }
}
