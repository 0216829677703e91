using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Rampart.Server.Data;
using Rampart.Standards.Intelligence.Csv;

namespace Rampart.Server.Capacity.Projects;

/// <summary>A CSV import as a client sends it: the file's text, and for the confirmation the rows chosen (numbers from the preview).</summary>
/// <summary>
/// A CSV to preview or import. On import, a chosen row that is a duplicate (by code or title) of a project now on the
/// node or of another row of the file is refused unless <paramref name="ImportDuplicates"/> is true: a retried import
/// does not copy the registry twice.
/// </summary>
public sealed record ProjectImportRequest(string? Csv, IReadOnlyList<int>? Rows = null, ProjectVisibility? Visibility = null, bool ImportDuplicates = false);

/// <summary>What one data row of the file would become: <c>new</c>, <c>duplicate</c> (by code or by title) or <c>error</c>, with the reason.</summary>
public sealed record ProjectImportRow(int Row, int Line, string Outcome, string? Title, string? Code, string? Reason, Guid? DuplicateOf, IReadOnlyDictionary<string, string[]>? Errors);

public sealed record ProjectImportPreview(IReadOnlyList<ProjectImportRow> Rows, int New, int Duplicates, int Errors);

public sealed record ProjectImportResult(IReadOnlyList<Guid> Imported);

/// <summary>
/// CSV import (preview, then confirm the chosen rows) and export of the registry. The columns are the same both
/// ways, so an export can be imported elsewhere; several values in one cell are separated by <c>;</c>, a link is
/// <c>title|url</c> or a bare url, an actor an organisation's short name or id on this node or an external name.
/// </summary>
public sealed class ProjectCsv(RampartDb db, ProjectQueries queries, ProjectEditing editing)
{
    public static readonly string[] Columns =
    [
        "code", "title", "status", "start", "end", "themes", "tags", "countries", "summary", "aim", "context", "outcomes",
        "funders", "implementers", "beneficiaries", "partners", "budget", "currency", "links", "publications",
    ];

    private static readonly string[] Required = ["title", "status", "start"];

    public const int MaxRows = 2_000;

    private static readonly (string Column, ActorRole Role)[] ActorColumns =
        [("funders", ActorRole.Funder), ("implementers", ActorRole.Implementer), ("beneficiaries", ActorRole.Beneficiary), ("partners", ActorRole.Partner)];

    public async Task<ProjectImportPreview> PreviewAsync(Caller caller, ProjectImportRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        var rows = await AnalyseAsync(caller, request, cancellationToken);
        var shown = rows.Select(r => r.Shown).ToList();
        return new ProjectImportPreview(shown, shown.Count(r => r.Outcome == "new"), shown.Count(r => r.Outcome.StartsWith("duplicate", StringComparison.Ordinal)),
            shown.Count(r => r.Outcome == "error"));
    }

