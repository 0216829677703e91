using System.Globalization;
using System.Runtime.CompilerServices;
using Rampart.Standards.Intelligence.Exports;
using Rampart.Standards.Markings;
using Rampart.Standards.Observables;

namespace Rampart.Standards.Intelligence.Csv;

/// <summary>
/// How the columns of a CSV file become indicators. Columns are named as in the header row, case-insensitively,
/// or — when <see cref="HasHeader"/> is false — by their 1-based number (<c>"1"</c>, <c>"2"</c> …). Only
/// <see cref="ValueColumn"/> is required; without <see cref="KindColumn"/> or <see cref="FixedKind"/> (or where the
/// kind cell is empty) the kind is detected from the value.
/// </summary>
public sealed record CsvMapping
{
    public required string ValueColumn { get; init; }

    /// <summary>A column naming the kind (<c>ipv4</c>, <c>ip</c>, <c>domain</c>, <c>sha256</c>, MISP's <c>ip-dst</c> … see <see cref="KindCodes.TryParse"/>).</summary>
    public string? KindColumn { get; init; }

    /// <summary>Every row is of this kind.</summary>
    public IndicatorKind? FixedKind { get; init; }

    /// <summary>Columns whose cells are labels, each split at <see cref="LabelSeparator"/>.</summary>
    public IReadOnlyList<string> LabelColumns { get; init; } = [];

    public char LabelSeparator { get; init; } = ';';

    /// <summary>Labels every row gets.</summary>
    public IReadOnlyList<string> FixedLabels { get; init; } = [];

    public string? DescriptionColumn { get; init; }

    /// <summary>Columns of times: RFC 3339, <c>yyyy-MM-dd[ HH:mm[:ss]]</c> (UTC) or Unix seconds.</summary>
    public string? FirstSeenColumn { get; init; }

    public string? LastSeenColumn { get; init; }

    public string? ValidUntilColumn { get; init; }

    /// <summary>A column of TLP levels (<c>amber</c>, <c>TLP:GREEN</c> …); rows without one take the import's TLP.</summary>
    public string? TlpColumn { get; init; }

    /// <summary>A column of confidence values 0–100.</summary>
    public string? ConfidenceColumn { get; init; }

    public bool HasHeader { get; init; } = true;

    public char Delimiter { get; init; } = ',';

    /// <summary>Skip lines starting with <c>#</c> (feeds, Rampart's own CSV export).</summary>
    public bool SkipCommentLines { get; init; } = true;

    /// <summary>Undo defanging (<c>hxxp</c>, <c>[.]</c>, <c>[at]</c> …) before normalising.</summary>
    public bool Refang { get; init; } = true;
}

/// <summary>A row that became a candidate indicator: <see cref="Value"/> is normalised, <see cref="Raw"/> as the file had it.</summary>
public sealed record CsvCandidate(long Row, IndicatorKind Kind, string Value, string Raw)
{
    public IReadOnlyList<string> Labels { get; init; } = [];

    public string? Description { get; init; }

    public DateTimeOffset? FirstSeen { get; init; }

    public DateTimeOffset? LastSeen { get; init; }

    public DateTimeOffset? ValidUntil { get; init; }

    public Tlp? Tlp { get; init; }

    public int? Confidence { get; init; }

    /// <summary>The request to make its STIX objects with <see cref="IndicatorFactory.Create"/>: valid from its first-seen time, else <paramref name="now"/>; the row's TLP, else <paramref name="defaultTlp"/>.</summary>
    public IndicatorRequest ToRequest(string createdByRef, Tlp defaultTlp, DateTimeOffset now) =>
        new(Kind, Value, FirstSeen ?? now, createdByRef, Tlp ?? defaultTlp)
        {
            ValidUntil = ValidUntil > (FirstSeen ?? now) ? ValidUntil : null,
            Description = Description,
            Labels = Labels,
            Confidence = Confidence,
        };
}

/// <summary>
/// A row that did not become a candidate: its record number (the header is row 1; skipped comment and blank lines
/// are not rows), the line of the file it starts on, the mapped column at fault when one is, and why.
/// </summary>
public sealed record CsvRowError(long Row, long Line, string? Column, string Reason);

/// <summary>One outcome per data row, in file order: a candidate or an error.</summary>
public readonly record struct CsvImportRow(CsvCandidate? Candidate, CsvRowError? Error);

