using System.Globalization;
using System.Net;
using System.Text;

namespace Rampart.Standards.Sim3;

/// <summary>One axis of a radar chart: a label and up to two values (0–4): e.g. own level and reviewer's or target.</summary>
public sealed record RadarAxis(string Label, double? Value, double? Second = null);

/// <summary>
/// Server-side SVG charts (no script, no external asset): a radar of levels 0–4 and a line chart of levels over time.
/// Text is HTML-encoded; the output is safe to inline in a page.
/// </summary>
public static class Sim3Charts
{
    private static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>A radar chart of <paramref name="axes"/> on a 0–4 scale; the first series filled, the second (when any value is set) dashed.</summary>
    public static string Radar(IReadOnlyList<RadarAxis> axes, string title, int size = 420)
    {
        ArgumentNullException.ThrowIfNull(axes);
        var c = size / 2.0;
        var r = size / 2.0 - 70;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" width=\"{size}\" height=\"{size}\" role=\"img\" aria-label=\"{Enc(title)}\" class=\"sim3-radar\">");
        sb.Append(CultureInfo.InvariantCulture, $"<title>{Enc(title)}</title>");
        if (axes.Count < 3)
        {
            // Fewer than three axes make no polygon: show the values as text instead of a misleading shape.
            var y = 30;
            foreach (var a in axes)
            {
                sb.Append(CultureInfo.InvariantCulture, $"<text x=\"10\" y=\"{y}\" font-size=\"13\">{Enc(a.Label)}: {(a.Value is { } v ? F(v) : "–")}</text>");
                y += 20;
            }

            return sb.Append("</svg>").ToString();
        }

        (double X, double Y) Point(int i, double value)
        {
            var angle = -Math.PI / 2 + 2 * Math.PI * i / axes.Count;
            return (c + r * value / Sim3Model.MaxLevel * Math.Cos(angle), c + r * value / Sim3Model.MaxLevel * Math.Sin(angle));
        }

        for (var ring = 1; ring <= Sim3Model.MaxLevel; ring++)
        {
            var pts = string.Join(' ', Enumerable.Range(0, axes.Count).Select(i => Point(i, ring)).Select(p => $"{F(p.X)},{F(p.Y)}"));
            sb.Append(CultureInfo.InvariantCulture, $"<polygon points=\"{pts}\" fill=\"none\" stroke=\"#c8c8c8\" stroke-width=\"1\"/>");
        }

