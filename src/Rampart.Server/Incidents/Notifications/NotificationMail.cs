using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Rampart.Server.Hosting;
using Rampart.Server.Incidents.Reports;

namespace Rampart.Server.Incidents.Notifications;

/// <summary>Whether this node sends notification e-mail at all, and the base of the links it puts in them.</summary>
public static class NotificationMail
{
    /// <summary>E-mail goes out only with an SMTP host and a From address (<c>Rampart:Intake:Smtp</c>); otherwise it is not offered.</summary>
    public static bool Configured(IntakeOptions intake)
    {
        ArgumentNullException.ThrowIfNull(intake);
        return !string.IsNullOrWhiteSpace(intake.Smtp.Host) && !string.IsNullOrWhiteSpace(intake.Smtp.From);
    }

    /// <summary>
    /// The absolute base of links in e-mail: <c>Rampart:Node:PublicUrl</c> when set, otherwise the address the node listens on
    /// (the rule of the first-start message, <see cref="NodeBootstrap.LoginBase"/>); never a bare path a mail client cannot open.
    /// </summary>
    public static string BaseUrl(string? publicUrl, IServer? server) =>
        NodeBootstrap.LoginBase(publicUrl, server?.Features.Get<IServerAddressesFeature>()?.Addresses ?? []);
}
