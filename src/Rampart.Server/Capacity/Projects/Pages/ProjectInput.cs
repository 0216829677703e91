using System.Globalization;

namespace Rampart.Server.Capacity.Projects.Pages;

/// <summary>
/// The project form's fields. Lists are typed as in the CSV import (several values separated by <c>;</c> or line
/// breaks; an actor is an organisation's short name on this node or an external name; a link is <c>title|url</c>);
/// the rules are <see cref="ProjectRules"/>'s, so the page and the API agree.
/// </summary>
public sealed class ProjectInput
{
    public string? Title { get; set; }

    public string? Code { get; set; }

    public ProjectStatus Status { get; set; } = ProjectStatus.Ongoing;

    public string? Start { get; set; }

    public string? End { get; set; }

    public HashSet<ProjectTheme> Themes { get; } = [];

    public string? Tags { get; set; }

    public string? Countries { get; set; }

    public string? Summary { get; set; }

    public string? Aim { get; set; }

    public string? Context { get; set; }

    public string? Outcomes { get; set; }

    public string? Funders { get; set; }

    public string? Implementers { get; set; }

    public string? Beneficiaries { get; set; }

    public string? Partners { get; set; }

    public string? Budget { get; set; }

    public string? Currency { get; set; }

    public string? Links { get; set; }

    public string? Publications { get; set; }

    public ProjectVisibility Visibility { get; set; } = ProjectVisibility.Network;

    private static List<string> Many(string? text) =>
        (text ?? "").Split([';', '\n'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();

    /// <summary>The request; <paramref name="byShortName"/> turns a typed short name into the organisation of the node.</summary>
    public ProjectRequest ToRequest(IReadOnlyDictionary<string, Guid> byShortName, bool withVisibility)
    {
        ArgumentNullException.ThrowIfNull(byShortName);
        long? budget = null;
        if (!string.IsNullOrWhiteSpace(Budget))
        {
            budget = long.TryParse(Budget.Replace(" ", "", StringComparison.Ordinal).Replace(".", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal),
                NumberStyles.None, CultureInfo.InvariantCulture, out var b)
                ? b
                : throw RequestErrors.One("budget", "Whole units, digits only (e.g. 1500000).");
        }

        var actors = new List<ActorRequest>();
        foreach (var (text, role) in new[] { (Funders, ActorRole.Funder), (Implementers, ActorRole.Implementer), (Beneficiaries, ActorRole.Beneficiary), (Partners, ActorRole.Partner) })
        {
            actors.AddRange(Many(text).Select(name => byShortName.TryGetValue(name.ToUpperInvariant(), out var id)
                ? new ActorRequest(role, id)
                : new ActorRequest(role, Name: name)));
        }

        static List<LinkRequest> LinksOf(string? text) =>
            Many(text).Select(c => c.Split('|', 2) is [var title, var url] ? new LinkRequest(title.Trim(), url.Trim()) : new LinkRequest(null, c)).ToList();

        return new ProjectRequest(Title, Code, Status, Start, string.IsNullOrWhiteSpace(End) ? null : End.Trim(), Themes.Order().ToList(), Many(Tags),
            Summary, Aim, Context, Outcomes, Many(Countries), actors, budget, string.IsNullOrWhiteSpace(Currency) ? null : Currency, LinksOf(Links), LinksOf(Publications),
            withVisibility ? Visibility : null);
    }

    /// <summary>The form for an existing project.</summary>
    public static ProjectInput From(ProjectView view, IReadOnlyDictionary<Guid, string> shortNames)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(shortNames);
        string Actors(ActorRole role) => string.Join("; ", view.Actors.Where(a => a.Role == role)
            .Select(a => a.OrganisationId is { } id && shortNames.TryGetValue(id, out var s) ? s : a.Name));
        static string LinksText(IReadOnlyList<ProjectLink> links) => string.Join("\n", links.Select(l => l.Title == l.Url ? l.Url : $"{l.Title}|{l.Url}"));
        var input = new ProjectInput
        {
            Title = view.Title, Code = view.Code, Status = view.Status, Start = view.Start, End = view.End, Tags = string.Join("; ", view.Tags),
            Countries = string.Join("; ", view.Countries), Summary = view.Summary, Aim = view.Aim, Context = view.Context, Outcomes = view.Outcomes,
            Funders = Actors(ActorRole.Funder), Implementers = Actors(ActorRole.Implementer), Beneficiaries = Actors(ActorRole.Beneficiary), Partners = Actors(ActorRole.Partner),
            Budget = view.Budget?.ToString(CultureInfo.InvariantCulture), Currency = view.Currency, Links = LinksText(view.Links), Publications = LinksText(view.Publications),
            Visibility = view.Visibility,
        };
        input.Themes.UnionWith(view.Themes);
        return input;
    }
}
