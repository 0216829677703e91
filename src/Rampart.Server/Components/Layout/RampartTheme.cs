using MudBlazor;

namespace Rampart.Server.Components.Layout;

/// <summary>The node's light and dark palettes; colours chosen for WCAG 2.1 AA contrast on their backgrounds.</summary>
public static class RampartTheme
{
    private static readonly string[] Fonts = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Noto Sans", "Noto Sans Georgian", "sans-serif"];

    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#0b5cad",
            Secondary = "#5a3e8a",
            AppbarBackground = "#102a43",
            AppbarText = "#ffffff",
            DrawerBackground = "#f6f8fa",
            DrawerText = "#1b1f24",
            DrawerIcon = "#3d4752",
            Background = "#ffffff",
            TextPrimary = "#1b1f24",
            TextSecondary = "#4f5862",
            Error = "#b42318",
            Success = "#1a7f37",
            Warning = "#8a5a00",
            Info = "#0b5cad",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#7cb7ff",
            Secondary = "#c8a8ff",
            AppbarBackground = "#0d1117",
            AppbarText = "#e6edf3",
            DrawerBackground = "#161b22",
            DrawerText = "#e6edf3",
            DrawerIcon = "#c9d1d9",
            Background = "#0d1117",
            Surface = "#161b22",
            TextPrimary = "#e6edf3",
            TextSecondary = "#b1bac4",
            Error = "#ff7b72",
            Success = "#56d364",
            Warning = "#e3b341",
            Info = "#7cb7ff",
        },
        Typography = new Typography { Default = new DefaultTypography { FontFamily = Fonts } },
    };
}