    /// <summary>
    /// Imports the chosen rows in one transaction; a chosen row with an error, or a duplicate without
    /// <see cref="ProjectImportRequest.ImportDuplicates"/>, is a 400 naming it, and nothing is saved.
    /// </summary>
    public async Task<ProjectImportResult> ConfirmAsync(Caller caller, ProjectImportRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        if (!AccessPolicy.CanCreate(caller))
        {
            throw new Hosting.ForbiddenException("Viewers, read-only keys and the operator cannot import.");
        }

        var errors = new RequestErrors();
        if (request.Rows is not { Count: > 0 } chosen)
        {
            errors.Add("rows", "Choose at least one row (the numbers of the preview).");
            throw new RequestValidationException(errors);
        }

        if (request.Visibility is not { } visibility || !Enum.IsDefined(visibility))
        {
            errors.Add("visibility", "Required: network or public, for every imported project.");
            throw new RequestValidationException(errors);
        }

        // Two imports of one organisation at once (a retry after a timeout) run one after the other, each analysing what
        // the other saved: the duplicate check and the insert are one transaction (PostgreSQL: an advisory lock per
        // organisation; SQLite: the transaction begins IMMEDIATE, one writer at a time).
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await AdvisoryLocks.ForOrganisationAsync(db, caller.OrganisationId, 0x50524f4a494d50, cancellationToken);

        var rows = await AnalyseAsync(caller, request, cancellationToken);
        var byNumber = rows.ToDictionary(r => r.Shown.Row);
        var contents = new List<ProjectContent>();
        for (var i = 0; i < chosen.Count; i++)
        {
            if (!byNumber.TryGetValue(chosen[i], out var row))
            {
                errors.Add($"rows[{i}]", $"The file has no data row {chosen[i]}.");
            }
            else if (row.Content is null)
            {
                errors.Add($"rows[{i}]", $"Row {chosen[i]} (line {row.Shown.Line}) has errors: {row.Shown.Reason}");
            }
            else if (chosen.Take(i).Contains(chosen[i]))
            {
                errors.Add($"rows[{i}]", $"Row {chosen[i]} is chosen twice.");
            }
            else if (!request.ImportDuplicates && row.Shown.Outcome.StartsWith("duplicate", StringComparison.Ordinal))
            {
                errors.Add($"rows[{i}]", $"Row {chosen[i]} (line {row.Shown.Line}) duplicates a project by {(row.Shown.Outcome == "duplicate-code" ? "code" : "title")}: {row.Shown.Reason} Send importDuplicates: true to import it anyway.");
            }
            else
            {
                contents.Add(row.Content with { Visibility = visibility });
            }
        }

        errors.ThrowIfAny();
        var added = await editing.AddAllAsync(caller, contents, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new ProjectImportResult(added.Select(p => p.Id).ToList());
    }

    private sealed record Analysed(ProjectImportRow Shown, ProjectContent? Content);

    private async Task<List<Analysed>> AnalyseAsync(Caller caller, ProjectImportRequest request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Csv))
        {
            throw RequestErrors.One("csv", "Required: the CSV text, with a header line.");
        }

        var records = new List<CsvRecord>();
        await foreach (var record in CsvRecordReader.ReadAsync(new StringReader(request.Csv), cancellationToken: cancellationToken))
        {
            // A file that cannot be read as CSV is refused whole: a guess could shift every later value into the wrong column.
            if (record.Error is not null)
            {
                throw RequestErrors.One("csv", $"Line {record.Line}: {record.Error}");
            }

            records.Add(record);
            if (records.Count > MaxRows + 1)
            {
                throw RequestErrors.One("csv", $"At most {MaxRows} rows per import.");
            }
        }

        if (records.Count == 0)
        {
            throw RequestErrors.One("csv", "The file is empty: it needs a header line.");
        }

        var header = records[0].Fields.Select(f => f.Trim().ToLowerInvariant()).ToList();
        var unknown = header.Where(h => !Columns.Contains(h)).ToList();
        var missing = Required.Where(r => !header.Contains(r)).ToList();
        if (unknown.Count > 0 || missing.Count > 0 || header.Distinct().Count() != header.Count)
        {
            throw RequestErrors.One("csv", (unknown.Count > 0 ? $"Unknown columns: {string.Join(", ", unknown)}. " : "")
                + (missing.Count > 0 ? $"Missing columns: {string.Join(", ", missing)}. " : "")
                + (header.Distinct().Count() != header.Count ? "A column is named twice. " : "")
                + $"The columns are: {string.Join(", ", Columns)}.");
        }

        foreach (var record in records.Skip(1))
        {
            if (record.Fields.Count != header.Count)
            {
                throw RequestErrors.One("csv", $"Line {record.Line}: {record.Fields.Count} fields where the header has {header.Count}.");
            }
        }

        var organisations = await db.Organisations.AsNoTracking().Select(o => new { o.Id, o.ShortName }).ToListAsync(cancellationToken);
        var byShortName = organisations.GroupBy(o => o.ShortName.ToUpperInvariant()).ToDictionary(g => g.Key, g => g.First().Id);
        var known = organisations.Select(o => o.Id).ToHashSet();

        var parsed = new List<(CsvRecord Record, ProjectRequest? Request, RequestErrors Errors)>();
        foreach (var record in records.Skip(1))
        {
            var errors = new RequestErrors();
            var request2 = ToRequest(header, record.Fields, byShortName, errors);
            parsed.Add((record, request2, errors));
        }

