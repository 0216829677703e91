using Microsoft.EntityFrameworkCore;
using Rampart.Server.Intelligence.Store;

// Beside the feature, in the Data namespace: every user of RampartDb sees the feature's tables.
#pragma warning disable IDE0130
namespace Rampart.Server.Data;
#pragma warning restore IDE0130

/// <summary>
/// The intelligence tables as properties of <see cref="RampartDb"/>. Named only in <c>Intelligence/</c>;
/// written only by <c>IntelStore</c>; objects read only through <c>AccessPolicy</c> (ArchitectureTests).
/// </summary>
public static class IntelligenceData
{
    extension(RampartDb db)
    {
        public DbSet<IntelObject> IntelObjects => db.Set<IntelObject>();

        public DbSet<IntelObjectVersion> IntelObjectVersions => db.Set<IntelObjectVersion>();

        public DbSet<IntelLabel> IntelLabels => db.Set<IntelLabel>();

        public DbSet<Intelligence.Search.IntelTerm> IntelTerms => db.Set<Intelligence.Search.IntelTerm>();

        public DbSet<Intelligence.Sightings.IntelSighting> IntelSightings => db.Set<Intelligence.Sightings.IntelSighting>();

        public DbSet<IntelWarningHit> IntelWarningHits => db.Set<IntelWarningHit>();

        public DbSet<Observable> Observables => db.Set<Observable>();

        public DbSet<ObservableLink> ObservableLinks => db.Set<ObservableLink>();

        public DbSet<IntelChange> IntelChanges => db.Set<IntelChange>();

        public DbSet<IntelImportJob> IntelImportJobs => db.Set<IntelImportJob>();

        public DbSet<IntelImportOutcome> IntelImportOutcomes => db.Set<IntelImportOutcome>();
    }
}
