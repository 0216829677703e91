using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Hosting;

namespace Rampart.Server.Identity;

public sealed record UserView(Guid Id, string Email, string DisplayName, Guid OrganisationId, Role Role, bool TwoFactorEnabled, bool Disabled)
{
    public static UserView From(User u) =>
        new(u.Id, u.Email ?? "", u.DisplayName, u.OrganisationId, u.Role, u.TwoFactorEnabled, u.Disabled);
}

public sealed record CreatedUserView(UserView User, string OneTimePassword);

public sealed record ApiKeyView(Guid Id, string Name, string Prefix, bool ReadOnly, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt,
    DateTimeOffset? LastUsedAt, string? LastUsedIp, DateTimeOffset? RevokedAt)
{
    public static ApiKeyView From(ApiKey k) => new(k.Id, k.Name, k.Prefix, k.ReadOnly, k.CreatedAt, k.ExpiresAt, k.LastUsedAt, k.LastUsedIp, k.RevokedAt);
}

public sealed record CreatedApiKeyView(ApiKeyView ApiKey, string Key);

public sealed record ReauthenticationRequest(string? Secret);

public static class IdentityEndpoints
{
    public static void MapIdentityApi(this IEndpointRouteBuilder routes)
    {
        var me = routes.MapGroup("/me").WithTags("Me").RequireAuthorization();
        me.MapGet("/", async Task<Results<Ok<UserView>, NotFound>> (Caller caller, RampartDb db, CancellationToken ct) =>
        {
            var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == caller.UserId, ct);
            return user is null ? TypedResults.NotFound() : TypedResults.Ok(UserView.From(user));
        }).WithSummary("The caller's own account").WithDescription("The user behind the session or API key: organisation, role and second-factor state.");

        // A session proves itself again before security actions (FreshProof); an API key is its own proof.
        me.MapPost("/reauthenticate", async Task<Results<NoContent, ProblemHttpResult>> (ReauthenticationRequest request, HttpContext http, Caller caller, Reauthentication reauthentication) =>
        {
            if (caller.Credential is { } credential && credential.StartsWith("apikey:", StringComparison.Ordinal))
            {
                throw RequestErrors.One("secret", "An API key is its own proof; re-authentication is for sessions.");
            }

            if (!await reauthentication.VerifyAsync(caller.UserId, request.Secret))
            {
                throw RequestErrors.One("secret", "Not your current password or authenticator code.");
            }

            await FreshProof.RenewAsync(http);
            return TypedResults.NoContent();
        }).WithSummary("Prove presence again").WithDescription("Posts the password or an authenticator code; security actions of a session older than the re-authentication window need it.");

        var users = routes.MapGroup("/users").WithTags("Users").RequireAuthorization();

        // Org admins see their organisation's users; node admins all; others only themselves. Cursor-paged by
        // normalised e-mail then id; 'q' is a prefix of the e-mail address or of the display name, any case.
        users.MapGet("/", async Task<Ok<CursorPage<UserView>>> (HttpContext http, Caller caller, RampartDb db, AuditTrail audit, PageCursors cursors,
            int? limit, string? next, string? q, CancellationToken ct) =>
        {
            if (Http.OffsetPagingParameter(http) is { } offset)
            {
                throw RequestErrors.One(offset, "Users are paged by cursor: use 'limit' and then 'next' from the answer.");
            }

            var size = Http.Limit(limit, fallback: 100);
            var search = Http.SearchText(q, "q");
            var scope = UserListing.SearchKey(search) ?? "";
            var after = cursors.DecodeKey(next, UserListing.ListName, scope);
            var (items, more) = await UserListing.PageAsync(db, caller, search, after, descending: false, size, ct);
            if (caller.IsNodeAdmin || caller.Role == Role.OrgAdmin)
            {
                await audit.RecordNowAsync(AuditEvent.UserListViewed, caller, "users", cancellationToken: ct);
            }

            var nextCursor = more ? cursors.Encode(UserListing.ListName, scope, UserListing.KeyOf(items[^1]).Key, items[^1].Id) : null;
            return TypedResults.Ok(new CursorPage<UserView>(items.Select(UserView.From).ToList(), nextCursor));
        }).WithSummary("List users").WithDescription("Users the caller administers, cursor-paged by e-mail address.");

        users.MapPost("/", async (UserRequest request, Caller caller, UserAdministration admin, CancellationToken ct) =>
        {
            var created = await admin.CreateAsync(caller, request, ct);
            return TypedResults.Created($"/api/users/{created.User.Id}", new CreatedUserView(UserView.From(created.User), created.OneTimePassword));
        }).WithSummary("Create a user").WithDescription("Only an organisation's own admins create its users; node admins and the operator only its first org admin. Needs fresh proof.").RequireFreshProof();

        users.MapPost("/{id}/disable", async Task<Results<NoContent, NotFound>> (string id, Caller caller, UserAdministration admin, CancellationToken ct) =>
            await admin.DisableAsync(caller, Http.ParseId(id), ct) ? TypedResults.NoContent() : TypedResults.NotFound()).WithSummary("Disable a user").WithDescription("Takes effect on the user's next request; needs fresh proof.").RequireFreshProof();

        users.MapPost("/{id}/enable", async Task<Results<NoContent, NotFound>> (string id, Caller caller, UserReenabling reenabling, CancellationToken ct) =>
            await reenabling.ExecuteAsync(caller, Http.ParseId(id), ct) ? TypedResults.NoContent() : TypedResults.NotFound()).WithSummary("Re-enable a user").WithDescription("Gives back exactly what the person had; needs fresh proof.").RequireFreshProof();

        users.MapGet("/{id}/keys", async Task<Results<Ok<List<ApiKeyView>>, NotFound>> (string id, Caller caller, ApiKeyAdministration keys, CancellationToken ct) =>
        {
            var list = await keys.ListAsync(caller, Http.ParseId(id), ct);
            return list is null ? TypedResults.NotFound() : TypedResults.Ok(list.Select(ApiKeyView.From).ToList());
        }).WithSummary("List a user's API keys").WithDescription("Keys of the user (never their secrets); the user, their organisation's admins and node admins.");

        users.MapPost("/{id}/keys", async Task<Results<Created<CreatedApiKeyView>, NotFound>> (string id, ApiKeyRequest request, Caller caller, ApiKeyAdministration keys, CancellationToken ct) =>
        {
            var created = await keys.CreateAsync(caller, Http.ParseId(id), request, ct);
            return created is null ? TypedResults.NotFound()
                : TypedResults.Created($"/api/keys/{created.ApiKey.Id}", new CreatedApiKeyView(ApiKeyView.From(created.ApiKey), created.Key));
        }).WithSummary("Create an API key").WithDescription("Only for oneself; a key created with a key expires no later than it; a read-only key creates none. The key is shown once.").RequireFreshProof();

        routes.MapDelete("/keys/{id}", async Task<Results<NoContent, NotFound>> (string id, Caller caller, ApiKeyAdministration keys, CancellationToken ct) =>
            await keys.RevokeAsync(caller, Http.ParseId(id), ct) ? TypedResults.NoContent() : TypedResults.NotFound()).WithSummary("Revoke an API key").WithDescription("The key stops working on its next use; needs fresh proof.")
            .WithTags("Users").RequireAuthorization().RequireFreshProof();
    }
}
