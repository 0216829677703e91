using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;

namespace Rampart.Server.Capacity.Pdf;

/// <summary>
/// The one font of the node's PDFs (ADR 16): DejaVu Sans, embedded in the assembly and subset into each PDF, so Albanian,
/// Macedonian and Serbian Cyrillic, Romanian and Georgian text renders the same on every reader's machine.
/// </summary>
public sealed class EmbeddedFonts : IFontResolver
{
    public const string Family = "Rampart Sans";

    private static readonly Lock Gate = new();

    private static readonly Lazy<byte[]> Regular = new(() => Load("DejaVuSans.ttf"));

    private static readonly Lazy<byte[]> Bold = new(() => Load("DejaVuSans-Bold.ttf"));

    /// <summary>Installs the resolver once per process (PDFsharp keeps it in a global setting that may not change after first use).</summary>
    public static void Install()
    {
        lock (Gate)
        {
            if (GlobalFontSettings.FontResolver is not EmbeddedFonts)
            {
                GlobalFontSettings.FontResolver = new EmbeddedFonts();
            }
        }
    }

    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) =>
        new(bold ? "DejaVuSans-Bold" : "DejaVuSans", false, italic);

    public byte[]? GetFont(string faceName) => faceName == "DejaVuSans-Bold" ? Bold.Value : Regular.Value;

    private static byte[] Load(string file)
    {
        using var stream = typeof(EmbeddedFonts).Assembly.GetManifestResourceStream("Rampart.Server.Capacity.Pdf." + file)
            ?? throw new InvalidOperationException($"The embedded font {file} is missing from the assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}

/// <summary>
/// A small flowing layout on A4 pages for the node's PDFs: headings, wrapped paragraphs and tables whose cells wrap,
/// with page breaks (a table's header repeats on each page). Text is measured with the embedded font.
/// </summary>
public sealed class PdfLayout : IDisposable
{
    private const double Margin = 50;

    private static readonly XPdfFontOptions Options = new(PdfFontEncoding.Unicode, PdfFontEmbedding.TryComputeSubset);

    private readonly PdfDocument document = new();

    private XGraphics? graphics;

    private PdfPage? page;

    private double y;

    public PdfLayout(string title, string language, DateTimeOffset createdAt)
    {
        EmbeddedFonts.Install();
        document.Info.Title = title;
        document.Info.Creator = "Rampart";
        document.Info.CreationDate = createdAt.UtcDateTime;
        document.Info.ModificationDate = createdAt.UtcDateTime;
        document.Language = language;
        NewPage();
    }

    public double Width => page!.Width.Point - (2 * Margin);

    public static XFont Font(double size, bool bold = false) => new(EmbeddedFonts.Family, size, bold ? XFontStyleEx.Bold : XFontStyleEx.Regular, Options);

    public XGraphics Graphics => graphics!;

    public double Y => y;

    public double Left => Margin;

    public void Space(double points) => y += points;

    /// <summary>Wrapped text over the full width (or centred), starting on a new page when it does not fit.</summary>
    public void Text(string text, double size, bool bold = false, bool centred = false, XColor? color = null)
    {
        var font = Font(size, bold);
        var lines = Wrap(text, font, Width);
        var lineHeight = size * 1.35;
        foreach (var line in lines)
        {
            EnsureRoom(lineHeight);
            var brush = new XSolidBrush(color ?? XColors.Black);
            if (centred)
            {
                graphics!.DrawString(line, font, brush, new XRect(Margin, y, Width, lineHeight), XStringFormats.TopCenter);
            }
            else
            {
                graphics!.DrawString(line, font, brush, new XRect(Margin, y, Width, lineHeight), XStringFormats.TopLeft);
            }

            y += lineHeight;
        }
    }

    public void Rule()
    {
        EnsureRoom(8);
        graphics!.DrawLine(new XPen(XColors.Gray, 0.5), Margin, y + 3, Margin + Width, y + 3);
        y += 8;
    }

    /// <summary>A table: column widths as fractions of the page width; every cell wraps; the header repeats after a page break.</summary>
    public void Table(IReadOnlyList<string> header, IReadOnlyList<double> widths, IEnumerable<IReadOnlyList<string>> rows, double size = 8.5)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(widths);
        ArgumentNullException.ThrowIfNull(rows);
        var regular = Font(size);
        var bold = Font(size, bold: true);
        var lineHeight = size * 1.3;
        var columns = widths.Select(w => w * Width).ToArray();

        void Row(IReadOnlyList<string> cells, XFont font, bool shade)
        {
            var wrapped = cells.Select((c, i) => Wrap(c, font, columns[i] - 6)).ToList();
            var height = (wrapped.Max(w => w.Count) * lineHeight) + 4;
            if (EnsureRoom(height) && !ReferenceEquals(cells, header))
            {
                Row(header, bold, shade: true);
            }

            var x = Margin;
            if (shade)
            {
                graphics!.DrawRectangle(new XSolidBrush(XColor.FromArgb(235, 235, 235)), Margin, y, Width, height);
            }

            for (var i = 0; i < wrapped.Count; i++)
            {
                var lineY = y + 2;
                foreach (var line in wrapped[i])
                {
                    graphics!.DrawString(line, font, XBrushes.Black, new XRect(x + 3, lineY, columns[i] - 6, lineHeight), XStringFormats.TopLeft);
                    lineY += lineHeight;
                }

                x += columns[i];
            }

            y += height;
            graphics!.DrawLine(new XPen(XColors.LightGray, 0.5), Margin, y, Margin + Width, y);
        }

        Row(header, bold, shade: true);
        foreach (var row in rows)
        {
            Row(row, regular, shade: false);
        }
    }

    /// <summary>The PDF's bytes (the layout is finished).</summary>
    public byte[] ToArray()
    {
        graphics?.Dispose();
        graphics = null;
        using var output = new MemoryStream();
        document.Save(output, false);
        return output.ToArray();
    }

    public void Dispose()
    {
        graphics?.Dispose();
        document.Dispose();
    }

    /// <summary>Starts a new page when <paramref name="height"/> does not fit on this one; true when it did.</summary>
    private bool EnsureRoom(double height)
    {
        if (y + height <= page!.Height.Point - Margin)
        {
            return false;
        }

        NewPage();
        return true;
    }

    private void NewPage()
    {
        graphics?.Dispose();
        page = document.AddPage();
        page.Size = PdfSharp.PageSize.A4;
        graphics = XGraphics.FromPdfPage(page);
        y = Margin;
    }

    /// <summary>Greedy word wrap by measured width; a word longer than the line is cut by characters. Line breaks in the text are kept.</summary>
    private List<string> Wrap(string text, XFont font, double width)
    {
        var lines = new List<string>();
        foreach (var paragraph in (text ?? "").Replace("\r", "", StringComparison.Ordinal).Split('\n'))
        {
            var current = "";
            foreach (var word in paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = current.Length == 0 ? word : current + " " + word;
                if (graphics!.MeasureString(candidate, font).Width <= width)
                {
                    current = candidate;
                    continue;
                }

                if (current.Length > 0)
                {
                    lines.Add(current);
                }

                current = word;
                while (current.Length > 1 && graphics.MeasureString(current, font).Width > width)
                {
                    var cut = current.Length - 1;
                    while (cut > 1 && graphics.MeasureString(current[..cut], font).Width > width)
                    {
                        cut--;
                    }

                    lines.Add(current[..cut]);
                    current = current[cut..];
                }
            }

            lines.Add(current);
        }

        return lines;
    }
}
