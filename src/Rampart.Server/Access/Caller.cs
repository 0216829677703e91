namespace Rampart.Server.Access;

/// <summary>Who is asking: resolved once per request from the session or API key.</summary>
public sealed record Caller(
    Guid UserId,
    Guid OrganisationId,
    Role Role,
    IReadOnlySet<Guid> CommunityIds,
    bool ReadOnly = false,
    string? Credential = null,
    string? ClientIp = null)
{
    /// <summary>Lets minimal API handlers take a <see cref="Caller"/> parameter.</summary>
    public static ValueTask<Caller?> BindAsync(HttpContext context) => BindCoreAsync(context);

    private static async ValueTask<Caller?> BindCoreAsync(HttpContext context) => await ForRequestAsync(context);

    private const string ItemKey = "rampart.caller";

    /// <summary>
    /// The caller of this HTTP request, resolved once (by the registered <see cref="ICallerResolver"/>) and kept for the rest of it.
    /// The resolution itself is shared: components prerendered in one request (a page and the notification bell) ask at
    /// the same time, and two resolutions would run two queries at once on the request's one DbContext.
    /// </summary>
    public static async ValueTask<Caller> ForRequestAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Task<Caller> resolution;
        lock (context.Items)
        {
            if (context.Items.TryGetValue(ItemKey, out var cached) && cached is Task<Caller> started)
            {
                resolution = started;
            }
            else
            {
                var resolver = context.RequestServices.GetRequiredService<ICallerResolver>();
                resolution = resolver.ResolveAsync(context.User, context.Connection.RemoteIpAddress?.ToString(), context.RequestAborted);
                context.Items[ItemKey] = resolution;
            }
        }

        return await resolution;
    }

    public static Caller Anonymous(string? clientIp = null) =>
        new(Guid.Empty, Guid.Empty, Role.Viewer, new HashSet<Guid>(), ReadOnly: true, Credential: null, ClientIp: clientIp);

    /// <summary>The node operator at the command line (<c>rampart admin …</c>): administers, reads no content.</summary>
    public static Caller Operator() => new(Guid.Empty, Guid.Empty, Role.NodeAdmin, new HashSet<Guid>(), ReadOnly: false, Credential: "cli");

    public bool IsOperator => UserId == Guid.Empty && Credential == "cli";

    public bool IsAuthenticated => UserId != Guid.Empty || IsOperator;

    public bool IsNodeAdmin => IsAuthenticated && Role == Role.NodeAdmin;

    /// <summary>May create and change records of its own organisation (not a viewer, not a read-only key).</summary>
    public bool CanWrite => IsAuthenticated && !ReadOnly && Role != Role.Viewer;

    /// <summary>
    /// An admin of <paramref name="organisationId"/> itself (its org admin, or a node admin who belongs to it):
    /// the only callers who create its users. Node admins administer every organisation but read none of them.
    /// </summary>
    public bool IsAdminOf(Guid organisationId) =>
        IsAuthenticated && !IsOperator && !ReadOnly && Role is (Role.OrgAdmin or Role.NodeAdmin) && OrganisationId == organisationId;

    /// <summary>
    /// The same actor, with the audit entry filed under <paramref name="organisationId"/>: an administrative
    /// action on another organisation is recorded where that organisation's admins see it.
    /// </summary>
    public Caller Concerning(Guid organisationId) => organisationId == OrganisationId ? this : this with { OrganisationId = organisationId };

    /// <summary>May administer users and keys of <paramref name="organisationId"/>.</summary>
    public bool CanManageOrganisation(Guid organisationId) =>
        IsAuthenticated && !ReadOnly && (Role == Role.NodeAdmin || (Role == Role.OrgAdmin && OrganisationId == organisationId));
}

/// <summary>
/// Turns an authenticated principal into a <see cref="Caller"/>. Identity provides it (it knows users and sessions);
/// Access only asks, so the access kernel does not depend on how people log in.
/// </summary>
public interface ICallerResolver
{
    Task<Caller> ResolveAsync(System.Security.Claims.ClaimsPrincipal principal, string? clientIp, CancellationToken cancellationToken);
}

/// <summary>
/// What sharing needs to know about people, answered by Identity: which organisations have users (an organisation
/// still being onboarded gets nothing), and the organisation of each active user (a person audience).
/// </summary>
public interface IPeopleDirectory
{
    /// <summary>Those of <paramref name="organisationIds"/> that have at least one user (disabled ones count).</summary>
    Task<IReadOnlySet<Guid>> OrganisationsWithUsersAsync(IReadOnlyCollection<Guid> organisationIds, CancellationToken cancellationToken);

    /// <summary>The organisation of each of <paramref name="userIds"/> that exists and is not disabled.</summary>
    Task<IReadOnlyDictionary<Guid, Guid>> ActiveUserOrganisationsAsync(IReadOnlyCollection<Guid> userIds, CancellationToken cancellationToken);
}
