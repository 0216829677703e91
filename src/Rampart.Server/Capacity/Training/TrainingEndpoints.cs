using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Rampart.Server.Access;
using Rampart.Server.Hosting;
using Rampart.Server.Validation;

namespace Rampart.Server.Capacity.Training;

public sealed record EcsfProfileSummary(string ProfileId, string Title, string EnglishTitle, string Summary);

public sealed record EcsfFrameworkView(string Key, string Title, DateOnly Released, string Licence, IReadOnlyList<EcsfProfileSummary> Profiles, IReadOnlyList<string> Scale);

public sealed record EcsfProfileView(string FrameworkKey, string ProfileId, string Title, string EnglishTitle, string Summary, string Mission,
    IReadOnlyList<string> AlternativeTitles, IReadOnlyList<string> Deliverables, IReadOnlyList<EcsfItemView> Items);

public sealed record ProficiencyView(string ItemId, Proficiency Level, AssessedBy AssessedBy, DateTimeOffset AssessedAt);

public sealed record PersonView(Guid Id, Guid OrganisationId, Guid? UserId, string Name, string FrameworkKey, IReadOnlyList<string> Profiles,
    IReadOnlyList<ProficiencyView>? Proficiencies, DateTimeOffset CreatedAt, DateTimeOffset ModifiedAt, DateTimeOffset ConsentGivenAt, Guid? ConsentGivenBy)
{
    public static PersonView From(TrainingPerson p, bool withProficiencies)
    {
        ArgumentNullException.ThrowIfNull(p);
        return new(p.Id, p.OrganisationId, p.UserId, p.Name, p.FrameworkKey, p.Profiles.Select(x => x.ProfileId).Order(StringComparer.Ordinal).ToList(),
            withProficiencies ? p.Proficiencies.OrderBy(x => x.ItemId, StringComparer.Ordinal).Select(x => new ProficiencyView(x.ItemId, x.Level, x.AssessedBy, x.AssessedAt)).ToList() : null,
            p.CreatedAt, p.ModifiedAt, p.ConsentGivenAt, p.ConsentGivenBy);
    }
}

public sealed record CourseView(Guid Id, Guid OrganisationId, string Title, string Provider, string? Description, CourseFormat Format, CourseLevel Level, string Language,
    decimal Hours, bool Network, IReadOnlyList<string> Items, IReadOnlyList<string> Profiles, DateTimeOffset CreatedAt, DateTimeOffset ModifiedAt, IReadOnlyList<string> Parameters,
    IReadOnlyList<string> Topics)
{
    public static CourseView From(TrainingCourse c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return new(c.Id, c.OrganisationId, c.Title, c.Provider, c.Description, c.Format, c.Level, c.Language, c.Hours, c.Network,
            c.Items.Select(i => i.ItemId).Order(StringComparer.Ordinal).ToList(), c.Profiles.Select(p => p.ProfileId).Order(StringComparer.Ordinal).ToList(), c.CreatedAt, c.ModifiedAt,
            c.Parameters.Select(p => p.ParameterId).Order(StringComparer.Ordinal).ToList(), c.Topics.Select(t => t.Topic).Order(StringComparer.Ordinal).ToList());
    }
}

/// <summary>A session; the project appears only when the reader may read it.</summary>
public sealed record SessionView(Guid Id, Guid CourseId, DateOnly StartDate, DateOnly EndDate, bool Online, string? Place, string? Trainer, int? Capacity, Guid? ProjectId, string? ProjectTitle);

public sealed record EnrolmentView(Guid SessionId, Guid CourseId, string Course, DateOnly StartDate, DateOnly EndDate, decimal Hours, EnrolmentStatus Status, DateTimeOffset EnrolledAt);

public sealed record PersonDetailsView(PersonView Person, IReadOnlyList<EnrolmentView> Enrolments, IReadOnlyList<CertificateView> Certificates);

public static class TrainingEndpoints
{
    private const string Scale = "Proficiency scale: 0 none, 1 awareness (knows what it is), 2 basic (does it with guidance), 3 proficient (does it alone), 4 expert (leads and teaches it).";

    public static RouteGroupBuilder MapTrainingApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/capacity/training").WithTags("Training and skills").RequireAuthorization();

