using System.Globalization;
using System.Net;
using System.Text;

namespace Rampart.Server.Capacity.Plans;

/// <summary>One point of the progress line: on <see cref="Date"/>, <see cref="Done"/> of <see cref="Counted"/> actions were done (cancelled ones do not count).</summary>
public sealed record ProgressPoint(DateOnly Date, int Done, int Counted, double Percent);

/// <summary>Per parameter: the current level (of the source assessment), the highest target of the plan's actions, the expected level and the profile's minimum.</summary>
public sealed record ExpectedLevel(string ParameterId, int? Current, int? PlannedTarget, int Expected, int? MinLevel, bool? Met);

/// <summary>
/// What a plan's numbers say, computed from rows already read through <see cref="PlanQueries"/>: progress over time,
/// the expected maturity if every (not cancelled) action is done, overdue actions.
/// </summary>
public static class PlanProgress
{
    /// <summary>An action not done nor cancelled whose due date is before <paramref name="today"/>.</summary>
    public static bool IsOverdue(PlanAction action, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(action);
        return action.Status is ActionStatus.Planned or ActionStatus.InProgress && action.DueDate is { } due && due < today;
    }

    /// <summary>
    /// The share of actions done at the end of each day on which a status changed (or an action was added or deleted),
    /// replayed from the status history, and a last point today.
    /// </summary>
    public static IReadOnlyList<ProgressPoint> Series(IReadOnlyList<PlanStatusChange> changes, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var status = new Dictionary<Guid, ActionStatus>();
        var points = new List<ProgressPoint>();
        foreach (var day in changes.OrderBy(c => c.Id).GroupBy(c => DateOnly.FromDateTime(c.At.UtcDateTime)))
        {
            foreach (var change in day)
            {
                if (change.Status is { } s)
                {
                    status[change.ActionId] = s;
                }
                else
                {
                    status.Remove(change.ActionId);
                }
            }

            points.Add(Point(day.Key, status.Values));
        }

        if (points.Count > 0 && points[^1].Date < today)
        {
            points.Add(Point(today, status.Values));
        }

        return points;
    }

    private static ProgressPoint Point(DateOnly date, IEnumerable<ActionStatus> statuses)
    {
        var counted = statuses.Where(s => s != ActionStatus.Cancelled).ToList();
        var done = counted.Count(s => s == ActionStatus.Done);
        return new ProgressPoint(date, done, counted.Count, counted.Count == 0 ? 0 : Math.Round(100.0 * done / counted.Count, 1));
    }

    /// <summary>
    /// Per parameter named by the profile or by an action: expected = max(current, highest target of the actions not
    /// cancelled); met when the expected level reaches the profile's minimum. SIM3 order.
    /// </summary>
    public static IReadOnlyList<ExpectedLevel> Expected(IReadOnlyList<PlanAction> actions, IReadOnlyDictionary<string, int> current,
        IReadOnlyDictionary<string, int>? minimum, IReadOnlyList<string> order)
    {
        ArgumentNullException.ThrowIfNull(actions);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(order);
        var planned = actions.Where(a => a.Status != ActionStatus.Cancelled).SelectMany(a => a.Parameters)
            .GroupBy(p => p.ParameterId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Max(p => p.TargetLevel), StringComparer.Ordinal);
        var wanted = planned.Keys.Concat(minimum?.Keys ?? []).ToHashSet(StringComparer.Ordinal);
        return order.Where(wanted.Contains).Select(id =>
        {
            int? now = current.TryGetValue(id, out var c) ? c : null;
            int? target = planned.TryGetValue(id, out var t) ? t : null;
            var expected = Math.Max(now ?? 0, target ?? 0);
            int? min = minimum is not null && minimum.TryGetValue(id, out var m) ? m : null;
            return new ExpectedLevel(id, now, target, expected, min, min is null ? null : expected >= min);
        }).ToList();
    }

    /// <summary>A small line chart (SVG, no script) of dated values from 0 to <paramref name="max"/>; an optional dashed target line.</summary>
    public static string Chart(IReadOnlyList<(DateOnly Date, double Value)> points, double max, string unit, string title, double? target = null, int width = 560, int height = 220)
    {
        ArgumentNullException.ThrowIfNull(points);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"{Enc(title)}\" class=\"plan-chart\">");
        sb.Append(CultureInfo.InvariantCulture, $"<title>{Enc(title)}</title>");
        const double left = 48, right = 16, top = 12, bottom = 28;
        var plotW = width - left - right;
        var plotH = height - top - bottom;
        max = max <= 0 ? 1 : max;
        var days = points.Select(p => p.Date.DayNumber).ToList();
        var min = days.Count == 0 ? 0 : days.Min();
        var last = days.Count == 0 ? 1 : Math.Max(days.Max(), min + 1);
        double X(int day) => left + plotW * (day - min) / (last - min);
        double Y(double v) => top + plotH * (1 - Math.Clamp(v, 0, max) / max);
        for (var i = 0; i <= 4; i++)
        {
            var v = max * i / 4;
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(left)}\" y1=\"{F(Y(v))}\" x2=\"{F(left + plotW)}\" y2=\"{F(Y(v))}\" stroke=\"#e0e0e0\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(left - 6)}\" y=\"{F(Y(v))}\" font-size=\"11\" text-anchor=\"end\" dominant-baseline=\"middle\">{F(v)}{Enc(unit)}</text>");
        }

        if (target is { } t)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<line class=\"plan-chart-target\" x1=\"{F(left)}\" y1=\"{F(Y(t))}\" x2=\"{F(left + plotW)}\" y2=\"{F(Y(t))}\" stroke=\"#c62828\" stroke-dasharray=\"6 4\"/>");
        }

        if (points.Count > 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(left)}\" y=\"{height - 8}\" font-size=\"11\">{DateOnly.FromDayNumber(min):yyyy-MM-dd}</text>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(left + plotW)}\" y=\"{height - 8}\" font-size=\"11\" text-anchor=\"end\">{DateOnly.FromDayNumber(days.Max()):yyyy-MM-dd}</text>");
            var ordered = points.OrderBy(p => p.Date).ToList();
            sb.Append(CultureInfo.InvariantCulture, $"<polyline points=\"{string.Join(' ', ordered.Select(p => $"{F(X(p.Date.DayNumber))},{F(Y(p.Value))}"))}\" fill=\"none\" stroke=\"#1565c0\" stroke-width=\"2\"/>");
            foreach (var p in ordered)
            {
                sb.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{F(X(p.Date.DayNumber))}\" cy=\"{F(Y(p.Value))}\" r=\"3\" fill=\"#1565c0\"><title>{p.Date:yyyy-MM-dd}: {F(p.Value)}{Enc(unit)}</title></circle>");
            }
        }

        return sb.Append("</svg>").ToString();
    }

    private static string F(double value) => Math.Round(value, 1).ToString(CultureInfo.InvariantCulture);

    private static string Enc(string text) => WebUtility.HtmlEncode(text);
}
