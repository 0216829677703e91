using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Standards.Sim3;

namespace Rampart.Server.Capacity.Maturity;

/// <summary>An assessment as its reader sees it, with the grants that explain its audience.</summary>
public sealed record ReadAssessment(MaturityAssessment Assessment, IReadOnlyList<AccessGrant> Grants);

/// <summary>A target profile as its reader sees it.</summary>
public sealed record ReadProfile(MaturityProfile Profile);

/// <summary>One parameter of the regional comparison: the distribution (withheld under 5 contributors) and the viewer's own level.</summary>
/// <summary>One parameter's figures: <see cref="Contributors"/> and <see cref="Counts"/> are both null below the threshold (nothing is said, not even that fewer contribute).</summary>
public sealed record RegionalParameter(string ParameterId, int? Contributors, IReadOnlyList<int>? Counts, int? OwnLevel);

/// <summary>
/// Every read of assessments and target profiles — API and pages — goes through here, and from here through
/// <see cref="AccessPolicy"/>. The one exception is <see cref="RegionalAsync"/>: counts over the latest finished
/// assessments of organisations whose admins opted in, released only per parameter with at least
/// <see cref="Sim3Analysis.MinContributors"/> contributors (docs/sharing.md, "Maturity: the regional comparison").
/// </summary>
public sealed class MaturityQueries(RampartDb db, AccessPolicy access, SharingStore sharing)
{
    public async Task<ReadAssessment?> FindAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        var assessment = await access.Readable(db.MaturityAssessments.AsNoTracking().Include(a => a.Record).Include(a => a.Ratings).ThenInclude(r => r.Files).ThenInclude(f => f.Attachment), caller)
            .AsSplitQuery().FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        return assessment is null ? null : new ReadAssessment(assessment, await sharing.GrantsOfAsync(assessment.RecordId, cancellationToken));
    }

    /// <summary>
    /// One evidence file of an assessment already admitted by the access decision, with its bytes; null when this assessment
    /// version links no such file (a guessed id of another assessment's file is "not found").
    /// </summary>
    public async Task<(Incidents.Attachments.Attachment Attachment, byte[] Content)?> EvidenceAsync(ReadAssessment read, Guid fileId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        var recordId = read.Assessment.RecordId;
        var link = await db.MaturityEvidenceFiles.AsNoTracking().Include(f => f.Attachment)
            .FirstOrDefaultAsync(f => f.AssessmentRecordId == recordId && f.AttachmentId == fileId, cancellationToken);
        if (link is null)
        {
            return null;
        }

        var content = await db.IncidentAttachmentContents.AsNoTracking().Where(c => c.AttachmentId == fileId).Select(c => c.Content).SingleAsync(cancellationToken);
        return (link.Attachment, content);
    }

    /// <summary>Readable assessments, newest first, older than <paramref name="before"/> (a record key of the previous page).</summary>
    public async Task<(IReadOnlyList<MaturityAssessment> Items, bool More)> ListAsync(Caller caller, long? before, int limit, CancellationToken cancellationToken)
    {
        var ids = await access.ReadableIdsAsync(caller, MaturityAssessment.Type, before, limit + 1, cancellationToken);
        var recordIds = ids.Take(limit).ToList();
        // The ids come from the access decision; this only fetches their rows.
        var page = await db.MaturityAssessments.AsNoTracking().Include(a => a.Record).Where(a => EF.Parameter(recordIds).Contains(a.RecordId))
            .OrderByDescending(a => a.RecordId).ToListAsync(cancellationToken);
        return (page, ids.Count > limit);
    }

    /// <summary>The readable versions of one assessment's series, oldest first (a series has few versions).</summary>
    public async Task<IReadOnlyList<MaturityAssessment>> VersionsAsync(Caller caller, Guid seriesId, CancellationToken cancellationToken) =>
        await access.Readable(db.MaturityAssessments.AsNoTracking().Include(a => a.Record).Where(a => a.SeriesId == seriesId), caller)
            .OrderBy(a => a.Version).Take(1000).ToListAsync(cancellationToken);

    /// <summary>
    /// The other assessments of the same organisation on the same model version that the caller may read, newest first, at
    /// most <paramref name="limit"/>, without their ratings (the one chosen is read again with <see cref="FindAsync"/>): what the
    /// assessment page offers to compare with (a peer review beside the self-assessment it reviews). Backed by the
    /// (model, organisation, status, date) index.
    /// </summary>
    public async Task<IReadOnlyList<MaturityAssessment>> ComparableAsync(Caller caller, MaturityAssessment assessment, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(assessment);
        var (id, model, organisation) = (assessment.Id, assessment.ModelKey, assessment.OrganisationId);
        return await access.Readable(db.MaturityAssessments.AsNoTracking().Include(a => a.Record)
                .Where(a => a.ModelKey == model && a.OrganisationId == organisation && a.Id != id), caller)
            .OrderByDescending(a => a.Date).ThenByDescending(a => a.RecordId).Take(limit).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// The finished assessments of <paramref name="organisationId"/> on <paramref name="modelKey"/> the caller may read,
    /// oldest first (at most the latest <paramref name="limit"/>), with their ratings: the history lines.
    /// </summary>
    public async Task<IReadOnlyList<MaturityAssessment>> HistoryAsync(Caller caller, Guid organisationId, string modelKey, int limit, CancellationToken cancellationToken)
    {
        var finished = access.Readable(db.MaturityAssessments.AsNoTracking().Include(a => a.Record)
            .Where(a => a.ModelKey == modelKey && a.OrganisationId == organisationId && a.Status == AssessmentStatus.Finished), caller);
        var latest = await finished.OrderByDescending(a => a.Date).ThenByDescending(a => a.RecordId).Take(limit).Include(a => a.Ratings).ToListAsync(cancellationToken);
        latest.Reverse();
        return latest;
    }

    public async Task<ReadProfile?> FindProfileAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        var profile = await access.Readable(db.MaturityProfiles.AsNoTracking().Include(p => p.Record).Include(p => p.Levels), caller)
            .FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        return profile is null ? null : new ReadProfile(profile);
    }

    /// <summary>Readable target profiles (network ones and the caller's organisation's), newest first.</summary>
    public async Task<(IReadOnlyList<MaturityProfile> Items, bool More)> ListProfilesAsync(Caller caller, long? before, int limit, CancellationToken cancellationToken)
    {
        var ids = await access.ReadableIdsAsync(caller, MaturityProfile.Type, before, limit + 1, cancellationToken);
        var recordIds = ids.Take(limit).ToList();
        var page = await db.MaturityProfiles.AsNoTracking().Include(p => p.Record).Where(p => EF.Parameter(recordIds).Contains(p.RecordId))
            .OrderByDescending(p => p.RecordId).ToListAsync(cancellationToken);
        return (page, ids.Count > limit);
    }

    /// <summary>
    /// The pages' target-profile picker: up to <paramref name="limit"/> readable profiles, optionally only of
    /// <paramref name="modelKey"/>, whose name key (<see cref="SearchKeys.Of"/>: any case, diacritics ignored, in any script
    /// on both databases) contains the text's key, newest first; none for a text shorter than
    /// <see cref="SearchKeys.MinPickerText"/> characters (nothing is scanned).
    /// </summary>
    public async Task<IReadOnlyList<MaturityProfile>> PickProfilesAsync(Caller caller, string? text, string? modelKey, int limit, CancellationToken cancellationToken)
    {
        if (SearchKeys.Picker(text, MaturityLimits.NameLength) is not { } key)
        {
            return [];
        }

        // Contains as SQL LIKE on both databases; the key is stored normalised (MaturityProfile.NameKey).
#pragma warning disable CA1307
        var profiles = db.MaturityProfiles.AsNoTracking().Include(p => p.Record).Where(p => p.NameKey.Contains(key));
#pragma warning restore CA1307
        if (modelKey is not null)
        {
            profiles = profiles.Where(p => p.ModelKey == modelKey);
        }

        return await access.Readable(profiles, caller).OrderByDescending(p => p.RecordId).Take(limit).ToListAsync(cancellationToken);
    }

    /// <summary>The readable versions of one target profile's series, oldest first (index on series and version).</summary>
    public async Task<IReadOnlyList<MaturityProfile>> ProfileVersionsAsync(Caller caller, Guid seriesId, CancellationToken cancellationToken) =>
        await access.Readable(db.MaturityProfiles.AsNoTracking().Include(p => p.Record).Where(p => p.SeriesId == seriesId), caller)
            .OrderBy(p => p.Version).Take(1000).ToListAsync(cancellationToken);

    /// <summary>Whether the caller's organisation contributes to the regional comparison.</summary>
    public async Task<bool> OptedInAsync(Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var organisationId = caller.OrganisationId;
        return await db.MaturityComparisonOptIns.AnyAsync(o => o.OrganisationId == organisationId, cancellationToken);
    }

    /// <summary>
    /// The distribution of levels per parameter of <paramref name="modelKey"/> over the latest finished assessment of
    /// every opted-in organisation; a parameter with fewer than 5 contributors shows no counts (and no contributor
    /// number). The caller's own organisation's latest finished level is marked (read through the access decision).
    /// Anonymous callers and the command-line operator get nothing.
    /// </summary>
    public async Task<IReadOnlyList<RegionalParameter>> RegionalAsync(Caller caller, string modelKey, IReadOnlyList<string> parameterIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(parameterIds);
        if (!caller.IsAuthenticated || caller.IsOperator)
        {
            return [];
        }

        var optedIn = db.MaturityComparisonOptIns.Select(o => o.OrganisationId);
        var assessments = db.MaturityAssessments;
        // Only levels an organisation entered itself count (self-assessments and audits it recorded): a peer review's
        // levels are the reviewer's, and a reviewer of several organisations must not set their contributions — it
        // would know all but one of five and read the fifth (review 2026-11-30).
        var latest = assessments.AsNoTracking()
            .Where(a => a.ModelKey == modelKey && a.Status == AssessmentStatus.Finished && a.AssessmentType != AssessmentType.PeerReview && optedIn.Contains(a.OrganisationId))
            .Where(a => !assessments.Any(b => b.ModelKey == modelKey && b.OrganisationId == a.OrganisationId && b.Status == AssessmentStatus.Finished
                                               && b.AssessmentType != AssessmentType.PeerReview
                                               && (b.Date > a.Date || (b.Date == a.Date && b.RecordId > a.RecordId))))
            .Select(a => a.RecordId);
        var levels = await db.MaturityRatings.AsNoTracking()
            .Where(r => latest.Contains(r.AssessmentRecordId) && r.Level != null)
            .Select(r => new { r.ParameterId, Level = r.Level!.Value })
            .ToListAsync(cancellationToken);
        var byParameter = levels.ToLookup(l => l.ParameterId, l => l.Level, StringComparer.Ordinal);

        // The caller's own position: its organisation's latest finished assessment of its own (as counted above).
        var own = await access.Readable(db.MaturityAssessments.AsNoTracking()
                .Where(a => a.ModelKey == modelKey && a.OrganisationId == caller.OrganisationId && a.Status == AssessmentStatus.Finished && a.AssessmentType != AssessmentType.PeerReview), caller)
            .OrderByDescending(a => a.Date).ThenByDescending(a => a.RecordId).Include(a => a.Ratings).FirstOrDefaultAsync(cancellationToken);
        var ownLevels = own is null
            ? new Dictionary<string, int>(StringComparer.Ordinal)
            : own.Ratings.Where(r => r.Level is not null).ToDictionary(r => r.ParameterId, r => r.Level!.Value, StringComparer.Ordinal);
        return parameterIds.Select(p =>
        {
            var distribution = Sim3Analysis.Distribution(p, [.. byParameter[p]]);
            return new RegionalParameter(p, distribution.Counts is null ? null : distribution.Contributors, distribution.Counts, ownLevels.TryGetValue(p, out var l) ? l : null);
        }).ToList();
    }
}