        var contents = parsed.Select(p => p.Request is null ? null : ProjectRules.Validate(p.Request, known, p.Errors, "", ProjectVisibility.Network)).ToList();
        var codeKeys = contents.Where(c => c?.Code is not null).Select(c => ProjectRules.CodeKey(c!.Code)!).Distinct().ToList();
        var titleKeys = contents.Where(c => c is not null).Select(c => ProjectRules.TitleKey(c!.Title)).Distinct().ToList();
        // Only projects the importer may read count as duplicates: a hidden project must not reveal itself by a code.
        var existing = await queries.DuplicatesAsync(caller, codeKeys, titleKeys, cancellationToken);
        var seenCodes = new Dictionary<string, int>(StringComparer.Ordinal);
        var seenTitles = new Dictionary<string, int>(StringComparer.Ordinal);
        var result = new List<Analysed>();
        for (var i = 0; i < parsed.Count; i++)
        {
            var (record, _, errors) = parsed[i];
            var number = i + 1;
            var line = (int)record.Line;
            var content = contents[i];
            var title = record.Fields.Count > header.IndexOf("title") ? Cell(header, record.Fields, "title") : null;
            var code = Cell(header, record.Fields, "code");
            if (content is null || errors.Any)
            {
                var all = errors.ToDictionary();
                result.Add(new Analysed(new ProjectImportRow(number, line, "error", title, code,
                    string.Join(" ", all.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")), null, all.ToDictionary(e => e.Key, e => e.Value)), null));
                continue;
            }

            var codeKey = ProjectRules.CodeKey(content.Code);
            var titleKey = ProjectRules.TitleKey(content.Title);
            ProjectImportRow shown;
            if (codeKey is not null && existing.FirstOrDefault(e => e.CodeKey == codeKey) is { Id: var byCode } found && byCode != Guid.Empty)
            {
                shown = new ProjectImportRow(number, line, "duplicate-code", content.Title, content.Code, $"A project with the code {content.Code} exists: \"{found.Title}\".", byCode, null);
            }
            else if (codeKey is not null && seenCodes.TryGetValue(codeKey, out var earlierCode))
            {
                shown = new ProjectImportRow(number, line, "duplicate-code", content.Title, content.Code, $"Row {earlierCode} of this file has the same code.", null, null);
            }
            else if (existing.FirstOrDefault(e => e.TitleKey == titleKey) is { Id: var byTitle } sameTitle && byTitle != Guid.Empty)
            {
                shown = new ProjectImportRow(number, line, "duplicate-title", content.Title, content.Code, $"A project with the same title exists: \"{sameTitle.Title}\".", byTitle, null);
            }
            else if (seenTitles.TryGetValue(titleKey, out var earlierTitle))
            {
                shown = new ProjectImportRow(number, line, "duplicate-title", content.Title, content.Code, $"Row {earlierTitle} of this file has the same title.", null, null);
            }
            else
            {
                shown = new ProjectImportRow(number, line, "new", content.Title, content.Code, null, null, null);
            }

            if (codeKey is not null)
            {
                seenCodes.TryAdd(codeKey, number);
            }

            seenTitles.TryAdd(titleKey, number);
            result.Add(new Analysed(shown, content));
        }

        return result;
    }

    private static string? Cell(List<string> header, IReadOnlyList<string> fields, string column)
    {
        var at = header.IndexOf(column);
        if (at < 0 || at >= fields.Count)
        {
            return null;
        }

        var value = fields[at].Trim();
        // Exports protect formula-like cells with a leading apostrophe (spreadsheets would run them); read them back without it.
        if (value.Length > 1 && value[0] == '\'' && value[1] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = value[1..];
        }

        return value.Length == 0 ? null : value;
    }

    private static List<string> Many(List<string> header, IReadOnlyList<string> fields, string column) =>
        (Cell(header, fields, column) ?? "").Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();

    private static ProjectRequest? ToRequest(List<string> header, IReadOnlyList<string> fields, Dictionary<string, Guid> byShortName, RequestErrors errors)
    {
        ProjectStatus? status = null;
        if (Cell(header, fields, "status") is { } statusText)
        {
            status = Enum.GetValues<ProjectStatus>().Cast<ProjectStatus?>().FirstOrDefault(s => ProjectRules.StatusValue(s!.Value).Equals(statusText, StringComparison.OrdinalIgnoreCase));
            if (status is null)
            {
                errors.Add("status", "One of: planned, ongoing, completed, cancelled.");
            }
        }

        var themes = new List<ProjectTheme>();
        foreach (var text in Many(header, fields, "themes"))
        {
            var theme = Enum.GetValues<ProjectTheme>().Cast<ProjectTheme?>().FirstOrDefault(t => ProjectRules.ThemeValue(t!.Value).Equals(text, StringComparison.OrdinalIgnoreCase));
            if (theme is null)
            {
                errors.Add("themes", $"\"{text}\" is not a GFCE theme.");
            }
            else
            {
                themes.Add(theme.Value);
            }
        }

        long? budget = null;
        if (Cell(header, fields, "budget") is { } budgetText)
        {
            if (long.TryParse(budgetText.Replace(" ", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal), NumberStyles.None, CultureInfo.InvariantCulture, out var b))
            {
                budget = b;
            }
            else
            {
                errors.Add("budget", "Whole units, digits only (e.g. 1500000).");
            }
        }

        var actors = new List<ActorRequest>();
        foreach (var (column, role) in ActorColumns)
        {
            foreach (var name in Many(header, fields, column))
            {
                actors.Add(Guid.TryParse(name, out var id) ? new ActorRequest(role, id)
                    : byShortName.TryGetValue(name.ToUpperInvariant(), out var organisation) ? new ActorRequest(role, organisation)
                    : new ActorRequest(role, Name: name));
            }
        }

        return new ProjectRequest(
            Cell(header, fields, "title"), Cell(header, fields, "code"), status, Cell(header, fields, "start"), Cell(header, fields, "end"), themes,
            Many(header, fields, "tags"), Cell(header, fields, "summary"), Cell(header, fields, "aim"), Cell(header, fields, "context"), Cell(header, fields, "outcomes"),
            Many(header, fields, "countries"), actors, budget, Cell(header, fields, "currency"),
            Links(Many(header, fields, "links")), Links(Many(header, fields, "publications")));
    }

    private static List<LinkRequest> Links(List<string> cells) =>
        cells.Select(c => c.Split('|', 2) is [var title, var url] ? new LinkRequest(title.Trim(), url.Trim()) : new LinkRequest(null, c)).ToList();

    /// <summary>Writes every readable project matching <paramref name="filter"/>, newest first, as CSV (the import's columns).</summary>
    public async Task ExportAsync(Caller caller, ProjectFilter filter, TextWriter writer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writer);
        await writer.WriteLineAsync(string.Join(',', Columns));
        long? before = null;
        while (true)
        {
            var (page, more) = await queries.ListAsync(caller, filter, before, 200, cancellationToken);
            var names = await queries.OrganisationNamesAsync(page, cancellationToken);
            foreach (var p in page)
            {
                string Actors(ActorRole role) => string.Join("; ", p.Lists.Actors.Where(a => a.Role == role)
                    .Select(a => a.OrganisationId is { } id ? (names.TryGetValue(id, out var n) ? n.ShortName : id.ToString()) : a.Name));
                string Links(IReadOnlyList<ProjectLink> links) => string.Join("; ", links.Select(l => l.Title == l.Url ? l.Url : $"{l.Title}|{l.Url}"));
                var cells = new[]
                {
                    p.Code, p.Title, ProjectRules.StatusValue(p.Status), p.Start, p.End, string.Join("; ", p.Lists.Themes.Select(ProjectRules.ThemeValue)),
                    string.Join("; ", p.Lists.Tags), string.Join("; ", p.Lists.Countries), p.Summary, p.Aim, p.Context, p.Outcomes,
                    Actors(ActorRole.Funder), Actors(ActorRole.Implementer), Actors(ActorRole.Beneficiary), Actors(ActorRole.Partner),
                    p.Budget?.ToString(CultureInfo.InvariantCulture), p.Currency, Links(p.Lists.Links), Links(p.Lists.Publications),
                };
                await writer.WriteLineAsync(string.Join(',', cells.Select(Quote)));
            }

            if (!more || page.Count == 0)
            {
                break;
            }

            before = page[^1].RecordId;
        }
    }

    private static string Quote(string? value)
    {
        var text = value ?? "";
        if (text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            text = "'" + text;
        }

        return text.IndexOfAny([',', '"', '\n', '\r', ';']) >= 0 || text.StartsWith(' ') || text.EndsWith(' ')
            ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : text;
    }
}