        group.MapGet("/ecsf", async Task<Ok<EcsfFrameworkView>> (TrainingQueries queries, IStringLocalizer<TrainingTexts> texts, CancellationToken ct) =>
        {
            var framework = (await queries.FrameworksAsync(ct)).First(f => f.Key == EcsfSource.V1);
            var profiles = await queries.ProfilesAsync(framework.Key, ct);
            return TypedResults.Ok(new EcsfFrameworkView(framework.Key, framework.Title, framework.Released, EcsfLicence,
                profiles.Select(p => new EcsfProfileSummary(p.ProfileId, TitleOf(texts, p), p.Title, p.Summary)).ToList(), ScaleNames()));
        }).WithSummary("The ECSF role profiles").WithDescription("ENISA's European Cybersecurity Skills Framework v1 (EUPL): the twelve role profiles, their titles in the reader's language, and the proficiency scale. " + Scale);

        group.MapGet("/ecsf/profiles/{profileId}", async Task<Results<Ok<EcsfProfileView>, NotFound>> (string profileId, TrainingQueries queries, IStringLocalizer<TrainingTexts> texts, CancellationToken ct) =>
            await queries.ProfileAsync(EcsfSource.V1, profileId, ct) is { } found
                ? TypedResults.Ok(new EcsfProfileView(found.Profile.FrameworkKey, found.Profile.ProfileId, TitleOf(texts, found.Profile), found.Profile.Title, found.Profile.Summary,
                    found.Profile.Mission, Lines(found.Profile.AlternativeTitles), Lines(found.Profile.Deliverables), found.Items))
                : TypedResults.NotFound())
            .WithSummary("One ECSF role profile").WithDescription("Its tasks (T-…), skills (S-…), knowledge (K-…) and e-competences (E-…, with their e-CF level). Long texts are ENISA's English.");

        group.MapGet("/people", async Task<Ok<CursorPage<PersonView>>> (Caller caller, TrainingQueries queries, PageCursors cursors, int? limit, string? next, CancellationToken ct) =>
        {
            var size = Http.Limit(limit);
            var (people, more) = await queries.ListPeopleAsync(caller, cursors.Decode(next, "training-people", ""), size, ct);
            return TypedResults.Ok(new CursorPage<PersonView>(people.Select(p => PersonView.From(p, false)).ToList(),
                more ? cursors.Encode("training-people", "", people[^1].RecordId) : null));
        }).WithSummary("List people with a training record").WithDescription("The training records the caller may read (their own organisation's), newest first, cursor-paged.");

        group.MapPost("/people", async Task<Created<PersonView>> (PersonRequest request, Caller caller, TrainingEditing editing, CancellationToken ct) =>
        {
            var person = await editing.CreatePersonAsync(caller, request, ct);
            return TypedResults.Created($"/api/capacity/training/people/{person.Id}", PersonView.From(person, true));
        }).WithSummary("Add a person").WithDescription("A user of the organisation (userId) or a named staff entry without an account; ECSF profile ids; consent must be true. Visible to the own organisation only.");

        group.MapGet("/people/me", async Task<Results<Ok<PersonDetailsView>, NotFound>> (Caller caller, TrainingQueries queries, CancellationToken ct) =>
        {
            var person = await queries.MineAsync(caller, ct);
            if (person is null)
            {
                return TypedResults.NotFound();
            }

            return TypedResults.Ok(await DetailsAsync(queries, person, ct));
        }).WithSummary("My training record")
            .WithDescription("The training record linked to your account, as GET /people/{id} shows it, with the consent: consentGivenAt and consentGivenBy (the user who recorded it: you, "
                + "or the writer of your organisation who recorded it on your word; null for records from before consent was stored). Rate your own skills with PUT /people/{id}/skills (self-assessed). "
                + "404 while no record is linked to your account.");

