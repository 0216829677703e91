using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Rampart.Server.Access;
using Rampart.Server.Hosting;

namespace Rampart.Server.Intelligence.Live;

/// <summary>
/// <c>GET /api/intel/stream</c>: server-sent events of new and changed objects the caller may read. Event ids
/// are opaque resume tokens (protected, bound to the caller): send the last one back as <c>Last-Event-ID</c>
/// (or <c>?lastEventId=</c>) to continue after it. They are not counters, so two consecutive ids say nothing
/// about changes in between that the caller may not see.
/// </summary>
public static class IntelStreamEndpoints
{
    private const string CursorList = "intel.stream";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void MapIntelStream(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapGet("/intel/stream", StreamAsync).WithSummary("Stream new and changed objects (SSE)").WithDescription("text/event-stream of what the caller may read at the moment of sending; filters types and kinds; resume with Last-Event-ID (an opaque token bound to the caller). Ends after the configured duration: reconnect.").WithTags("Intelligence").Produces<string>(StatusCodes.Status200OK, "text/event-stream");
    }

    private static async Task StreamAsync(
        HttpContext http, Caller caller, IntelChangeReader reader, PageCursors cursors, ICallerResolver resolver,
        IOptions<IntelStreamOptions> options, IntelChangeSignal signal, string[]? types, string[]? kinds, string? lastEventId, CancellationToken cancellationToken)
    {
        if (!caller.IsAuthenticated || caller.IsOperator)
        {
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        var errors = new RequestErrors();
        var filter = IntelChangeFilter.Parse(types, kinds, errors, "types", "kinds");

        var resume = http.Request.Headers["Last-Event-ID"].FirstOrDefault() ?? lastEventId;
        var scope = caller.UserId.ToString("N");
        long position = 0;
        if (resume is not null)
        {
            try
            {
                position = cursors.Decode(resume, CursorList, scope)!.Value;
            }
            catch (RequestValidationException)
            {
                errors.Add("Last-Event-ID", "Not an event id of this stream for you; reconnect without it to start from now.");
            }
        }

        if (errors.Any)
        {
            // Written here, as JSON whatever the Accept header: an EventSource asks for text/event-stream only.
            await TypedResults.ValidationProblem(errors.ToDictionary()).ExecuteAsync(http);
            return;
        }

        if (resume is null)
        {
            position = await reader.HeadAsync(cancellationToken);
        }

        var o = options.Value;
        http.Response.ContentType = "text/event-stream; charset=utf-8";
        http.Response.Headers.CacheControl = "no-cache, no-store";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        var body = http.Response.Body;
        await WriteAsync(body, $"retry: 3000\n: rampart intelligence stream\n\n", cancellationToken);

        var lifetime = Stopwatch.StartNew();
        var lastWrite = Stopwatch.StartNew();
        var lastCheck = Stopwatch.StartNew();
        try
        {
            while (!cancellationToken.IsCancellationRequested && lifetime.Elapsed < o.MaxDuration)
            {
                if (lastCheck.Elapsed >= o.RecheckInterval)
                {
                    // A disabled user, a stale session or a move to another organisation ends the stream; new communities apply.
                    var fresh = await resolver.ResolveAsync(http.User, caller.ClientIp, cancellationToken);
                    if (!fresh.IsAuthenticated || fresh.UserId != caller.UserId || fresh.OrganisationId != caller.OrganisationId)
                    {
                        return;
                    }

                    caller = fresh with { Credential = caller.Credential, ReadOnly = caller.ReadOnly };
                    lastCheck.Restart();
                }

                // Taken before reading: a change committed after the read wakes the wait below.
                var wake = signal.Next;
                var batch = await reader.ReadAsync(caller, position, o.BatchSize, filter, cancellationToken);
                foreach (var e in batch.Events)
                {
                    var id = cursors.Encode(CursorList, scope, e.Sequence);
                    await WriteAsync(body, $"id: {id}\nevent: {e.Change}\ndata: {JsonSerializer.Serialize(e, Json)}\n\n", cancellationToken);
                    lastWrite.Restart();
                }

                var advanced = batch.Position - position;
                position = batch.Position;
                if (lastWrite.Elapsed >= o.KeepAlive)
                {
                    await WriteAsync(body, ": keep-alive\n\n", cancellationToken);
                    lastWrite.Restart();
                }

                await body.FlushAsync(cancellationToken);
                if (advanced < o.BatchSize)
                {
                    // Woken by a change on any app server (PostgreSQL NOTIFY), else polling on the wall clock, not the
                    // node's TimeProvider: a stream waits in real time.
                    await IntelChangeSignal.WaitAsync(wake, signal.Listening ? o.NotifiedPollInterval : o.PollInterval, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away.
        }
    }

    private static async Task WriteAsync(Stream body, string text, CancellationToken cancellationToken) =>
        await body.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);
}
