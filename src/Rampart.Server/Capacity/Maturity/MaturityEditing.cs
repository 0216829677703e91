using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Hosting;
using Rampart.Server.Incidents.Attachments;
using Rampart.Standards.Markings;
using Rampart.Standards.Sim3;

namespace Rampart.Server.Capacity.Maturity;

/// <summary>
/// A new assessment. The assessed organisation is the caller's. TLP defaults to RED and the audience to none (own
/// organisation only). A peer review names the invited reviewer organisation, which is added to the audience.
/// </summary>
public sealed record AssessmentRequest(
    string? ModelKey,
    AssessmentType? Type,
    DateOnly? Date,
    string? Assessors,
    Guid? ReviewerOrganisationId = null,
    Tlp? Tlp = null,
    IReadOnlyList<AudienceEntry>? Audiences = null);

/// <summary>One parameter's entry in a draft: level 0–4 (null clears it), comment, evidence links.</summary>
public sealed record RatingRequest(string? ParameterId, int? Level, string? Comment = null, IReadOnlyList<string?>? Evidence = null);

/// <summary>Saving a draft: optionally new date and assessors, and the parameters to set (others keep their values).</summary>
public sealed record DraftRequest(DateOnly? Date = null, string? Assessors = null, IReadOnlyList<RatingRequest?>? Ratings = null);

/// <summary>
/// A new distribution for one assessment version: TLP (unchanged when absent) and audience entries (unchanged when absent;
/// an empty list = the own organisation only). A peer review's reviewer organisation always stays. <see cref="Confirm"/>
/// must be true when the change widens who reads it (a looser TLP or any entry not there before).
/// </summary>
public sealed record AssessmentSharingRequest(Tlp? Tlp = null, IReadOnlyList<AudienceEntry>? Audiences = null, bool Confirm = false);

/// <summary>A target profile: name, model version, minimum level per parameter; network-wide only by node administrators.</summary>
public sealed record ProfileRequest(string? Name, string? ModelKey, IReadOnlyDictionary<string, int?>? Levels, bool Network = false);

/// <summary>
/// Writes assessments, target profiles and the comparison opt-in. Only writers of the assessed organisation create,
/// change, finish and reopen its assessments; of a peer review, only the invited reviewer organisation's writers enter
/// levels and finish it. A record the caller cannot read is "not found" (null), never "forbidden".
/// </summary>
public sealed class MaturityEditing(RampartDb db, AccessPolicy access, SharingStore sharing, MaturityModels models, AuditTrail audit, TimeProvider clock)
{
    /// <summary>Start-up step: the name keys of profiles saved before the PickerNameKeys migration (<see cref="NameKeyBackfill"/>).</summary>
    public static Task BackfillNameKeysAsync(RampartDb db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return NameKeyBackfill.FillAsync(
            after => db.MaturityProfiles.AsNoTracking().Where(p => p.NameKey == "" && p.RecordId > after).OrderBy(p => p.RecordId)
                .Select(p => new NameKeyBackfill.Row(p.RecordId, p.Name)).Take(NameKeyBackfill.Batch).ToListAsync(cancellationToken),
            (row, key) => db.MaturityProfiles.Where(p => p.RecordId == row.RecordId && p.NameKey == "" && p.Name == row.Name)
                .ExecuteUpdateAsync(set => set.SetProperty(p => p.NameKey, key), cancellationToken),
            MaturityLimits.NameLength, db, cancellationToken);
    }

