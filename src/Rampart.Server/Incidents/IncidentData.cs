using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Incidents;

// Beside the feature, in the Data namespace: every user of RampartDb sees the feature's tables.
#pragma warning disable IDE0130
namespace Rampart.Server.Data;
#pragma warning restore IDE0130

/// <summary>
/// The incident tables as properties of <see cref="RampartDb"/>. Read them only in <see cref="IncidentQueries"/> and
/// <see cref="IncidentEditing"/>, through <see cref="AccessPolicy"/> (ArchitectureTests fails anywhere else).
/// </summary>
public static class IncidentData
{
    extension(RampartDb db)
    {
        public DbSet<Incident> Incidents => db.Set<Incident>();

        public DbSet<IncidentCountry> IncidentCountries => db.Set<IncidentCountry>();

        public DbSet<IncidentClassification> IncidentClassifications => db.Set<IncidentClassification>();

        public DbSet<IncidentTechnique> IncidentTechniques => db.Set<IncidentTechnique>();

        public DbSet<IncidentSequence> IncidentSequences => db.Set<IncidentSequence>();

        public DbSet<IncidentParticipant> IncidentParticipants => db.Set<IncidentParticipant>();

        public DbSet<IncidentJournalEntry> IncidentJournal => db.Set<IncidentJournalEntry>();

        public DbSet<IncidentTask> IncidentTasks => db.Set<IncidentTask>();

        public DbSet<IncidentTaskLog> IncidentTaskLog => db.Set<IncidentTaskLog>();
    }
}
