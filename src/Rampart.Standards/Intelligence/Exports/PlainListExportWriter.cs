namespace Rampart.Standards.Intelligence.Exports;

/// <summary>
/// One value per line (LF), for firewall address lists, DNS block lists and hash lists; <c>#</c> comment lines first
/// (pfSense, OPNsense, MikroTik scripts, Pi-hole and ipset loaders skip them). Only the kinds in
/// <see cref="ExportOptions.Kinds"/> are written, and only values that are still valid of their kind (nothing that
/// could break a line or a firewall's parser).
/// </summary>
public sealed class PlainListExportWriter : TextExportWriter
{
    internal PlainListExportWriter(Stream output, ExportHeader header, ExportOptions options)
        : base(output, header, options)
    {
    }

    public override string ContentType => "text/plain; charset=utf-8";

    public override string FileExtension => "txt";

    private protected override string Preamble() => CommentHeader("#", "plain list");

    private protected override async ValueTask<bool> WriteItemAsync(ExportItem item, CancellationToken cancellationToken)
    {
        if ((Options.Kinds is { } kinds && !kinds.Contains(item.Kind)) || !ExportValues.TryCanonical(item.Kind, item.Value, out var value))
        {
            return false;
        }

        await StartAsync(cancellationToken).ConfigureAwait(false);
        await Text.WriteAsync((value + "\n").AsMemory(), cancellationToken).ConfigureAwait(false);
        return true;
    }
}
