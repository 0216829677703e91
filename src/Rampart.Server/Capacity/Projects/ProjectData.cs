using Microsoft.EntityFrameworkCore;
using Rampart.Server.Capacity.Projects;

// Beside the feature, in the Data namespace: every user of RampartDb sees the feature's tables.
#pragma warning disable IDE0130
namespace Rampart.Server.Data;
#pragma warning restore IDE0130

/// <summary>
/// The project registry's tables. Read them only in <see cref="ProjectQueries"/> and <see cref="ProjectEditing"/>,
/// through the access decision (ArchitectureTests fails anywhere else).
/// </summary>
public static class ProjectData
{
    extension(RampartDb db)
    {
        public DbSet<CapacityProject> CapacityProjects => db.Set<CapacityProject>();

        public DbSet<ProjectFacet> CapacityProjectFacets => db.Set<ProjectFacet>();

        public DbSet<ProjectSuggestion> CapacityProjectSuggestions => db.Set<ProjectSuggestion>();
    }
}
