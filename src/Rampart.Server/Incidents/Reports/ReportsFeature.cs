using Microsoft.Extensions.Options;
using MudBlazor;
using Rampart.Server.Components.Layout;
using Rampart.Server.Hosting;
using Rampart.Server.Incidents.Attachments;
using Rampart.Server.Scheduling;
using Rampart.Standards.Mail;

namespace Rampart.Server.Incidents.Reports;

/// <summary>Incident reports (issue 11, intake): form, REST, drop folder and IMAP; attachments of reports and journal entries.</summary>
public sealed class ReportsFeature : RampartFeature
{
    public override void AddServices(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<IntakeOptions>().Bind(builder.Configuration.GetSection(IntakeOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AttachmentOptions>().Bind(builder.Configuration.GetSection(AttachmentOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<IntakeLimits>().Configure(o => builder.Configuration.GetSection(IntakeLimits.SectionName).Bind(o));
        services.AddSingleton<Organisations.IPinnedShortName, IntakeShortName>();
        services.AddScoped<ReportQueries>();
        services.AddScoped<ReportEditing>();
        services.AddScoped<AttachmentStore>();
        services.AddScoped<MailIntake>();
        services.AddSingleton<IReportAcknowledger, SmtpReportAcknowledger>();
        services.AddScheduledJob<DropFolderJob>(DropFolderJob.JobName, sp => sp.GetRequiredService<IOptions<IntakeOptions>>().Value.PollInterval);
        services.AddScheduledJob<ImapIntakeJob>(ImapIntakeJob.JobName, sp => sp.GetRequiredService<IOptions<IntakeOptions>>().Value.PollInterval);
        services.AddSingleton(new NavEntry(NavGroup.Incidents, "Incident reports", "reports", Icons.Material.Filled.Inbox, c => c.IsAuthenticated && !c.IsOperator));
    }

    public override void MapEndpoints(FeatureRoutes routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapReportsApi();
    }
}
