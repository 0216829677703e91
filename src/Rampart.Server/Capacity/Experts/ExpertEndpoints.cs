using Microsoft.AspNetCore.Http.HttpResults;
using Rampart.Server.Hosting;

namespace Rampart.Server.Capacity.Experts;

public static class ExpertEndpoints
{
    private const string ListName = "experts";

    public static RouteGroupBuilder MapExpertsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/capacity/experts").WithTags("Expert directory").RequireAuthorization();

        group.MapGet("/", async Task<Ok<CursorPage<ExpertView>>> (Caller caller, ExpertDirectory directory, PageCursors cursors, int? limit, string? next,
            string? area, string? language, string? country, CancellationToken ct) =>
        {
            var size = Http.Limit(limit);
            var filter = ExpertFilter.Parse(area, language, country);
            var (experts, after) = await directory.ListAsync(caller, filter, cursors.Decode(next, ListName, filter.Scope), size, ct);
            return TypedResults.Ok(new CursorPage<ExpertView>(experts, after is { } a ? cursors.Encode(ListName, filter.Scope, a) : null));
        }).WithSummary("Search the expert directory")
            .WithDescription("People who consented to offer their expertise, for logged-in members of the network only; newest first, cursor-paged (limit 1-200). "
                + "Filters: area (the vocabulary's code), language (ISO 639-1), country (ISO 3166-1 alpha-2). The e-mail address only where the expert consented to show it.");

        group.MapGet("/areas", Ok<IReadOnlyList<ExpertiseArea>> () => TypedResults.Ok(ExpertRules.Areas))
            .WithSummary("The areas of expertise").WithDescription("The directory's controlled vocabulary (codes and English labels).");

        group.MapGet("/me", async Task<Results<Ok<ExpertView>, NotFound>> (Caller caller, ExpertDirectory directory, CancellationToken ct) =>
            await directory.MineAsync(caller, ct) is { } mine ? TypedResults.Ok(mine) : TypedResults.NotFound())
            .WithSummary("My directory profile").WithDescription("404 while you have not consented to be listed.");

        group.MapPut("/me", async Task<Ok<ExpertView>> (ExpertProfileRequest request, Caller caller, ExpertDirectory directory, CancellationToken ct) =>
            TypedResults.Ok(await directory.SaveAsync(caller, request, ct)))
            .WithSummary("Offer my expertise (or change my profile)")
            .WithDescription("Only for yourself: consent must be true and is recorded with its time. Every broken rule is a 400 naming its field; nothing is stored.");

        group.MapDelete("/me", async Task<Results<NoContent, NotFound>> (Caller caller, ExpertDirectory directory, CancellationToken ct) =>
            await directory.WithdrawAsync(caller, ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithSummary("Withdraw my consent")
            .WithDescription("Deletes your profile: it leaves every list and search at once; requests you have not answered are closed.");

        group.MapGet("/{id}", async Task<Results<Ok<ExpertView>, NotFound>> (string id, Caller caller, ExpertDirectory directory, CancellationToken ct) =>
            await directory.FindAsync(caller, Http.ParseId(id), ct) is { } expert ? TypedResults.Ok(expert) : TypedResults.NotFound())
            .WithSummary("Read an expert's profile").WithDescription("404 when there is no such profile (or it was withdrawn).");

        group.MapPost("/{id}/requests", async Task<Results<Created<ExpertRequestView>, NotFound>> (string id, ExpertRequestRequest request, Caller caller, ExpertDirectory directory, CancellationToken ct) =>
            await directory.SendAsync(caller, Http.ParseId(id), request, ct) is { } sent
                ? TypedResults.Created($"/api/capacity/experts/requests/{sent.Id}", sent)
                : TypedResults.NotFound())
            .WithSummary("Ask an expert for help")
            .WithDescription("The request goes through the node to the expert, who accepts or declines it; your e-mail address is not passed on. 409 while an earlier request of yours waits for this expert.");

        group.MapGet("/requests/inbox", async Task<Ok<CursorPage<ExpertRequestView>>> (Caller caller, ExpertDirectory directory, PageCursors cursors, int? limit, string? next, CancellationToken ct) =>
        {
            var (requests, after) = await directory.RequestsAsync(caller, inbox: true, cursors.DecodeKey(next, "expert-inbox", "")?.Id, Http.Limit(limit), ct);
            return TypedResults.Ok(new CursorPage<ExpertRequestView>(requests, after is { } a ? cursors.Encode("expert-inbox", "", "", a) : null));
        }).WithSummary("Requests sent to me").WithDescription("Only the expert's own inbox; no administrator reads another person's. Newest first, cursor-paged.");

        group.MapGet("/requests/sent", async Task<Ok<CursorPage<ExpertRequestView>>> (Caller caller, ExpertDirectory directory, PageCursors cursors, int? limit, string? next, CancellationToken ct) =>
        {
            var (requests, after) = await directory.RequestsAsync(caller, inbox: false, cursors.DecodeKey(next, "expert-sent", "")?.Id, Http.Limit(limit), ct);
            return TypedResults.Ok(new CursorPage<ExpertRequestView>(requests, after is { } a ? cursors.Encode("expert-sent", "", "", a) : null));
        }).WithSummary("Requests I sent").WithDescription("With the expert's answer; the expert's e-mail address once accepted, if the expert consented to show it.");

        group.MapPost("/requests/{id}/accept", async Task<Results<Ok<ExpertRequestView>, NotFound>> (string id, ExpertAnswer? answer, Caller caller, ExpertDirectory directory, CancellationToken ct) =>
            await directory.AnswerAsync(caller, Http.ParseId(id), true, answer ?? new ExpertAnswer(null), ct) is { } answered ? TypedResults.Ok(answered) : TypedResults.NotFound())
            .WithSummary("Accept a request").WithDescription("Only the expert it was sent to; 404 for anyone else, administrators included. 409 when already answered.");

        group.MapPost("/requests/{id}/decline", async Task<Results<Ok<ExpertRequestView>, NotFound>> (string id, ExpertAnswer? answer, Caller caller, ExpertDirectory directory, CancellationToken ct) =>
            await directory.AnswerAsync(caller, Http.ParseId(id), false, answer ?? new ExpertAnswer(null), ct) is { } answered ? TypedResults.Ok(answered) : TypedResults.NotFound())
            .WithSummary("Decline a request").WithDescription("Only the expert it was sent to; 404 for anyone else, administrators included. 409 when already answered.");

        return group;
    }
}