/// <summary>Reads a CSV file through a <see cref="CsvMapping"/> into candidate indicators, row by row (streaming).</summary>
public static class CsvIndicatorImport
{
    /// <summary>
    /// The outcome of every data row. A mapping that names a column the header lacks, or a header that is missing,
    /// is a <see cref="StandardsException"/> before any row (path <c>mapping.…</c>): that is a mistake in the request,
    /// not in a row.
    /// </summary>
    public static async IAsyncEnumerable<CsvImportRow> ReadAsync(TextReader reader, CsvMapping mapping, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(mapping);
        if (mapping.KindColumn is not null && mapping.FixedKind is not null)
        {
            throw new StandardsException("Give a kind column or a fixed kind, not both.", path: "mapping.kind_column");
        }

        Columns? columns = mapping.HasHeader ? null : Columns.Resolve(mapping, null);
        await foreach (var record in CsvRecordReader.ReadAsync(reader, mapping.Delimiter, mapping.SkipCommentLines, cancellationToken).ConfigureAwait(false))
        {
            if (columns is null)
            {
                if (record.Error is not null)
                {
                    throw new StandardsException($"The header row cannot be read: {record.Error}", path: "mapping.header");
                }

                columns = Columns.Resolve(mapping, record.Fields);
                continue;
            }

            if (record.Error is not null)
            {
                yield return new CsvImportRow(null, new CsvRowError(record.Number, record.Line, null, record.Error));
                continue;
            }

            yield return Map(record, columns, mapping);
        }

        if (columns is null)
        {
            throw new StandardsException("The file has no header row.", path: "mapping.header");
        }
    }

    private static CsvImportRow Map(CsvRecord record, Columns columns, CsvMapping mapping)
    {
        CsvImportRow Fail(string? column, string reason) => new(null, new CsvRowError(record.Number, record.Line, column, reason));

        var raw = Cell(record, columns.Value);
        if (string.IsNullOrWhiteSpace(raw))
        {
            return Fail(mapping.ValueColumn, "The value is empty.");
        }

        var text = mapping.Refang ? Defanging.Refang(raw.Trim()) : raw.Trim();
        IndicatorKind? kind = mapping.FixedKind;
        if (columns.Kind is { } kindColumn && Cell(record, kindColumn)?.Trim() is { Length: > 0 } kindText)
        {
            if (kindText.Equals("ip", StringComparison.OrdinalIgnoreCase) || kindText.StartsWith("ip-", StringComparison.OrdinalIgnoreCase))
            {
                kind = IndicatorFactory.Detect(text) is IndicatorKind.Ipv4 or IndicatorKind.Ipv6 or IndicatorKind.Cidr ? IndicatorFactory.Detect(text) : IndicatorKind.Ipv4;
            }
            else if (KindCodes.TryParse(kindText, out var k))
            {
                kind = k;
            }
            else
            {
                return Fail(mapping.KindColumn, $"'{IndicatorFactory.Shorten(kindText)}' is not a kind this import knows (ipv4, ipv6, cidr, domain, url, email, md5, sha1, sha256, sha512, cve, as).");
            }
        }

        // An address column may hold blocks too.
        if (kind is IndicatorKind.Ipv4 or IndicatorKind.Ipv6 && text.Contains('/', StringComparison.Ordinal))
        {
            kind = IndicatorKind.Cidr;
        }

        kind ??= IndicatorFactory.Detect(text);
        if (kind is null)
        {
            return Fail(mapping.ValueColumn, $"'{IndicatorFactory.Shorten(raw)}' is not an address, network, domain, URL, e-mail address, hash, CVE or AS number.");
        }

        if (!IndicatorFactory.TryNormalise(kind.Value, text, out var value))
        {
            return Fail(mapping.ValueColumn, $"'{IndicatorFactory.Shorten(raw)}' is not a valid {IndicatorFactory.KindName(kind.Value)}.");
        }

        var labels = new List<string>(mapping.FixedLabels);
        foreach (var labelColumn in columns.Labels)
        {
            foreach (var label in (Cell(record, labelColumn) ?? "").Split(mapping.LabelSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!labels.Contains(label, StringComparer.Ordinal))
                {
                    labels.Add(label);
                }
            }
        }

        DateTimeOffset? firstSeen = null, lastSeen = null, validUntil = null;
        foreach (var (index, name, set) in new (int? Index, string? Name, Action<DateTimeOffset> Set)[]
        {
            (columns.FirstSeen, mapping.FirstSeenColumn, t => firstSeen = t),
            (columns.LastSeen, mapping.LastSeenColumn, t => lastSeen = t),
            (columns.ValidUntil, mapping.ValidUntilColumn, t => validUntil = t),
        })
        {
            if (index is { } i && Cell(record, i)?.Trim() is { Length: > 0 } timeText)
            {
                if (!TryTime(timeText, out var time))
                {
                    return Fail(name, $"'{IndicatorFactory.Shorten(timeText)}' is not a time (RFC 3339, yyyy-MM-dd HH:mm:ss in UTC, or Unix seconds).");
                }

                set(time);
            }
        }

        if (firstSeen > lastSeen)
        {
            return Fail(mapping.LastSeenColumn, "Last seen is earlier than first seen.");
        }

        Tlp? tlp = null;
        if (columns.Tlp is { } tlpColumn && Cell(record, tlpColumn)?.Trim() is { Length: > 0 } tlpText)
        {
            if (!TlpMarking.TryParse(tlpText, out var t))
            {
                return Fail(mapping.TlpColumn, $"'{IndicatorFactory.Shorten(tlpText)}' is not a TLP level (clear, green, amber, amber+strict, red).");
            }

            tlp = t;
        }

        int? confidence = null;
        if (columns.Confidence is { } confidenceColumn && Cell(record, confidenceColumn)?.Trim() is { Length: > 0 } confidenceText)
        {
            if (!int.TryParse(confidenceText, NumberStyles.None, CultureInfo.InvariantCulture, out var c) || c > 100)
            {
                return Fail(mapping.ConfidenceColumn, $"'{IndicatorFactory.Shorten(confidenceText)}' is not a confidence from 0 to 100.");
            }

            confidence = c;
        }

        var description = columns.Description is { } d && Cell(record, d) is { Length: > 0 } descriptionText ? descriptionText : null;
        return new CsvImportRow(
            new CsvCandidate(record.Number, kind.Value, value, raw)
            {
                Labels = labels,
                Description = description,
                FirstSeen = firstSeen,
                LastSeen = lastSeen,
                ValidUntil = validUntil,
                Tlp = tlp,
                Confidence = confidence,
            },
            null);
    }