        for (var i = 0; i < axes.Count; i++)
        {
            var (x, y) = Point(i, Sim3Model.MaxLevel);
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(c)}\" y1=\"{F(c)}\" x2=\"{F(x)}\" y2=\"{F(y)}\" stroke=\"#c8c8c8\" stroke-width=\"1\"/>");
            var (lx, ly) = Point(i, Sim3Model.MaxLevel + 0.55);
            var anchor = Math.Abs(lx - c) < 1 ? "middle" : lx < c ? "end" : "start";
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(lx)}\" y=\"{F(ly)}\" font-size=\"11\" text-anchor=\"{anchor}\" dominant-baseline=\"middle\">{Enc(axes[i].Label)}</text>");
        }

        Series(sb, axes.Select(a => a.Value).ToList(), Point, "#1565c0", "rgba(21,101,192,0.25)", dashed: false, "sim3-radar-first");
        if (axes.Any(a => a.Second is not null))
        {
            Series(sb, axes.Select(a => a.Second).ToList(), Point, "#c62828", "none", dashed: true, "sim3-radar-second");
        }

        // A point per axis with its value as a tooltip: the polygon alone does not say which level was entered.
        for (var i = 0; i < axes.Count; i++)
        {
            var (px, py) = Point(i, Math.Clamp(axes[i].Value ?? 0, 0, Sim3Model.MaxLevel));
            var second = axes[i].Second is { } s ? $" / {F(s)}" : "";
            sb.Append(CultureInfo.InvariantCulture, $"<circle class=\"sim3-radar-point\" cx=\"{F(px)}\" cy=\"{F(py)}\" r=\"3.5\" fill=\"#1565c0\"><title>{Enc(axes[i].Label)}: {(axes[i].Value is { } v ? F(v) : "–")}{second}</title></circle>");
        }

        return sb.Append("</svg>").ToString();
    }

    private static void Series(StringBuilder sb, List<double?> values, Func<int, double, (double X, double Y)> point, string stroke, string fill, bool dashed, string cssClass)
    {
        var pts = string.Join(' ', values.Select((v, i) => point(i, Math.Clamp(v ?? 0, 0, Sim3Model.MaxLevel))).Select(p => $"{F(p.X)},{F(p.Y)}"));
        sb.Append(CultureInfo.InvariantCulture, $"<polygon class=\"{cssClass}\" points=\"{pts}\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"2\"{(dashed ? " stroke-dasharray=\"6 4\"" : "")}/>");
    }

    /// <summary>A line chart: one line per series over dated points, levels 0–4 on the vertical axis.</summary>
    public static string Lines(IReadOnlyList<(string Name, IReadOnlyList<(DateOnly Date, double Value)> Points)> series, string title, int width = 640, int height = 280)
    {
        ArgumentNullException.ThrowIfNull(series);
        string[] colours = ["#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#424242"];
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"{Enc(title)}\" class=\"sim3-history\">");
        sb.Append(CultureInfo.InvariantCulture, $"<title>{Enc(title)}</title>");
        const double left = 40, right = 130, top = 15, bottom = 30;
        var plotW = width - left - right;
        var plotH = height - top - bottom;
        var dates = series.SelectMany(s => s.Points).Select(p => p.Date.DayNumber).ToList();
        var min = dates.Count == 0 ? 0 : dates.Min();
        var max = dates.Count == 0 ? 1 : Math.Max(dates.Max(), min + 1);
        double X(int day) => left + plotW * (day - min) / (max - min);
        double Y(double v) => top + plotH * (1 - v / Sim3Model.MaxLevel);
        for (var level = 0; level <= Sim3Model.MaxLevel; level++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(left)}\" y1=\"{F(Y(level))}\" x2=\"{F(left + plotW)}\" y2=\"{F(Y(level))}\" stroke=\"#e0e0e0\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(left - 8)}\" y=\"{F(Y(level))}\" font-size=\"11\" text-anchor=\"end\" dominant-baseline=\"middle\">{level}</text>");
        }

        if (dates.Count > 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(left)}\" y=\"{height - 8}\" font-size=\"11\">{DateOnly.FromDayNumber(min):yyyy-MM-dd}</text>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(left + plotW)}\" y=\"{height - 8}\" font-size=\"11\" text-anchor=\"end\">{DateOnly.FromDayNumber(dates.Max()):yyyy-MM-dd}</text>");
        }

        for (var s = 0; s < series.Count; s++)
        {
            var colour = colours[s % colours.Length];
            var points = series[s].Points.OrderBy(p => p.Date).ToList();
            var path = string.Join(' ', points.Select(p => $"{F(X(p.Date.DayNumber))},{F(Y(p.Value))}"));
            sb.Append(CultureInfo.InvariantCulture, $"<polyline points=\"{path}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"/>");
            foreach (var p in points)
            {
                sb.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{F(X(p.Date.DayNumber))}\" cy=\"{F(Y(p.Value))}\" r=\"3\" fill=\"{colour}\"><title>{Enc(series[s].Name)} {p.Date:yyyy-MM-dd}: {F(p.Value)}</title></circle>");
            }

            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(left + plotW + 10)}\" y=\"{F(top + 14 + 16 * s)}\" font-size=\"12\" fill=\"{colour}\">{Enc(series[s].Name)}</text>");
        }

        return sb.Append("</svg>").ToString();
    }

    private static string Enc(string text) => WebUtility.HtmlEncode(text);
}
