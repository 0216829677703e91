using Microsoft.AspNetCore.Http.HttpResults;
using Rampart.Server.Access;
using Rampart.Server.Hosting;

namespace Rampart.Server.Incidents.Notifications;

public sealed record UnreadCountView(int Count);

public sealed record MarkedView(int Marked);

/// <summary><c>/api/notifications</c>: the caller's own notifications and preferences, the node's public key, the organisation's webhooks; <c>/api/account/pgp-key</c>.</summary>
public static class NotificationEndpoints
{
    private const string ListName = "notifications";
    private const string HookListName = "notifications.webhooks";
    private const string DeliveryListName = "notifications.webhook-deliveries";

    public static void MapNotificationsApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var group = api.MapGroup("/notifications").WithTags("Notifications");

        group.MapGet("/", async Task<Ok<CursorPage<NotificationView>>> (Caller caller, NotificationInbox inbox, PageCursors cursors, int? limit, string? next, bool? unread, CancellationToken ct) =>
        {
            var size = Http.Limit(limit);
            var scope = $"{caller.UserId:N}|{unread == true}";
            var (items, more, last) = await inbox.ListAsync(caller, unread == true, cursors.Decode(next, ListName, scope), size, ct);
            return TypedResults.Ok(new CursorPage<NotificationView>(items.Select(NotificationInbox.View).ToList(), more && last is { } l ? cursors.Encode(ListName, scope, l) : null));
        }).WithSummary("List my notifications").WithDescription("Newest first, cursor-paged (limit ≤ 200; unread=true for unread only). Each is checked again against the access decision: one about a record you may no longer read is withdrawn.");

        group.MapGet("/unread-count", async Task<Ok<UnreadCountView>> (Caller caller, NotificationInbox inbox, CancellationToken ct) =>
            TypedResults.Ok(new UnreadCountView(await inbox.UnreadCountAsync(caller, 100, ct))))
            .WithSummary("Count my unread notifications").WithDescription("At most 100 (the bell shows 99+).");

