using System.Text.Json.Nodes;
using Rampart.Standards.Stix;

namespace Rampart.Server.Intelligence.Store;

/// <summary>
/// Checks on an imported object before it is prepared: what no store may hold (U+0000, which PostgreSQL text
/// refuses) and what would let one organisation speak as another (an identity object carrying another
/// organisation's node identity id, <see cref="IntelIdentity.Of"/>). A rejection reason, or null.
/// </summary>
public static class IngestGuard
{
    public static string? Check(StixObject stixObject, IReadOnlySet<string>? reservedIdentities)
    {
        ArgumentNullException.ThrowIfNull(stixObject);
        if (HoldsNul(stixObject.Json))
        {
            return "A string holds the character U+0000, which this node does not store.";
        }

        return stixObject.Type == "identity" && reservedIdentities is not null && reservedIdentities.Contains(stixObject.Id)
            ? "This id is another organisation's identity on this node: only that organisation speaks for it."
            : null;
    }

    private static bool HoldsNul(JsonNode? node) => node switch
    {
        JsonObject o => o.Any(p => p.Key.Contains('\0', StringComparison.Ordinal) || HoldsNul(p.Value)),
        JsonArray a => a.Any(HoldsNul),
        JsonValue v => v.TryGetValue<string>(out var s) && s.Contains('\0', StringComparison.Ordinal),
        _ => false,
    };
}
