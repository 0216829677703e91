using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Capacity.Projects;
using Rampart.Server.Data;
using Rampart.Server.Hosting;
using Rampart.Server.Validation;

namespace Rampart.Server.Capacity.Training;

/// <summary>An ECSF item as one of a profile's.</summary>
public sealed record EcsfItemView(string ItemId, EcsfItemKind Kind, string Text, int? Level);

/// <summary>One proficiency of a target profile's item: the person's level, the level required, and how far short it falls.</summary>
public sealed record GapItem(string ItemId, EcsfItemKind Kind, string Text, Proficiency? Level, Proficiency Required, int Gap);

/// <summary>A readable course that covers some of the gap items.</summary>
public sealed record GapCourse(Guid CourseId, string Title, string Provider, int GapItemsCovered);

public sealed record GapView(Guid PersonId, string FrameworkKey, string ProfileId, Proficiency Required, int Items, int Met, IReadOnlyList<GapItem> Gaps, IReadOnlyList<GapCourse> Courses);

/// <summary>How many of the organisation's people hold a profile, and who.</summary>
public sealed record CoverageItem(string ProfileId, int People, IReadOnlyList<string> Names);

public sealed record CoverageView(Guid OrganisationId, string FrameworkKey, int People, IReadOnlyList<CoverageItem> Profiles, IReadOnlyList<string> Uncovered);

/// <summary>A line of a training record: an attended session of a course in the year.</summary>
public sealed record RecordLine(Guid PersonId, string PersonName, Guid CourseId, string Course, string Provider, Guid SessionId, DateOnly StartDate, DateOnly EndDate, decimal Hours);

public sealed record CertificateView(Guid Id, Guid PersonId, string PersonName, string Name, string Issuer, string? Number, DateOnly IssuedOn, DateOnly? ExpiresOn, bool Expired, bool ExpiresSoon,
    string? VerificationCode = null, bool Revoked = false);

/// <summary>A seat of a session as its course owner sees it: its own organisation's participants by name, another organisation's as such only.</summary>
public sealed record SeatView(string Seat, bool OwnOrganisation, Guid? PersonId, string? Name, EnrolmentStatus Status, DateTimeOffset EnrolledAt);

/// <summary>One seat of the course owner's seat list over all the course's sessions (the session's start shown beside it).</summary>
public sealed record CourseSeat(Guid SessionId, DateOnly SessionStart, SeatView Seat);

/// <summary>Where the course's seat list goes on: after this session start, session and person record.</summary>
public readonly record struct CourseSeatPosition(DateOnly SessionStart, Guid SessionId, long PersonRecordId);

public sealed record SeatsView(Guid SessionId, int? Capacity, int Enrolled, int OwnOrganisation, int OtherOrganisations, IReadOnlyList<SeatView> Seats, string? Next);

/// <summary>A user of the caller's organisation as the account picker shows it.</summary>
/// <summary>A user of the caller's organisation as the training pages name them; <see cref="Email"/> is empty unless the caller may list users (org admins) or it is the caller.</summary>
public sealed record LinkableUser(Guid Id, string DisplayName, string Email)
{
    public string Label => Email.Length == 0 ? DisplayName : $"{DisplayName} <{Email}>";
}

/// <summary>A readable course that addresses a SIM3 parameter.</summary>
public sealed record ParameterCourse(string ParameterId, Guid CourseId, string Title, string Provider);

/// <summary>A person's place on one ECSF profile: whether they hold it, and their level on it (the mean of their ratings over the profile's skill and knowledge items, unrated as 0).</summary>
public sealed record MatrixCell(string ProfileId, bool Holds, decimal Level);

public sealed record MatrixPerson(Guid Id, string Name, IReadOnlyList<MatrixCell> Profiles);

/// <summary>A role the organisation needs against the people it has: filled = people holding the profile at the level at least; gap = the missing ones; courses mapped to the profile.</summary>
public sealed record NeedView(string ProfileId, int Count, Proficiency Level, int Filled, int Gap, IReadOnlyList<GapCourse> Courses);

public sealed record MatrixView(Guid OrganisationId, string FrameworkKey, int People, IReadOnlyList<string> Profiles, IReadOnlyList<NeedView> Needs, IReadOnlyList<MatrixPerson> Page, string? Next);

/// <summary>A person's (or organisation's) training in one year: hours and courses from attended sessions ending that year, certificates issued that year.</summary>
public sealed record TrainingRecordView(int Year, decimal Hours, int Courses, int Sessions, int Certificates, IReadOnlyList<RecordLine> Lines, IReadOnlyList<CertificateView> CertificatesIssued);