        group.MapPost("/{id}/read", async Task<Results<NoContent, NotFound>> (string id, Caller caller, NotificationInbox inbox, CancellationToken ct) =>
            await inbox.MarkReadAsync(caller, Http.ParseId(id), ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithSummary("Mark a notification read").WithDescription("404 for an id that is not one of your notifications.");

        group.MapPost("/read-all", async Task<Ok<MarkedView>> (Caller caller, NotificationInbox inbox, CancellationToken ct) =>
            TypedResults.Ok(new MarkedView(await inbox.MarkAllReadAsync(caller, ct))))
            .WithSummary("Mark all my notifications read").WithDescription("Answers how many were unread.");

        group.MapGet("/preferences", async Task<Ok<IReadOnlyList<PreferenceView>>> (Caller caller, NotificationPreferences preferences, CancellationToken ct) =>
        {
            if (!caller.IsAuthenticated || caller.IsOperator)
            {
                throw new ForbiddenException("Only a person has notification preferences.");
            }

            return TypedResults.Ok(await preferences.OfAsync(caller.UserId, ct));
        }).WithSummary("My notification preferences").WithDescription("Per event kind: in the app, by e-mail. Defaults: everything in the app; e-mail for invitations, requests and overdue deadlines. On a node without a mail server (Rampart:Intake:Smtp) e-mail is not offered: every email is false.");

        group.MapPut("/preferences", async Task<Ok<IReadOnlyList<PreferenceView>>> (Caller caller, NotificationPreferences preferences, PreferencesRequest request, CancellationToken ct) =>
            TypedResults.Ok(await preferences.ChangeAsync(caller, request, ct)))
            .WithSummary("Change my notification preferences").WithDescription("{ preferences: [{ kind, inApp, email }] }; kinds not named stay as they are. email: true on a node without a mail server is a 400 naming preferences[i].email.");

        group.MapGet("/pgp-key", async Task<Ok<NodePgpKeyView>> (NodePgpKey key, CancellationToken ct) => TypedResults.Ok(await key.ViewAsync(ct)))
            .WithSummary("The node's OpenPGP public key").WithDescription("Notification e-mail is signed with it (PGP/MIME, RFC 3156). The secret half is never returned.");

        var hooks = group.MapGroup("/webhooks");
        hooks.MapGet("/", async Task<Ok<CursorPage<NotificationWebhookView>>> (Caller caller, NotificationWebhookAdministration admin, PageCursors cursors, int? limit, string? next, CancellationToken ct) =>
        {
            var size = Http.Limit(limit);
            var scope = caller.OrganisationId.ToString("N");
            var (items, more) = await admin.ListAsync(caller, cursors.Decode(next, HookListName, scope), size, ct);
            return TypedResults.Ok(new CursorPage<NotificationWebhookView>(items.Select(w => NotificationWebhookAdministration.View(w)).ToList(),
                more ? cursors.Encode(HookListName, scope, items[^1].Id) : null));
        }).WithSummary("List the organisation's notification webhooks").WithDescription("The organisation's admins only; cursor-paged.");

        hooks.MapPost("/", async Task<Created<NotificationWebhookView>> (Caller caller, NotificationWebhookAdministration admin, NotificationWebhookRequest request, CancellationToken ct) =>
        {
            var (webhook, secret) = await admin.CreateAsync(caller, request, ct);
            return TypedResults.Created($"/api/notifications/webhooks/{webhook.PublicId}", NotificationWebhookAdministration.View(webhook, secret));
        }).WithSummary("Register a notification webhook").WithDescription("Events the organisation may read are POSTed signed (X-Rampart-Signature: sha256=HMAC of the body, X-Rampart-Timestamp), retried with backoff. The secret is shown once.");

        hooks.MapDelete("/{id}", async Task<Results<NoContent, NotFound>> (string id, Caller caller, NotificationWebhookAdministration admin, CancellationToken ct) =>
            await admin.DeleteAsync(caller, Http.ParseId(id), ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithSummary("Delete a notification webhook").WithDescription("404 for anyone but the organisation's admins.");

        hooks.MapGet("/{id}/deliveries", async Task<Results<Ok<CursorPage<NotificationDeliveryView>>, NotFound>> (string id, Caller caller, NotificationWebhookAdministration admin, PageCursors cursors, int? limit, string? next, CancellationToken ct) =>
        {
            var webhookId = Http.ParseId(id);
            var size = Http.Limit(limit);
            var scope = webhookId.ToString("N");
            if (await admin.DeliveriesAsync(caller, webhookId, cursors.Decode(next, DeliveryListName, scope), size, ct) is not { } page)
            {
                return TypedResults.NotFound();
            }

            return TypedResults.Ok(new CursorPage<NotificationDeliveryView>(page.Items, page.More && page.Last is { } l ? cursors.Encode(DeliveryListName, scope, l) : null));
        }).WithSummary("A notification webhook's delivery log").WithDescription("Attempts, status, last answer and next retry, cursor-paged; the organisation's admins only.");

        var account = api.MapGroup("/account/pgp-key").WithTags("Notifications");
        account.MapGet("/", async Task<Results<Ok<PgpKeyView>, NotFound>> (Caller caller, NotificationInbox inbox, CancellationToken ct) =>
            await inbox.PgpKeyAsync(caller, ct) is { } key ? TypedResults.Ok(key) : TypedResults.NotFound())
            .WithSummary("My OpenPGP public key").WithDescription("The fingerprint of the key notification e-mail to you is encrypted to; 404 when none is set.");

        account.MapPut("/", async Task<Ok<PgpKeyView>> (Caller caller, NotificationInbox inbox, PgpKeyRequest request, CancellationToken ct) =>
            TypedResults.Ok(await inbox.SetPgpKeyAsync(caller, request, ct)))
            .WithSummary("Set my OpenPGP public key").WithDescription("{ publicKey: \"-----BEGIN PGP PUBLIC KEY BLOCK----- …\" }: a key able to encrypt; notification e-mail to you is then encrypted to it.");

        account.MapDelete("/", async Task<Results<NoContent, NotFound>> (Caller caller, NotificationInbox inbox, CancellationToken ct) =>
            await inbox.RemovePgpKeyAsync(caller, ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithSummary("Remove my OpenPGP public key").WithDescription("Notification e-mail to you is then only signed.");
    }
}
