using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rampart.Server.Access;

namespace Rampart.Server.Capacity.Training;

/// <summary>
/// The documented proficiency scale of a skill or knowledge item (docs on the ECSF page and in the OpenAPI description):
/// 0 none, 1 awareness (knows what it is), 2 basic (does it with guidance), 3 proficient (does it alone), 4 expert (leads and teaches it).
/// </summary>
public enum Proficiency : short
{
    None = 0,
    Awareness = 1,
    Basic = 2,
    Proficient = 3,
    Expert = 4,
}

/// <summary>Who rated a proficiency: the person (their own account) or a manager of the organisation.</summary>
public enum AssessedBy : short
{
    Self = 0,
    Manager = 1,
}

public enum CourseFormat : short
{
    InPerson = 0,
    Online = 1,
    Blended = 2,
    SelfPaced = 3,
}

public enum CourseLevel : short
{
    Basic = 0,
    Intermediate = 1,
    Advanced = 2,
}

public enum EnrolmentStatus : short
{
    Enrolled = 0,
    Attended = 1,
    Absent = 2,
}

/// <summary>
/// A person's training record (<see cref="RecordType.TrainingRecord"/>): a member of an organisation — with an account or
/// a named staff entry without one — with ECSF role profiles, proficiencies, enrolments and certificates. Personal data:
/// only a name and, optionally, the user it is; deleting it deletes everything hanging off it. Own organisation only.
/// </summary>
public sealed class TrainingPerson : IShareable
{
    public static RecordType Type => RecordType.TrainingRecord;

    public long RecordId { get; set; }

    public SharedRecord Record { get; set; } = null!;

    public Guid Id { get; set; }

    public Guid OrganisationId { get; set; }

    /// <summary>The user account this entry is, when it is one; null for a staff entry without an account.</summary>
    public Guid? UserId { get; set; }

    public required string Name { get; set; }

    /// <summary>The name as the picker matches it (<see cref="SearchKeys.Of"/>), set with the name on every write.</summary>
    public string NameKey { get; set; } = "";

    public required string FrameworkKey { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ModifiedAt { get; set; }

    /// <summary>
    /// When the consent to record the person's training and skills was given: the record is created on it (the creator
    /// confirms it). Records from before consent was stored carry their creation time.
    /// </summary>
    public DateTimeOffset ConsentGivenAt { get; set; }

    /// <summary>
    /// The user who recorded the consent: the person themself (creating their own linked record) or the writer of the
    /// organisation who recorded it on the person's word. Null for records created before consent was stored.
    /// </summary>
    public Guid? ConsentGivenBy { get; set; }

    public List<TrainingPersonProfile> Profiles { get; set; } = [];

    public List<TrainingProficiency> Proficiencies { get; set; } = [];
}

public sealed class TrainingPersonProfile
{
    public long PersonRecordId { get; set; }

    public required string FrameworkKey { get; set; }

    public required string ProfileId { get; set; }
}

public sealed class TrainingProficiency
{
    public long PersonRecordId { get; set; }

    public required string FrameworkKey { get; set; }

    public required string ItemId { get; set; }

    public Proficiency Level { get; set; }

    public AssessedBy AssessedBy { get; set; }

    public DateTimeOffset AssessedAt { get; set; }
}

/// <summary>A course of the catalogue (<see cref="RecordType.TrainingCourse"/>): own organisation, or the whole network when shared.</summary>
public sealed class TrainingCourse : IShareable
{
    public static RecordType Type => RecordType.TrainingCourse;

    public long RecordId { get; set; }

    public SharedRecord Record { get; set; } = null!;

    public Guid Id { get; set; }

    public Guid OrganisationId { get; set; }

    public required string Title { get; set; }

    public required string Provider { get; set; }

    public string? Description { get; set; }

    public CourseFormat Format { get; set; }

    public CourseLevel Level { get; set; }

    /// <summary>A language code from the node's list ("en", "sq", "sr-Latn" …).</summary>
    public required string Language { get; set; }