/// <summary>
/// Every read of training records, courses and sessions — API, pages, CSV — goes through here, and from here through
/// <see cref="AccessPolicy"/>. Sessions, enrolments, certificates and proficiencies are read only with the record they belong to.
/// </summary>
public sealed class TrainingQueries(RampartDb db, AccessPolicy access, ProjectQueries projects, TimeProvider clock,
    Microsoft.AspNetCore.DataProtection.IDataProtectionProvider protection)
{
    public async Task<IReadOnlyList<EcsfFramework>> FrameworksAsync(CancellationToken cancellationToken) =>
        await db.EcsfFrameworks.AsNoTracking().OrderBy(f => f.Key).ToListAsync(cancellationToken);

    public async Task<IReadOnlyList<EcsfProfile>> ProfilesAsync(string frameworkKey, CancellationToken cancellationToken) =>
        await db.EcsfProfiles.AsNoTracking().Where(p => p.FrameworkKey == frameworkKey).OrderBy(p => p.Position).ToListAsync(cancellationToken);

    /// <summary>A profile with its items in the framework's order, or null.</summary>
    public async Task<(EcsfProfile Profile, IReadOnlyList<EcsfItemView> Items)?> ProfileAsync(string frameworkKey, string profileId, CancellationToken cancellationToken)
    {
        var profile = await db.EcsfProfiles.AsNoTracking().FirstOrDefaultAsync(p => p.FrameworkKey == frameworkKey && p.ProfileId == profileId, cancellationToken);
        if (profile is null)
        {
            return null;
        }

        var items = await (from l in db.EcsfProfileItems.AsNoTracking()
                           join i in db.EcsfItems.AsNoTracking() on new { l.FrameworkKey, l.ItemId } equals new { i.FrameworkKey, i.ItemId }
                           where l.FrameworkKey == frameworkKey && l.ProfileId == profileId
                           orderby l.Position
                           select new EcsfItemView(i.ItemId, i.Kind, i.Text, l.Level)).ToListAsync(cancellationToken);
        return (profile, items);
    }

    /// <summary>Items of a framework by id (for showing proficiencies and course coverage).</summary>
    public async Task<IReadOnlyDictionary<string, EcsfItem>> ItemsAsync(string frameworkKey, IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
        await db.EcsfItems.AsNoTracking().Where(i => i.FrameworkKey == frameworkKey && EF.Parameter(ids.ToList()).Contains(i.ItemId))
            .ToDictionaryAsync(i => i.ItemId, StringComparer.Ordinal, cancellationToken);

    /// <summary>The person's training record if the caller may read it; null otherwise, exactly as for an unknown id.</summary>
    public async Task<TrainingPerson?> FindPersonAsync(Caller caller, Guid id, CancellationToken cancellationToken) =>
        await access.Readable(db.TrainingPeople.AsNoTracking().Include(p => p.Record).Include(p => p.Profiles).Include(p => p.Proficiencies), caller)
            .AsSplitQuery().FirstOrDefaultAsync(p => p.Id == id, cancellationToken);

    /// <summary>The caller's own training record (the one linked to their account) if they may read it; null otherwise.</summary>
    public async Task<TrainingPerson?> MineAsync(Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.IsAuthenticated || caller.IsOperator || caller.UserId == Guid.Empty)
        {
            return null;
        }

        var userId = caller.UserId;
        return await access.Readable(db.TrainingPeople.AsNoTracking().Include(p => p.Record).Include(p => p.Profiles).Include(p => p.Proficiencies), caller)
            .AsSplitQuery().FirstOrDefaultAsync(p => p.UserId == userId, cancellationToken);
    }

    /// <summary>
    /// Active users of the caller's own organisation a training record can be linked to, for writers only (who may create
    /// and change records): those whose display name (org admins, who may list users: or e-mail) starts with
    /// <paramref name="search"/>, at most <paramref name="limit"/>. Only org admins see the addresses (as the user
    /// directory); nobody else's users, and nothing for readers who cannot write, nor for a text shorter than
    /// <see cref="SearchKeys.MinPickerText"/> characters.
    /// </summary>
    public async Task<IReadOnlyList<LinkableUser>> LinkableUsersAsync(Caller caller, string? search, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!AccessPolicy.CanCreate(caller) || caller.IsOperator || (search ?? "").Trim().Length < SearchKeys.MinPickerText)
        {
            return [];
        }

        var organisationId = caller.OrganisationId;
        var own = db.Users.AsNoTracking().Where(u => u.OrganisationId == organisationId && !u.Disabled);
        var key = Identity.UserListing.SearchKey(search);
        if (caller.Role == Role.OrgAdmin)
        {
            return await Identity.UserListing.Matching(own, key).OrderBy(u => u.NormalizedEmail).ThenBy(u => u.Id).Take(limit)
                .Select(u => new LinkableUser(u.Id, u.DisplayName, u.Email ?? "")).ToListAsync(cancellationToken);
        }

        // Writers who are not administrators find colleagues by name only and never see their addresses (except their own).
        if (key is not null)
        {
            var end = Http.PrefixEnd(key);
            own = own.Where(u => u.NormalizedDisplayName.CompareTo(key) >= 0 && u.NormalizedDisplayName.CompareTo(end) < 0);
        }

        var me = caller.UserId;
        return await own.OrderBy(u => u.NormalizedDisplayName).ThenBy(u => u.Id).Take(limit)
            .Select(u => new LinkableUser(u.Id, u.DisplayName, u.Id == me ? u.Email ?? "" : "")).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Names of users of the caller's own organisation among <paramref name="userIds"/> (the account a record is linked to,
    /// who recorded a consent); their e-mail addresses only for org admins (who may list users) and for the caller themself.
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, LinkableUser>> OwnUsersAsync(Caller caller, IReadOnlyCollection<Guid> userIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var organisationId = caller.OrganisationId;
        var ids = userIds.ToList();
        var admin = caller.Role == Role.OrgAdmin;
        var me = caller.UserId;
        return await db.Users.AsNoTracking().Where(u => u.OrganisationId == organisationId && ids.Contains(u.Id))
            .Select(u => new LinkableUser(u.Id, u.DisplayName, admin || u.Id == me ? u.Email ?? "" : "")).ToDictionaryAsync(u => u.Id, cancellationToken);
    }

    /// <summary>Readable people, newest first, older than <paramref name="before"/> (a record key); and whether more follow.</summary>
    public async Task<(IReadOnlyList<TrainingPerson> People, bool More)> ListPeopleAsync(Caller caller, long? before, int limit, CancellationToken cancellationToken)
    {
        var ids = await access.ReadableIdsAsync(caller, TrainingPerson.Type, before, limit + 1, cancellationToken);
        var page = ids.Take(limit).ToList();
        // The ids come from the access decision above; this only fetches their rows.
        var people = await db.TrainingPeople.AsNoTracking().Include(p => p.Record).Include(p => p.Profiles)
            .Where(p => EF.Parameter(page).Contains(p.RecordId)).OrderByDescending(p => p.RecordId).AsSplitQuery().ToListAsync(cancellationToken);
        return (people, ids.Count > limit);
    }

    /// <summary>
    /// The pages' person picker (enrolling in a session): up to <paramref name="limit"/> readable people whose name key
    /// (<see cref="SearchKeys.Of"/>: any case, diacritics ignored, in any script on both databases) contains the text's key,
    /// newest first; none for a text shorter than <see cref="SearchKeys.MinPickerText"/> characters (nothing is scanned).
    /// </summary>
    public async Task<IReadOnlyList<TrainingPerson>> PickPeopleAsync(Caller caller, string? text, int limit, CancellationToken cancellationToken)
    {
        if (SearchKeys.Picker(text, TrainingLimits.NameLength) is not { } key)
        {
            return [];
        }

        // Contains as SQL LIKE on both databases; the key is stored normalised (TrainingPerson.NameKey).
#pragma warning disable CA1307
        var people = db.TrainingPeople.AsNoTracking().Where(p => p.NameKey.Contains(key));
#pragma warning restore CA1307
        return await access.Readable(people, caller).OrderByDescending(p => p.RecordId).Take(limit).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// The gap of a readable person to a target profile: each skill and knowledge item of the profile, the person's rated
    /// level (none when not rated) against <paramref name="required"/>, biggest gap first; and the readable courses covering the gaps.
    /// </summary>
    public async Task<GapView?> GapAsync(Caller caller, Guid personId, string profileId, Proficiency required, CancellationToken cancellationToken)
    {
        var person = await FindPersonAsync(caller, personId, cancellationToken);
        if (person is null)
        {
            return null;
        }

        var profile = await ProfileAsync(person.FrameworkKey, profileId, cancellationToken)
            ?? throw RequestErrors.One("profile", $"Not a role profile of {person.FrameworkKey}.");
        var levels = person.Proficiencies.ToDictionary(p => p.ItemId, p => p.Level, StringComparer.Ordinal);
        var rated = profile.Items.Where(i => i.Kind is EcsfItemKind.Skill or EcsfItemKind.Knowledge)
            .Select(i =>
            {
                Proficiency? level = levels.TryGetValue(i.ItemId, out var l) ? l : null;
                return new GapItem(i.ItemId, i.Kind, i.Text, level, required, Math.Max(0, (int)required - (int)(level ?? Proficiency.None)));
            }).ToList();
        var gaps = rated.Where(g => g.Gap > 0).OrderByDescending(g => g.Gap).ThenBy(g => g.ItemId, StringComparer.Ordinal).ToList();
        var gapIds = gaps.Select(g => g.ItemId).ToList();
        var frameworkKey = person.FrameworkKey;
        var courseItems = db.TrainingCourseItems;
        var covering = access.Readable(db.TrainingCourses.AsNoTracking(), caller)
            .Where(c => c.FrameworkKey == frameworkKey)
            .Select(c => new { c.Id, c.Title, c.Provider, Covered = courseItems.Count(x => x.CourseRecordId == c.RecordId && x.FrameworkKey == frameworkKey && EF.Parameter(gapIds).Contains(x.ItemId)) })
            .Where(c => c.Covered > 0)
            .OrderByDescending(c => c.Covered).ThenBy(c => c.Title).Take(20);
        var courses = gapIds.Count == 0 ? [] : await covering.ToListAsync(cancellationToken);
        return new GapView(person.Id, person.FrameworkKey, profileId, required, rated.Count, rated.Count - gaps.Count, gaps,
            courses.Select(c => new GapCourse(c.Id, c.Title, c.Provider, c.Covered)).ToList());
    }

    /// <summary>The caller's organisation: how many of its people (those the caller reads) hold each profile, and which profiles nobody holds.</summary>
    public async Task<CoverageView> CoverageAsync(Caller caller, string frameworkKey, CancellationToken cancellationToken)
    {
        var organisationId = caller.OrganisationId;
        var people = access.Readable(db.TrainingPeople.AsNoTracking(), caller).Where(p => p.OrganisationId == organisationId && p.FrameworkKey == frameworkKey);
        var count = caller.IsOperator || !caller.IsAuthenticated ? 0 : await people.CountAsync(cancellationToken);
        var holders = caller.IsOperator || !caller.IsAuthenticated
            ? []
            : await (from x in db.TrainingPersonProfiles.AsNoTracking()
                     join p in people on x.PersonRecordId equals p.RecordId
                     where x.FrameworkKey == frameworkKey
                     select new { x.ProfileId, p.Name }).ToListAsync(cancellationToken);
        var profiles = await ProfilesAsync(frameworkKey, cancellationToken);
        var items = profiles.Select(p =>
        {
            var names = holders.Where(h => h.ProfileId == p.ProfileId).Select(h => h.Name).Order(StringComparer.CurrentCulture).ToList();
            return new CoverageItem(p.ProfileId, names.Count, names);
        }).ToList();
        return new CoverageView(organisationId, frameworkKey, count, items, items.Where(i => i.People == 0).Select(i => i.ProfileId).ToList());
    }

    /// <summary>The course if the caller may read it; null otherwise.</summary>
    public async Task<TrainingCourse?> FindCourseAsync(Caller caller, Guid id, CancellationToken cancellationToken) =>
        await access.Readable(db.TrainingCourses.AsNoTracking().Include(c => c.Record).Include(c => c.Items).Include(c => c.Profiles).Include(c => c.Parameters).Include(c => c.Topics), caller)
            .AsSplitQuery().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);

    /// <summary>
    /// Readable courses, newest first, optionally only those covering <paramref name="itemId"/>, mapped to <paramref name="profileId"/>
    /// or about <paramref name="topic"/> (normalised as stored).
    /// </summary>
    public async Task<(IReadOnlyList<TrainingCourse> Courses, bool More)> ListCoursesAsync(Caller caller, string? itemId, string? profileId, long? before, int limit,
        CancellationToken cancellationToken, string? topic = null)
    {
        List<long> ids;
        if (itemId is null && profileId is null && topic is null)
        {
            ids = [.. await access.ReadableIdsAsync(caller, TrainingCourse.Type, before, limit + 1, cancellationToken)];
        }
        else
        {
            var below = before ?? long.MaxValue;
            var matching = db.TrainingCourses.AsNoTracking().Where(c => c.RecordId < below);
            var courseItems = db.TrainingCourseItems;
            var courseProfiles = db.TrainingCourseProfiles;
            if (itemId is not null)
            {
                matching = matching.Where(c => courseItems.Any(x => x.CourseRecordId == c.RecordId && x.ItemId == itemId));
            }

            if (profileId is not null)
            {
                matching = matching.Where(c => courseProfiles.Any(x => x.CourseRecordId == c.RecordId && x.ProfileId == profileId));
            }

            if (topic is not null)
            {
                var courseTopics = db.TrainingCourseTopics;
                matching = matching.Where(c => courseTopics.Any(x => x.CourseRecordId == c.RecordId && x.Topic == topic));
            }

            ids = await access.Readable(matching, caller).OrderByDescending(c => c.RecordId).Select(c => c.RecordId).Take(limit + 1).ToListAsync(cancellationToken);
        }

        var page = ids.Take(limit).ToList();
        var courses = await db.TrainingCourses.AsNoTracking().Include(c => c.Record).Include(c => c.Items).Include(c => c.Profiles).Include(c => c.Parameters).Include(c => c.Topics)
            .Where(c => EF.Parameter(page).Contains(c.RecordId)).OrderByDescending(c => c.RecordId).AsSplitQuery().ToListAsync(cancellationToken);
        return (courses, ids.Count > limit);
    }

    /// <summary>Sessions of a readable course by start date (then id), after the cursor position; null when the course is not readable.</summary>
    public async Task<(IReadOnlyList<TrainingSession> Sessions, bool More)?> SessionsAsync(Caller caller, Guid courseId, (DateOnly Start, Guid Id)? after, int limit, CancellationToken cancellationToken)
    {
        var course = await FindCourseAsync(caller, courseId, cancellationToken);
        if (course is null)
        {
            return null;
        }

        var query = db.TrainingSessions.AsNoTracking().Where(s => s.CourseRecordId == course.RecordId);
        if (after is { } a)
        {
            query = query.Where(s => s.StartDate > a.Start || (s.StartDate == a.Start && s.Id.CompareTo(a.Id) > 0));
        }

        var found = await query.OrderBy(s => s.StartDate).ThenBy(s => s.Id).Take(limit + 1).ToListAsync(cancellationToken);
        return (found.Take(limit).ToList(), found.Count > limit);
    }

    /// <summary>
    /// The sessions delivered under registry project <paramref name="projectId"/> whose course the caller may read, by start date (then id)
    /// after the cursor position; null when the caller may not read the project (as for an unknown id). Another organisation's private
    /// course under the same project is simply not there for the caller.
    /// </summary>
    public async Task<(IReadOnlyList<(TrainingSession Session, TrainingCourse Course)> Sessions, bool More)?> SessionsUnderProjectAsync(
        Caller caller, Guid projectId, (DateOnly Start, Guid Id)? after, int limit, CancellationToken cancellationToken)
    {
        if (await projects.FindAsync(caller, projectId, cancellationToken) is null)
        {
            return null;
        }

        var sessions = db.TrainingSessions.AsNoTracking().Where(s => s.ProjectId == projectId);
        if (after is { } a)
        {
            sessions = sessions.Where(s => s.StartDate > a.Start || (s.StartDate == a.Start && s.Id.CompareTo(a.Id) > 0));
        }

        var found = await (from s in sessions
                           join c in access.Readable(db.TrainingCourses.AsNoTracking(), caller) on s.CourseRecordId equals c.RecordId
                           orderby s.StartDate, s.Id
                           select new { Session = s, Course = c }).Take(limit + 1).ToListAsync(cancellationToken);
        return (found.Take(limit).Select(f => (f.Session, f.Course)).ToList(), found.Count > limit);
    }

    /// <summary>A session and its course if the course is readable.</summary>
    public async Task<(TrainingSession Session, TrainingCourse Course)?> FindSessionAsync(Caller caller, Guid sessionId, CancellationToken cancellationToken)
    {
        var session = await db.TrainingSessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sessionId, cancellationToken);
        if (session is null)
        {
            return null;
        }

        var course = await access.Readable(db.TrainingCourses.AsNoTracking().Include(c => c.Record), caller)
            .FirstOrDefaultAsync(c => c.RecordId == session.CourseRecordId, cancellationToken);
        return course is null ? null : (session, course);
    }

    /// <summary>The project a session names, only when this caller may read it (otherwise the session shows no project at all).</summary>
    public async Task<CapacityProject?> ProjectOfAsync(Caller caller, TrainingSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.ProjectId is { } id ? await projects.FindAsync(caller, id, cancellationToken) : null;
    }

    /// <summary>The projects <paramref name="sessions"/> name, only those this caller may read (one query for all), by project id.</summary>
    public async Task<IReadOnlyDictionary<Guid, CapacityProject>> ProjectsOfAsync(Caller caller, IEnumerable<TrainingSession> sessions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        return await projects.FindManyAsync(caller, sessions.Where(s => s.ProjectId is not null).Select(s => s.ProjectId!.Value).ToList(), cancellationToken);
    }

    /// <summary>
    /// For the owner of a course read through <see cref="FindCourseAsync"/>: the seats taken in each of <paramref name="sessionIds"/>
    /// (all organisations; one grouped query per 500 sessions). Nothing for readers who may not change the course.
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, int>> SeatCountsAsync(Caller caller, TrainingCourse course, IReadOnlyCollection<Guid> sessionIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(course);
        ArgumentNullException.ThrowIfNull(sessionIds);
        var counts = new Dictionary<Guid, int>();
        if (!AccessPolicy.CanWrite(caller, course.Record))
        {
            return counts;
        }

        var courseRecordId = course.RecordId;
        foreach (var ids in sessionIds.Distinct().Chunk(500))
        {
            var chunk = ids.ToList();
            var found = await (from e in db.TrainingEnrolments.AsNoTracking()
                               join s in db.TrainingSessions.AsNoTracking() on e.SessionId equals s.Id
                               where s.CourseRecordId == courseRecordId && EF.Parameter(chunk).Contains(e.SessionId)
                               group e by e.SessionId into g
                               select new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
            foreach (var row in found)
            {
                counts[row.Key] = row.Count;
            }
        }

        return counts;
    }

    /// <summary>
    /// The seat list of a course read through <see cref="FindCourseAsync"/>, for its owner (review R4, as <see cref="SeatsAsync"/>):
    /// the seats of all its sessions by session start, session and person, after <paramref name="after"/>, one page in one query;
    /// its own organisation's participants by name, every other organisation's without. The position of the next page, if any.
    /// 403 for readers who may not change the course.
    /// </summary>
    public async Task<(IReadOnlyList<CourseSeat> Seats, CourseSeatPosition? Next)> CourseSeatsAsync(Caller caller, TrainingCourse course, CourseSeatPosition? after, int limit,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(course);
        if (!AccessPolicy.CanWrite(caller, course.Record))
        {
            throw new ForbiddenException("Only writers of the course's organisation see and manage its seats.");
        }

        var ownerId = course.Record.OwnerOrganisationId;
        var courseRecordId = course.RecordId;
        var readable = access.Readable(db.TrainingPeople.AsNoTracking(), caller).Where(p => p.OrganisationId == ownerId);
        var seats = from e in db.TrainingEnrolments.AsNoTracking()
                    join s in db.TrainingSessions.AsNoTracking() on e.SessionId equals s.Id
                    where s.CourseRecordId == courseRecordId
                    select new { s.StartDate, e.SessionId, e.PersonRecordId, e.Status, e.EnrolledAt };
        if (after is { } a)
        {
            seats = seats.Where(x => x.StartDate > a.SessionStart
                                     || (x.StartDate == a.SessionStart && (x.SessionId.CompareTo(a.SessionId) > 0 || (x.SessionId == a.SessionId && x.PersonRecordId > a.PersonRecordId))));
        }

        var rows = await seats.OrderBy(x => x.StartDate).ThenBy(x => x.SessionId).ThenBy(x => x.PersonRecordId)
            .Select(x => new
            {
                x.StartDate, x.SessionId, x.PersonRecordId, x.Status, x.EnrolledAt,
                Person = readable.Where(p => p.RecordId == x.PersonRecordId).Select(p => new { p.Id, p.Name }).FirstOrDefault(),
            }).Take(limit + 1).ToListAsync(cancellationToken);
        var page = rows.Take(limit).Select(r => new CourseSeat(r.SessionId, r.StartDate,
            new SeatView(SeatTokens.For(protection, r.SessionId, r.PersonRecordId), r.Person is not null, r.Person?.Id, r.Person?.Name, r.Status, r.EnrolledAt))).ToList();
        return (page, rows.Count > limit ? new CourseSeatPosition(rows[limit - 1].StartDate, rows[limit - 1].SessionId, rows[limit - 1].PersonRecordId) : null);
    }

    /// <summary>The enrolments of a readable person with their sessions and courses (whatever the course's sharing now: it is the person's history).</summary>
    public async Task<IReadOnlyList<(TrainingEnrolment Enrolment, TrainingSession Session, TrainingCourse Course)>> EnrolmentsAsync(TrainingPerson person, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(person);
        var rows = await (from e in db.TrainingEnrolments.AsNoTracking()
                          join s in db.TrainingSessions.AsNoTracking() on e.SessionId equals s.Id
                          join c in db.TrainingCourses.AsNoTracking() on s.CourseRecordId equals c.RecordId
                          where e.PersonRecordId == person.RecordId
                          orderby s.StartDate descending
                          select new { e, s, c }).ToListAsync(cancellationToken);
        return rows.Select(r => (r.e, r.s, r.c)).ToList();
    }

    /// <summary>The certificates of a readable person, newest first, flagged against today.</summary>
    public async Task<IReadOnlyList<CertificateView>> CertificatesAsync(TrainingPerson person, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(person);
        var certificates = await db.TrainingCertificates.AsNoTracking().Where(c => c.PersonRecordId == person.RecordId)
            .OrderByDescending(c => c.IssuedOn).ThenBy(c => c.Id).ToListAsync(cancellationToken);
        return certificates.Select(c => ViewOf(c, person.Id, person.Name)).ToList();
    }

    /// <summary>
    /// Certificates of the caller's organisation's people (those the caller reads) that expire within <paramref name="days"/>
    /// days or have expired in the last year, soonest first, after the cursor position.
    /// </summary>
    public async Task<(IReadOnlyList<CertificateView> Items, bool More)> ExpiringAsync(Caller caller, int days, (DateOnly ExpiresOn, Guid Id)? after, int limit, CancellationToken cancellationToken)
    {
        var organisationId = caller.OrganisationId;
        var today = Today;
        var until = today.AddDays(days);
        var since = today.AddYears(-1);
        var people = access.Readable(db.TrainingPeople.AsNoTracking(), caller).Where(p => p.OrganisationId == organisationId);
        var query = from c in db.TrainingCertificates.AsNoTracking()
                    join p in people on c.PersonRecordId equals (long?)p.RecordId
                    where c.ExpiresOn != null && c.ExpiresOn <= until && c.ExpiresOn >= since
                    select new { c, p.Id, p.Name };
        if (after is { } a)
        {
            query = query.Where(x => x.c.ExpiresOn > a.ExpiresOn || (x.c.ExpiresOn == a.ExpiresOn && x.c.Id.CompareTo(a.Id) > 0));
        }

        var found = await query.OrderBy(x => x.c.ExpiresOn).ThenBy(x => x.c.Id).Take(limit + 1).ToListAsync(cancellationToken);
        return (found.Take(limit).Select(x => ViewOf(x.c, x.Id, x.Name)).ToList(), found.Count > limit);
    }

    /// <summary>The training record of a readable person in <paramref name="year"/>; null when not readable.</summary>
    public async Task<TrainingRecordView?> PersonRecordAsync(Caller caller, Guid personId, int year, CancellationToken cancellationToken)
    {
        var person = await FindPersonAsync(caller, personId, cancellationToken);
        return person is null ? null : await RecordOfAsync(db.TrainingPeople.AsNoTracking().Where(p => p.RecordId == person.RecordId), year, cancellationToken);
    }

    /// <summary>The training record of the caller's organisation in <paramref name="year"/>: everyone of it the caller may read.</summary>
    public async Task<TrainingRecordView> OrganisationRecordAsync(Caller caller, int year, CancellationToken cancellationToken)
    {
        var organisationId = caller.OrganisationId;
        return await RecordOfAsync(access.Readable(db.TrainingPeople.AsNoTracking(), caller).Where(p => p.OrganisationId == organisationId), year, cancellationToken);
    }

    private async Task<TrainingRecordView> RecordOfAsync(IQueryable<TrainingPerson> people, int year, CancellationToken cancellationToken)
    {
        var first = new DateOnly(year, 1, 1);
        var last = new DateOnly(year, 12, 31);
        // Hours are decimal, which SQLite cannot sum: one year of one organisation's attendance is summed here.
        var lines = await (from e in db.TrainingEnrolments.AsNoTracking()
                           join p in people on e.PersonRecordId equals p.RecordId
                           join s in db.TrainingSessions.AsNoTracking() on e.SessionId equals s.Id
                           join c in db.TrainingCourses.AsNoTracking() on s.CourseRecordId equals c.RecordId
                           where e.Status == EnrolmentStatus.Attended && s.EndDate >= first && s.EndDate <= last
                           orderby p.Name, s.EndDate
                           select new RecordLine(p.Id, p.Name, c.Id, c.Title, c.Provider, s.Id, s.StartDate, s.EndDate, c.Hours)).ToListAsync(cancellationToken);
        var certificates = await (from c in db.TrainingCertificates.AsNoTracking()
                                  join p in people on c.PersonRecordId equals (long?)p.RecordId
                                  where c.IssuedOn >= first && c.IssuedOn <= last
                                  orderby p.Name, c.IssuedOn
                                  select new { c, p.Id, p.Name }).ToListAsync(cancellationToken);
        return new TrainingRecordView(year, lines.Sum(l => l.Hours), lines.Select(l => l.CourseId).Distinct().Count(), lines.Count, certificates.Count, lines,
            certificates.Select(x => ViewOf(x.c, x.Id, x.Name)).ToList());
    }

    private DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    private CertificateView ViewOf(TrainingCertificate c, Guid personId, string personName)
    {
        var today = Today;
        var expired = c.ExpiresOn is { } e && e < today;
        var soon = c.ExpiresOn is { } s && s >= today && s <= today.AddDays(TrainingLimits.ExpiryWarningDays);
        return new CertificateView(c.Id, personId, personName, c.Name, c.Issuer, c.Number, c.IssuedOn, c.ExpiresOn, expired, soon,
            c.VerificationCode is null ? null : CertificateCodes.Display(c.VerificationCode), c.RevokedAt is not null);
    }

    /// <summary>
    /// The public check of a verification code (anonymous by design: the code is the capability). Only what is printed:
    /// the name as printed, course, date, issuer, valid or revoked. Null for an unknown code — and for a certificate whose
    /// person's record was deleted, as the personal data is gone.
    /// </summary>
    public async Task<CertificateCheck?> VerifyAsync(string code, CancellationToken cancellationToken)
    {
        var found = await db.TrainingCertificates.AsNoTracking().Where(c => c.VerificationCode == code)
            .Select(c => new { c.VerificationCode, c.PrintedName, c.Name, c.IssuedOn, c.Issuer, c.RevokedAt }).FirstOrDefaultAsync(cancellationToken);
        return found is null ? null : new CertificateCheck(found.VerificationCode!, found.PrintedName ?? "", found.Name, found.IssuedOn, found.Issuer, found.RevokedAt is null, found.RevokedAt is not null);
    }

    /// <summary>An issued certificate of a readable person, for its PDF; null when not readable or not issued by the node.</summary>
    public async Task<CertificateCheck?> IssuedCertificateAsync(Caller caller, Guid personId, Guid certificateId, CancellationToken cancellationToken)
    {
        var person = await FindPersonAsync(caller, personId, cancellationToken);
        if (person is null)
        {
            return null;
        }

        var recordId = person.RecordId;
        var c = await db.TrainingCertificates.AsNoTracking().FirstOrDefaultAsync(x => x.Id == certificateId && x.PersonRecordId == recordId && x.VerificationCode != null, cancellationToken);
        return c is null ? null : new CertificateCheck(c.VerificationCode!, c.PrintedName ?? person.Name, c.Name, c.IssuedOn, c.Issuer, c.RevokedAt is null, c.RevokedAt is not null);
    }

    /// <summary>
    /// The seats of a session for its course's owner (review R4): how many are taken in all, its own organisation's
    /// participants by name, every other organisation's only as "another organisation's participant" with a seat token
    /// to remove it. Cursor-paged by seat. Null when the session is not readable; 403 for readers who do not own the course.
    /// </summary>
    public async Task<(SeatsView View, long? NextAfter)?> SeatsAsync(Caller caller, Guid sessionId, long? after, int limit, CancellationToken cancellationToken)
    {
        var found = await FindSessionAsync(caller, sessionId, cancellationToken);
        if (found is not { } f)
        {
            return null;
        }

        if (!AccessPolicy.CanWrite(caller, f.Course.Record))
        {
            throw new ForbiddenException("Only writers of the course's organisation see and manage its seats.");
        }

        var ownerId = f.Course.Record.OwnerOrganisationId;
        var enrolments = db.TrainingEnrolments.AsNoTracking().Where(e => e.SessionId == sessionId);
        var people = db.TrainingPeople.AsNoTracking();
        var counts = await (from e in enrolments
                            join p in people on e.PersonRecordId equals p.RecordId
                            group p by p.OrganisationId == ownerId into g
                            select new { Own = g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var own = counts.Where(c => c.Own).Sum(c => c.Count);
        var other = counts.Where(c => !c.Own).Sum(c => c.Count);
        var start = after ?? long.MinValue;
        // Names only of people the caller reads (their own organisation's); the rest are seats without a name.
        var readable = access.Readable(db.TrainingPeople.AsNoTracking(), caller).Where(p => p.OrganisationId == ownerId);
        var rows = await (from e in enrolments
                          where e.PersonRecordId > start
                          orderby e.PersonRecordId
                          select new
                          {
                              e.PersonRecordId, e.Status, e.EnrolledAt,
                              Person = readable.Where(p => p.RecordId == e.PersonRecordId).Select(p => new { p.Id, p.Name }).FirstOrDefault(),
                          }).Take(limit + 1).ToListAsync(cancellationToken);
        var seats = rows.Take(limit).Select(r => new SeatView(SeatTokens.For(protection, sessionId, r.PersonRecordId), r.Person is not null, r.Person?.Id, r.Person?.Name, r.Status, r.EnrolledAt)).ToList();
        return (new SeatsView(sessionId, f.Session.Capacity, own + other, own, other, seats, null), rows.Count > limit ? rows[limit - 1].PersonRecordId : null);
    }

    /// <summary>Readable courses mapped to any of the SIM3 parameters, at most <paramref name="perParameter"/> per parameter, newest first.</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<ParameterCourse>>> CoursesForParametersAsync(Caller caller, IReadOnlyCollection<string> parameterIds, int perParameter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parameterIds);
        if (parameterIds.Count == 0 || !caller.IsAuthenticated)
        {
            return new Dictionary<string, IReadOnlyList<ParameterCourse>>(StringComparer.Ordinal);
        }

        var ids = parameterIds.Distinct(StringComparer.Ordinal).ToList();
        var rows = await (from x in db.TrainingCourseParameters.AsNoTracking()
                          join c in access.Readable(db.TrainingCourses.AsNoTracking(), caller) on x.CourseRecordId equals c.RecordId
                          where EF.Parameter(ids).Contains(x.ParameterId)
                          orderby c.RecordId descending
                          select new ParameterCourse(x.ParameterId, c.Id, c.Title, c.Provider)).Take(Math.Min(1000, ids.Count * perParameter * 4)).ToListAsync(cancellationToken);
        return rows.GroupBy(r => r.ParameterId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<ParameterCourse>)g.Take(perParameter).ToList(), StringComparer.Ordinal);
    }

    /// <summary>The roles the caller's organisation needs (none for the operator or anonymous callers).</summary>
    public async Task<IReadOnlyList<TrainingNeed>> NeedsAsync(Caller caller, CancellationToken cancellationToken)
    {
        if (!caller.IsAuthenticated || caller.IsOperator)
        {
            return [];
        }

        var organisationId = caller.OrganisationId;
        return await db.TrainingNeeds.AsNoTracking().Where(n => n.OrganisationId == organisationId && n.FrameworkKey == EcsfSource.V1).OrderBy(n => n.ProfileId).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// The caller's organisation's skills matrix: its people (those the caller reads, through the access decision) ×
    /// the ECSF profiles, a page at a time by name order of records (newest first); the roles it needs against everyone of
    /// it, with the gap and the readable courses mapped to each profile. Nobody else's people appear, whoever asks.
    /// </summary>
    public async Task<(MatrixView View, long? NextBefore)> MatrixAsync(Caller caller, long? before, int limit, CancellationToken cancellationToken)
    {
        var organisationId = caller.OrganisationId;
        var frameworkKey = EcsfSource.V1;
        var profiles = await ProfilesAsync(frameworkKey, cancellationToken);
        var profileIds = profiles.Select(p => p.ProfileId).ToList();
        if (!caller.IsAuthenticated || caller.IsOperator)
        {
            return (new MatrixView(organisationId, frameworkKey, 0, profileIds, [], [], null), null);
        }

        var people = access.Readable(db.TrainingPeople.AsNoTracking(), caller).Where(p => p.OrganisationId == organisationId && p.FrameworkKey == frameworkKey);
        var count = await people.CountAsync(cancellationToken);
        var rateable = from l in db.EcsfProfileItems.AsNoTracking()
                       join i in db.EcsfItems.AsNoTracking() on new { l.FrameworkKey, l.ItemId } equals new { i.FrameworkKey, i.ItemId }
                       where l.FrameworkKey == frameworkKey && (i.Kind == EcsfItemKind.Skill || i.Kind == EcsfItemKind.Knowledge)
                       select new { l.ProfileId, l.ItemId };
        var itemsOf = (await rateable.ToListAsync(cancellationToken)).GroupBy(x => x.ProfileId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(x => x.ItemId).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);

        // The page of people, with their profiles and ratings.
        var below = before ?? long.MaxValue;
        var pageRows = await people.Where(p => p.RecordId < below).OrderByDescending(p => p.RecordId).Take(limit + 1)
            .Include(p => p.Profiles).Include(p => p.Proficiencies).AsSplitQuery().ToListAsync(cancellationToken);
        var page = pageRows.Take(limit).Select(p =>
        {
            var levels = p.Proficiencies.ToDictionary(x => x.ItemId, x => (int)x.Level, StringComparer.Ordinal);
            return new MatrixPerson(p.Id, p.Name, profileIds.Select(id => new MatrixCell(id, p.Profiles.Any(x => x.ProfileId == id), LevelOn(itemsOf, id, levels))).ToList());
        }).ToList();

        // The needs against everyone of the organisation: the holders' ratings on their profiles' items, summed in the database.
        var needs = await NeedsAsync(caller, cancellationToken);
        var needViews = new List<NeedView>();
        if (needs.Count > 0)
        {
            var needed = needs.Select(n => n.ProfileId).ToList();
            var holders = await (from x in db.TrainingPersonProfiles.AsNoTracking()
                                 join p in people on x.PersonRecordId equals p.RecordId
                                 where x.FrameworkKey == frameworkKey && EF.Parameter(needed).Contains(x.ProfileId)
                                 select new { x.PersonRecordId, x.ProfileId }).ToListAsync(cancellationToken);
            var sums = await (from x in db.TrainingPersonProfiles.AsNoTracking()
                              join p in people on x.PersonRecordId equals p.RecordId
                              join l in db.EcsfProfileItems.AsNoTracking() on new { x.FrameworkKey, x.ProfileId } equals new { l.FrameworkKey, l.ProfileId }
                              join r in db.TrainingProficiencies.AsNoTracking() on new { x.PersonRecordId, l.FrameworkKey, l.ItemId } equals new { r.PersonRecordId, r.FrameworkKey, r.ItemId }
                              where x.FrameworkKey == frameworkKey && EF.Parameter(needed).Contains(x.ProfileId)
                              group r by new { x.PersonRecordId, x.ProfileId } into g
                              select new { g.Key.PersonRecordId, g.Key.ProfileId, Sum = g.Sum(r => (int)r.Level) }).ToListAsync(cancellationToken);
            foreach (var need in needs)
            {
                var total = itemsOf.TryGetValue(need.ProfileId, out var set) ? set.Count : 0;
                var filled = holders.Count(h => h.ProfileId == need.ProfileId
                    && total > 0 && (decimal)sums.Where(s => s.PersonRecordId == h.PersonRecordId && s.ProfileId == need.ProfileId).Sum(s => s.Sum) / total >= (int)need.Level);
                var gap = Math.Max(0, need.Count - filled);
                var courses = gap == 0 ? [] : (await ListCoursesAsync(caller, null, need.ProfileId, null, 5, cancellationToken)).Courses
                    .Select(c => new GapCourse(c.Id, c.Title, c.Provider, 0)).ToList();
                needViews.Add(new NeedView(need.ProfileId, need.Count, need.Level, filled, gap, courses));
            }
        }

        return (new MatrixView(organisationId, frameworkKey, count, profileIds, needViews, page, null), pageRows.Count > limit ? pageRows[limit - 1].RecordId : null);
    }

    /// <summary>The mean of a person's ratings over a profile's skill and knowledge items (unrated counts 0), to one decimal, rounded down.</summary>
    private static decimal LevelOn(Dictionary<string, HashSet<string>> itemsOf, string profileId, Dictionary<string, int> levels)
    {
        if (!itemsOf.TryGetValue(profileId, out var items) || items.Count == 0)
        {
            return 0;
        }

        var sum = items.Sum(i => levels.GetValueOrDefault(i));
        return Math.Floor(sum * 10m / items.Count) / 10m;
    }
}
