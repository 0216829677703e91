using Microsoft.EntityFrameworkCore;
using Rampart.Server.Capacity.Plans;

#pragma warning disable IDE0130
namespace Rampart.Server.Data;
#pragma warning restore IDE0130

/// <summary>
/// The plan tables as properties of <see cref="RampartDb"/>. Plans are shareable: read them only in
/// <see cref="PlanQueries"/> and write them in <see cref="PlanEditing"/> (ArchitectureTests).
/// </summary>
public static class PlanData
{
    extension(RampartDb db)
    {
        public DbSet<CapacityPlan> CapacityPlans => db.Set<CapacityPlan>();

        public DbSet<PlanTitleTerm> CapacityPlanTitleTerms => db.Set<PlanTitleTerm>();

        public DbSet<PlanAction> CapacityPlanActions => db.Set<PlanAction>();

        public DbSet<PlanActionParameter> CapacityPlanActionParameters => db.Set<PlanActionParameter>();

        public DbSet<PlanActionDependency> CapacityPlanActionDependencies => db.Set<PlanActionDependency>();

        public DbSet<PlanActionNote> CapacityPlanActionNotes => db.Set<PlanActionNote>();

        public DbSet<PlanStatusChange> CapacityPlanStatusChanges => db.Set<PlanStatusChange>();

        public DbSet<PlanCampaign> CapacityPlanCampaigns => db.Set<PlanCampaign>();

        public DbSet<PlanMaterial> CapacityPlanMaterials => db.Set<PlanMaterial>();

        public DbSet<PlanIndicator> CapacityPlanIndicators => db.Set<PlanIndicator>();

        public DbSet<PlanIndicatorValue> CapacityPlanIndicatorValues => db.Set<PlanIndicatorValue>();
    }
}
