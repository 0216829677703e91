using System.Runtime.CompilerServices;
using System.Text.Json;
using Rampart.Server.Intelligence.Ingest;
using Rampart.Server.Intelligence.Store;
using Rampart.Standards;
using Rampart.Standards.Stix;

namespace Rampart.Server.Taxii;

/// <summary>
/// Reads a TAXII envelope from a stream element by element with <see cref="Utf8JsonReader"/>: only one element of
/// <c>objects</c> (at most <c>maxObjectBytes</c>) and a read buffer are in memory, never the envelope. Used twice on
/// the spooled body: <see cref="ScanAsync"/> checks the envelope before anything is stored (400 when it is not one,
/// 413 when one object is too large) and notes each object's id and version for the status; <see cref="ItemsAsync"/>
/// then hands the objects to the import, each parsed on its own (a malformed object is a failure of that object).
/// </summary>
public static class TaxiiEnvelopeReader
{
    private const int InitialBuffer = 64 * 1024;

    /// <summary>One element of <c>objects</c>: its JSON, or null when it is not a JSON object.</summary>
    private readonly record struct Element(int Ordinal, byte[]? Json);

    /// <summary>Checks the envelope and returns [id, version] per object, in order (either null when the object lacks it).</summary>
    public static async Task<List<string?[]>> ScanAsync(Stream body, int maxObjectBytes, CancellationToken cancellationToken)
    {
        var versions = new List<string?[]>();
        await foreach (var e in ElementsAsync(body, maxObjectBytes, cancellationToken))
        {
            versions.Add(e.Json is null ? [null, null] : IdAndVersion(e.Json));
        }

        return versions;
    }

