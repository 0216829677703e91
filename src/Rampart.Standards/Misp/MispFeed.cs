using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rampart.Standards.Misp;

/// <summary>One event listed in a MISP feed's <c>manifest.json</c>.</summary>
public sealed record MispFeedEntry(string Uuid, string Info, DateTimeOffset? Timestamp, string? Date, string? OrgcName, IReadOnlyList<string> Tags);

/// <summary>One line of a feed's <c>hashes.csv</c>: the MD5 of an attribute value and the event it is in.</summary>
public sealed record MispFeedHash(string ValueMd5, string EventUuid);

/// <summary>
/// The MISP feed layout: <c>manifest.json</c> (event uuid → summary), one <c>&lt;uuid&gt;.json</c> per event,
/// and <c>hashes.csv</c> for cheap lookups of values without fetching events.
/// </summary>
public static class MispFeed
{
    public static IReadOnlyList<MispFeedEntry> ReadManifest(ReadOnlySpan<byte> json)
    {
        var node = MispJson.Parse(json);
        if (node is not JsonObject manifest)
        {
            throw new StandardsException("manifest.json is an object keyed by event uuid.", path: "$");
        }

        var entries = new List<MispFeedEntry>();
        foreach (var (uuid, value) in manifest)
        {
            if (!Guid.TryParse(uuid, out _) || value is not JsonObject e)
            {
                throw new StandardsException("Each manifest key is an event uuid with an object of event details.", path: uuid);
            }

            var timestamp = MispJson.Str(e, "timestamp") is { } t && long.TryParse(t, out var seconds) && seconds is >= 0 and < 253402300799
                ? DateTimeOffset.FromUnixTimeSeconds(seconds) : (DateTimeOffset?)null;
            var tags = (e["Tag"] as JsonArray ?? []).Select(tag => tag is JsonObject to ? MispJson.Str(to, "name") : null).OfType<string>().ToList();
            var orgc = e["Orgc"] is JsonObject o ? MispJson.Str(o, "name") : null;
            entries.Add(new MispFeedEntry(uuid.ToLowerInvariant(), MispJson.Str(e, "info") ?? "", timestamp, MispJson.Str(e, "date"), orgc, tags));
        }

        return entries;
    }

    public static IReadOnlyList<MispFeedHash> ReadHashes(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var hashes = new List<MispFeedHash>();
        var line = 0;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (text.Length == 0)
            {
                continue;
            }

            var parts = text.Split(',');
            if (parts.Length != 2 || parts[0].Length != 32 || !parts[0].All(char.IsAsciiHexDigit) || !Guid.TryParse(parts[1], out _))
            {
                throw new StandardsException("Each line is '<md5 of value>,<event uuid>'.", path: $"hashes.csv line {line}");
            }

            hashes.Add(new MispFeedHash(parts[0].ToLowerInvariant(), parts[1].ToLowerInvariant()));
        }

        return hashes;
    }
}
