using MudBlazor;

using Rampart.Server.Components.Shared;

namespace Rampart.Server.Components;

/// <summary>Opens <see cref="ConfirmDialog"/> and tells whether the user confirmed (and, if asked, proved it was them).</summary>
public static class Confirmations
{
    public static async Task<bool> ConfirmAsync(this IDialogService dialogs, string title, string message, string objectName, string confirmText,
        string? consequence = null, Guid? reauthenticateUserId = null)
    {
        ArgumentNullException.ThrowIfNull(dialogs);
        var parameters = new DialogParameters<ConfirmDialog>
        {
            { d => d.Title, title },
            { d => d.Message, message },
            { d => d.ObjectName, objectName },
            { d => d.ConfirmText, confirmText },
            { d => d.Consequence, consequence },
            { d => d.ReauthenticateUserId, reauthenticateUserId },
        };
        var dialog = await dialogs.ShowAsync<ConfirmDialog>(title, parameters,
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, CloseOnEscapeKey = true });
        var result = await dialog.Result;
        return result is { Canceled: false };
    }
}
