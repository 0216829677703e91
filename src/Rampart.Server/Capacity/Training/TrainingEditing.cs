using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Capacity.Projects;
using Rampart.Server.Data;
using Rampart.Server.Hosting;
using Rampart.Server.Validation;
using Rampart.Standards.Markings;

namespace Rampart.Server.Capacity.Training;

/// <summary>A person's entry: a name, optionally the account it is (a user of the caller's organisation), ECSF profile ids, and the confirmation that the person agreed to be recorded.</summary>
public sealed record PersonRequest(string? Name, Guid? UserId = null, IReadOnlyList<string?>? Profiles = null, bool? Consent = null);

/// <summary>One proficiency: an ECSF skill or knowledge item id and a level on the 0–4 scale; a null level removes the rating.</summary>
public sealed record RatingRequest(string? ItemId, int? Level);

public sealed record SkillsRequest(IReadOnlyList<RatingRequest?>? Ratings);

public sealed record CourseRequest(
    string? Title,
    string? Provider,
    CourseFormat? Format,
    string? Language,
    decimal? Hours,
    CourseLevel? Level = null,
    string? Description = null,
    IReadOnlyList<string?>? Items = null,
    IReadOnlyList<string?>? Profiles = null,
    bool? Network = null,
    IReadOnlyList<string?>? Parameters = null,
    IReadOnlyList<string?>? Topics = null,
    bool? Confirm = null);

public sealed record SessionRequest(DateOnly? StartDate, DateOnly? EndDate, bool? Online = null, string? Place = null, string? Trainer = null, int? Capacity = null, Guid? ProjectId = null);

public sealed record EnrolmentRequest(Guid? SessionId, EnrolmentStatus? Status = null);

public sealed record CertificateRequest(string? Name, string? Issuer, string? Number, DateOnly? IssuedOn, DateOnly? ExpiresOn = null);

/// <summary>Issue a certificate for a completed (attended, ended) session: the name as it is to be printed (default: the person's name).</summary>
public sealed record IssueRequest(Guid? SessionId, string? PrintedName = null);

/// <summary>A role the organisation needs: an ECSF profile, how many people, at which level at least (1–4, default 3).</summary>
public sealed record NeedRequest(string? ProfileId, int? Count, int? Level = null);

public sealed record NeedsRequest(IReadOnlyList<NeedRequest?>? Needs);