    public decimal Hours { get; set; }

    public bool Network { get; set; }

    public required string FrameworkKey { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ModifiedAt { get; set; }

    public List<TrainingCourseItem> Items { get; set; } = [];

    public List<TrainingCourseProfile> Profiles { get; set; } = [];

    public List<TrainingCourseParameter> Parameters { get; set; } = [];

    public List<TrainingCourseTopic> Topics { get; set; } = [];
}

/// <summary>A topic of a course in the catalogue, lower case ("incident handling", "rsit"): free words besides the ECSF and SIM3 mappings.</summary>
public sealed class TrainingCourseTopic
{
    public long CourseRecordId { get; set; }

    public required string Topic { get; set; }
}

/// <summary>A SIM3 parameter a course helps to raise ("O-8"): the same id in every SIM3 model version that has it.</summary>
public sealed class TrainingCourseParameter
{
    public long CourseRecordId { get; set; }

    public required string ParameterId { get; set; }
}

/// <summary>
/// A role the organisation needs: how many of its people should hold an ECSF profile at a level at least. Part of the
/// organisation's own skills matrix: read and written only by its members (writers change it).
/// </summary>
public sealed class TrainingNeed
{
    public Guid OrganisationId { get; set; }

    public required string FrameworkKey { get; set; }

    public required string ProfileId { get; set; }

    public int Count { get; set; }

    public Proficiency Level { get; set; }

    public DateTimeOffset ModifiedAt { get; set; }
}

public sealed class TrainingCourseItem
{
    public long CourseRecordId { get; set; }

    public required string FrameworkKey { get; set; }

    public required string ItemId { get; set; }
}

public sealed class TrainingCourseProfile
{
    public long CourseRecordId { get; set; }

    public required string FrameworkKey { get; set; }

    public required string ProfileId { get; set; }
}

/// <summary>A session of a course, read with its course; optionally delivered under a registry project the creator could read.</summary>
public sealed class TrainingSession
{
    public Guid Id { get; set; }

    public long CourseRecordId { get; set; }

    public DateOnly StartDate { get; set; }

    public DateOnly EndDate { get; set; }

    public bool Online { get; set; }

    public string? Place { get; set; }

    public string? Trainer { get; set; }

    public int? Capacity { get; set; }

