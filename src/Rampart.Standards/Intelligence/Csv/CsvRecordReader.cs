using System.Runtime.CompilerServices;
using System.Text;

namespace Rampart.Standards.Intelligence.Csv;

/// <summary>One record of a CSV file: its number (1 = the first record, the header when there is one), the physical line it starts on, its fields or why it could not be read.</summary>
public sealed record CsvRecord(long Number, long Line, IReadOnlyList<string> Fields, string? Error);

/// <summary>
/// A streaming RFC 4180 reader: fields separated by the delimiter, records by CRLF, LF or CR; a quoted field may hold
/// delimiters, line breaks and doubled quotes. Lenient where files in the wild are (a quote inside an unquoted field is
/// kept as a character, a BOM is skipped, the last record needs no line break); strict where a guess could change a
/// value (text after a closing quote, an unterminated quote) — such a record comes back with an <see cref="CsvRecord.Error"/>
/// and reading goes on with the next one. Limits keep a hostile file from exhausting memory: a field is at most
/// <see cref="MaxFieldLength"/> characters and a record at most <see cref="MaxFields"/> fields.
/// </summary>
public static class CsvRecordReader
{
    public const int MaxFieldLength = 64 * 1024;

    public const int MaxFields = 1024;

    /// <summary>Reads records one by one. Lines starting with <c>#</c> are skipped when <paramref name="skipCommentLines"/> (feeds and Rampart's own exports start with such lines); blank lines are always skipped.</summary>
    public static async IAsyncEnumerable<CsvRecord> ReadAsync(TextReader reader, char delimiter = ',', bool skipCommentLines = true, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (delimiter is '"' or '\r' or '\n')
        {
            throw new StandardsException("The delimiter cannot be a quote or a line break.", path: "delimiter");
        }

        var buffer = new char[16 * 1024];
        var length = 0;
        var position = 0;
        var line = 1L;
        var number = 0L;
        var first = true;
        var fields = new List<string>();
        var field = new StringBuilder();

        // Local helpers over the buffer: next character or -1 at the end, without allocating per character.
        async ValueTask<bool> FillAsync()
        {
            if (position < length)
            {
                return true;
            }

            length = await reader.ReadAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
            position = 0;
            return length > 0;
        }

        while (await FillAsync().ConfigureAwait(false))
        {
            if (first)
            {
                first = false;
                if (buffer[position] == '\uFEFF')
                {
                    position++;
                    continue;
                }
            }

            var startLine = line;
            var c = buffer[position];

            // Blank lines and comment lines between records.
            if (c is '\r' or '\n')
            {
                position++;
                if (c == '\r' && await FillAsync().ConfigureAwait(false) && buffer[position] == '\n')
                {
                    position++;
                }

                line++;
                continue;
            }

            if (c == '#' && skipCommentLines)
            {
                while (await FillAsync().ConfigureAwait(false) && buffer[position] is not ('\r' or '\n'))
                {
                    position++;
                }

                continue;
            }

            number++;
            fields.Clear();
            field.Clear();
            string? error = null;
            var quoted = false;
            var inQuotes = false;
            var afterQuote = false;
            var endOfRecord = false;
            while (!endOfRecord)
            {
                if (!await FillAsync().ConfigureAwait(false))
                {
                    if (inQuotes)
                    {
                        error ??= $"A quoted field opened on line {startLine} is not closed before the end of the file.";
                    }

                    break;
                }

                c = buffer[position++];
                if (inQuotes)
                {
                    if (c == '"')
                    {
                        if (await FillAsync().ConfigureAwait(false) && buffer[position] == '"')
                        {
                            position++;
                            Append(field, '"', ref error, fields.Count);
                        }
                        else
                        {
                            inQuotes = false;
                            afterQuote = true;
                        }
                    }
                    else
                    {
                        if (c == '\n' || (c == '\r' && !(await FillAsync().ConfigureAwait(false) && buffer[position] == '\n')))
                        {
                            line++;
                        }

                        Append(field, c, ref error, fields.Count);
                    }

                    continue;
                }

                if (c == delimiter)
                {
                    EndField(fields, field, ref error);
                    quoted = afterQuote = false;
                }
                else if (c is '\r' or '\n')
                {
                    if (c == '\r' && await FillAsync().ConfigureAwait(false) && buffer[position] == '\n')
                    {
                        position++;
                    }

                    line++;
                    endOfRecord = true;
                }
                else if (afterQuote)
                {
                    error ??= $"Text after the closing quote of field {fields.Count + 1}.";
                }
                else if (c == '"' && field.Length == 0 && !quoted)
                {
                    quoted = inQuotes = true;
                }
                else
                {
                    Append(field, c, ref error, fields.Count);
                }
            }

            EndField(fields, field, ref error);
            yield return new CsvRecord(number, startLine, error is null ? [.. fields] : [], error);
        }
    }

    private static void Append(StringBuilder field, char c, ref string? error, int index)
    {
        if (field.Length < MaxFieldLength)
        {
            field.Append(c);
        }
        else
        {
            error ??= $"Field {index + 1} is longer than {MaxFieldLength} characters.";
        }
    }

    private static void EndField(List<string> fields, StringBuilder field, ref string? error)
    {
        if (fields.Count < MaxFields)
        {
            fields.Add(field.ToString());
        }
        else
        {
            error ??= $"The record has more than {MaxFields} fields.";
        }

        field.Clear();
    }
}
