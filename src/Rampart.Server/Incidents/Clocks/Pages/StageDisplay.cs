using System.Globalization;
using Microsoft.Extensions.Localization;
using MudBlazor;
using Rampart.Standards.Incidents;

namespace Rampart.Server.Incidents.Clocks.Pages;

/// <summary>How a reporting clock looks on every page that shows one: its name and the colour of its state.</summary>
public static class StageDisplay
{
    public static string Name(IStringLocalizer texts, ReportingStage stage, int sequence)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return texts["Stage." + stage] + (stage == ReportingStage.IntermediateReport ? " " + sequence.ToString(CultureInfo.CurrentCulture) : "");
    }

    public static Color ColorOf(DeadlineState state) => state switch
    {
        DeadlineState.Overdue or DeadlineState.SubmittedLate => Color.Error,
        DeadlineState.DueSoon => Color.Warning,
        DeadlineState.SubmittedOnTime => Color.Success,
        _ => Color.Default,
    };
}
