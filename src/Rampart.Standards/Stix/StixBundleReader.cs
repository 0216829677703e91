using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rampart.Standards.Stix;

/// <summary>
/// Reads a STIX bundle from a stream object by object with <see cref="Utf8JsonReader"/>, so a bundle of
/// any size is never held in memory whole: only the object being read (and a read buffer) is.
/// Malformed JSON, a non-bundle, duplicate member names, or one object over <see cref="MaxObjectBytes"/> or
/// nested deeper than <see cref="StixObject.MaxDepth"/> is a <see cref="StandardsException"/>.
/// </summary>
public static class StixBundleReader
{
    /// <summary>The largest single object accepted (a file artifact with an embedded payload can be big).</summary>
    public const int MaxObjectBytes = 64 * 1024 * 1024;

    public static IAsyncEnumerable<StixObject> ReadAsync(Stream stream, CancellationToken cancellationToken = default) =>
        ReadAsync(stream, null, cancellationToken);

    /// <summary>
    /// Reads the objects and fills <paramref name="bundleProperties"/> with every other bundle-level member
    /// (<c>type</c>, <c>id</c> and any the reader does not know) as they are read, so that a writer can
    /// write them back (<see cref="StixBundleWriter(Stream, string, JsonObject)"/>). Members after
    /// <c>objects</c> arrive only when the enumeration ends.
    /// </summary>
    public static async IAsyncEnumerable<StixObject> ReadAsync(Stream stream, JsonObject? bundleProperties, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var buffer = new byte[64 * 1024];
        var length = 0;
        var final = false;

        // Objects sit at depth 2 (bundle, objects array): allow exactly the depth one object may have on its own.
        var state = new JsonReaderState(new JsonReaderOptions { MaxDepth = StixObject.MaxDepth + 2 });
        var scan = new ScanState(bundleProperties);
        long position = 0;

        while (true)
        {
            if (!final && length < buffer.Length)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    final = true;
                }

                length += read;
            }

            var objects = new List<StixObject>();
            var consumed = Scan(buffer.AsSpan(0, length), final, ref state, scan, position, objects, out var done);
            foreach (var o in objects)
            {
                yield return o;
            }

            if (done)
            {
                if (!scan.SawBundleType)
                {
                    throw new StandardsException("The document is not a STIX bundle (no \"type\": \"bundle\").", path: "type");
                }

                yield break;
            }

            if (final && consumed == 0 && length > 0)
            {
                throw new StandardsException("The bundle ends in the middle of a JSON value.", (int)Math.Min(int.MaxValue, position + length));
            }

