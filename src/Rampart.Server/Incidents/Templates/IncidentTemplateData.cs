using Microsoft.EntityFrameworkCore;
using Rampart.Server.Incidents.Templates;

#pragma warning disable IDE0130
namespace Rampart.Server.Data;
#pragma warning restore IDE0130

/// <summary>Incident templates (configuration, not records): read and written by <see cref="IncidentTemplates"/>.</summary>
public static class IncidentTemplateData
{
    extension(RampartDb db)
    {
        public DbSet<IncidentTemplate> IncidentTemplates => db.Set<IncidentTemplate>();

        public DbSet<IncidentTemplateTask> IncidentTemplateTasks => db.Set<IncidentTemplateTask>();
    }
}
