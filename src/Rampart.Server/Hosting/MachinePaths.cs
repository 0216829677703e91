using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace Rampart.Server.Hosting;

/// <summary>
/// A route group that serves programs rather than browsers (<c>/api</c>, later <c>/taxii2</c>): its own
/// error document, body limit and JSON options; a 401 instead of a login redirect; no HTML "not found"
/// page and no account-setup redirect. The middlewares read these properties from the endpoint's
/// metadata, or — for an address under the group that matches no endpoint — from the group's prefix.
/// </summary>
public sealed class MachinePath
{
    /// <summary>A short name for logs and tests, e.g. <c>api</c> or <c>taxii</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The largest request body; null: the node's <c>Rampart:Limits:MaxRequestBodyBytes</c>.</summary>
    public long? MaxRequestBodyBytes { get; init; }

    /// <summary>Writes an error in the group's own format (ProblemDetails for <c>/api</c>, the TAXII error message for TAXII).</summary>
    public required Func<HttpContext, MachineError, Task> WriteError { get; init; }

    /// <summary>JSON options the group's handlers serialise with; null: the node's defaults.</summary>
    public JsonSerializerOptions? Json { get; init; }

    /// <summary>The machine path of this request, or null for pages.</summary>
    public static MachinePath? Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var endpoint = context.GetEndpoint() ?? context.Features.Get<IExceptionHandlerFeature>()?.Endpoint;
        return endpoint?.Metadata.GetMetadata<MachinePath>()
            ?? context.RequestServices.GetService<MachinePathRegistry>()?.Find(context.Request.Path);
    }
}

/// <summary>What went wrong, independent of the format it is written in.</summary>
public sealed record MachineError(int Status, string Title, string? Detail = null, IDictionary<string, string[]>? Errors = null);

/// <summary>The prefixes of machine path groups, for requests that match no endpoint (unknown address, wrong method).</summary>
public sealed class MachinePathRegistry
{
    private readonly List<(PathString Prefix, MachinePath Path)> _groups = [];

    internal void Add(PathString prefix, MachinePath path)
    {
        lock (_groups)
        {
            _groups.Add((prefix, path));
        }
    }

    public MachinePath? Find(PathString requestPath)
    {
        lock (_groups)
        {
            MachinePath? best = null;
            var bestLength = -1;
            foreach (var (prefix, path) in _groups)
            {
                if (requestPath.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase) && prefix.Value!.Length > bestLength)
                {
                    best = path;
                    bestLength = prefix.Value.Length;
                }
            }

            return best;
        }
    }
}

public static class MachinePathRouting
{
    /// <summary>Maps a group whose endpoints and unknown sub-addresses all behave as <paramref name="path"/> says.</summary>
    public static RouteGroupBuilder MapMachineGroup(this IEndpointRouteBuilder routes, string prefix, MachinePath path)
    {
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(path);
        routes.ServiceProvider.GetRequiredService<MachinePathRegistry>().Add(new PathString(prefix), path);
        return routes.MapGroup(prefix).WithMetadata(path);
    }
}