    /// <summary>The objects as import items, in order; one that is not a valid STIX object is a rejected item with the reason.</summary>
    public static async IAsyncEnumerable<IngestItem> ItemsAsync(Stream body, int maxObjectBytes, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var e in ElementsAsync(body, maxObjectBytes, cancellationToken))
        {
            if (e.Json is null)
            {
                yield return new IngestItem(e.Ordinal, null, null, "Not a STIX object (a JSON object is expected).");
                continue;
            }

            IngestItem item;
            try
            {
                item = new IngestItem(e.Ordinal, StixObject.Parse(e.Json));
            }
            catch (StandardsException x)
            {
                var id = IdAndVersion(e.Json)[0];
                item = new IngestItem(e.Ordinal, null, id, $"Not a valid STIX object: {x.Message}");
            }

            yield return item;
        }
    }

    // The object's id (when a STIX-sized string) and version (modified, else created) as TAXII writes it.
    private static string?[] IdAndVersion(byte[] json)
    {
        string? id = null, modified = null, created = null;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = StixObject.MaxDepth + 2 });
            while (reader.Read())
            {
                if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var name = reader.GetString();
                    if (!reader.Read())
                    {
                        break;
                    }

                    if (reader.TokenType == JsonTokenType.String && name is "id" or "modified" or "created")
                    {
                        var value = reader.GetString();
                        switch (name)
                        {
                            case "id":
                                id ??= value;
                                break;
                            case "modified":
                                modified ??= value;
                                break;
                            default:
                                created ??= value;
                                break;
                        }
                    }
                    else if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                    {
                        reader.Skip();
                    }
                }
            }
        }
        catch (JsonException)
        {
            // The element was whole JSON when read; a reader error here leaves the fields found so far.
        }

        string? version = null;
        foreach (var t in new[] { modified, created })
        {
            if (t is not null && Timestamps.TryParse(t, out var parsed))
            {
                version = TaxiiHttp.Time(parsed);
                break;
            }
        }

        return [id is { Length: <= IntelLimits.StixIdLength } ? id : null, version];
    }

    private sealed class ScanState
    {
        public bool InObjects { get; set; }

        public bool SawObjects { get; set; }

        public bool Done { get; set; }

        public string Pending { get; set; } = "";

        public HashSet<string> Seen { get; } = new(StringComparer.Ordinal);

        public int Ordinal { get; set; }
    }

    private static async IAsyncEnumerable<Element> ElementsAsync(Stream body, int maxObjectBytes, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var buffer = new byte[Math.Min(InitialBuffer, maxObjectBytes + 1024)];
        var length = 0;
        var final = false;
        var state = new JsonReaderState(new JsonReaderOptions { MaxDepth = StixObject.MaxDepth + 2 });
        var scan = new ScanState();
        while (true)
        {
            if (!final && length < buffer.Length)
            {
                var read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    final = true;
                }

                length += read;
            }

            var elements = new List<Element>();
            var consumed = Scan(buffer.AsSpan(0, length), final, ref state, scan, maxObjectBytes, elements);
            foreach (var e in elements)
            {
                yield return e;
            }

            if (scan.Done)
            {
                if (!scan.SawObjects)
                {
                    throw NotAnEnvelope("An object with an 'objects' array is expected.");
                }

                yield break;
            }

            if (final && consumed == 0)
            {
                throw NotAnEnvelope("The body ends before the envelope is closed.");
            }

            Buffer.BlockCopy(buffer, consumed, buffer, 0, length - consumed);
            length -= consumed;
            if (consumed == 0 && length == buffer.Length)
            {
                // One value does not fit: grow, up to one object's limit (and a little for the separators before it).
                if (buffer.Length >= maxObjectBytes + 1024)
                {
                    throw scan.InObjects ? TooLarge(scan.Ordinal, maxObjectBytes) : NotAnEnvelope($"A member of the envelope is larger than {maxObjectBytes} bytes.");
                }

                Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, maxObjectBytes + 1024L));
            }
        }
    }

    private static int Scan(ReadOnlySpan<byte> data, bool final, ref JsonReaderState state, ScanState scan, int maxObjectBytes, List<Element> elements)
    {
        var reader = new Utf8JsonReader(data, final, state);
        var consumed = 0;
        try
        {
            while (true)
            {
                var before = reader.CurrentState;
                var beforeConsumed = (int)reader.BytesConsumed;
                if (!reader.Read())
                {
                    break;
                }

                if (reader.CurrentDepth == 0 && reader.TokenType == JsonTokenType.StartObject)
                {
                    // The envelope opens.
                }
                else if (reader.CurrentDepth == 0 && reader.TokenType == JsonTokenType.EndObject)
                {
                    scan.Done = true;
                    state = reader.CurrentState;
                    return (int)reader.BytesConsumed;
                }
                else if (reader.CurrentDepth == 0)
                {
                    throw NotAnEnvelope("An object with an 'objects' array is expected.");
                }
                else if (scan.InObjects && reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.EndArray)
                {
                    scan.InObjects = false;
                }
                else if (scan.InObjects && reader.CurrentDepth == 2)
                {
                    var start = (int)reader.TokenStartIndex;
                    var isObject = reader.TokenType == JsonTokenType.StartObject;
                    if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && !reader.TrySkip())
                    {
                        state = before;
                        return beforeConsumed;
                    }

                    var size = (int)reader.BytesConsumed - start;
                    if (size > maxObjectBytes)
                    {
                        throw TooLarge(scan.Ordinal, maxObjectBytes);
                    }

                    elements.Add(new Element(scan.Ordinal, isObject ? data[start..(int)reader.BytesConsumed].ToArray() : null));
                    scan.Ordinal++;
                }
                else if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var name = reader.GetString() ?? "";
                    if (!scan.Seen.Add(name))
                    {
                        throw NotAnEnvelope($"The envelope has the member '{name}' twice.");
                    }

                    scan.Pending = name;
                }
                else if (reader.CurrentDepth == 1 && scan.Pending == "objects")
                {
                    if (reader.TokenType != JsonTokenType.StartArray)
                    {
                        throw NotAnEnvelope("'objects' is an array of STIX objects.");
                    }

                    scan.InObjects = true;
                    scan.SawObjects = true;
                    scan.Pending = "";
                }
                else if (reader.CurrentDepth == 1)
                {
                    // Another member (more, next, …): skipped whole.
                    if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && !reader.TrySkip())
                    {
                        state = before;
                        return beforeConsumed;
                    }

                    scan.Pending = "";
                }

                consumed = (int)reader.BytesConsumed;
            }
        }
        catch (JsonException e)
        {
            throw NotJson(e.Message.Split(" Path:")[0]);
        }

        state = reader.CurrentState;
        return consumed;
    }

    private static TaxiiException NotAnEnvelope(string description) =>
        new(StatusCodes.Status400BadRequest, "The body is not a TAXII envelope.", description, new Dictionary<string, string[]> { ["body"] = [description] });

    private static TaxiiException NotJson(string description) =>
        new(StatusCodes.Status400BadRequest, "The body is not JSON.", description, new Dictionary<string, string[]> { ["body"] = [description] });

    private static TaxiiException TooLarge(int ordinal, int maxObjectBytes) =>
        new(StatusCodes.Status413PayloadTooLarge, "An object in the envelope is larger than this server accepts.",
            $"objects[{ordinal}] is over {maxObjectBytes} bytes, the largest object this API root takes (see its description); nothing was stored.",
            new Dictionary<string, string[]> { [$"objects[{ordinal}]"] = [$"At most {maxObjectBytes} bytes per object."] });
}