    public async Task<MaturityAssessment> CreateAsync(Caller caller, AssessmentRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        EnsureCanCreate(caller);
        var errors = new RequestErrors();
        if (string.IsNullOrWhiteSpace(request.ModelKey))
        {
            errors.Add("modelKey", "Required: a model version key, for example 'sim3-v2-interim'.");
        }
        else if (request.ModelKey.Length > MaturityLimits.KeyLength || !await db.MaturityModelVersions.AnyAsync(v => v.Key == request.ModelKey, cancellationToken))
        {
            errors.Add("modelKey", "No such model version.");
        }

        if (request.Type is not { } type || !Enum.IsDefined(type))
        {
            errors.Add("type", "Required: self-assessment, peer-review or external-audit.");
            type = default;
        }

        if (request.Date is null)
        {
            errors.Add("date", "Required: the date of the assessment (yyyy-MM-dd).");
        }
        else
        {
            CheckDate(request.Date.Value, errors);
        }

        errors.SingleLine("assessors", request.Assessors, MaturityLimits.NameLength, required: false);
        if (type == AssessmentType.PeerReview)
        {
            if (request.ReviewerOrganisationId is not { } reviewer)
            {
                errors.Add("reviewerOrganisationId", "Required for a peer review: the organisation invited to review.");
            }
            else if (reviewer == caller.OrganisationId)
            {
                errors.Add("reviewerOrganisationId", "A peer review is done by another organisation.");
            }
        }
        else if (request.ReviewerOrganisationId is not null)
        {
            errors.Add("reviewerOrganisationId", "Only a peer review has a reviewer organisation.");
        }

        var tlp = request.Tlp ?? Tlp.Red;
        if (!Enum.IsDefined(tlp))
        {
            errors.Add("tlp", "One of clear, green, amber, amber+strict, red.");
        }

        errors.ThrowIfAny();
        var entries = await SharingAsync(caller, tlp, request.Audiences ?? [], request.ReviewerOrganisationId, errors, cancellationToken);
        errors.ThrowIfAny();

        var now = clock.GetUtcNow();
        var record = NewRecord(caller, now, MaturityAssessment.Type);
        EnsureCanShare(caller, record, tlp, entries);
        var assessment = new MaturityAssessment
        {
            Record = record,
            Id = Guid.CreateVersion7(now),
            SeriesId = Guid.CreateVersion7(now),
            Version = 1,
            OrganisationId = caller.OrganisationId,
            ModelKey = request.ModelKey!,
            AssessmentType = type,
            Date = request.Date!.Value,
            Assessors = request.Assessors?.Trim() ?? "",
            Status = AssessmentStatus.Draft,
            ReviewerOrganisationId = request.ReviewerOrganisationId,
            CreatedByUserId = caller.UserId,
            CreatedAt = now,
            ModifiedAt = now,
        };
        db.SharedRecords.Add(record);
        db.MaturityAssessments.Add(assessment);
        await sharing.ApplyAsync(record, tlp, entries, published: false, cancellationToken);
        audit.Record(AuditEvent.MaturityAssessmentCreated, caller, $"maturity-assessment:{assessment.Id}", detail: $"{type} {tlp.Label()}");
        await db.SaveChangesAsync(cancellationToken);
        return assessment;
    }

    /// <summary>
    /// Changes who reads one assessment version (draft or finished: the distribution is not its content, and a finished
    /// assessment is what an organisation shares with a donor, a peer or the network). Writers of the assessed organisation
    /// only (403 for other readers, null when the caller cannot read it). A peer review's reviewer organisation always keeps
    /// its entry. Other versions of the series keep theirs; reopening copies the distribution of the version reopened.
    /// </summary>
    public async Task<MaturityAssessment?> ChangeSharingAsync(Caller caller, Guid id, AssessmentSharingRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        var assessment = await access.Readable(db.MaturityAssessments.Include(a => a.Record), caller).FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (assessment is null)
        {
            return null;
        }

        if (!AccessPolicy.CanWrite(caller, assessment.Record))
        {
            throw new ForbiddenException("Only the assessed organisation's analysts change who reads its assessment.");
        }

        var errors = new RequestErrors();
        var tlp = request.Tlp ?? assessment.Record.Tlp;
        if (!Enum.IsDefined(tlp))
        {
            errors.Add("tlp", "One of clear, green, amber, amber+strict, red.");
        }

        errors.ThrowIfAny();
        var before = SharingStore.AudienceOf(await sharing.GrantsOfAsync(assessment.RecordId, cancellationToken));
        var audiences = request.Audiences ?? [.. before.Select(e => new AudienceEntry(e.Kind, e.OrganisationId, e.CommunityId, e.UserId))];
        var entries = await SharingAsync(caller, tlp, audiences, assessment.ReviewerOrganisationId, errors, cancellationToken);
        errors.ThrowIfAny();
        EnsureCanShare(caller, assessment.Record, tlp, entries);
        var oldTlp = assessment.Record.Tlp;
        if (tlp == oldTlp && entries.Count == before.Count && entries.All(before.Contains))
        {
            return assessment;
        }

        // Widening is confirmed against what is stored now, not against what a page showed when it was opened.
        var widening = SharingStore.Widening(oldTlp, tlp, before, entries);
        if (widening is not null && !request.Confirm)
        {
            throw RequestErrors.One("confirm", $"This widens who reads the assessment: {widening}. Send confirm: true.");
        }

        try
        {
            await sharing.ApplyAsync(assessment.Record, tlp, entries, published: false, cancellationToken);
            audit.Record(AuditEvent.MaturityAssessmentSharingChanged, caller, $"maturity-assessment:{assessment.Id}",
                detail: $"{oldTlp.Label()} -> {tlp.Label()}, {before.Count} -> {entries.Count} entries{(widening is null ? "" : ", widened (confirmed)")}");
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Two changes of the same record's grants at the same moment: one wins, the other is told to reload.
            throw new ConflictException("Who reads this assessment was changed at the same moment by someone else; reload it.");
        }

        return assessment;
    }

