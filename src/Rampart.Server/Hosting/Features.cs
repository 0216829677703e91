using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Identity;
using Rampart.Server.Incidents;
using Rampart.Server.Intelligence;
using Rampart.Server.Intelligence.Exports;
using Rampart.Server.Intelligence.Feeds;
using Rampart.Server.Intelligence.Live;
using Rampart.Server.Intelligence.Pages;
using Rampart.Server.Intelligence.Read;
using Rampart.Server.Notes;
using Rampart.Server.Organisations;
using Rampart.Server.Public;
using Rampart.Server.Scheduling;
using Rampart.Server.Taxii;

namespace Rampart.Server.Hosting;

/// <summary>The capabilities of this node, in registration order. A new feature is one more line here.</summary>
public static class Features
{
    public static IReadOnlyList<RampartFeature> All { get; } =
    [
        new AccessFeature(),
        new AuditFeature(),
        new OrganisationsFeature(),
        new IdentityFeature(),
        new NotesFeature(),
        new PublicFeature(),
        new SchedulingFeature(),
        new IntelligenceFeature(),
        new IntelLiveFeature(),
        new IntelFeedsFeature(),
        new Intelligence.CsvMappings.IntelCsvMappingsFeature(),
        new IntelReadFeature(),
        new Intelligence.Sightings.IntelSightingsFeature(),
        new IntelPagesFeature(),
        new IntelExportsFeature(),
        new IncidentsFeature(),
        new Incidents.Clocks.IncidentClocksFeature(),
        new Incidents.Reports.ReportsFeature(),
        new Incidents.Board.BoardFeature(),
        new Incidents.Notifications.NotificationsFeature(),
        new Incidents.Peers.PeerIncidentsFeature(),
        new Capacity.Projects.ProjectsFeature(),
        new Capacity.Experts.ExpertsFeature(),
        new Capacity.Maturity.MaturityFeature(),
        new Capacity.Plans.PlansFeature(),
        new Capacity.Training.TrainingFeature(),
        new TaxiiFeature(),
        new Federation.FederationFeature(),
        new Taxii.Client.TaxiiClientFeature(),
    ];
}
