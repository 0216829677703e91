using Rampart.Server.Access;
using Rampart.Server.Validation;

namespace Rampart.Server.Incidents.Peers;

/// <summary>
/// Writes from a copy (accept, decline, leave, journal, task work, status) whose owner's node this node's operators suspended
/// or removed as a peer are refused at once with 409 and the reason (ADR 17), instead of a command waiting for a node this one
/// no longer talks to. Only for a caller who may read the copy (through <see cref="PeerIncidentQueries.FindAsync"/>, the access
/// decision): everyone else gets the endpoint's 404, as before.
/// </summary>
public static class PeerWriteGuard
{
    public const string Suspended = "The owner's node is suspended as a peer of this node: nothing is sent to it until this node's operators resume it.";

    /// <summary>Throws <see cref="ConflictException"/> (409) when the caller reads the copy and its owner's node is not an active peer.</summary>
    public static async Task EnsureOwnerReachableAsync(PeerIncidentQueries queries, Caller caller, Guid copyId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queries);
        if (await queries.FindAsync(caller, copyId, cancellationToken) is { Summary.OwnerReachable: false } found)
        {
            throw new ConflictException(found.Summary.OwnerNode == PeerOwnerNode.Removed ? PeerNodeRemoval.NoLongerAPeer : Suspended);
        }
    }

    public static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        if (http.Request.RouteValues["id"] is string id && Guid.TryParse(id, out var copyId) && context.Arguments.OfType<Caller>().FirstOrDefault() is { } caller)
        {
            await EnsureOwnerReachableAsync(http.RequestServices.GetRequiredService<PeerIncidentQueries>(), caller, copyId, http.RequestAborted);
        }

        return await next(context);
    }
}