    public Guid? ProjectId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A person's enrolment in a session, part of the person's record (its organisation sees it, the course's owner does not).</summary>
public sealed class TrainingEnrolment
{
    public long PersonRecordId { get; set; }

    public Guid SessionId { get; set; }

    public EnrolmentStatus Status { get; set; }

    public DateTimeOffset EnrolledAt { get; set; }
}

public sealed class TrainingCertificate
{
    public Guid Id { get; set; }

    /// <summary>
    /// The person's record; null for a certificate the node issued whose person withdrew their consent: it stays only as
    /// what the public check shows (the name as printed, course, date, issuer), so the holder's certificate still verifies.
    /// </summary>
    public long? PersonRecordId { get; set; }

    public required string Name { get; set; }

    public required string Issuer { get; set; }

    public string? Number { get; set; }

    public DateOnly IssuedOn { get; set; }

    public DateOnly? ExpiresOn { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>
    /// Set when the node issued the certificate for a completed session: the code printed on the PDF and checked on the
    /// public page <c>/verify/{code}</c> (20 characters of Crockford base32, 100 random bits). Null for a certificate
    /// recorded from elsewhere.
    /// </summary>
    public string? VerificationCode { get; set; }

    /// <summary>The person's name as printed on an issued certificate (what the public check shows; nothing else of the person).</summary>
    public string? PrintedName { get; set; }

    /// <summary>The completed session an issued certificate is for.</summary>
    public Guid? SessionId { get; set; }

    /// <summary>The organisation that issued it (the person's).</summary>
    public Guid? IssuerOrganisationId { get; set; }

    /// <summary>When it was revoked; the public check then answers "revoked".</summary>
    public DateTimeOffset? RevokedAt { get; set; }
}

/// <summary>Sizes and ranges of training fields.</summary>
public static class TrainingLimits
{
    public const int KeyLength = 64;
    public const int ItemIdLength = 16;
    public const int NameLength = 200;
    public const int TextLength = 4000;
    public const int LanguageLength = 16;
    public const int MaxProfiles = 12;
    public const int MaxItems = 400;
    public const decimal MaxHours = 2000m;
    public const int MaxCapacity = 10_000;
    public const int ExpiryWarningDays = 90;
    public const int CodeLength = 20;
    public const int ParameterIdLength = 16;
    public const int MaxParameters = 45;
    public const int TopicLength = 60;
    public const int MaxTopics = 20;
    public const int MaxNeededPeople = 1000;
}

internal sealed class TrainingPersonConfiguration : IEntityTypeConfiguration<TrainingPerson>
{
    public void Configure(EntityTypeBuilder<TrainingPerson> b)
    {
        b.ToTable("TrainingPeople");
        b.HasKey(p => p.RecordId);
        b.Property(p => p.RecordId).ValueGeneratedNever();
        b.HasOne(p => p.Record).WithOne().HasForeignKey<TrainingPerson>(p => p.RecordId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(p => p.Id).IsUnique();
        // One entry per account (NULLs, the staff entries without one, do not collide on either database).
        b.HasIndex(p => p.UserId).IsUnique();
        b.HasIndex(p => new { p.OrganisationId, p.RecordId });
        b.Property(p => p.Name).HasMaxLength(TrainingLimits.NameLength);
        b.Property(p => p.NameKey).HasMaxLength(TrainingLimits.NameLength);
        // Rows the upgrade's start-up step has still to fill (NameKey = '') are found by index.
        b.HasIndex(p => p.NameKey);
        b.Property(p => p.FrameworkKey).HasMaxLength(TrainingLimits.KeyLength);
        b.HasOne<EcsfFramework>().WithMany().HasForeignKey(p => p.FrameworkKey).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(p => p.Profiles).WithOne().HasForeignKey(x => x.PersonRecordId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(p => p.Proficiencies).WithOne().HasForeignKey(x => x.PersonRecordId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class TrainingPersonProfileConfiguration : IEntityTypeConfiguration<TrainingPersonProfile>
{
    public void Configure(EntityTypeBuilder<TrainingPersonProfile> b)
    {
        b.ToTable("TrainingPersonProfiles");
        b.HasKey(x => new { x.PersonRecordId, x.FrameworkKey, x.ProfileId });
        b.Property(x => x.FrameworkKey).HasMaxLength(TrainingLimits.KeyLength);
        b.Property(x => x.ProfileId).HasMaxLength(TrainingLimits.KeyLength);
        b.HasOne<EcsfProfile>().WithMany().HasForeignKey(x => new { x.FrameworkKey, x.ProfileId }).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => new { x.FrameworkKey, x.ProfileId, x.PersonRecordId });
    }
}

internal sealed class TrainingProficiencyConfiguration : IEntityTypeConfiguration<TrainingProficiency>
{
    public void Configure(EntityTypeBuilder<TrainingProficiency> b)
    {
        b.ToTable("TrainingProficiencies");
        b.HasKey(x => new { x.PersonRecordId, x.FrameworkKey, x.ItemId });
        b.Property(x => x.FrameworkKey).HasMaxLength(TrainingLimits.KeyLength);
        b.Property(x => x.ItemId).HasMaxLength(TrainingLimits.ItemIdLength);
        b.HasOne<EcsfItem>().WithMany().HasForeignKey(x => new { x.FrameworkKey, x.ItemId }).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class TrainingCourseConfiguration : IEntityTypeConfiguration<TrainingCourse>
{
    public void Configure(EntityTypeBuilder<TrainingCourse> b)
    {
        b.ToTable("TrainingCourses");
        b.HasKey(c => c.RecordId);
        b.Property(c => c.RecordId).ValueGeneratedNever();
        b.HasOne(c => c.Record).WithOne().HasForeignKey<TrainingCourse>(c => c.RecordId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(c => c.Id).IsUnique();
        b.Property(c => c.Title).HasMaxLength(TrainingLimits.NameLength);
        b.Property(c => c.Provider).HasMaxLength(TrainingLimits.NameLength);
        b.Property(c => c.Description).HasMaxLength(TrainingLimits.TextLength);
        b.Property(c => c.Language).HasMaxLength(TrainingLimits.LanguageLength);
        b.Property(c => c.Hours).HasPrecision(7, 2);
        b.Property(c => c.FrameworkKey).HasMaxLength(TrainingLimits.KeyLength);
        b.HasOne<EcsfFramework>().WithMany().HasForeignKey(c => c.FrameworkKey).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(c => c.Items).WithOne().HasForeignKey(x => x.CourseRecordId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(c => c.Profiles).WithOne().HasForeignKey(x => x.CourseRecordId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(c => c.Parameters).WithOne().HasForeignKey(x => x.CourseRecordId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(c => c.Topics).WithOne().HasForeignKey(x => x.CourseRecordId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class TrainingCourseTopicConfiguration : IEntityTypeConfiguration<TrainingCourseTopic>
{
    public void Configure(EntityTypeBuilder<TrainingCourseTopic> b)
    {
        b.ToTable("TrainingCourseTopics");
        b.HasKey(x => new { x.CourseRecordId, x.Topic });
        b.Property(x => x.Topic).HasMaxLength(TrainingLimits.TopicLength);
        // "Which courses are about this topic" (the catalogue's topic filter).
        b.HasIndex(x => new { x.Topic, x.CourseRecordId });
    }
}

internal sealed class TrainingCourseParameterConfiguration : IEntityTypeConfiguration<TrainingCourseParameter>
{
    public void Configure(EntityTypeBuilder<TrainingCourseParameter> b)
    {
        b.ToTable("TrainingCourseParameters");
        b.HasKey(x => new { x.CourseRecordId, x.ParameterId });
        b.Property(x => x.ParameterId).HasMaxLength(TrainingLimits.ParameterIdLength);
        // "Which courses address this SIM3 parameter" (the gap list of an assessment or plan).
        b.HasIndex(x => new { x.ParameterId, x.CourseRecordId });
    }
}

internal sealed class TrainingNeedConfiguration : IEntityTypeConfiguration<TrainingNeed>
{
    public void Configure(EntityTypeBuilder<TrainingNeed> b)
    {
        b.ToTable("TrainingNeeds");
        b.HasKey(x => new { x.OrganisationId, x.FrameworkKey, x.ProfileId });
        b.Property(x => x.FrameworkKey).HasMaxLength(TrainingLimits.KeyLength);
        b.Property(x => x.ProfileId).HasMaxLength(TrainingLimits.KeyLength);
        b.HasOne<EcsfProfile>().WithMany().HasForeignKey(x => new { x.FrameworkKey, x.ProfileId }).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class TrainingCourseItemConfiguration : IEntityTypeConfiguration<TrainingCourseItem>
{
    public void Configure(EntityTypeBuilder<TrainingCourseItem> b)
    {
        b.ToTable("TrainingCourseItems");
        b.HasKey(x => new { x.CourseRecordId, x.FrameworkKey, x.ItemId });
        b.Property(x => x.FrameworkKey).HasMaxLength(TrainingLimits.KeyLength);
        b.Property(x => x.ItemId).HasMaxLength(TrainingLimits.ItemIdLength);
        b.HasOne<EcsfItem>().WithMany().HasForeignKey(x => new { x.FrameworkKey, x.ItemId }).OnDelete(DeleteBehavior.Restrict);
        // "Which courses address this gap": from the item to the courses, newest first.
        b.HasIndex(x => new { x.FrameworkKey, x.ItemId, x.CourseRecordId });
    }
}

internal sealed class TrainingCourseProfileConfiguration : IEntityTypeConfiguration<TrainingCourseProfile>
{
    public void Configure(EntityTypeBuilder<TrainingCourseProfile> b)
    {
        b.ToTable("TrainingCourseProfiles");
        b.HasKey(x => new { x.CourseRecordId, x.FrameworkKey, x.ProfileId });
        b.Property(x => x.FrameworkKey).HasMaxLength(TrainingLimits.KeyLength);
        b.Property(x => x.ProfileId).HasMaxLength(TrainingLimits.KeyLength);
        b.HasOne<EcsfProfile>().WithMany().HasForeignKey(x => new { x.FrameworkKey, x.ProfileId }).OnDelete(DeleteBehavior.Restrict);
        // GET /courses?profile= filters on the profile id alone (as ?topic= and ?item= have their own indexes).
        b.HasIndex(x => new { x.ProfileId, x.CourseRecordId });
    }
}

internal sealed class TrainingSessionConfiguration : IEntityTypeConfiguration<TrainingSession>
{
    public void Configure(EntityTypeBuilder<TrainingSession> b)
    {
        b.ToTable("TrainingSessions");
        b.HasKey(s => s.Id);
        b.Property(s => s.Id).ValueGeneratedNever();
        b.Property(s => s.Place).HasMaxLength(TrainingLimits.NameLength);
        b.Property(s => s.Trainer).HasMaxLength(TrainingLimits.NameLength);
        b.HasOne<TrainingCourse>().WithMany().HasForeignKey(s => s.CourseRecordId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(s => new { s.CourseRecordId, s.Id });
        // "Which sessions were delivered under this registry project" (the project's page), in date order.
        b.HasIndex(s => new { s.ProjectId, s.StartDate, s.Id });
    }
}

internal sealed class TrainingEnrolmentConfiguration : IEntityTypeConfiguration<TrainingEnrolment>
{
    public void Configure(EntityTypeBuilder<TrainingEnrolment> b)
    {
        b.ToTable("TrainingEnrolments");
        b.HasKey(e => new { e.PersonRecordId, e.SessionId });
        b.HasOne<TrainingPerson>().WithMany().HasForeignKey(e => e.PersonRecordId).OnDelete(DeleteBehavior.Cascade);
        // A session with attendance on anyone's record is not deleted from under it (409).
        b.HasOne<TrainingSession>().WithMany().HasForeignKey(e => e.SessionId).OnDelete(DeleteBehavior.Restrict);
        // A session's seats in order (the course owner's seat list pages by person record).
        b.HasIndex(e => new { e.SessionId, e.PersonRecordId });
    }
}

internal sealed class TrainingCertificateConfiguration : IEntityTypeConfiguration<TrainingCertificate>
{
    public void Configure(EntityTypeBuilder<TrainingCertificate> b)
    {
        b.ToTable("TrainingCertificates");
        b.HasKey(c => c.Id);
        b.Property(c => c.Id).ValueGeneratedNever();
        b.Property(c => c.Name).HasMaxLength(TrainingLimits.NameLength);
        b.Property(c => c.Issuer).HasMaxLength(TrainingLimits.NameLength);
        b.Property(c => c.Number).HasMaxLength(TrainingLimits.NameLength);
        // Deleting a record removes its certificates explicitly (TrainingEditing); withdrawal keeps the issued ones detached.
        b.HasOne<TrainingPerson>().WithMany().HasForeignKey(c => c.PersonRecordId).OnDelete(DeleteBehavior.SetNull);
        b.HasIndex(c => new { c.PersonRecordId, c.IssuedOn });
        b.HasIndex(c => new { c.PersonRecordId, c.ExpiresOn });
        b.Property(c => c.VerificationCode).HasMaxLength(TrainingLimits.CodeLength);
        b.Property(c => c.PrintedName).HasMaxLength(TrainingLimits.NameLength);
        b.HasIndex(c => c.VerificationCode).IsUnique();
    }
}
