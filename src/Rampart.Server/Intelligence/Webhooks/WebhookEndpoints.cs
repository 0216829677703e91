using Microsoft.AspNetCore.Http.HttpResults;
using Rampart.Server.Access;
using Rampart.Server.Hosting;

namespace Rampart.Server.Intelligence.Webhooks;

/// <summary><c>/api/intel/webhooks</c>: an organisation's webhooks and their delivery logs, for its admins.</summary>
public static class WebhookEndpoints
{
    private const string ListName = "intel.webhooks";
    private const string DeliveryListName = "intel.webhook-deliveries";

    public static void MapIntelWebhooks(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var group = api.MapGroup("/intel/webhooks").WithTags("Intelligence");

        group.MapGet("/", async Task<Ok<CursorPage<WebhookView>>> (Caller caller, WebhookAdministration admin, PageCursors cursors, int? limit, string? next, CancellationToken ct) =>
        {
            var size = Http.Limit(limit);
            var scope = caller.OrganisationId.ToString("N");
            var (items, more) = await admin.ListAsync(caller, cursors.Decode(next, ListName, scope), size, ct);
            return TypedResults.Ok(new CursorPage<WebhookView>(items.Select(w => WebhookAdministration.View(w)).ToList(),
                more ? cursors.Encode(ListName, scope, items[^1].Id) : null));
        }).WithSummary("List the organisation's webhooks").WithDescription("The organisation's admins only; cursor-paged.");

        group.MapPost("/", async Task<Created<WebhookView>> (Caller caller, WebhookAdministration admin, WebhookRequest request, CancellationToken ct) =>
        {
            var (webhook, secret) = await admin.CreateAsync(caller, request, ct);
            // The secret is shown once, here; afterwards only the admin's copy knows it.
            return TypedResults.Created($"/api/intel/webhooks/{webhook.PublicId}", WebhookAdministration.View(webhook, secret));
        }).WithSummary("Register a webhook").WithDescription("https target on a public address (unless configured); the secret is generated or given and shown once. Deliveries read as the organisation.");

        group.MapGet("/{id}", async Task<Results<Ok<WebhookView>, NotFound>> (string id, Caller caller, WebhookAdministration admin, CancellationToken ct) =>
            await admin.FindAsync(caller, Http.ParseId(id), ct) is { } webhook
                ? TypedResults.Ok(WebhookAdministration.View(webhook))
                : TypedResults.NotFound()).WithSummary("Read a webhook").WithDescription("404 for anyone but the organisation's admins.");

        group.MapPatch("/{id}", async Task<Results<Ok<WebhookView>, NotFound>> (string id, Caller caller, WebhookAdministration admin, WebhookRequest request, CancellationToken ct) =>
            await admin.UpdateAsync(caller, Http.ParseId(id), request, ct) is { } webhook
                ? TypedResults.Ok(WebhookAdministration.View(webhook))
                : TypedResults.NotFound()).WithSummary("Change a webhook").WithDescription("404 for anyone but the organisation's admins.");

        group.MapDelete("/{id}", async Task<Results<NoContent, NotFound>> (string id, Caller caller, WebhookAdministration admin, CancellationToken ct) =>
            await admin.DeleteAsync(caller, Http.ParseId(id), ct) ? TypedResults.NoContent() : TypedResults.NotFound()).WithSummary("Delete a webhook").WithDescription("404 for anyone but the organisation's admins.");

        group.MapGet("/{id}/deliveries", async Task<Results<Ok<CursorPage<WebhookDeliveryView>>, NotFound>> (string id, Caller caller, WebhookAdministration admin, PageCursors cursors, int? limit, string? next, CancellationToken ct) =>
        {
            var webhookId = Http.ParseId(id);
            var size = Http.Limit(limit);
            var scope = webhookId.ToString("N");
            if (await admin.DeliveriesAsync(caller, webhookId, cursors.Decode(next, DeliveryListName, scope), size, ct) is not { } page)
            {
                return TypedResults.NotFound();
            }

            var (items, more) = page;
            return TypedResults.Ok(new CursorPage<WebhookDeliveryView>(
                items.Select(d => new WebhookDeliveryView(d.Id, d.EventCount, d.Status.ToString().ToLowerInvariant(), d.Attempts, d.CreatedAt, d.LastAttemptAt,
                    d.Status == WebhookDeliveryStatus.Pending ? d.NextAttemptAt : null, d.LastStatusCode, d.LastError)).ToList(),
                more ? cursors.Encode(DeliveryListName, scope, items[^1].Id) : null));
        }).WithSummary("A webhook's delivery log").WithDescription("Attempts, status and next retry, cursor-paged; the organisation's admins only.");
    }
}
