using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rampart.Standards.Stix;

/// <summary>
/// Reads a STIX bundle from a stream object by object with <see cref="Utf8JsonReader"/>, so a bundle of
/// any size is never held in memory whole: only the object being read (and a read buffer) is.
/// Malformed JSON, a non-bundle, or one object over <see cref="MaxObjectBytes"/> is a <see cref="StandardsException"/>.
/// </summary>
public static class StixBundleReader
{
    /// <summary>The largest single object accepted (a file artifact with an embedded payload can be big).</summary>
    public const int MaxObjectBytes = 64 * 1024 * 1024;

    public static async IAsyncEnumerable<StixObject> ReadAsync(Stream stream, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var buffer = new byte[64 * 1024];
        var length = 0;
        var final = false;
        var state = new JsonReaderState(new JsonReaderOptions { MaxDepth = 256 });
        long position = 0;
        var inObjects = false;
        var sawBundleType = false;
        var pendingProperty = "";

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
            var consumed = Scan(buffer.AsSpan(0, length), final, ref state, ref inObjects, ref sawBundleType, ref pendingProperty, position, objects, out var done);
            foreach (var o in objects)
            {
                yield return o;
            }

            if (done)
            {
                if (!sawBundleType)
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

    private static int Scan(ReadOnlySpan<byte> data, bool final, ref JsonReaderState state, ref bool inObjects, ref bool sawBundleType,
        ref string pendingProperty, long position, List<StixObject> objects, out bool done)
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

                if (inObjects && reader.CurrentDepth == 2 && reader.TokenType == JsonTokenType.StartObject)
                {
                    var start = (int)reader.TokenStartIndex;
                    if (!reader.TrySkip())
                    {
                        // The object is not complete in the buffer: resume at its start once more has been read.
                        state = before;
                        return beforeConsumed;
                    }

                    var end = (int)reader.BytesConsumed;
                    objects.Add(StixObject.Parse(data[start..end]));
                }
                else if (inObjects && reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.EndArray)
                {
                    inObjects = false;
                }
                else if (inObjects && reader.CurrentDepth == 2)
                {
                    throw new StandardsException("Each element of objects is a JSON object.", (int)Math.Min(int.MaxValue, position + reader.TokenStartIndex), "objects");
                }
                else if (reader.CurrentDepth == 0 && reader.TokenType != JsonTokenType.StartObject && reader.TokenType != JsonTokenType.EndObject)
                {
                    throw new StandardsException("A bundle is a JSON object.", (int)Math.Min(int.MaxValue, position + reader.TokenStartIndex), "$");
                }
                else if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName)
                {
                    pendingProperty = reader.GetString() ?? "";
                }
                else if (reader.CurrentDepth == 1 && pendingProperty == "objects" && reader.TokenType == JsonTokenType.StartArray)
                {
                    inObjects = true;
                    pendingProperty = "";
                }
                else if (reader.CurrentDepth == 1 && pendingProperty == "type" && reader.TokenType == JsonTokenType.String)
                {
                    if (reader.GetString() != "bundle")
                    {
                        throw new StandardsException("The document is not a STIX bundle.", (int)Math.Min(int.MaxValue, position + reader.TokenStartIndex), "type");
                    }

                    sawBundleType = true;
                    pendingProperty = "";
                }
                else if (reader.CurrentDepth == 1 && reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    // Another top-level property with a nested value: skip it whole (or wait for more data).
                    if (!reader.TrySkip())
                    {
                        state = before;
                        return beforeConsumed;
                    }

                    pendingProperty = "";
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
    private bool ended;

    public StixBundleWriter(Stream stream, string bundleId)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!StixIdentifier.TryParse(bundleId, out var type, out _) || type != "bundle")
        {
            throw new StandardsException("A bundle id is 'bundle--UUID'.", path: "id");
        }

        writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        writer.WriteStartObject();
        writer.WriteString("type", "bundle");
        writer.WriteString("id", bundleId);
        writer.WriteStartArray("objects");
    }

    public async Task WriteAsync(StixObject stixObject, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stixObject);
        stixObject.Json.WriteTo(writer);
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