        group.MapDelete("/people/me", async Task<Results<NoContent, NotFound>> (Caller caller, TrainingEditing editing, CancellationToken ct) =>
            await editing.WithdrawConsentAsync(caller, ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithSummary("Withdraw my consent")
            .WithDescription("Deletes the training record linked to your account at once: role profiles, proficiencies, enrolments (attended hours) and certificates recorded from elsewhere; "
                + "it leaves the people list, the skills matrix, coverage and training records. Certificates the node issued keep only what their public check shows (name as printed, course, date, "
                + "issuer) so they still verify. Only for yourself (a read-only key is 403); 404 when no record is linked to your account.");

        group.MapGet("/people/{id}", async Task<Results<Ok<PersonDetailsView>, NotFound>> (string id, Caller caller, TrainingQueries queries, CancellationToken ct) =>
        {
            var person = await queries.FindPersonAsync(caller, Http.ParseId(id), ct);
            if (person is null)
            {
                return TypedResults.NotFound();
            }

            return TypedResults.Ok(await DetailsAsync(queries, person, ct));
        }).WithSummary("Read a person's training record").WithDescription("Profiles, proficiencies, enrolments and certificates (expiresSoon: within 90 days). 404 when unknown or not readable.");

        group.MapPut("/people/{id}", async Task<Results<Ok<PersonView>, NotFound>> (string id, PersonRequest request, Caller caller, TrainingEditing editing, CancellationToken ct) =>
            await editing.UpdatePersonAsync(caller, Http.ParseId(id), request, ct) is { } person ? TypedResults.Ok(PersonView.From(person, true)) : TypedResults.NotFound())
            .WithSummary("Change a person").WithDescription("Name, account link and ECSF profiles; writers of the organisation only.");

        group.MapDelete("/people/{id}", async Task<Results<NoContent, NotFound>> (string id, Caller caller, TrainingEditing editing, CancellationToken ct) =>
            await editing.DeletePersonAsync(caller, Http.ParseId(id), ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithSummary("Delete a person's training record").WithDescription("Deletes the person's entry with every proficiency, enrolment and certificate (personal data).");

        group.MapPut("/people/{id}/skills", async Task<Results<Ok<PersonView>, NotFound>> (string id, SkillsRequest request, Caller caller, TrainingEditing editing, CancellationToken ct) =>
            await editing.RateAsync(caller, Http.ParseId(id), request, ct) is { } person ? TypedResults.Ok(PersonView.From(person, true)) : TypedResults.NotFound())
            .WithSummary("Rate proficiencies").WithDescription("ratings: [{ itemId: S-… or K-…, level: 0..4 or null to remove }]. The person rates their own (self), writers of the organisation rate anyone (manager). " + Scale);

        group.MapGet("/people/{id}/gap", async Task<Results<Ok<GapView>, NotFound>> (string id, string? profile, int? level, Caller caller, TrainingQueries queries, CancellationToken ct) =>
        {
            var personId = Http.ParseId(id);
            if (string.IsNullOrWhiteSpace(profile))
            {
                throw RequestErrors.One("profile", "Required: the target ECSF role profile id.");
            }

            if (level is { } l && (l < 1 || l > 4))
            {
                throw RequestErrors.One("level", "The required level: 1 to 4 (default 3, proficient).");
            }

            return await queries.GapAsync(caller, personId, profile, (Proficiency)(level ?? 3), ct) is { } gap ? TypedResults.Ok(gap) : TypedResults.NotFound();
        }).WithSummary("A person's skill gap to a target profile").WithDescription("Each skill and knowledge item of the profile below the required level (default 3), biggest gap first, and readable courses that cover the gaps.");

        group.MapGet("/people/{id}/record", async Task<Results<Ok<TrainingRecordView>, NotFound>> (string id, int? year, Caller caller, TrainingQueries queries, TimeProvider clock, CancellationToken ct) =>
            await queries.PersonRecordAsync(caller, Http.ParseId(id), Year(year, clock), ct) is { } record ? TypedResults.Ok(record) : TypedResults.NotFound())
            .WithSummary("A person's training record for a year").WithDescription("Hours and courses from sessions attended that ended in the year, certificates issued in it (default: this year).");

        group.MapGet("/people/{id}/record.csv", async Task<Results<FileContentHttpResult, NotFound>> (string id, int? year, Caller caller, TrainingQueries queries, TimeProvider clock, CancellationToken ct) =>
        {
            var y = Year(year, clock);
            return await queries.PersonRecordAsync(caller, Http.ParseId(id), y, ct) is { } record
                ? TypedResults.File(System.Text.Encoding.UTF8.GetBytes(TrainingCsv.Write(record)), "text/csv; charset=utf-8", $"training-record-{y}.csv")
                : TypedResults.NotFound();
        }).WithSummary("A person's training record as CSV").WithDescription("The same record as CSV; cells that a spreadsheet would run as a formula are prefixed with '.");

        group.MapPost("/people/{id}/enrolments", async Task<Results<Ok<EnrolmentRequest>, NotFound>> (string id, EnrolmentRequest request, Caller caller, TrainingEditing editing, CancellationToken ct) =>
            await editing.EnrolAsync(caller, Http.ParseId(id), request, ct) is { } e ? TypedResults.Ok(new EnrolmentRequest(e.SessionId, e.Status)) : TypedResults.NotFound())
            .WithSummary("Enrol a person or record attendance").WithDescription("sessionId of a course the caller reads; status enrolled, attended or absent (attendance once the session has started). A full session is a 409.");

        group.MapDelete("/people/{id}/enrolments/{sessionId}", async Task<Results<NoContent, NotFound>> (string id, string sessionId, Caller caller, TrainingEditing editing, CancellationToken ct) =>
            await editing.RemoveEnrolmentAsync(caller, Http.ParseId(id), Http.ParseId(sessionId, "sessionId"), ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithSummary("Remove an enrolment").WithDescription("Writers of the person's organisation only.");

        group.MapPost("/people/{id}/certificates", async Task<Results<Created<CertificateRequest>, NotFound>> (string id, CertificateRequest request, Caller caller, TrainingEditing editing, CancellationToken ct) =>
            await editing.AddCertificateAsync(caller, Http.ParseId(id), request, ct) is { } c
                ? TypedResults.Created($"/api/capacity/training/people/{id}/certificates/{c.Id}", new CertificateRequest(c.Name, c.Issuer, c.Number, c.IssuedOn, c.ExpiresOn))
                : TypedResults.NotFound())
            .WithSummary("Add a certificate").WithDescription("name, issuer, number, issuedOn (not in the future), expiresOn (after issuedOn, optional).");

        group.MapDelete("/people/{id}/certificates/{certificateId}", async Task<Results<NoContent, NotFound>> (string id, string certificateId, Caller caller, TrainingEditing editing, CancellationToken ct) =>
            await editing.DeleteCertificateAsync(caller, Http.ParseId(id), Http.ParseId(certificateId, "certificateId"), ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithSummary("Delete a certificate").WithDescription("Writers of the person's organisation only.");

        group.MapPost("/people/{id}/certificates/issue", async Task<Results<Created<CertificateView>, NotFound>> (string id, IssueRequest request, Caller caller, TrainingEditing editing, TrainingQueries queries, CancellationToken ct) =>
        {
            var personId = Http.ParseId(id);
            if (await editing.IssueCertificateAsync(caller, personId, request, ct) is not { } c || await queries.FindPersonAsync(caller, personId, ct) is not { } person)
            {
                return TypedResults.NotFound();
            }

            var view = (await queries.CertificatesAsync(person, ct)).Single(x => x.Id == c.Id);
            return TypedResults.Created($"/api/capacity/training/people/{id}/certificates/{c.Id}/pdf", view);
        }).WithSummary("Issue a certificate for a completed session")
            .WithDescription("sessionId: a session the person attended that has ended; printedName: the name as printed (default the person's name). The certificate gets a verification code (100 random bits) "
                + "that anyone checks at /verify/{code} or GET /api/public/certificates/{code}. Once per person and session (409).");

        group.MapPost("/people/{id}/certificates/{certificateId}/revoke", async Task<Results<Ok<CertificateView>, NotFound>> (string id, string certificateId, Caller caller, TrainingEditing editing, TrainingQueries queries, CancellationToken ct) =>
        {
            var personId = Http.ParseId(id);
            var certificate = Http.ParseId(certificateId, "certificateId");
            if (await editing.RevokeCertificateAsync(caller, personId, certificate, ct) is null || await queries.FindPersonAsync(caller, personId, ct) is not { } person)
            {
                return TypedResults.NotFound();
            }

            return TypedResults.Ok((await queries.CertificatesAsync(person, ct)).Single(x => x.Id == certificate));
        }).WithSummary("Revoke an issued certificate").WithDescription("The public check answers revoked from now on. Writers of the person's organisation only; a certificate recorded from elsewhere is deleted instead (409).");

        group.MapPost("/certificates/{code}/revoke", async Task<Results<NoContent, NotFound>> (string code, Caller caller, TrainingEditing editing, CancellationToken ct) =>
            await editing.RevokeIssuedAsync(caller, code, ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithSummary("Revoke an issued certificate by its verification code")
            .WithDescription("For certificates whose holder withdrew consent (kept without a person so that they still verify) as for any other: writers of the issuing organisation only. The public check answers revoked from now on. 404 for an unknown code and for another organisation's certificate alike.");

        group.MapGet("/people/{id}/certificates/{certificateId}/pdf", async Task<Results<FileContentHttpResult, NotFound>> (string id, string certificateId, string? language, HttpContext http, Caller caller,
            TrainingQueries queries, IStringLocalizer<TrainingTexts> texts, Microsoft.Extensions.Options.IOptions<NodeOptions> node, TimeProvider clock, CancellationToken ct) =>
        {
            var culture = Pdf.PdfLanguage.Parse(language, CultureInfo.CurrentUICulture);
            var found = await queries.IssuedCertificateAsync(caller, Http.ParseId(id), Http.ParseId(certificateId, "certificateId"), ct);
            if (found is null)
            {
                return TypedResults.NotFound();
            }

            var verifyUrl = VerifyUrl(http, node.Value, found.Code);
            var bytes = InCulture(culture, () => CertificatePdf.Write(found, verifyUrl, culture.Name, key => texts[key].Value, clock.GetUtcNow()));
            return TypedResults.File(bytes, "application/pdf", $"certificate-{found.Code}.pdf");
        }).WithSummary("An issued certificate as PDF").WithDescription("A4, fonts embedded (Latin, Cyrillic, Georgian), with the verification code and the public address that checks it; language: a UI language (default the reader's).")
            .Produces(StatusCodes.Status200OK, contentType: "application/pdf");

        group.MapGet("/sessions/{id}/seats", async Task<Results<Ok<SeatsView>, NotFound>> (string id, int? limit, string? next, Caller caller, TrainingQueries queries, PageCursors cursors, CancellationToken ct) =>
        {
            var sessionId = Http.ParseId(id);
            var size = Http.Limit(limit);
            var scope = sessionId.ToString("N");
            if (await queries.SeatsAsync(caller, sessionId, cursors.Decode(next, "training-seats", scope), size, ct) is not { } found)
            {
                return TypedResults.NotFound();
            }

            return TypedResults.Ok(found.View with { Next = found.NextAfter is { } n ? cursors.Encode("training-seats", scope, n) : null });
        }).WithSummary("The seats of a session (course owner)")
            .WithDescription("For writers of the course's organisation: capacity, seats taken by all organisations, its own organisation's participants by name and every other organisation's as "
                + "\"another organisation's participant\" (no name, no id), each with a seat token to remove it. Cursor-paged. 403 for other readers of the course.");

        group.MapDelete("/sessions/{id}/seats/{seat}", async Task<Results<NoContent, NotFound>> (string id, string seat, Caller caller, TrainingEditing editing, CancellationToken ct) =>
            await editing.RemoveSeatAsync(caller, Http.ParseId(id), seat, ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithSummary("Remove a seat of a session (course owner)").WithDescription("The course owner removes any enrolment of its session by the seat token from the seat list; the person's organisation sees it gone from the record.");

        group.MapGet("/matrix", async Task<Ok<MatrixView>> (int? limit, string? next, Caller caller, TrainingQueries queries, PageCursors cursors, CancellationToken ct) =>
        {
            var size = Http.Limit(limit);
            var (view, nextBefore) = await queries.MatrixAsync(caller, cursors.Decode(next, "training-matrix", ""), size, ct);
            return TypedResults.Ok(view with { Next = nextBefore is { } n ? cursors.Encode("training-matrix", "", n) : null });
        }).WithSummary("The organisation's skills matrix")
            .WithDescription("The caller's organisation's people × the twelve ECSF profiles (holds the profile; level = mean of the person's ratings over the profile's skill and knowledge items, unrated as 0), "
                + "newest first and cursor-paged; the roles the organisation needs with how many people fill them (holding the profile at the level), the gap, and readable courses mapped to the profile.");

        group.MapGet("/needs", async Task<Ok<IReadOnlyList<NeedRequest>>> (Caller caller, TrainingQueries queries, CancellationToken ct) =>
            TypedResults.Ok((IReadOnlyList<NeedRequest>)(await queries.NeedsAsync(caller, ct)).Select(n => new NeedRequest(n.ProfileId, n.Count, (int)n.Level)).ToList()))
            .WithSummary("The roles the organisation needs").WithDescription("ECSF profiles with how many people and the level at least (1–4); at most twelve, one per profile.");

        group.MapPut("/needs", async Task<Ok<IReadOnlyList<NeedRequest>>> (NeedsRequest request, Caller caller, TrainingEditing editing, CancellationToken ct) =>
            TypedResults.Ok((IReadOnlyList<NeedRequest>)(await editing.SetNeedsAsync(caller, request, ct)).Select(n => new NeedRequest(n.ProfileId, n.Count, (int)n.Level)).ToList()))
            .WithSummary("Set the roles the organisation needs").WithDescription("needs: [{ profileId, count (1–1000), level (1–4, default 3) }] replaces the list; writers of the organisation only. Every broken rule is a 400 naming its field; nothing is stored.");

        group.MapGet("/certificates/expiring", async Task<Ok<CursorPage<CertificateView>>> (int? days, int? limit, string? next, Caller caller, TrainingQueries queries, PageCursors cursors, CancellationToken ct) =>
        {
            var size = Http.Limit(limit);
            if (days is { } d && (d < 1 || d > 3650))
            {
                throw RequestErrors.One("days", "From 1 to 3650.");
            }

            var window = days ?? TrainingLimits.ExpiryWarningDays;
            var scope = window.ToString(CultureInfo.InvariantCulture);
            var after = cursors.DecodeKey(next, "training-expiring", scope) is { } k
                ? (DateOnly.TryParseExact(k.Key, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? (date, k.Id) : throw RequestErrors.One("next", "Not a cursor of this list."))
                : ((DateOnly, Guid)?)null;
            var (items, more) = await queries.ExpiringAsync(caller, window, after, size, ct);
            return TypedResults.Ok(new CursorPage<CertificateView>(items,
                more ? cursors.Encode("training-expiring", scope, items[^1].ExpiresOn!.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), items[^1].Id) : null));
        }).WithSummary("Certificates about to expire").WithDescription("The caller's organisation's certificates expiring within days (default 90) or expired in the last year, soonest first.");

        group.MapGet("/coverage", async Task<Ok<CoverageView>> (Caller caller, TrainingQueries queries, CancellationToken ct) =>
            TypedResults.Ok(await queries.CoverageAsync(caller, EcsfSource.V1, ct)))
            .WithSummary("The organisation's coverage of the ECSF profiles").WithDescription("Per profile how many of the caller's organisation's people hold it (and who), and which profiles nobody holds.");

        group.MapGet("/record", async Task<Ok<TrainingRecordView>> (int? year, Caller caller, TrainingQueries queries, TimeProvider clock, CancellationToken ct) =>
            TypedResults.Ok(await queries.OrganisationRecordAsync(caller, Year(year, clock), ct)))
            .WithSummary("The organisation's training record for a year").WithDescription("Hours, courses and certificates of the caller's organisation's people in the year.");

        group.MapGet("/record.csv", async Task<FileContentHttpResult> (int? year, Caller caller, TrainingQueries queries, TimeProvider clock, CancellationToken ct) =>
        {
            var y = Year(year, clock);
            var record = await queries.OrganisationRecordAsync(caller, y, ct);
            return TypedResults.File(System.Text.Encoding.UTF8.GetBytes(TrainingCsv.Write(record)), "text/csv; charset=utf-8", $"training-record-{y}.csv");
        }).WithSummary("The organisation's training record as CSV").WithDescription("Cells that a spreadsheet would run as a formula are prefixed with '.");

        group.MapGet("/courses", async Task<Ok<CursorPage<CourseView>>> (string? item, string? profile, string? topic, int? limit, string? next, Caller caller, TrainingQueries queries, PageCursors cursors, CancellationToken ct) =>
        {
            var size = Http.Limit(limit);
            var itemId = Http.SearchText(item, "item", TrainingLimits.ItemIdLength);
            var profileId = Http.SearchText(profile, "profile", TrainingLimits.KeyLength);
            var topicKey = Http.SearchText(topic, "topic", TrainingLimits.TopicLength) is { } t ? TrainingEditing.NormaliseTopic(t) : null;
            var scope = $"{itemId}|{profileId}|{topicKey}";
            var (courses, more) = await queries.ListCoursesAsync(caller, itemId, profileId, cursors.Decode(next, "training-courses", scope), size, ct, topicKey);
            return TypedResults.Ok(new CursorPage<CourseView>(courses.Select(CourseView.From).ToList(), more ? cursors.Encode("training-courses", scope, courses[^1].RecordId) : null));
        }).WithSummary("List courses").WithDescription("Courses of the catalogue the caller may read (own organisation's and those shared with the network), newest first, optionally covering an item, mapped to a profile or about a topic (matched whole, case-insensitively).");

        group.MapPost("/courses", async Task<Created<CourseView>> (CourseRequest request, Caller caller, TrainingEditing editing, CancellationToken ct) =>
        {
            var course = await editing.CreateCourseAsync(caller, request, ct);
            return TypedResults.Created($"/api/capacity/training/courses/{course.Id}", CourseView.From(course));
        }).WithSummary("Add a course").WithDescription("title, provider, format (in-person, online, blended, self-paced), language, hours (> 0), level, ECSF items and profiles, SIM3 parameters, topics (up to 20 free words, stored in lower case); network: true shares it with the whole network (TLP:GREEN).");

        group.MapGet("/courses/{id}", async Task<Results<Ok<CourseView>, NotFound>> (string id, Caller caller, TrainingQueries queries, CancellationToken ct) =>
            await queries.FindCourseAsync(caller, Http.ParseId(id), ct) is { } course ? TypedResults.Ok(CourseView.From(course)) : TypedResults.NotFound())
            .WithSummary("Read a course").WithDescription("404 when unknown or not readable.");

        group.MapPut("/courses/{id}", async Task<Results<Ok<CourseView>, NotFound>> (string id, CourseRequest request, Caller caller, TrainingEditing editing, CancellationToken ct) =>
            await editing.UpdateCourseAsync(caller, Http.ParseId(id), request, ct) is { } course ? TypedResults.Ok(CourseView.From(course)) : TypedResults.NotFound())
            .WithSummary("Change a course").WithDescription("Writers of the owning organisation only. The whole course is replaced. Sharing an organisation's course with the network (network: true, TLP:GREEN) widens who reads it and needs confirm: true (a 400 on confirm otherwise, nothing changed).");

        group.MapDelete("/courses/{id}", async Task<Results<NoContent, NotFound>> (string id, Caller caller, TrainingEditing editing, CancellationToken ct) =>
            await editing.DeleteCourseAsync(caller, Http.ParseId(id), ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithSummary("Delete a course").WithDescription("With its sessions; 409 while anyone is enrolled in one.");

        group.MapGet("/courses/{id}/sessions", async Task<Results<Ok<CursorPage<SessionView>>, NotFound>> (string id, int? limit, string? next, Caller caller, TrainingQueries queries, PageCursors cursors, CancellationToken ct) =>
        {
            var courseId = Http.ParseId(id);
            var size = Http.Limit(limit);
            var scope = courseId.ToString("N");
            var after = cursors.DecodeKey(next, "training-sessions", scope) is { } k
                ? (DateOnly.TryParseExact(k.Key, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? (date, k.Id) : throw RequestErrors.One("next", "Not a cursor of this list."))
                : ((DateOnly, Guid)?)null;
            if (await queries.SessionsAsync(caller, courseId, after, size, ct) is not { } found)
            {
                return TypedResults.NotFound();
            }

            var views = new List<SessionView>();
            foreach (var s in found.Sessions)
            {
                var project = await queries.ProjectOfAsync(caller, s, ct);
                views.Add(new SessionView(s.Id, courseId, s.StartDate, s.EndDate, s.Online, s.Place, s.Trainer, s.Capacity, project?.Id, project?.Title));
            }

            return TypedResults.Ok(new CursorPage<SessionView>(views,
                found.More ? cursors.Encode("training-sessions", scope, views[^1].StartDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), views[^1].Id) : null));
        }).WithSummary("List a course's sessions").WithDescription("By start date, cursor-paged; the registry project only when the reader may read it.");

        group.MapPost("/courses/{id}/sessions", async Task<Results<Created<SessionView>, NotFound>> (string id, SessionRequest request, Caller caller, TrainingEditing editing, TrainingQueries queries, CancellationToken ct) =>
        {
            var courseId = Http.ParseId(id);
            if (await editing.AddSessionAsync(caller, courseId, request, ct) is not { } s)
            {
                return TypedResults.NotFound();
            }

            var project = await queries.ProjectOfAsync(caller, s, ct);
            return TypedResults.Created($"/api/capacity/training/sessions/{s.Id}", new SessionView(s.Id, courseId, s.StartDate, s.EndDate, s.Online, s.Place, s.Trainer, s.Capacity, project?.Id, project?.Title));
        }).WithSummary("Add a session").WithDescription("startDate, endDate, online or place, trainer, capacity; projectId: a capacity-building project of the registry the caller may read (400 otherwise).");

        group.MapDelete("/sessions/{id}", async Task<Results<NoContent, NotFound>> (string id, Caller caller, TrainingEditing editing, CancellationToken ct) =>
            await editing.DeleteSessionAsync(caller, Http.ParseId(id), ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithSummary("Delete a session").WithDescription("409 while anyone is enrolled.");

        return group;
    }

    public const string EcsfLicence = "European Cybersecurity Skills Framework (ECSF) v1 © ENISA, under the European Union Public Licence (EUPL).";

    /// <summary>The profile's title in the reader's language (resource Ecsf.{id}), English when missing.</summary>
    public static string TitleOf(IStringLocalizer texts, EcsfProfile profile)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(profile);
        var text = texts["Ecsf." + profile.ProfileId];
        return text.ResourceNotFound ? profile.Title : text.Value;
    }

    /// <summary>The public address that checks a code: the node's public URL when set, the address of this request otherwise.</summary>
    public static string VerifyUrl(HttpContext http, NodeOptions node, string code)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(node);
        var root = string.IsNullOrWhiteSpace(node.PublicUrl) ? $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}" : node.PublicUrl.TrimEnd('/');
        return $"{root}/verify/{CertificateCodes.Display(code)}";
    }

    /// <summary>Runs <paramref name="work"/> with the UI culture set (the resources of that language), and restores it.</summary>
    public static T InCulture<T>(CultureInfo culture, Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var (ui, current) = (CultureInfo.CurrentUICulture, CultureInfo.CurrentCulture);
        try
        {
            CultureInfo.CurrentUICulture = culture;
            CultureInfo.CurrentCulture = culture;
            return work();
        }
        finally
        {
            (CultureInfo.CurrentUICulture, CultureInfo.CurrentCulture) = (ui, current);
        }
    }

    private static IReadOnlyList<string> ScaleNames() => ["0 none", "1 awareness", "2 basic", "3 proficient", "4 expert"];

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static int Year(int? year, TimeProvider clock)
    {
        if (year is { } y && (y < 1990 || y > 2100))
        {
            throw RequestErrors.One("year", "From 1990 to 2100.");
        }

        return year ?? clock.GetUtcNow().Year;
    }

    // A person's record as GET /people/{id} and GET /people/me show it (the person was read through the access decision).
    private static async Task<PersonDetailsView> DetailsAsync(TrainingQueries queries, TrainingPerson person, CancellationToken ct)
    {
        var enrolments = await queries.EnrolmentsAsync(person, ct);
        return new PersonDetailsView(PersonView.From(person, true),
            enrolments.Select(e => new EnrolmentView(e.Session.Id, e.Course.Id, e.Course.Title, e.Session.StartDate, e.Session.EndDate, e.Course.Hours, e.Enrolment.Status, e.Enrolment.EnrolledAt)).ToList(),
            await queries.CertificatesAsync(person, ct));
    }
}