    /// <summary>Saves a draft: every rating is validated before anything is written. Finished: 409. Not readable: null.</summary>
    public async Task<MaturityAssessment?> SaveDraftAsync(Caller caller, Guid id, DraftRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var assessment = await WritableAsync(caller, id, levels: true, cancellationToken);
        if (assessment is null)
        {
            return null;
        }

        var known = (await models.ParameterIdsAsync(assessment.ModelKey, cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var errors = new RequestErrors();
        errors.SingleLine("assessors", request.Assessors, MaturityLimits.NameLength, required: false);
        var items = request.Ratings ?? [];
        if (items.Count > MaturityLimits.MaxParameters)
        {
            errors.Add("ratings", $"At most {MaturityLimits.MaxParameters} ratings.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Math.Min(items.Count, MaturityLimits.MaxParameters); i++)
        {
            var item = items[i];
            var field = $"ratings[{i}]";
            if (item is null)
            {
                errors.Add(field, "Required.");
                continue;
            }

            if (item.ParameterId is null || !known.Contains(item.ParameterId))
            {
                errors.Add($"{field}.parameterId", $"Not a parameter of model version '{assessment.ModelKey}'.");
            }
            else if (!seen.Add(item.ParameterId))
            {
                errors.Add($"{field}.parameterId", "Given twice.");
            }

            if (item.Level is { } level && !Sim3Model.IsLevel(level))
            {
                errors.Add($"{field}.level", $"A level from {Sim3Model.MinLevel} to {Sim3Model.MaxLevel}.");
            }

            errors.MultiLine($"{field}.comment", item.Comment, MaturityLimits.TextLength);
            var links = item.Evidence ?? [];
            if (links.Count > MaturityLimits.MaxEvidenceLinks)
            {
                errors.Add($"{field}.evidence", $"At most {MaturityLimits.MaxEvidenceLinks} links.");
            }

            for (var j = 0; j < Math.Min(links.Count, MaturityLimits.MaxEvidenceLinks); j++)
            {
                var link = links[j];
                if (link is null || link.Length > MaturityLimits.LinkLength || !Uri.TryCreate(link, UriKind.Absolute, out var uri)
                    || uri.Scheme is not ("https" or "http") || link.Any(char.IsControl) || link.Any(char.IsWhiteSpace))
                {
                    errors.Add($"{field}.evidence[{j}]", $"An http or https address of at most {MaturityLimits.LinkLength} characters.");
                }
            }
        }

        if (request.Date is { } checkedDate)
        {
            CheckDate(checkedDate, errors);
        }

        errors.ThrowIfAny();
        if (request.Date is { } date)
        {
            assessment.Date = date;
        }

        if (request.Assessors is not null)
        {
            assessment.Assessors = request.Assessors.Trim();
        }

        foreach (var item in items)
        {
            var rating = assessment.Ratings.FirstOrDefault(r => r.ParameterId == item!.ParameterId);
            if (rating is null)
            {
                rating = new MaturityRating { AssessmentRecordId = assessment.RecordId, ParameterId = item!.ParameterId! };
                assessment.Ratings.Add(rating);
            }

            rating.Level = item!.Level;
            rating.Comment = string.IsNullOrWhiteSpace(item.Comment) ? null : item.Comment;
            rating.Evidence = item.Evidence is { Count: > 0 } links ? string.Join('\n', links) : null;
        }

        assessment.ModifiedAt = clock.GetUtcNow();
        audit.Record(AuditEvent.MaturityAssessmentSaved, caller.Concerning(assessment.OrganisationId), $"maturity-assessment:{assessment.Id}");
        await db.SaveChangesAsync(cancellationToken);
        return assessment;
    }

    /// <summary>Freezes a draft. Already finished: 409. Not readable: null.</summary>
    public async Task<MaturityAssessment?> FinishAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        var assessment = await WritableAsync(caller, id, levels: true, cancellationToken);
        if (assessment is null)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        assessment.Status = AssessmentStatus.Finished;
        assessment.FinishedAt = now;
        assessment.ModifiedAt = now;
        audit.Record(AuditEvent.MaturityAssessmentFinished, caller.Concerning(assessment.OrganisationId), $"maturity-assessment:{assessment.Id}");
        await db.SaveChangesAsync(cancellationToken);
        return assessment;
    }

    /// <summary>
    /// Reopens a finished assessment as the next version of its series: a new draft record with the same ratings,
    /// type, reviewer and distribution; the finished one stays as it was. Only the latest version reopens (409 otherwise).
    /// </summary>
    public async Task<MaturityAssessment?> ReopenAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var source = await access.Readable(db.MaturityAssessments.Include(a => a.Record).Include(a => a.Ratings).ThenInclude(r => r.Files), caller)
            .FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (source is null)
        {
            return null;
        }

        EnsureCanEnter(caller, source);
        if (source.Status != AssessmentStatus.Finished)
        {
            throw new ConflictException("Only a finished assessment is reopened; a draft is still being edited.");
        }

        var seriesId = source.SeriesId;
        var latest = await db.MaturityAssessments.Where(a => a.SeriesId == seriesId).MaxAsync(a => a.Version, cancellationToken);
        if (latest != source.Version)
        {
            throw new ConflictException($"Version {latest} of this assessment exists; reopen the latest version.");
        }

        var grants = await sharing.GrantsOfAsync(source.RecordId, cancellationToken);
        var entries = SharingStore.AudienceOf(grants);
        var now = clock.GetUtcNow();
        var record = new SharedRecord
        {
            RecordType = MaturityAssessment.Type,
            OwnerOrganisationId = source.Record.OwnerOrganisationId,
            CreatorOrganisationId = caller.OrganisationId,
            CreatedAt = now,
        };
        var copy = new MaturityAssessment
        {
            Record = record,
            Id = Guid.CreateVersion7(now),
            SeriesId = source.SeriesId,
            Version = source.Version + 1,
            OrganisationId = source.OrganisationId,
            ModelKey = source.ModelKey,
            AssessmentType = source.AssessmentType,
            Date = source.Date,
            Assessors = source.Assessors,
            Status = AssessmentStatus.Draft,
            ReviewerOrganisationId = source.ReviewerOrganisationId,
            CreatedByUserId = caller.UserId,
            CreatedAt = now,
            ModifiedAt = now,
            // Evidence files are carried as links to the same stored files (the frozen version keeps its own links).
            Ratings = [.. source.Ratings.Select(r => new MaturityRating
            {
                ParameterId = r.ParameterId, Level = r.Level, Comment = r.Comment, Evidence = r.Evidence,
                Files = [.. r.Files.Select(f => new MaturityEvidenceFile { ParameterId = r.ParameterId, AttachmentId = f.AttachmentId })],
            })],
        };
        db.SharedRecords.Add(record);
        db.MaturityAssessments.Add(copy);
        // The same distribution as the version it continues (the grants are rewritten for the new record).
        await sharing.ApplyAsync(record, source.Record.Tlp, entries, published: false, cancellationToken);
        audit.Record(AuditEvent.MaturityAssessmentReopened, caller.Concerning(source.OrganisationId), $"maturity-assessment:{copy.Id}", detail: $"version {copy.Version} of {source.Id}");
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Two reopenings raced for the same version number: the unique (series, version) index let one through.
            throw new ConflictException("This assessment was reopened at the same moment by someone else; reload it.");
        }

        return copy;
    }

    /// <summary>Deletes a draft of the assessed organisation (finished versions are kept: they are the history). Not readable: false.</summary>
    public async Task<bool> DeleteDraftAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var assessment = await access.Readable(db.MaturityAssessments.Include(a => a.Record), caller).FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (assessment is null)
        {
            return false;
        }

        if (!AccessPolicy.CanWrite(caller, assessment.Record))
        {
            throw new ForbiddenException("Only writers of the assessed organisation delete its drafts.");
        }

        if (assessment.Status != AssessmentStatus.Draft)
        {
            throw new ConflictException("A finished assessment is never deleted or changed.");
        }

        // Evidence files no other version links go with the draft (the links themselves cascade with its ratings).
        var recordId = assessment.RecordId;
        var links = db.MaturityEvidenceFiles;
        var onlyHere = await links.Where(f => f.AssessmentRecordId == recordId && !links.Any(o => o.AttachmentId == f.AttachmentId && o.AssessmentRecordId != recordId))
            .Select(f => f.AttachmentId).ToListAsync(cancellationToken);
        db.IncidentAttachments.RemoveRange(await db.IncidentAttachments.Where(a => EF.Parameter(onlyHere).Contains(a.Id)).ToListAsync(cancellationToken));
        db.SharedRecords.Remove(assessment.Record);
        audit.Record(AuditEvent.MaturityAssessmentDeleted, caller, $"maturity-assessment:{assessment.Id}");
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Adds files as evidence for one parameter of a draft (by the organisation that enters the levels). Everything is checked
    /// before anything is stored: a finished assessment, an unknown parameter, no file, a sample or too many files are a 400
    /// naming the field. The bytes go to the attachment store (ADR 13) in the same transaction. Not readable: null.
    /// </summary>
    public async Task<IReadOnlyList<Attachment>?> AddEvidenceAsync(Caller caller, Guid id, string parameterId, IReadOnlyList<AttachmentUpload> uploads, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(uploads);
        var assessment = await access.Readable(db.MaturityAssessments.Include(a => a.Record), caller).FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (assessment is null)
        {
            return null;
        }

        EnsureCanEnter(caller, assessment);

        // The 20-files limit must hold when uploads run at once: the count is read and the files written in one transaction
        // that holds the assessment's row (PostgreSQL: FOR UPDATE; SQLite: the transaction begins IMMEDIATE, one writer at a
        // time). Uploads to one assessment queue behind each other; the next one counts what the previous one stored.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlRawAsync("SELECT 1 FROM \"MaturityAssessments\" WHERE \"RecordId\" = {0} FOR UPDATE", [assessment.RecordId], cancellationToken);
        }

        // Status, ratings and files as they are now, under the lock (not as read before it).
        await db.Entry(assessment).ReloadAsync(cancellationToken);
        var recordId = assessment.RecordId;
        await db.Entry(assessment).Collection(a => a.Ratings).Query().Include(r => r.Files).LoadAsync(cancellationToken);
        var errors = new RequestErrors();
        if (assessment.Status == AssessmentStatus.Finished)
        {
            throw new ConflictException("This assessment is finished and frozen: its evidence does not change. Reopen it to make a new version.");
        }

        var known = await models.ParameterIdsAsync(assessment.ModelKey, cancellationToken);
        if (!known.Contains(parameterId, StringComparer.Ordinal))
        {
            errors.Add("parameterId", $"Not a parameter of model version '{assessment.ModelKey}'.");
        }

        if (uploads.Count == 0)
        {
            errors.Add("files", "At least one file, in the part 'files'.");
        }

        if (uploads.Any(u => u.Sample))
        {
            errors.Add("samples", "Evidence is documents; malware samples belong to an incident.");
        }

        var rating = assessment.Ratings.FirstOrDefault(r => r.ParameterId == parameterId);
        var stored = await db.MaturityEvidenceFiles.CountAsync(f => f.AssessmentRecordId == recordId && f.ParameterId == parameterId, cancellationToken);
        if (stored + uploads.Count > MaturityLimits.MaxEvidenceFiles)
        {
            errors.Add("files", $"At most {MaturityLimits.MaxEvidenceFiles} evidence files per parameter.");
        }

        errors.ThrowIfAny();
        if (rating is null)
        {
            rating = new MaturityRating { AssessmentRecordId = assessment.RecordId, ParameterId = parameterId };
            assessment.Ratings.Add(rating);
        }

        var now = clock.GetUtcNow();
        var added = new List<Attachment>();
        foreach (var upload in uploads)
        {
            var attachment = AttachmentStore.Stage(db, upload, caller, now);
            rating.Files.Add(new MaturityEvidenceFile { AssessmentRecordId = assessment.RecordId, ParameterId = parameterId, AttachmentId = attachment.Id, Attachment = attachment });
            audit.Record(AuditEvent.MaturityEvidenceAdded, caller.Concerning(assessment.OrganisationId), $"maturity-assessment:{assessment.Id}",
                detail: $"{attachment.Id} {upload.Sha256} {upload.Content.Length} {parameterId}");
            added.Add(attachment);
        }

        assessment.ModifiedAt = now;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Two uploads raced to create this parameter's first rating row: the unique (assessment, parameter) index let
            // one through; the other stored nothing (review S9-1).
            throw new ConflictException("Another upload to this parameter was saved at the same moment; reload the assessment and add the file again.");
        }