    // A short row simply lacks the trailing cells.
    private static string? Cell(CsvRecord record, int index) => index < record.Fields.Count ? record.Fields[index] : null;

    private static bool TryTime(string text, out DateTimeOffset time)
    {
        if (Timestamps.TryParse(text, out time))
        {
            return true;
        }

        if (text.All(char.IsAsciiDigit) && text.Length is >= 9 and <= 11 && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            time = DateTimeOffset.FromUnixTimeSeconds(seconds);
            return true;
        }

        return DateTimeOffset.TryParseExact(
            text,
            ["yyyy-MM-dd", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-dd HH:mm:sszzz", "yyyy-MM-ddTHH:mm:sszzz", "yyyy-MM-ddTHH:mm:ss.FFFFFFFzzz"],
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
            out time);
    }

    /// <summary>The mapping's columns as field indexes.</summary>
    private sealed record Columns(int Value, int? Kind, IReadOnlyList<int> Labels, int? Description, int? FirstSeen, int? LastSeen, int? ValidUntil, int? Tlp, int? Confidence)
    {
        public static Columns Resolve(CsvMapping mapping, IReadOnlyList<string>? header)
        {
            int Find(string name, string path)
            {
                if (header is null)
                {
                    return int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= CsvRecordReader.MaxFields ? n - 1
                        : throw new StandardsException($"Without a header row, columns are named by number from 1; '{IndicatorFactory.Shorten(name)}' is not one.", path: path);
                }

                for (var i = 0; i < header.Count; i++)
                {
                    if (string.Equals(header[i].Trim(), name.Trim(), StringComparison.OrdinalIgnoreCase))
                    {
                        return i;
                    }
                }

                throw new StandardsException($"The header row has no column '{IndicatorFactory.Shorten(name)}' (it has: {IndicatorFactory.Shorten(string.Join(", ", header))}).", path: path);
            }

            int? Optional(string? name, string path) => name is null ? null : Find(name, path);

            if (string.IsNullOrWhiteSpace(mapping.ValueColumn))
            {
                throw new StandardsException("The mapping names the value column.", path: "mapping.value_column");
            }

            return new Columns(
                Find(mapping.ValueColumn, "mapping.value_column"),
                Optional(mapping.KindColumn, "mapping.kind_column"),
                [.. mapping.LabelColumns.Select((c, i) => Find(c, $"mapping.label_columns[{i}]"))],
                Optional(mapping.DescriptionColumn, "mapping.description_column"),
                Optional(mapping.FirstSeenColumn, "mapping.first_seen_column"),
                Optional(mapping.LastSeenColumn, "mapping.last_seen_column"),
                Optional(mapping.ValidUntilColumn, "mapping.valid_until_column"),
                Optional(mapping.TlpColumn, "mapping.tlp_column"),
                Optional(mapping.ConfidenceColumn, "mapping.confidence_column"));
        }
    }
}
