using Microsoft.EntityFrameworkCore;
using Rampart.Server.Incidents.Observables;

#pragma warning disable IDE0130
namespace Rampart.Server.Data;
#pragma warning restore IDE0130

/// <summary>The incident ↔ intelligence links; read only in <see cref="IncidentObservables"/> after the incident's access decision.</summary>
public static class IncidentObservableData
{
    extension(RampartDb db)
    {
        public DbSet<IncidentObservable> IncidentObservables => db.Set<IncidentObservable>();
    }
}
