using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rampart.Server.Organisations;
using Rampart.Standards.Markings;

namespace Rampart.Server.Access;

/// <summary>The kinds of shareable record. Stored as a number: never renumber, only add.</summary>
public enum RecordType : short
{
    Note = 1,

    /// <summary>A STIX 2.1 object of the intelligence store (<c>Intelligence/Store/IntelObject</c>).</summary>
    StixObject = 2,

    /// <summary>A STIX 2.1 sighting reported by an organisation (<c>Intelligence/Sightings/IntelSighting</c>).</summary>
    Sighting = 3,

    /// <summary>A cross-border incident (<c>Incidents/Incident</c>), with its journal, tasks and participants. 20, not 4: room for the types other work adds meanwhile.</summary>
    Incident = 20,

    /// <summary>An incident report received by the node's intake team (<c>Incidents/Reports/IncidentReport</c>).</summary>
    IncidentReport = 21,

    /// <summary>A peer node's incident in which an organisation of this node takes part: its read-only copy (<c>Incidents/Peers/PeerIncident</c>), ADR 17.</summary>
    PeerIncident = 22,

    /// <summary>A capacity-building project of the registry (<c>Capacity/Projects/CapacityProject</c>).</summary>
    CapacityProject = 30,

    /// <summary>An expert's profile in the directory, while they consent (<c>Capacity/Experts/ExpertProfile</c>).</summary>
    ExpertProfile = 31,

    /// <summary>A SIM3 maturity assessment (<c>Capacity/Maturity/MaturityAssessment</c>), issue 12.</summary>
    MaturityAssessment = 12,

    /// <summary>A maturity target profile (<c>Capacity/Maturity/MaturityProfile</c>), issue 12.</summary>
    MaturityProfile = 13,

    /// <summary>A capacity-building or cyber-hygiene plan (<c>Capacity/Plans/CapacityPlan</c>), issue 12.</summary>
    CapacityPlan = 14,
    /// <summary>A person's training record: ECSF profiles, proficiencies, enrolments, certificates (<c>Capacity/Training/TrainingPerson</c>), issue 12.</summary>
    TrainingRecord = 15,

    /// <summary>A course of the training catalogue, with its sessions (<c>Capacity/Training/TrainingCourse</c>), issue 12.</summary>
    TrainingCourse = 16,
}

/// <summary>
/// The distribution envelope of one shareable row, whatever its type: a surrogate key (unique across
/// types, so no type has to assume its own ids are), custodian, provenance, TLP and publication.
/// Who receives it is the set of <see cref="AccessGrant"/> rows written with it.
/// </summary>
public sealed class SharedRecord
{
    /// <summary>Surrogate key, assigned by the database; increases with creation, so it is also the list order.</summary>
    public long Id { get; set; }

    public RecordType RecordType { get; set; }

    /// <summary>The custodian: the organisation that decides who may see the record.</summary>
    public Guid OwnerOrganisationId { get; set; }

    /// <summary>Provenance: the organisation whose user created the record.</summary>
    public Guid CreatorOrganisationId { get; set; }

    public Tlp Tlp { get; set; }

    /// <summary>Shown to people who are not logged in. Only ever true for TLP:CLEAR.</summary>
    public bool Published { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// A record that carries a <see cref="SharedRecord"/> envelope (by a foreign key to it) and is read only
/// through <see cref="AccessPolicy"/>.
/// </summary>
public interface IShareable
{
    /// <summary>The type every row of this entity has in <see cref="SharedRecord.RecordType"/>.</summary>
    static abstract RecordType Type { get; }

    /// <summary>The key of the envelope row in <c>SharedRecords</c>.</summary>
    long RecordId { get; }

    SharedRecord Record { get; }
}

internal sealed class SharedRecordConfiguration : IEntityTypeConfiguration<SharedRecord>
{
    public void Configure(EntityTypeBuilder<SharedRecord> b)
    {
        b.ToTable("SharedRecords");
        b.Property(r => r.Id).ValueGeneratedOnAdd();
        b.HasOne<Organisation>().WithMany().HasForeignKey(r => r.OwnerOrganisationId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Organisation>().WithMany().HasForeignKey(r => r.CreatorOrganisationId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(r => new { r.OwnerOrganisationId, r.RecordType, r.Id });
        // A search or export by TLP walks one type's records of one level newest first (a seek, not a scan of every envelope).
        b.HasIndex(r => new { r.RecordType, r.Tlp, r.Id });
    }
}
