using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rampart.Server.Intelligence.Store;

namespace Rampart.Server.Incidents.Observables;

/// <summary>
/// An intelligence object linked to an incident. The link is part of the incident (found only through the incident's access
/// decision); the object stays a record of its own, listed only when the access decision lets the viewer read it too.
/// </summary>
public sealed class IncidentObservable
{
    public long IncidentRecordId { get; set; }

    /// <summary>The <see cref="IntelObject"/> (one owner's copy of a STIX id).</summary>
    public long IntelRecordId { get; set; }

    /// <summary>True when the incident created the object from a value typed on it: its audience follows the incident's.</summary>
    public bool CreatedHere { get; set; }

    public Guid AddedByOrganisationId { get; set; }

    public Guid? AddedByUserId { get; set; }

    public DateTimeOffset AddedAt { get; set; }
}

internal sealed class IncidentObservableConfiguration : IEntityTypeConfiguration<IncidentObservable>
{
    public void Configure(EntityTypeBuilder<IncidentObservable> b)
    {
        b.ToTable("IncidentObservables");
        b.HasKey(l => new { l.IncidentRecordId, l.IntelRecordId });
        b.HasOne<Incident>().WithMany().HasForeignKey(l => l.IncidentRecordId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<IntelObject>().WithMany().HasForeignKey(l => l.IntelRecordId).OnDelete(DeleteBehavior.Cascade);
        // The other way round: which incidents link an object (correlations across incidents).
        b.HasIndex(l => new { l.IntelRecordId, l.IncidentRecordId });
    }
}
