using System.Globalization;
using System.Text;
using Rampart.Standards.Markings;

namespace Rampart.Standards.Intelligence.Exports;

/// <summary>
/// Writes exported values to a stream as they come, never holding more than a buffer of output: 1 000 000 values
/// stream in constant memory. Make one with <see cref="Create"/>, call <see cref="WriteAsync"/> per item (false when
/// the format has no form for the item, which is then counted as skipped), then <see cref="CompleteAsync"/> (or
/// dispose). The first lines state <see cref="ExportHeader.MaxTlp"/>; an item more restrictive than it is refused.
/// The stream is left open.
/// </summary>
public abstract class IndicatorExportWriter : IAsyncDisposable
{
    private protected static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);
    private bool completed;

    private protected IndicatorExportWriter(ExportHeader header, ExportOptions options)
    {
        Header = header;
        Options = options;
    }

    public ExportHeader Header { get; }

    public ExportOptions Options { get; }

    public long Written { get; private set; }

    public long Skipped { get; private set; }

    /// <summary>The media type to answer with.</summary>
    public abstract string ContentType { get; }

    /// <summary>The usual file name extension, without the dot.</summary>
    public abstract string FileExtension { get; }

    /// <summary>A writer of <paramref name="format"/> onto <paramref name="output"/>.</summary>
    public static IndicatorExportWriter Create(ExportFormat format, Stream output, ExportHeader header, ExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(header);
        options ??= new ExportOptions();
        return format switch
        {
            ExportFormat.Csv => new CsvExportWriter(output, header, options),
            ExportFormat.PlainList => new PlainListExportWriter(output, header, options),
            ExportFormat.Rpz => new RpzExportWriter(output, header, options),
            ExportFormat.Suricata => new SuricataExportWriter(output, header, options),
            ExportFormat.MispEvent => new MispEventExportWriter(output, header, options),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Not an export format."),
        };
    }

    /// <summary>Writes one item; false when the format has no form for it (wrong kind, a value it cannot carry).</summary>
    public async ValueTask<bool> WriteAsync(ExportItem item, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        ObjectDisposedException.ThrowIf(completed, this);
        if (item.Tlp > Header.MaxTlp)
        {
            throw new StandardsException($"An item marked {item.Tlp.Label()} cannot go into an export declared {Header.MaxTlp.Label()}; pass the most restrictive TLP of the content in the header.", path: "tlp");
        }

        if (await WriteItemAsync(item, cancellationToken).ConfigureAwait(false))
        {
            Written++;
            return true;
        }

        Skipped++;
        return false;
    }

    /// <summary>Writes every item and completes the export.</summary>
    public async Task<ExportSummary> WriteAllAsync(IAsyncEnumerable<ExportItem> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        await foreach (var item in items.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            await WriteAsync(item, cancellationToken).ConfigureAwait(false);
        }

        await CompleteAsync(cancellationToken).ConfigureAwait(false);
        return new ExportSummary(Written, Skipped);
    }

    /// <summary>Writes what closes the format and flushes.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken = default)
    {
        if (!completed)
        {
            completed = true;
            await EndAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await CompleteAsync().ConfigureAwait(false);
        await DisposeCoreAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    private protected abstract ValueTask<bool> WriteItemAsync(ExportItem item, CancellationToken cancellationToken);

    private protected abstract Task EndAsync(CancellationToken cancellationToken);

    private protected abstract ValueTask DisposeCoreAsync();

    /// <summary>The header lines every text format starts with, each behind <paramref name="comment"/>.</summary>
    private protected string CommentHeader(string comment, string format) =>
        $"{comment} {Header.MaxTlp.Label()} — the most restrictive marking of the content below; share accordingly.\n"
        + $"{comment} {OneLine(Header.Title)}: {format}, from {OneLine(Header.Source)}, generated {Timestamps.Format(Header.GeneratedAt)}\n";

    /// <summary>Text with line breaks and other control characters replaced by spaces.</summary>
    private protected static string OneLine(string text)
    {
        if (!text.AsSpan().ContainsAnyInRange('\0', '\u001f') && !text.Contains('\u007f', StringComparison.Ordinal) && !text.Contains('\u2028', StringComparison.Ordinal) && !text.Contains('\u2029', StringComparison.Ordinal))
        {
            return text;
        }

        return string.Create(text.Length, text, static (span, t) =>
        {
            for (var i = 0; i < t.Length; i++)
            {
                span[i] = char.IsControl(t[i]) || t[i] is '\u2028' or '\u2029' ? ' ' : t[i];
            }
        });
    }

    private protected static string Invariant(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}

/// <summary>A writer over a UTF-8 text writer with a 64 KiB buffer.</summary>
public abstract class TextExportWriter : IndicatorExportWriter
{
    private protected TextExportWriter(Stream output, ExportHeader header, ExportOptions options)
        : base(header, options)
    {
        Text = new StreamWriter(output, Utf8, 64 * 1024, leaveOpen: true) { NewLine = "\n" };
    }

    private protected StreamWriter Text { get; }

    private protected bool Started { get; set; }

    private protected override async Task EndAsync(CancellationToken cancellationToken)
    {
        await StartAsync(cancellationToken).ConfigureAwait(false);
        await Text.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private protected override ValueTask DisposeCoreAsync() => Text.DisposeAsync();

    /// <summary>Writes the header once, before the first item (or at the end of an empty export).</summary>
    private protected async ValueTask StartAsync(CancellationToken cancellationToken)
    {
        if (!Started)
        {
            Started = true;
            await Text.WriteAsync(Preamble().AsMemory(), cancellationToken).ConfigureAwait(false);
        }
    }

    private protected abstract string Preamble();
}