/// <summary>
/// Every write of training records and courses: checks everything first, then changes, audits and saves once, so a bad
/// request changes nothing. People are records of their own organisation only (TLP:AMBER+STRICT, no audience); a
/// course is its organisation's, or the network's when shared (TLP:GREEN, network audience).
/// </summary>
public sealed class TrainingEditing(RampartDb db, AccessPolicy access, SharingStore sharing, IPeopleDirectory people, ProjectQueries projects, AuditTrail audit, TimeProvider clock,
    Microsoft.AspNetCore.DataProtection.IDataProtectionProvider protection)
{
    /// <summary>Start-up step: the name keys of people recorded before the PickerNameKeys migration (<see cref="NameKeyBackfill"/>).</summary>
    public static Task BackfillNameKeysAsync(RampartDb db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return NameKeyBackfill.FillAsync(
            after => db.TrainingPeople.AsNoTracking().Where(p => p.NameKey == "" && p.RecordId > after).OrderBy(p => p.RecordId)
                .Select(p => new NameKeyBackfill.Row(p.RecordId, p.Name)).Take(NameKeyBackfill.Batch).ToListAsync(cancellationToken),
            (row, key) => db.TrainingPeople.Where(p => p.RecordId == row.RecordId && p.NameKey == "" && p.Name == row.Name)
                .ExecuteUpdateAsync(set => set.SetProperty(p => p.NameKey, key), cancellationToken),
            TrainingLimits.NameLength, db, cancellationToken);
    }

    private static readonly HashSet<string> CultureNames = CultureInfo.GetCultures(CultureTypes.AllCultures)
        .Select(c => c.Name).Where(n => n.Length > 0).ToHashSet(StringComparer.OrdinalIgnoreCase);

    public async Task<TrainingPerson> CreatePersonAsync(Caller caller, PersonRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        EnsureCanCreate(caller);
        var errors = new RequestErrors();
        var profileIds = await ValidatePersonAsync(caller, request, null, errors, cancellationToken);
        if (request.Consent != true)
        {
            errors.Add("consent", "Confirm that the person agreed to have their training and skills recorded (consent: true).");
        }

        errors.ThrowIfAny();
        var now = clock.GetUtcNow();
        var record = NewRecord(caller, now, TrainingPerson.Type);
        var person = new TrainingPerson
        {
            Record = record, Id = Guid.CreateVersion7(now), OrganisationId = caller.OrganisationId, UserId = request.UserId, Name = request.Name!.Trim(),
            NameKey = SearchKeys.Of(request.Name!.Trim(), TrainingLimits.NameLength), FrameworkKey = EcsfSource.V1, CreatedAt = now, ModifiedAt = now,
            // The writer creating the record confirms the consent: their own when the record is their account's, otherwise on the person's word.
            ConsentGivenAt = now, ConsentGivenBy = caller.UserId == Guid.Empty ? null : caller.UserId,
            Profiles = profileIds.Select(p => new TrainingPersonProfile { FrameworkKey = EcsfSource.V1, ProfileId = p }).ToList(),
        };
        db.SharedRecords.Add(record);
        db.TrainingPeople.Add(person);
        await sharing.ApplyAsync(record, Tlp.AmberStrict, [], published: false, cancellationToken);
        audit.Record(AuditEvent.TrainingPersonCreated, caller, $"training-person:{person.Id}", detail: request.UserId is null ? "staff entry" : "account");
        await SaveAsync(cancellationToken);
        return person;
    }

    /// <summary>Changes name, account link and profiles; null when not readable.</summary>
    public async Task<TrainingPerson?> UpdatePersonAsync(Caller caller, Guid id, PersonRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var person = await WritablePersonAsync(caller, id, manage: true, cancellationToken);
        if (person is null)
        {
            return null;
        }

        var errors = new RequestErrors();
        var profileIds = await ValidatePersonAsync(caller, request, person.RecordId, errors, cancellationToken);
        // Another account is another person's "My skills": their own consent is recorded anew (audit review s15 #3).
        var relinked = request.UserId is not null && request.UserId != person.UserId;
        if (relinked && request.Consent != true)
        {
            errors.Add("consent", "Linking the record to an account gives that person its skills and consent: confirm that they agreed (consent: true).");
        }

        errors.ThrowIfAny();
        var now = clock.GetUtcNow();
        var unlinked = person.UserId is not null && request.UserId != person.UserId;
        person.Name = request.Name!.Trim();
        person.NameKey = SearchKeys.Of(person.Name, TrainingLimits.NameLength);
        person.UserId = request.UserId;
        person.ModifiedAt = now;
        if (relinked)
        {
            person.ConsentGivenAt = now;
            person.ConsentGivenBy = caller.UserId == Guid.Empty ? null : caller.UserId;
        }

        person.Profiles.RemoveAll(p => !profileIds.Contains(p.ProfileId));
        person.Profiles.AddRange(profileIds.Where(p => person.Profiles.All(x => x.ProfileId != p))
            .Select(p => new TrainingPersonProfile { FrameworkKey = person.FrameworkKey, ProfileId = p }));
        audit.Record(AuditEvent.TrainingPersonChanged, caller, $"training-person:{person.Id}",
            detail: relinked ? "account linked, consent recorded" : unlinked ? "account unlinked" : null);
        await SaveAsync(cancellationToken);
        return person;
    }

    /// <summary>Deletes the person's record with proficiencies, enrolments and certificates (the personal data is gone); false when not readable.</summary>
    public async Task<bool> DeletePersonAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        var person = await WritablePersonAsync(caller, id, manage: true, cancellationToken);
        if (person is null)
        {
            return false;
        }

        var recordId = person.RecordId;
        db.TrainingCertificates.RemoveRange(await db.TrainingCertificates.Where(c => c.PersonRecordId == recordId).ToListAsync(cancellationToken));
        db.SharedRecords.Remove(person.Record);
        audit.Record(AuditEvent.TrainingPersonDeleted, caller, $"training-person:{person.Id}");
        await db.SaveChangesAsync(cancellationToken);
        await DeleteDetachedRecordedCertificatesAsync(cancellationToken);
        return true;
    }

    // A certificate recorded from elsewhere while its person was being deleted is detached by the database (SET NULL) and
    // could be reached by nobody: it is personal data of a deleted record and goes too (audit review s15 #4). Issued
    // certificates detached this way stay: they are what the public check answers.
    private Task<int> DeleteDetachedRecordedCertificatesAsync(CancellationToken cancellationToken) =>
        db.TrainingCertificates.Where(c => c.PersonRecordId == null && c.VerificationCode == null).ExecuteDeleteAsync(cancellationToken);

    /// <summary>
    /// The person withdraws their consent: their own record (the one linked to the caller's account) is deleted in one
    /// transaction with its role profiles, proficiencies, enrolments and recorded certificates — gone from the people list,
    /// the skills matrix, coverage and the training record at once. Certificates the node issued stay only as what their
    /// public check shows (name as printed, course, date, issuer), detached from any record, so the person's certificate
    /// still verifies. False when the caller has no readable record of their own.
    /// </summary>
    public async Task<bool> WithdrawConsentAsync(Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.IsAuthenticated || caller.IsOperator || caller.UserId == Guid.Empty)
        {
            return false;
        }

        var userId = caller.UserId;
        var person = await access.Readable(db.TrainingPeople.Include(p => p.Record), caller).FirstOrDefaultAsync(p => p.UserId == userId, cancellationToken);
        if (person is null)
        {
            return false;
        }

        if (caller.ReadOnly)
        {
            throw new ForbiddenException("A read-only key does not withdraw consent; log in as yourself.");
        }

        var recordId = person.RecordId;
        var certificates = await db.TrainingCertificates.Where(c => c.PersonRecordId == recordId).ToListAsync(cancellationToken);
        db.TrainingCertificates.RemoveRange(certificates.Where(c => c.VerificationCode is null));
        foreach (var issued in certificates.Where(c => c.VerificationCode is not null))
        {
            issued.PersonRecordId = null;
            issued.PrintedName ??= person.Name;
        }

        db.SharedRecords.Remove(person.Record);
        audit.Record(AuditEvent.TrainingConsentWithdrawn, caller, $"training-person:{person.Id}", detail: $"{certificates.Count(c => c.VerificationCode is not null)} issued certificates kept verifiable");
        await db.SaveChangesAsync(cancellationToken);
        await DeleteDetachedRecordedCertificatesAsync(cancellationToken);
        return true;
    }

    /// <summary>Rates proficiencies (skill and knowledge items of the person's framework); by the person themself or a writer of their organisation. Null when not readable.</summary>
    public async Task<TrainingPerson?> RateAsync(Caller caller, Guid id, SkillsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var person = await WritablePersonAsync(caller, id, manage: false, cancellationToken);
        if (person is null)
        {
            return null;
        }

        var errors = new RequestErrors();
        var ratings = request.Ratings ?? [];
        if (request.Ratings is null || ratings.Count == 0)
        {
            errors.Add("ratings", "At least one rating: { \"itemId\": \"S-001\", \"level\": 0..4 }.");
        }
        else if (ratings.Count > TrainingLimits.MaxItems)
        {
            errors.Add("ratings", $"At most {TrainingLimits.MaxItems} ratings at once.");
        }

        errors.ThrowIfAny();
        var ids = ratings.Select(r => r?.ItemId ?? "").Distinct(StringComparer.Ordinal).ToList();
        var known = await RateableItemsAsync(person.FrameworkKey, ids, cancellationToken);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < ratings.Count; i++)
        {
            var r = ratings[i];
            if (r?.ItemId is not { } itemId || !known.Contains(itemId))
            {
                errors.Add($"ratings[{i}].itemId", $"Not a skill or knowledge item of {person.FrameworkKey} (for example S-001 or K-001).");
            }
            else if (!seen.Add(itemId))
            {
                errors.Add($"ratings[{i}].itemId", "Rated twice in one request.");
            }

            if (r?.Level is { } level && (level < 0 || level > 4))
            {
                errors.Add($"ratings[{i}].level", "0 (none), 1 (awareness), 2 (basic), 3 (proficient) or 4 (expert); null removes the rating.");
            }
        }

        errors.ThrowIfAny();
        var now = clock.GetUtcNow();
        var by = caller.UserId == person.UserId ? AssessedBy.Self : AssessedBy.Manager;
        foreach (var r in ratings)
        {
            var existing = person.Proficiencies.FirstOrDefault(p => p.ItemId == r!.ItemId);
            if (r!.Level is not { } level)
            {
                if (existing is not null)
                {
                    person.Proficiencies.Remove(existing);
                }
            }
            else if (existing is not null)
            {
                existing.Level = (Proficiency)level;
                existing.AssessedBy = by;
                existing.AssessedAt = now;
            }
            else
            {
                person.Proficiencies.Add(new TrainingProficiency { FrameworkKey = person.FrameworkKey, ItemId = r.ItemId!, Level = (Proficiency)level, AssessedBy = by, AssessedAt = now });
            }
        }

        person.ModifiedAt = now;
        audit.Record(AuditEvent.TrainingSkillsRated, caller, $"training-person:{person.Id}", detail: $"{by} {ratings.Count}");
        await db.SaveChangesAsync(cancellationToken);
        return person;
    }

    public async Task<TrainingCourse> CreateCourseAsync(Caller caller, CourseRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        EnsureCanCreate(caller);
        var errors = new RequestErrors();
        var (items, profiles) = await ValidateCourseAsync(request, errors, cancellationToken);
        var parameters = await ValidateParametersAsync(request.Parameters, errors, cancellationToken);
        var topics = ValidateTopics(request.Topics, errors);
        errors.ThrowIfAny();
        var now = clock.GetUtcNow();
        var record = NewRecord(caller, now, TrainingCourse.Type);
        var course = new TrainingCourse
        {
            Record = record, Id = Guid.CreateVersion7(now), OrganisationId = caller.OrganisationId, Title = "", Provider = "", Language = "", FrameworkKey = EcsfSource.V1,
            CreatedAt = now,
        };
        Apply(course, request, items, profiles, now);
        ApplyParameters(course, parameters);
        ApplyTopics(course, topics);
        db.SharedRecords.Add(record);
        db.TrainingCourses.Add(course);
        await ShareCourseAsync(caller, course, cancellationToken);
        audit.Record(AuditEvent.TrainingCourseCreated, caller, $"training-course:{course.Id}", detail: course.Network ? "network" : "organisation");
        await db.SaveChangesAsync(cancellationToken);
        return course;
    }

    public async Task<TrainingCourse?> UpdateCourseAsync(Caller caller, Guid id, CourseRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var course = await WritableCourseAsync(caller, id, cancellationToken);
        if (course is null)
        {
            return null;
        }

        var errors = new RequestErrors();
        var (items, profiles) = await ValidateCourseAsync(request, errors, cancellationToken);
        var parameters = await ValidateParametersAsync(request.Parameters, errors, cancellationToken);
        var topics = ValidateTopics(request.Topics, errors);
        if (request.Network == true && !course.Network && request.Confirm != true)
        {
            // Widening, as for incidents, plans and assessments: the organisation's course becomes the network's (TLP:GREEN).
            errors.Add("confirm", "Sharing the course with the whole network widens who reads it: send confirm: true.");
        }

        errors.ThrowIfAny();
        Apply(course, request, items, profiles, clock.GetUtcNow());
        ApplyParameters(course, parameters);
        ApplyTopics(course, topics);
        await ShareCourseAsync(caller, course, cancellationToken);
        audit.Record(AuditEvent.TrainingCourseChanged, caller, $"training-course:{course.Id}", detail: course.Network ? "network" : "organisation");
        await db.SaveChangesAsync(cancellationToken);
        return course;
    }

    /// <summary>Deletes a course and its sessions; a course with enrolments on anyone's record is a 409 (their history would change).</summary>
    public async Task<bool> DeleteCourseAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        var course = await WritableCourseAsync(caller, id, cancellationToken);
        if (course is null)
        {
            return false;
        }

        var recordId = course.RecordId;
        var sessions = db.TrainingSessions;
        if (await db.TrainingEnrolments.AnyAsync(e => sessions.Any(s => s.Id == e.SessionId && s.CourseRecordId == recordId), cancellationToken))
        {
            throw new ConflictException("People are enrolled in sessions of this course; it stays in their training records. Remove the enrolments first.");
        }

        db.SharedRecords.Remove(course.Record);
        audit.Record(AuditEvent.TrainingCourseDeleted, caller, $"training-course:{course.Id}");
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>Adds a session to a course the caller's organisation owns; null when the course is not readable.</summary>
    public async Task<TrainingSession?> AddSessionAsync(Caller caller, Guid courseId, SessionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var course = await WritableCourseAsync(caller, courseId, cancellationToken);
        if (course is null)
        {
            return null;
        }

        var errors = new RequestErrors();
        CheckDate("startDate", request.StartDate, required: true, errors);
        CheckDate("endDate", request.EndDate, required: true, errors);
        if (request.StartDate is { } start && request.EndDate is { } end && !errors.Has("startDate") && !errors.Has("endDate") && end < start)
        {
            errors.Add("endDate", "On or after the start date.");
        }

        errors.SingleLine("place", request.Place, TrainingLimits.NameLength, required: request.Online != true);
        errors.SingleLine("trainer", request.Trainer, TrainingLimits.NameLength, required: false);
        if (request.Capacity is { } capacity && (capacity < 1 || capacity > TrainingLimits.MaxCapacity))
        {
            errors.Add("capacity", $"From 1 to {TrainingLimits.MaxCapacity} participants, or none for no limit.");
        }

        // A project the caller may not read does not exist for them: the same answer as an unknown id.
        if (request.ProjectId is { } projectId && await projects.FindAsync(caller, projectId, cancellationToken) is null)
        {
            errors.Add("projectId", "No capacity-building project with this id that you may read.");
        }

        errors.ThrowIfAny();
        var now = clock.GetUtcNow();
        var session = new TrainingSession
        {
            Id = Guid.CreateVersion7(now), CourseRecordId = course.RecordId, StartDate = request.StartDate!.Value, EndDate = request.EndDate!.Value,
            Online = request.Online ?? false, Place = Trimmed(request.Place), Trainer = Trimmed(request.Trainer), Capacity = request.Capacity, ProjectId = request.ProjectId, CreatedAt = now,
        };
        db.TrainingSessions.Add(session);
        audit.Record(AuditEvent.TrainingSessionCreated, caller, $"training-session:{session.Id}", detail: $"course {course.Id}");
        await db.SaveChangesAsync(cancellationToken);
        return session;
    }

    /// <summary>Deletes a session of the caller's course; 409 while anyone is enrolled. False when not readable.</summary>
    public async Task<bool> DeleteSessionAsync(Caller caller, Guid sessionId, CancellationToken cancellationToken)
    {
        var session = await db.TrainingSessions.FirstOrDefaultAsync(s => s.Id == sessionId, cancellationToken);
        var course = session is null ? null : await access.Readable(db.TrainingCourses.Include(c => c.Record), caller).FirstOrDefaultAsync(c => c.RecordId == session.CourseRecordId, cancellationToken);
        if (session is null || course is null)
        {
            return false;
        }

        EnsureCanWrite(caller, course.Record);
        if (await db.TrainingEnrolments.AnyAsync(e => e.SessionId == sessionId, cancellationToken))
        {
            throw new ConflictException("People are enrolled in this session; it stays in their training records.");
        }

        db.TrainingSessions.Remove(session);
        audit.Record(AuditEvent.TrainingSessionDeleted, caller, $"training-session:{session.Id}");
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>Enrols a person in a session the caller may read, or changes the attendance; null when the person is not readable.</summary>
    public async Task<TrainingEnrolment?> EnrolAsync(Caller caller, Guid personId, EnrolmentRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var person = await WritablePersonAsync(caller, personId, manage: true, cancellationToken);
        if (person is null)
        {
            return null;
        }

        var errors = new RequestErrors();
        var status = request.Status ?? EnrolmentStatus.Enrolled;
        if (!Enum.IsDefined(status))
        {
            errors.Add("status", "enrolled, attended or absent.");
        }

        TrainingSession? session = null;
        if (request.SessionId is not { } sessionId)
        {
            errors.Add("sessionId", "Required: the session.");
        }
        else
        {
            session = await db.TrainingSessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sessionId, cancellationToken);
            var readable = session is not null && await access.Readable(db.TrainingCourses.AsNoTracking(), caller).AnyAsync(c => c.RecordId == session.CourseRecordId, cancellationToken);
            if (!readable)
            {
                errors.Add("sessionId", "No session of a course you may read.");
                session = null;
            }
        }

        errors.ThrowIfAny();
        var existing = await db.TrainingEnrolments.FirstOrDefaultAsync(e => e.PersonRecordId == person.RecordId && e.SessionId == session!.Id, cancellationToken);
        if (status != EnrolmentStatus.Enrolled && session!.StartDate > Today)
        {
            throw RequestErrors.One("status", "Attendance is recorded once the session has started.");
        }

        if (existing is null)
        {
            if (session!.Capacity is { } capacity && await db.TrainingEnrolments.CountAsync(e => e.SessionId == session.Id, cancellationToken) >= capacity)
            {
                throw new ConflictException("The session is full.");
            }

            existing = new TrainingEnrolment { PersonRecordId = person.RecordId, SessionId = session.Id, Status = status, EnrolledAt = clock.GetUtcNow() };
            db.TrainingEnrolments.Add(existing);
        }
        else
        {
            existing.Status = status;
        }

        audit.Record(AuditEvent.TrainingEnrolmentSaved, caller, $"training-person:{person.Id}", detail: $"session {session!.Id} {status}");
        await db.SaveChangesAsync(cancellationToken);
        return existing;
    }

    public async Task<bool> RemoveEnrolmentAsync(Caller caller, Guid personId, Guid sessionId, CancellationToken cancellationToken)
    {
        var person = await WritablePersonAsync(caller, personId, manage: true, cancellationToken);
        var enrolment = person is null ? null : await db.TrainingEnrolments.FirstOrDefaultAsync(e => e.PersonRecordId == person.RecordId && e.SessionId == sessionId, cancellationToken);
        if (enrolment is null)
        {
            return false;
        }

        db.TrainingEnrolments.Remove(enrolment);
        audit.Record(AuditEvent.TrainingEnrolmentRemoved, caller, $"training-person:{person!.Id}", detail: $"session {sessionId}");
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    public async Task<TrainingCertificate?> AddCertificateAsync(Caller caller, Guid personId, CertificateRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var person = await WritablePersonAsync(caller, personId, manage: true, cancellationToken);
        if (person is null)
        {
            return null;
        }

        var errors = new RequestErrors();
        errors.SingleLine("name", request.Name, TrainingLimits.NameLength);
        errors.SingleLine("issuer", request.Issuer, TrainingLimits.NameLength);
        errors.SingleLine("number", request.Number, TrainingLimits.NameLength, required: false);
        CheckDate("issuedOn", request.IssuedOn, required: true, errors);
        if (request.IssuedOn > Today.AddDays(1))
        {
            errors.Add("issuedOn", "Not in the future.");
        }

        CheckDate("expiresOn", request.ExpiresOn, required: false, errors);
        if (request.ExpiresOn is { } expires && request.IssuedOn is { } issued && expires <= issued)
        {
            errors.Add("expiresOn", "After the issue date.");
        }

        errors.ThrowIfAny();
        var now = clock.GetUtcNow();
        var certificate = new TrainingCertificate
        {
            Id = Guid.CreateVersion7(now), PersonRecordId = person.RecordId, Name = request.Name!.Trim(), Issuer = request.Issuer!.Trim(), Number = Trimmed(request.Number),
            IssuedOn = request.IssuedOn!.Value, ExpiresOn = request.ExpiresOn, CreatedAt = now,
        };
        db.TrainingCertificates.Add(certificate);
        audit.Record(AuditEvent.TrainingCertificateAdded, caller, $"training-person:{person.Id}", detail: $"certificate {certificate.Id}");
        await db.SaveChangesAsync(cancellationToken);
        return certificate;
    }

    public async Task<bool> DeleteCertificateAsync(Caller caller, Guid personId, Guid certificateId, CancellationToken cancellationToken)
    {
        var person = await WritablePersonAsync(caller, personId, manage: true, cancellationToken);
        var certificate = person is null ? null : await db.TrainingCertificates.FirstOrDefaultAsync(c => c.Id == certificateId && c.PersonRecordId == person.RecordId, cancellationToken);
        if (certificate is null)
        {
            return false;
        }

        db.TrainingCertificates.Remove(certificate);
        audit.Record(AuditEvent.TrainingCertificateDeleted, caller, $"training-person:{person!.Id}", detail: $"certificate {certificateId}");
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Issues the node's certificate for a session the person completed (attended, and the session has ended): the course
    /// title, the session's last day, the caller's organisation as issuer, the name as printed, and an unguessable
    /// verification code for the public check. Once per person and session. Null when the person is not readable.
    /// </summary>
    public async Task<TrainingCertificate?> IssueCertificateAsync(Caller caller, Guid personId, IssueRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var person = await WritablePersonAsync(caller, personId, manage: true, cancellationToken);
        if (person is null)
        {
            return null;
        }

        var errors = new RequestErrors();
        errors.SingleLine("printedName", request.PrintedName, TrainingLimits.NameLength, required: false);
        if (request.SessionId is not { } sessionId)
        {
            errors.Add("sessionId", "Required: the completed session the certificate is for.");
            errors.ThrowIfAny();
            return null;
        }

        errors.ThrowIfAny();
        var recordId = person.RecordId;
        var enrolment = await db.TrainingEnrolments.AsNoTracking().FirstOrDefaultAsync(e => e.PersonRecordId == recordId && e.SessionId == sessionId, cancellationToken);
        var session = enrolment is null ? null : await db.TrainingSessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sessionId, cancellationToken);
        // The course as it is now: the person's organisation issues for what its person attended (their history), whatever the course's sharing.
        var course = session is null ? null : await db.TrainingCourses.AsNoTracking().FirstOrDefaultAsync(c => c.RecordId == session.CourseRecordId, cancellationToken);
        if (enrolment is null || session is null || course is null)
        {
            throw RequestErrors.One("sessionId", "The person is not enrolled in this session.");
        }

        if (enrolment.Status != EnrolmentStatus.Attended || session.EndDate > Today)
        {
            throw RequestErrors.One("sessionId", "A certificate is issued once the person attended and the session has ended (record the attendance first).");
        }

        if (await db.TrainingCertificates.AnyAsync(c => c.PersonRecordId == recordId && c.SessionId == sessionId && c.VerificationCode != null, cancellationToken))
        {
            throw new ConflictException("This person already has a certificate for this session; revoke it to issue it anew.");
        }

        var organisationId = person.OrganisationId;
        var issuer = await db.Organisations.AsNoTracking().Where(o => o.Id == organisationId).Select(o => o.Name).FirstAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var certificate = new TrainingCertificate
        {
            Id = Guid.CreateVersion7(now), PersonRecordId = recordId, Name = course.Title, Issuer = issuer, IssuedOn = session.EndDate, CreatedAt = now,
            VerificationCode = CertificateCodes.New(), PrintedName = Trimmed(request.PrintedName) ?? person.Name, SessionId = sessionId, IssuerOrganisationId = organisationId,
        };
        db.TrainingCertificates.Add(certificate);
        audit.Record(AuditEvent.TrainingCertificateIssued, caller, $"training-person:{person.Id}", detail: $"certificate {certificate.Id} session {sessionId}");
        await db.SaveChangesAsync(cancellationToken);
        return certificate;
    }

    /// <summary>Revokes an issued certificate: the public check answers "revoked" from now on. Null when not readable or not an issued one.</summary>
    public async Task<TrainingCertificate?> RevokeCertificateAsync(Caller caller, Guid personId, Guid certificateId, CancellationToken cancellationToken)
    {
        var person = await WritablePersonAsync(caller, personId, manage: true, cancellationToken);
        var certificate = person is null ? null : await db.TrainingCertificates.FirstOrDefaultAsync(c => c.Id == certificateId && c.PersonRecordId == person.RecordId, cancellationToken);
        if (certificate is null)
        {
            return null;
        }

        if (certificate.VerificationCode is null)
        {
            throw new ConflictException("Only certificates the node issued (with a verification code) are revoked; delete a recorded one instead.");
        }

        if (certificate.RevokedAt is null)
        {
            certificate.RevokedAt = clock.GetUtcNow();
            audit.Record(AuditEvent.TrainingCertificateRevoked, caller, $"training-person:{person!.Id}", detail: $"certificate {certificateId}");
            await db.SaveChangesAsync(cancellationToken);
        }

        return certificate;
    }

    /// <summary>
    /// Revokes a certificate the caller's organisation issued, found by its verification code — also one whose holder
    /// withdrew consent (kept without a person, audit review s15 #2). Writers of the issuing organisation only; null for an
    /// unknown code and for another organisation's certificate alike.
    /// </summary>
    public async Task<bool> RevokeIssuedAsync(Caller caller, string? code, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        EnsureCanCreate(caller);
        if (CertificateCodes.Normalise(code) is not { } normalised)
        {
            return false;
        }

        var organisationId = caller.OrganisationId;
        var certificate = await db.TrainingCertificates.FirstOrDefaultAsync(c => c.VerificationCode == normalised && c.IssuerOrganisationId == organisationId, cancellationToken);
        if (certificate is null)
        {
            return false;
        }

        if (certificate.RevokedAt is null)
        {
            certificate.RevokedAt = clock.GetUtcNow();
            audit.Record(AuditEvent.TrainingCertificateRevoked, caller, $"training-certificate:{certificate.Id}", detail: certificate.PersonRecordId is null ? "by code, holder withdrew" : "by code");
            await db.SaveChangesAsync(cancellationToken);
        }

        return true;
    }

    /// <summary>
    /// The course owner removes a seat of its session (review R4): any enrolment, its own organisation's or another's —
    /// the other's given by the opaque seat token of the session's seat list, never by a person's id or name. Audited on the
    /// session; the person's organisation sees the enrolment gone from the record. False when unknown or not the owner's.
    /// </summary>
    public async Task<bool> RemoveSeatAsync(Caller caller, Guid sessionId, string seat, CancellationToken cancellationToken)
    {
        var session = await db.TrainingSessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sessionId, cancellationToken);
        var course = session is null ? null : await access.Readable(db.TrainingCourses.AsNoTracking().Include(c => c.Record), caller).FirstOrDefaultAsync(c => c.RecordId == session.CourseRecordId, cancellationToken);
        if (session is null || course is null)
        {
            return false;
        }

        EnsureCanWrite(caller, course.Record);
        if (SeatTokens.Read(protection, sessionId, seat) is not { } personRecordId)
        {
            throw RequestErrors.One("seat", "Not a seat of this session (take it from the session's seat list).");
        }

        var enrolment = await db.TrainingEnrolments.FirstOrDefaultAsync(e => e.PersonRecordId == personRecordId && e.SessionId == sessionId, cancellationToken);
        if (enrolment is null)
        {
            return false;
        }

        db.TrainingEnrolments.Remove(enrolment);
        audit.Record(AuditEvent.TrainingSeatRemoved, caller, $"training-session:{sessionId}", detail: enrolment.Status.ToString());
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>Replaces the roles the caller's organisation needs (its writers only); checks everything first.</summary>
    public async Task<IReadOnlyList<TrainingNeed>> SetNeedsAsync(Caller caller, NeedsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(caller);
        if (!AccessPolicy.CanCreate(caller) || !caller.CanWrite)
        {
            throw new ForbiddenException("Writers of the organisation set the roles it needs.");
        }

        var errors = new RequestErrors();
        var needs = request.Needs ?? [];
        if (request.Needs is null)
        {
            errors.Add("needs", "Required: a list of { profileId, count, level } (an empty list clears it).");
        }
        else if (needs.Count > TrainingLimits.MaxProfiles)
        {
            errors.Add("needs", $"At most {TrainingLimits.MaxProfiles}: one per ECSF role profile.");
        }

        errors.ThrowIfAny();
        var known = (await db.EcsfProfiles.AsNoTracking().Where(p => p.FrameworkKey == EcsfSource.V1).Select(p => p.ProfileId).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < needs.Count; i++)
        {
            var n = needs[i];
            if (n?.ProfileId is not { } profileId || !known.Contains(profileId))
            {
                errors.Add($"needs[{i}].profileId", "Not an ECSF role profile id (for example 'incident-responder').");
            }
            else if (!seen.Add(profileId))
            {
                errors.Add($"needs[{i}].profileId", "Named twice.");
            }

            if (n?.Count is not { } count || count < 1 || count > TrainingLimits.MaxNeededPeople)
            {
                errors.Add($"needs[{i}].count", $"Required: how many people, 1 to {TrainingLimits.MaxNeededPeople}.");
            }

            if (n?.Level is { } level && (level < 1 || level > 4))
            {
                errors.Add($"needs[{i}].level", "1 (awareness), 2 (basic), 3 (proficient, the default) or 4 (expert).");
            }
        }

        errors.ThrowIfAny();
        var organisationId = caller.OrganisationId;
        var now = clock.GetUtcNow();
        var existing = await db.TrainingNeeds.Where(n => n.OrganisationId == organisationId && n.FrameworkKey == EcsfSource.V1).ToListAsync(cancellationToken);
        db.TrainingNeeds.RemoveRange(existing.Where(e => !seen.Contains(e.ProfileId)));
        foreach (var n in needs)
        {
            var row = existing.FirstOrDefault(e => e.ProfileId == n!.ProfileId);
            if (row is null)
            {
                row = new TrainingNeed { OrganisationId = organisationId, FrameworkKey = EcsfSource.V1, ProfileId = n!.ProfileId! };
                db.TrainingNeeds.Add(row);
            }

            row.Count = n!.Count!.Value;
            row.Level = (Proficiency)(n.Level ?? 3);
            row.ModifiedAt = now;
        }

        audit.Record(AuditEvent.TrainingNeedsChanged, caller, $"organisation:{organisationId}", detail: $"{needs.Count} roles");
        await db.SaveChangesAsync(cancellationToken);
        return await db.TrainingNeeds.AsNoTracking().Where(n => n.OrganisationId == organisationId && n.FrameworkKey == EcsfSource.V1).OrderBy(n => n.ProfileId).ToListAsync(cancellationToken);
    }

    private async Task<List<string>> ValidateParametersAsync(IReadOnlyList<string?>? requested, RequestErrors errors, CancellationToken cancellationToken)
    {
        var parameters = requested ?? [];
        if (parameters.Count > TrainingLimits.MaxParameters)
        {
            errors.Add("parameters", $"At most {TrainingLimits.MaxParameters} SIM3 parameters.");
            return [];
        }

        var ids = parameters.Where(p => p is not null).Select(p => p!.Trim().ToUpperInvariant()).Distinct(StringComparer.Ordinal).ToList();
        var known = (await db.MaturityParameters.AsNoTracking().Where(p => EF.Parameter(ids).Contains(p.ParameterId)).Select(p => p.ParameterId).Distinct().ToListAsync(cancellationToken))
            .ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < parameters.Count; i++)
        {
            if (parameters[i] is not { } id || !known.Contains(id.Trim().ToUpperInvariant()))
            {
                errors.Add($"parameters[{i}]", "Not a SIM3 parameter id of any model version on this node (for example O-8 or H-3).");
            }
        }

        return ids.Where(known.Contains).ToList();
    }

    private static void ApplyParameters(TrainingCourse course, List<string> parameters)
    {
        course.Parameters.RemoveAll(p => !parameters.Contains(p.ParameterId));
        course.Parameters.AddRange(parameters.Where(p => course.Parameters.All(x => x.ParameterId != p)).Select(p => new TrainingCourseParameter { ParameterId = p }));
    }

    /// <summary>A topic as stored and searched: trimmed, inner white space as one space, lower case (invariant).</summary>
    public static string NormaliseTopic(string topic) =>
        string.Join(' ', topic.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();

    private static List<string> ValidateTopics(IReadOnlyList<string?>? requested, RequestErrors errors)
    {
        var topics = requested ?? [];
        if (topics.Count > TrainingLimits.MaxTopics)
        {
            errors.Add("topics", $"At most {TrainingLimits.MaxTopics} topics.");
            return [];
        }

        var valid = new List<string>();
        for (var i = 0; i < topics.Count; i++)
        {
            var field = $"topics[{i}]";
            var before = errors.Has(field);
            errors.SingleLine(field, topics[i], TrainingLimits.TopicLength);
            if (!before && !errors.Has(field))
            {
                valid.Add(NormaliseTopic(topics[i]!));
            }
        }

        return valid.Distinct(StringComparer.Ordinal).ToList();
    }

    private static void ApplyTopics(TrainingCourse course, List<string> topics)
    {
        course.Topics.RemoveAll(t => !topics.Contains(t.Topic));
        course.Topics.AddRange(topics.Where(t => course.Topics.All(x => x.Topic != t)).Select(t => new TrainingCourseTopic { Topic = t }));
    }

    private DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    /// <summary>Training dates from 1990 to ten years ahead: anything else is a typing error.</summary>
    private static void CheckDate(string field, DateOnly? date, bool required, RequestErrors errors)
    {
        if (date is null)
        {
            if (required)
            {
                errors.Add(field, "Required (yyyy-MM-dd).");
            }
        }
        else if (date.Value.Year < 1990 || date.Value.Year > 2100)
        {
            errors.Add(field, "From 1990 to 2100 (yyyy-MM-dd).");
        }
    }

    private async Task<List<string>> ValidatePersonAsync(Caller caller, PersonRequest request, long? self, RequestErrors errors, CancellationToken cancellationToken)
    {
        errors.SingleLine("name", request.Name, TrainingLimits.NameLength);
        if (request.UserId is { } userId)
        {
            var organisations = await people.ActiveUserOrganisationsAsync([userId], cancellationToken);
            if (!organisations.TryGetValue(userId, out var organisation) || organisation != caller.OrganisationId)
            {
                errors.Add("userId", "Not an active user of your organisation.");
            }
            else if (await db.TrainingPeople.AnyAsync(p => p.UserId == userId && p.RecordId != self, cancellationToken))
            {
                errors.Add("userId", "This user already has a training record.");
            }
        }

        var profiles = request.Profiles ?? [];
        if (profiles.Count > TrainingLimits.MaxProfiles)
        {
            errors.Add("profiles", $"At most {TrainingLimits.MaxProfiles} role profiles.");
            return [];
        }

        var known = (await db.EcsfProfiles.AsNoTracking().Where(p => p.FrameworkKey == EcsfSource.V1).Select(p => p.ProfileId).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < profiles.Count; i++)
        {
            if (profiles[i] is not { } p || !known.Contains(p))
            {
                errors.Add($"profiles[{i}]", "Not an ECSF role profile id (for example 'incident-responder').");
            }
        }

        return profiles.Where(p => p is not null && known.Contains(p)).Select(p => p!).Distinct(StringComparer.Ordinal).ToList();
    }

    private async Task<(List<string> Items, List<string> Profiles)> ValidateCourseAsync(CourseRequest request, RequestErrors errors, CancellationToken cancellationToken)
    {
        errors.SingleLine("title", request.Title, TrainingLimits.NameLength);
        errors.SingleLine("provider", request.Provider, TrainingLimits.NameLength);
        errors.MultiLine("description", request.Description, TrainingLimits.TextLength);
        if (request.Format is not { } format || !Enum.IsDefined(format))
        {
            errors.Add("format", "Required: in-person, online, blended or self-paced.");
        }

        if (request.Level is { } level && !Enum.IsDefined(level))
        {
            errors.Add("level", "basic, intermediate or advanced.");
        }

        if (string.IsNullOrWhiteSpace(request.Language) || request.Language.Length > TrainingLimits.LanguageLength || !CultureNames.Contains(request.Language))
        {
            errors.Add("language", "Required: a language code such as en, sq, sr-Latn, mk, ka or ro.");
        }

        if (request.Hours is not { } hours)
        {
            errors.Add("hours", "Required: the hours of the course.");
        }
        else if (hours <= 0 || hours > TrainingLimits.MaxHours || decimal.Round(hours, 2) != hours)
        {
            errors.Add("hours", $"More than 0 and at most {TrainingLimits.MaxHours}, in hundredths at most.");
        }

        var items = request.Items ?? [];
        var profiles = request.Profiles ?? [];
        if (items.Count > TrainingLimits.MaxItems)
        {
            errors.Add("items", $"At most {TrainingLimits.MaxItems} items.");
            items = [];
        }

        if (profiles.Count > TrainingLimits.MaxProfiles)
        {
            errors.Add("profiles", $"At most {TrainingLimits.MaxProfiles} role profiles.");
            profiles = [];
        }

        var knownItems = await RateableItemsAsync(EcsfSource.V1, items.Where(i => i is not null).Select(i => i!).ToList(), cancellationToken);
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is not { } id || !knownItems.Contains(id))
            {
                errors.Add($"items[{i}]", "Not an ECSF skill or knowledge item id (for example S-001 or K-001).");
            }
        }

        var knownProfiles = (await db.EcsfProfiles.AsNoTracking().Where(p => p.FrameworkKey == EcsfSource.V1).Select(p => p.ProfileId).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < profiles.Count; i++)
        {
            if (profiles[i] is not { } id || !knownProfiles.Contains(id))
            {
                errors.Add($"profiles[{i}]", "Not an ECSF role profile id (for example 'incident-responder').");
            }
        }

        return (items.Where(i => i is not null && knownItems.Contains(i)).Select(i => i!).Distinct(StringComparer.Ordinal).ToList(),
            profiles.Where(p => p is not null && knownProfiles.Contains(p)).Select(p => p!).Distinct(StringComparer.Ordinal).ToList());
    }

    private async Task<HashSet<string>> RateableItemsAsync(string frameworkKey, List<string> ids, CancellationToken cancellationToken) =>
        (await db.EcsfItems.AsNoTracking()
            .Where(i => i.FrameworkKey == frameworkKey && (i.Kind == EcsfItemKind.Skill || i.Kind == EcsfItemKind.Knowledge) && EF.Parameter(ids).Contains(i.ItemId))
            .Select(i => i.ItemId).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);

    private static void Apply(TrainingCourse course, CourseRequest request, List<string> items, List<string> profiles, DateTimeOffset now)
    {
        course.Title = request.Title!.Trim();
        course.Provider = request.Provider!.Trim();
        course.Description = string.IsNullOrWhiteSpace(request.Description) ? null : request.Description.Trim();
        course.Format = request.Format!.Value;
        course.Level = request.Level ?? CourseLevel.Basic;
        course.Language = CultureInfo.GetCultureInfo(request.Language!).Name;
        course.Hours = request.Hours!.Value;
        course.Network = request.Network ?? false;
        course.ModifiedAt = now;
        course.Items.RemoveAll(i => !items.Contains(i.ItemId));
        course.Items.AddRange(items.Where(i => course.Items.All(x => x.ItemId != i)).Select(i => new TrainingCourseItem { FrameworkKey = course.FrameworkKey, ItemId = i }));
        course.Profiles.RemoveAll(p => !profiles.Contains(p.ProfileId));
        course.Profiles.AddRange(profiles.Where(p => course.Profiles.All(x => x.ProfileId != p)).Select(p => new TrainingCourseProfile { FrameworkKey = course.FrameworkKey, ProfileId = p }));
    }

    /// <summary>A catalogue entry is its organisation's (TLP:AMBER) or, shared, the whole network's (TLP:GREEN with a network grant).</summary>
    private async Task ShareCourseAsync(Caller caller, TrainingCourse course, CancellationToken cancellationToken)
    {
        IReadOnlyList<ResolvedAudience> audience = course.Network ? [new ResolvedAudience(AudienceKind.Network, null, null, null)] : [];
        var tlp = course.Network ? Tlp.Green : Tlp.Amber;
        if (!AccessPolicy.CanShare(caller, course.Record, tlp, audience))
        {
            throw new ForbiddenException("You may not share this course.");
        }

        await sharing.ApplyAsync(course.Record, tlp, audience, published: false, cancellationToken);
    }

    private async Task<TrainingPerson?> WritablePersonAsync(Caller caller, Guid id, bool manage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var person = await access.Readable(db.TrainingPeople.Include(p => p.Record).Include(p => p.Profiles).Include(p => p.Proficiencies), caller)
            .AsSplitQuery().FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (person is null)
        {
            return null;
        }

        // The person rates their own skills even without a writing role; everything else is for the organisation's writers.
        var self = !manage && caller.IsAuthenticated && !caller.IsOperator && !caller.ReadOnly && person.UserId == caller.UserId;
        if (!self)
        {
            EnsureCanWrite(caller, person.Record);
        }

        return person;
    }

    private async Task<TrainingCourse?> WritableCourseAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var course = await access.Readable(db.TrainingCourses.Include(c => c.Record).Include(c => c.Items).Include(c => c.Profiles).Include(c => c.Parameters).Include(c => c.Topics), caller)
            .AsSplitQuery().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (course is not null)
        {
            EnsureCanWrite(caller, course.Record);
        }

        return course;
    }

    private static void EnsureCanWrite(Caller caller, SharedRecord record)
    {
        if (!AccessPolicy.CanWrite(caller, record))
        {
            throw new ForbiddenException("Only writers of the owning organisation change this.");
        }
    }

    private static void EnsureCanCreate(Caller caller)
    {
        if (!AccessPolicy.CanCreate(caller))
        {
            throw new ForbiddenException("Viewers, read-only keys and the operator cannot write.");
        }
    }

    private static SharedRecord NewRecord(Caller caller, DateTimeOffset now, RecordType type) => new()
    {
        RecordType = type,
        OwnerOrganisationId = caller.OrganisationId,
        CreatorOrganisationId = caller.OrganisationId,
        CreatedAt = now,
    };

    private static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    // Two requests linking the same account at once: the unique index decides, the loser gets the field error.
    private async Task SaveAsync(CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            throw RequestErrors.One("userId", "This user already has a training record.");
        }
    }
}