        return added;
    }

    /// <summary>
    /// Removes an evidence file from a draft; the stored file is deleted when no other version links it. Finished: 409.
    /// Not readable, or no such file on this assessment: false.
    /// </summary>
    public async Task<bool> RemoveEvidenceAsync(Caller caller, Guid id, Guid fileId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var assessment = await access.Readable(db.MaturityAssessments.Include(a => a.Record), caller).FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (assessment is null)
        {
            return false;
        }

        var recordId = assessment.RecordId;
        var link = await db.MaturityEvidenceFiles.FirstOrDefaultAsync(f => f.AssessmentRecordId == recordId && f.AttachmentId == fileId, cancellationToken);
        if (link is null)
        {
            return false;
        }

        EnsureCanEnter(caller, assessment);

        // As adding: the status is read again under the assessment's row lock, so a finish at the same moment comes
        // either before (409) or after (the file was removed from the draft) — never a finished assessment losing a file.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlRawAsync("SELECT 1 FROM \"MaturityAssessments\" WHERE \"RecordId\" = {0} FOR UPDATE", [assessment.RecordId], cancellationToken);
        }

        await db.Entry(assessment).ReloadAsync(cancellationToken);
        if (assessment.Status == AssessmentStatus.Finished)
        {
            throw new ConflictException("This assessment is finished and frozen: its evidence does not change. Reopen it to make a new version.");
        }

        db.MaturityEvidenceFiles.Remove(link);
        if (!await db.MaturityEvidenceFiles.AnyAsync(f => f.AttachmentId == fileId && f.AssessmentRecordId != recordId, cancellationToken)
            && await db.IncidentAttachments.FirstOrDefaultAsync(a => a.Id == fileId, cancellationToken) is { } stored)
        {
            db.IncidentAttachments.Remove(stored);
        }

        assessment.ModifiedAt = clock.GetUtcNow();
        audit.Record(AuditEvent.MaturityEvidenceRemoved, caller.Concerning(assessment.OrganisationId), $"maturity-assessment:{assessment.Id}", detail: $"{fileId} {link.ParameterId}");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Whether the caller may add evidence to the assessment, checked before an upload's body is read: false when it is
    /// not readable (404); a 403 as <see cref="AddEvidenceAsync"/> answers it.
    /// </summary>
    public async Task<bool> CanAddEvidenceAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var assessment = await access.Readable(db.MaturityAssessments.Include(a => a.Record), caller).FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (assessment is null)
        {
            return false;
        }

        EnsureCanEnter(caller, assessment);
        return true;
    }

    /// <summary>
    /// Creates a target profile, or — with <paramref name="previous"/> — the next version of one (the old version stays
    /// readable). Network profiles only by node administrators (shared TLP:GREEN with the network); organisation profiles
    /// stay with the organisation (TLP:RED, no audience). Null when <paramref name="previous"/> is not readable.
    /// </summary>
    public async Task<MaturityProfile?> SaveProfileAsync(Caller caller, Guid? previous, ProfileRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        EnsureCanCreate(caller);
        MaturityProfile? before = null;
        if (previous is { } previousId)
        {
            before = await access.Readable(db.MaturityProfiles.Include(p => p.Record), caller).FirstOrDefaultAsync(p => p.Id == previousId, cancellationToken);
            if (before is null)
            {
                return null;
            }

            if (!AccessPolicy.CanWrite(caller, before.Record) || (before.Network && !caller.IsNodeAdmin))
            {
                throw new ForbiddenException("Only the profile's organisation changes it; network profiles only its node administrators.");
            }

            var seriesId = before.SeriesId;
            if (await db.MaturityProfiles.Where(p => p.SeriesId == seriesId).MaxAsync(p => p.Version, cancellationToken) != before.Version)
            {
                throw new ConflictException("A newer version of this profile exists; change the latest version.");
            }
        }

        var errors = new RequestErrors();
        errors.SingleLine("name", request.Name, MaturityLimits.NameLength);
        var modelKey = request.ModelKey ?? before?.ModelKey;
        IReadOnlyList<string> known = [];
        if (string.IsNullOrWhiteSpace(modelKey))
        {
            errors.Add("modelKey", "Required: a model version key.");
        }
        else if (before is not null && modelKey != before.ModelKey)
        {
            errors.Add("modelKey", "A new version of a profile keeps its model version; create a new profile for another model.");
        }
        else if (modelKey.Length > MaturityLimits.KeyLength || (known = await models.ParameterIdsAsync(modelKey, cancellationToken)).Count == 0)
        {
            errors.Add("modelKey", "No such model version.");
        }

        var network = before?.Network ?? request.Network;
        if (network && !caller.IsNodeAdmin)
        {
            errors.Add("network", "Only node administrators define network-wide profiles.");
        }

        var levels = request.Levels ?? new Dictionary<string, int?>();
        if (levels.Count == 0)
        {
            errors.Add("levels", "Required: a minimum level for at least one parameter.");
        }

        var knownSet = known.ToHashSet(StringComparer.Ordinal);
        foreach (var (parameter, level) in levels)
        {
            if (known.Count > 0 && !knownSet.Contains(parameter))
            {
                errors.Add($"levels.{(parameter.Length > MaturityLimits.ParameterIdLength ? parameter[..MaturityLimits.ParameterIdLength] + "…" : parameter)}", $"Not a parameter of model version '{modelKey}'.");
            }
            else if (level is not { } l || !Sim3Model.IsLevel(l))
            {
                errors.Add($"levels.{parameter}", $"A level from {Sim3Model.MinLevel} to {Sim3Model.MaxLevel}.");
            }
        }

        errors.ThrowIfAny();
        var now = clock.GetUtcNow();
        var record = NewRecord(caller, now, MaturityProfile.Type);
        IReadOnlyList<ResolvedAudience> entries = network ? [new ResolvedAudience(AudienceKind.Network)] : [];
        var tlp = network ? Tlp.Green : Tlp.Red;
        EnsureCanShare(caller, record, tlp, entries);
        var profile = new MaturityProfile
        {
            Record = record,
            Id = Guid.CreateVersion7(now),
            SeriesId = before?.SeriesId ?? Guid.CreateVersion7(now),
            Version = (before?.Version ?? 0) + 1,
            Name = request.Name!.Trim(),
            NameKey = SearchKeys.Of(request.Name!.Trim(), MaturityLimits.NameLength),
            ModelKey = modelKey!,
            Network = network,
            CreatedByUserId = caller.UserId,
            CreatedAt = now,
            Levels = [.. levels.Select(l => new MaturityProfileLevel { ParameterId = l.Key, MinLevel = l.Value!.Value })],
        };
        db.SharedRecords.Add(record);
        db.MaturityProfiles.Add(profile);
        await sharing.ApplyAsync(record, tlp, entries, published: false, cancellationToken);
        audit.Record(AuditEvent.MaturityProfileSaved, caller, $"maturity-profile:{profile.Id}", detail: $"version {profile.Version}");
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (before is not null)
        {
            throw new ConflictException("This profile was changed at the same moment by someone else; reload it.");
        }

        return profile;
    }

    /// <summary>An organisation's admins let its latest finished assessments count in regional figures (of at least 5 organisations), or stop it.</summary>
    public async Task SetComparisonOptInAsync(Caller caller, bool optedIn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.IsAdminOf(caller.OrganisationId))
        {
            throw new ForbiddenException("Only the organisation's own admins decide whether it contributes to the regional comparison.");
        }

        var existing = await db.MaturityComparisonOptIns.FirstOrDefaultAsync(o => o.OrganisationId == caller.OrganisationId, cancellationToken);
        if (optedIn == existing is not null)
        {
            return;
        }

        if (optedIn)
        {
            db.MaturityComparisonOptIns.Add(new MaturityComparisonOptIn { OrganisationId = caller.OrganisationId, OptedInAt = clock.GetUtcNow(), OptedInByUserId = caller.UserId });
        }
        else
        {
            db.MaturityComparisonOptIns.Remove(existing!);
        }

        audit.Record(AuditEvent.MaturityComparisonOptInChanged, caller, $"organisation:{caller.OrganisationId}", detail: optedIn ? "in" : "out");
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            throw new ConflictException("Changed at the same moment by someone else; reload.");
        }
    }

    /// <summary>
    /// An assessment's date: from 2000 (SIM3 is younger) to tomorrow (time zones) — never far in the future, where it
    /// would stay the "latest" assessment whatever is finished after it (regional comparison, own level).
    /// </summary>
    private void CheckDate(DateOnly date, RequestErrors errors)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (date < new DateOnly(2000, 1, 1) || date > today.AddDays(1))
        {
            errors.Add("date", "From 2000-01-01 to today.");
        }
    }

    private static SharedRecord NewRecord(Caller caller, DateTimeOffset now, RecordType type) => new()
    {
        RecordType = type,
        OwnerOrganisationId = caller.OrganisationId,
        CreatorOrganisationId = caller.OrganisationId,
        CreatedAt = now,
    };

    // A draft the caller may enter levels into: readable, a draft, and the caller a writer of the organisation that enters them.
    private async Task<MaturityAssessment?> WritableAsync(Caller caller, Guid id, bool levels, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var assessment = await access.Readable(db.MaturityAssessments.Include(a => a.Record).Include(a => a.Ratings), caller)
            .FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (assessment is null)
        {
            return null;
        }

        if (levels)
        {
            EnsureCanEnter(caller, assessment);
        }

        if (assessment.Status == AssessmentStatus.Finished)
        {
            throw new ConflictException("This assessment is finished and frozen; reopen it to make a new version.");
        }

        return assessment;
    }

    /// <summary>
    /// Who enters levels: for a peer review, writers of the invited reviewer organisation (which reads it through its
    /// organisation grant); for any other assessment, writers of the assessed organisation.
    /// </summary>
    private static void EnsureCanEnter(Caller caller, MaturityAssessment assessment)
    {
        EnsureCanCreate(caller);
        var enters = assessment.AssessmentType == AssessmentType.PeerReview ? assessment.ReviewerOrganisationId : assessment.Record.OwnerOrganisationId;
        if (enters != caller.OrganisationId)
        {
            throw new ForbiddenException(assessment.AssessmentType == AssessmentType.PeerReview
                ? "Only the invited reviewer organisation enters the levels of a peer review."
                : "Only the assessed organisation changes its assessment.");
        }
    }

    private static void EnsureCanCreate(Caller caller)
    {
        if (!AccessPolicy.CanCreate(caller))
        {
            throw new ForbiddenException("Viewers and read-only keys cannot write.");
        }
    }

    private static void EnsureCanShare(Caller caller, SharedRecord record, Tlp tlp, IReadOnlyList<ResolvedAudience> entries)
    {
        if (!AccessPolicy.CanShare(caller, record, tlp, entries))
        {
            throw new InvalidOperationException("The sharing rules and their validation disagree.");
        }
    }

    private async Task<IReadOnlyList<ResolvedAudience>> SharingAsync(Caller caller, Tlp tlp, IReadOnlyList<AudienceEntry> audiences, Guid? reviewer, RequestErrors errors, CancellationToken cancellationToken)
    {
        var all = reviewer is { } r ? [.. audiences, new AudienceEntry(AudienceKind.Organisation, OrganisationId: r)] : audiences;
        var request = new SharingRequest(tlp, all, false, (i, _, _) => i == audiences.Count && reviewer is not null ? "reviewerOrganisationId" : $"audiences[{i}]");
        var entries = await sharing.ValidateAsync(caller, request, errors, cancellationToken);
        // The reviewer may also have been named in the audience: one grant is enough.
        return entries.Distinct().ToList();
    }
}
