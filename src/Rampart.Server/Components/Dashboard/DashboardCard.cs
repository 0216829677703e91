using Rampart.Server.Access;

namespace Rampart.Server.Components.Dashboard;

/// <summary>
/// A card on the home dashboard. A feature adds one by registering it:
/// <c>services.AddSingleton(new DashboardCard(typeof(MyCard), order: 200, c => c.CanWrite))</c>; the component
/// receives the <see cref="Caller"/> as a <c>Caller</c> parameter and reads through its feature's use cases.
/// </summary>
public sealed record DashboardCard(Type Component, int Order, Func<Caller, bool> Visible)
{
    /// <summary>The cards of the features that exist today.</summary>
    public static IReadOnlyList<DashboardCard> BuiltIn { get; } =
    [
        new(typeof(Notes.Pages.NewNotesCard), 100, c => c.IsAuthenticated),
        new(typeof(OpenWorkCard), 200, c => c.IsAuthenticated),
        new(typeof(NodeStatusCard), 900, c => c.IsAuthenticated),
    ];
}
