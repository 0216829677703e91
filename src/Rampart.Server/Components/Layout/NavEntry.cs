using MudBlazor;
using Rampart.Server.Access;
using Rampart.Server.Identity;

namespace Rampart.Server.Components.Layout;

/// <summary>The capability groups of the side navigation, in the order they are shown.</summary>
public enum NavGroup
{
    Intelligence,
    Incidents,
    Constituency,
    Exercises,
    Capacity,
    Network,
    Administration,
}

/// <summary>
/// One link of the side navigation. <paramref name="Text"/> is a key of the shell's resources;
/// <paramref name="MayOpen"/> hides the link from a caller the page would refuse, so nobody follows a link to "not allowed".
/// Later features add entries as singletons (<c>services.AddSingleton(new NavEntry(…))</c>).
/// </summary>
public sealed record NavEntry(NavGroup Group, string Text, string Href, string Icon, Func<Caller, bool> MayOpen, int Order = 0)
{
    /// <summary>The entries of the features that exist today.</summary>
    public static IReadOnlyList<NavEntry> BuiltIn { get; } =
    [
        new(NavGroup.Intelligence, "Notes", "notes", Icons.Material.Filled.StickyNote2, c => c.IsAuthenticated),
        new(NavGroup.Network, "Organisations", "organisations", Icons.Material.Filled.Business, c => c.IsAuthenticated),
        new(NavGroup.Network, "Communities", "communities", Icons.Material.Filled.Groups, c => c.IsAuthenticated, 1),
        new(NavGroup.Administration, "Users", "users", Icons.Material.Filled.ManageAccounts, c => c.Role is Role.NodeAdmin or Role.OrgAdmin),
        new(NavGroup.Administration, "Audit log", "audit", Icons.Material.Filled.FactCheck, c => c.Role is Role.NodeAdmin or Role.OrgAdmin, 2),
    ];
}
