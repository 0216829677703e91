using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Rampart.Server.Intelligence.Store;
using Rampart.Server.Validation;
using Rampart.Standards;
using Rampart.Standards.Intelligence;
using Rampart.Standards.Intelligence.Csv;
using Rampart.Standards.Intelligence.Exports;
using Rampart.Standards.Markings;
using Rampart.Standards.Observables;

namespace Rampart.Server.Intelligence.Ingest;

/// <summary>
/// <c>POST /api/intel/csv</c>: the column mapping comes in the query string (so a SOC tool sends the file as the body
/// with <c>curl --data-binary @file.csv</c>), each row becomes an indicator and its observable through
/// <see cref="IndicatorFactory"/>, and a row that cannot becomes a rejected outcome naming its row and line.
/// </summary>
public static class IntelCsvImport
{
    /// <summary>The mapping from the query string; 400 naming the parameter when it is wrong.</summary>
    public static CsvMapping Mapping(IQueryCollection query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var errors = new RequestErrors();
        string? One(string name) => query.TryGetValue(name, out var v) && v.Count > 0 && !string.IsNullOrWhiteSpace(v[^1]) ? v[^1]!.Trim() : null;

        var value = One("value_column");
        if (value is null)
        {
            errors.Add("value_column", "Required: the column (header name, or number from 1 with header=false) holding the values.");
        }

        IndicatorKind? fixedKind = null;
        if (One("kind") is { } kindText)
        {
            if (KindCodes.TryParse(kindText, out var k))
            {
                fixedKind = k;
            }
            else
            {
                errors.Add("kind", $"'{Shorten(kindText)}' is not a kind: ipv4, ipv6, cidr, domain, url, email, md5, sha1, sha256, sha512, cve, as.");
            }
        }

        if (fixedKind is not null && One("kind_column") is not null)
        {
            errors.Add("kind_column", "Give kind_column or kind, not both.");
        }

        bool Flag(string name, bool fallback)
        {
            var text = One(name);
            if (text is null)
            {
                return fallback;
            }

            if (bool.TryParse(text, out var b))
            {
                return b;
            }

            errors.Add(name, "true or false.");
            return fallback;
        }

        char Char(string name, char fallback)
        {
            var text = query.TryGetValue(name, out var v) && v.Count > 0 ? v[^1] : null;
            if (string.IsNullOrEmpty(text))
            {
                return fallback;
            }

            if (text == "tab" || text == "\\t")
            {
                return '\t';
            }

            if (text.Length == 1 && text[0] is not ('"' or '\r' or '\n'))
            {
                return text[0];
            }

            errors.Add(name, "One character (or 'tab'), not a quote or line break.");
            return fallback;
        }

        var labelColumns = (query.TryGetValue("label_column", out var lc) ? lc : default).Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s!.Trim()).ToList();
        var labels = (query.TryGetValue("label", out var l) ? l : default).Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s!.Trim()).ToList();
        foreach (var label in labels.Where(x => x.Length > IntelLimits.LabelLength))
        {
            errors.Add("label", $"At most {IntelLimits.LabelLength} characters.");
        }

        var mapping = new CsvMapping
        {
            ValueColumn = value ?? "",
            KindColumn = One("kind_column"),
            FixedKind = fixedKind,
            LabelColumns = labelColumns,
            LabelSeparator = Char("label_separator", ';'),
            FixedLabels = labels,
            DescriptionColumn = One("description_column"),
            FirstSeenColumn = One("first_seen_column"),
            LastSeenColumn = One("last_seen_column"),
            ValidUntilColumn = One("valid_until_column"),
            TlpColumn = One("tlp_column"),
            ConfidenceColumn = One("confidence_column"),
            HasHeader = Flag("header", true),
            Delimiter = Char("delimiter", ','),
            SkipCommentLines = Flag("skip_comments", true),
            Refang = Flag("refang", true),
        };
        errors.ThrowIfAny();
        return mapping;
    }

    /// <summary>
    /// Checks the mapping against the file's header before any job starts: a mapping naming a missing column is a 400
    /// naming that query parameter (<c>value_column</c>, <c>label_column</c> …), never a failed job.
    /// </summary>
    public static async Task CheckAsync(Stream body, CsvMapping mapping, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(body, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen: true);
        try
        {
            await foreach (var _ in CsvIndicatorImport.ReadAsync(reader, mapping, cancellationToken))
            {
                break;
            }
        }
        catch (StandardsException e)
        {
            throw RequestErrors.One(Field(e.Path), e.Reason);
        }
    }

    /// <summary>The import items of a CSV body: per good row its indicator and observable (or vulnerability), per bad row one rejection.</summary>
    public static async IAsyncEnumerable<IngestItem> Items(Stream body, CsvMapping mapping, Guid organisationId, Tlp tlp, DateTimeOffset now, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var createdBy = IntelIdentity.Of(organisationId);
        var ordinal = 0;
        using var reader = new StreamReader(body, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen: true);
        await foreach (var row in CsvIndicatorImport.ReadAsync(reader, mapping, cancellationToken))
        {
            if (row.Error is { } error)
            {
                yield return new IngestItem(ordinal++, null, Rejection: Describe(error.Row, error.Line, error.Column, error.Reason));
                continue;
            }

            var candidate = row.Candidate!;
            IndicatorObjects? objects = null;
            string? rejection = null;
            try
            {
                objects = IndicatorFactory.Create(candidate.ToRequest(createdBy, tlp, now));
            }
            catch (StandardsException e)
            {
                rejection = Describe(candidate.Row, null, mapping.ValueColumn, e.Reason);
            }

            if (objects is null)
            {
                yield return new IngestItem(ordinal++, null, Rejection: rejection);
                continue;
            }

            if (objects.Indicator is { } indicator)
            {
                yield return new IngestItem(ordinal++, indicator, NodeBuilt: true);
            }

            yield return new IngestItem(ordinal++, objects.Subject, NodeBuilt: true);
        }
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";

    private static string Describe(long row, long? line, string? column, string reason) =>
        string.Create(CultureInfo.InvariantCulture, $"Row {row}{(line is { } l ? $" (line {l})" : "")}{(column is null ? "" : $", column '{Shorten(column)}'")}: {reason}");

    // "mapping.label_columns[1]" → "label_column"; "mapping.header" → "body" (the file, not the mapping, is at fault).
    private static string Field(string? path) => path switch
    {
        null or "mapping.header" => "body",
        _ when path.StartsWith("mapping.label_columns", StringComparison.Ordinal) => "label_column",
        _ when path.StartsWith("mapping.", StringComparison.Ordinal) => path["mapping.".Length..],
        _ => path,
    };
}