            // Keep the unconsumed tail; grow the buffer when one token or object does not fit.
            Buffer.BlockCopy(buffer, consumed, buffer, 0, length - consumed);
            length -= consumed;
            position += consumed;
            if (consumed == 0 && length == buffer.Length)
            {
                if (buffer.Length >= MaxObjectBytes)
                {
                    throw new StandardsException($"An object in the bundle is larger than {MaxObjectBytes} bytes.", (int)Math.Min(int.MaxValue, position));
                }

                Array.Resize(ref buffer, Math.Min(buffer.Length * 2, MaxObjectBytes));
            }
        }
    }

    private sealed class ScanState(JsonObject? properties)
    {
        public bool InObjects { get; set; }

        public bool SawBundleType { get; set; }

        public string PendingProperty { get; set; } = "";

        public HashSet<string> Seen { get; } = new(StringComparer.Ordinal);

        public JsonObject? Properties { get; } = properties;
    }

    private static int Scan(ReadOnlySpan<byte> data, bool final, ref JsonReaderState state, ScanState scan, long position, List<StixObject> objects, out bool done)
    {
        done = false;
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

                var at = (int)Math.Min(int.MaxValue, position + reader.TokenStartIndex);
                if (scan.InObjects && reader.CurrentDepth == 2 && reader.TokenType == JsonTokenType.StartObject)
                {
                    var start = (int)reader.TokenStartIndex;
                    if (!reader.TrySkip())
                    {
                        // The object is not complete in the buffer: resume at its start once more has been read.
                        state = before;
                        return beforeConsumed;
                    }

                    objects.Add(StixObject.Parse(data[start..(int)reader.BytesConsumed]));
                }
                else if (scan.InObjects && reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.EndArray)
                {
                    scan.InObjects = false;
                }
                else if (scan.InObjects && reader.CurrentDepth == 2)
                {
                    throw new StandardsException("Each element of objects is a JSON object.", at, "objects");
                }
                else if (reader.CurrentDepth == 0 && reader.TokenType != JsonTokenType.StartObject && reader.TokenType != JsonTokenType.EndObject)
                {
                    throw new StandardsException("A bundle is a JSON object.", at, "$");
                }
                else if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var name = reader.GetString() ?? "";
                    if (!scan.Seen.Add(name))
                    {
                        throw new StandardsException($"The bundle has the member '{name}' twice.", at, name);
                    }

                    scan.PendingProperty = name;
                }
                else if (reader.CurrentDepth == 1 && scan.PendingProperty == "objects" && reader.TokenType == JsonTokenType.StartArray)
                {
                    scan.InObjects = true;
                    scan.PendingProperty = "";
                }
                else if (reader.CurrentDepth == 1 && scan.PendingProperty.Length > 0)
                {
                    // Any other bundle-level member: read its value whole (or wait for more data) and keep it.
                    var start = (int)reader.TokenStartIndex;
                    if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && !reader.TrySkip())
                    {
                        state = before;
                        return beforeConsumed;
                    }

                    var value = data[start..(int)reader.BytesConsumed];
                    if (scan.PendingProperty == "type")
                    {
                        if (reader.TokenType != JsonTokenType.String || reader.GetString() != "bundle")
                        {
                            throw new StandardsException("The document is not a STIX bundle.", at, "type");
                        }

                        scan.SawBundleType = true;
                    }
                    else if (scan.PendingProperty == "objects")
                    {
                        throw new StandardsException("objects is a list of STIX objects.", at, "objects");
                    }

                    if (scan.Properties is not null)
                    {
                        var root = StixObject.ParseElement(value);
                        scan.Properties[scan.PendingProperty] = root.ValueKind switch
                        {
                            JsonValueKind.Object => JsonObject.Create(root),
                            JsonValueKind.Array => JsonArray.Create(root),
                            JsonValueKind.Null => null,
                            _ => JsonValue.Create(root),
                        };
                    }

                    scan.PendingProperty = "";
                }
                else if (reader.CurrentDepth == 0 && reader.TokenType == JsonTokenType.EndObject)
                {
                    done = true;
                    return (int)reader.BytesConsumed;
                }

                consumed = (int)reader.BytesConsumed;
            }
        }
        catch (JsonException e)
        {
            throw new StandardsException($"Not valid JSON: {e.Message}", (int)Math.Min(int.MaxValue, position + reader.BytesConsumed));
        }
        catch (InvalidOperationException e)
        {
            throw new StandardsException($"Not valid JSON text: {e.Message}", (int)Math.Min(int.MaxValue, position + reader.BytesConsumed));
        }

        state = reader.CurrentState;
        if (final && consumed == data.Length && !done)
        {
            throw new StandardsException("The bundle is not closed.", (int)Math.Min(int.MaxValue, position + data.Length));
        }

        return consumed;
    }
}

/// <summary>Writes a bundle to a stream object by object, flushing as it goes.</summary>
public sealed class StixBundleWriter : IAsyncDisposable
{
    private readonly Utf8JsonWriter writer;
    private readonly JsonObject? bundleProperties;
    private bool ended;

    public StixBundleWriter(Stream stream, string bundleId)
        : this(stream, bundleId, null)
    {
    }

    /// <summary>
    /// A writer that, when the bundle ends, also writes the members of <paramref name="bundleProperties"/>
    /// other than <c>type</c>, <c>id</c> and <c>objects</c> — e.g. the object a <see cref="StixBundleReader"/> filled.
    /// </summary>
    public StixBundleWriter(Stream stream, string bundleId, JsonObject? bundleProperties)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!StixIdentifier.TryParse(bundleId, out var type, out _) || type != "bundle")
        {
            throw new StandardsException("A bundle id is 'bundle--UUID'.", path: "id");
        }

        this.bundleProperties = bundleProperties;
        writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, MaxDepth = StixObject.MaxDepth + 2 });
        writer.WriteStartObject();
        writer.WriteString("type", "bundle");
        writer.WriteString("id", bundleId);
        writer.WriteStartArray("objects");
    }

    public async Task WriteAsync(StixObject stixObject, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stixObject);
        stixObject.WriteTo(writer);
        if (writer.BytesPending > 64 * 1024)
        {
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task EndAsync(CancellationToken cancellationToken = default)
    {
        if (!ended)
        {
            writer.WriteEndArray();
            foreach (var (name, value) in bundleProperties ?? [])
            {
                if (name is not ("type" or "id" or "objects"))
                {
                    try
                    {
                        writer.WritePropertyName(name);
                        if (value is null)
                        {
                            writer.WriteNullValue();
                        }
                        else
                        {
                            value.WriteTo(writer);
                        }
                    }
                    catch (Exception e) when (e is ArgumentException or InvalidOperationException)
                    {
                        throw new StandardsException($"The bundle member cannot be written as JSON: {e.Message}", path: name);
                    }
                }
            }

            writer.WriteEndObject();
            ended = true;
        }

        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await EndAsync().ConfigureAwait(false);
        await writer.DisposeAsync().ConfigureAwait(false);
    }
}
