using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Primitives;
using Rampart.Server.Hosting;
using Rampart.Server.Intelligence.Read;
using Rampart.Standards;

namespace Rampart.Server.Taxii;

/// <summary><c>Rampart:Taxii</c>: what discovery and the API root say, and the limits of the TAXII path.</summary>
public sealed class TaxiiOptions
{
    public const string Section = "Rampart:Taxii";

    [Required]
    public string Title { get; set; } = "Rampart TAXII 2.1";

    public string? Description { get; set; } = "TAXII 2.1 server of this Rampart node.";

    public string? Contact { get; set; }

    [Required]
    public string ApiRootTitle { get; set; } = "Rampart intelligence";

    public string? ApiRootDescription { get; set; } = "The intelligence store of this node, in collections defined by its administrators.";

    /// <summary>The API root's <c>max_content_length</c>: the largest body a POST may send (default 32 MiB); larger is a 413.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxContentLength { get; set; } = 32L * 1024 * 1024;

    /// <summary>
    /// The largest single object of an envelope, in bytes of its JSON (default 1 MiB; at most <see cref="MaxContentLength"/>);
    /// an envelope with a larger one is a 413 and stores nothing. Stated in the API root's description.
    /// </summary>
    [Range(1024, int.MaxValue - 4096)]
    public int MaxObjectBytes { get; set; } = 1024 * 1024;

    /// <summary>Objects per page when the client gives no <c>limit</c>.</summary>
    [Range(1, 10_000)]
    public int DefaultPageSize { get; set; } = 1000;

    /// <summary>The most objects per page; a larger <c>limit</c> is answered with this many.</summary>
    [Range(1, 10_000)]
    public int MaxPageSize { get; set; } = 10_000;

    /// <summary>
    /// Versions added less than this long ago are not served yet: clocks of app servers differ by up to this much,
    /// and a version written at an instant may commit a moment later. Keeps paging and <c>added_after</c> gap-free.
    /// </summary>
    public TimeSpan ClockAllowance { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>A TAXII answer other than success, written as the TAXII error message.</summary>
public sealed class TaxiiException(int status, string title, string? description = null, IDictionary<string, string[]>? details = null) : Exception(title)
{
    public int Status { get; } = status;

    public string? Description { get; } = description;

    public IDictionary<string, string[]>? Details { get; } = details;
}

/// <summary>Media types, content negotiation, the error message and JSON writing of the TAXII path.</summary>
public static class TaxiiHttp
{
    public const string TaxiiMediaType = "application/taxii+json;version=2.1";
    public const string StixMediaType = "application/stix+json;version=2.1";
    public const string Challenge = "Basic realm=\"Rampart TAXII\", charset=\"UTF-8\", Bearer";

    /// <summary>snake_case names, nulls left out, as TAXII resources are written.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The machine path of <c>/taxii2</c>: TAXII error messages, <c>max_content_length</c> as body limit.</summary>
    public static MachinePath Path(long maxContentLength) => new() { Name = "taxii", MaxRequestBodyBytes = maxContentLength, WriteError = WriteErrorAsync, Json = Json };

    /// <summary>Writes <paramref name="error"/> as a TAXII error message (never ProblemDetails); a 401 carries the challenges.</summary>
    public static async Task WriteErrorAsync(HttpContext context, MachineError error)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(error);
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.StatusCode = error.Status;
        if (error.Status == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = Challenge;
        }

        context.Response.ContentType = TaxiiMediaType;
        await JsonSerializer.SerializeAsync(context.Response.Body, ErrorBody(error.Status, error.Title, error.Detail, error.Errors), Json, context.RequestAborted);
    }

    public static TaxiiError ErrorBody(int status, string title, string? description, IDictionary<string, string[]>? details) =>
        new(title, description, Guid.NewGuid().ToString("D"), ErrorCode(status), status.ToString(CultureInfo.InvariantCulture),
            "https://docs.oasis-open.org/cti/taxii/v2.1/os/taxii-v2.1-os.html",
            details is null ? null : new Dictionary<string, string[]>(details));

    private static string ErrorCode(int status) => status switch
    {
        400 => "bad-request",
        401 => "unauthenticated",
        403 => "forbidden",
        404 => "not-found",
        405 => "method-not-allowed",
        406 => "not-acceptable",
        413 => "payload-too-large",
        415 => "unsupported-media-type",
        429 => "too-many-requests",
        _ => "server-error",
    };

    /// <summary>
    /// The media type to answer with, or null (406) when the Accept header admits none of ours. No Accept, <c>*/*</c>,
    /// <c>application/*</c> and <c>application/taxii+json</c> with no version or 2.1 get TAXII; where
    /// <paramref name="stixToo"/>, <c>application/stix+json</c> (no version or 2.1) is accepted as well.
    /// </summary>
    public static string? Negotiate(HttpRequest request, bool stixToo)
    {
        ArgumentNullException.ThrowIfNull(request);
        var accept = request.Headers.Accept;
        if (StringValues.IsNullOrEmpty(accept))
        {
            return TaxiiMediaType;
        }

        string? stix = null;
        foreach (var header in accept)
        {
            foreach (var range in (header ?? "").Split(','))
            {
                var (type, version, q) = ParseMediaRange(range);
                if (q <= 0 || type.Length == 0)
                {
                    continue;
                }

                if (type is "*/*" or "application/*")
                {
                    return TaxiiMediaType;
                }

                if (type == "application/taxii+json" && version is null or "2.1")
                {
                    return TaxiiMediaType;
                }

                if (stixToo && type == "application/stix+json" && version is null or "2.1")
                {
                    stix = StixMediaType;
                }
            }
        }

        return stix;
    }

    /// <summary>True when a POST's Content-Type is the TAXII media type (version absent or 2.1).</summary>
    public static bool IsTaxiiContent(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (type, version, _) = ParseMediaRange(request.ContentType ?? "");
        return type == "application/taxii+json" && version is null or "2.1";
    }

    private static (string Type, string? Version, double Q) ParseMediaRange(string range)
    {
        var parts = range.Split(';');
        var type = parts[0].Trim().ToLowerInvariant();
        string? version = null;
        var q = 1.0;
        foreach (var p in parts.Skip(1))
        {
            var kv = p.Split('=', 2);
            if (kv.Length != 2)
            {
                continue;
            }

            var name = kv[0].Trim().ToLowerInvariant();
            var value = kv[1].Trim().Trim('"');
            if (name == "version")
            {
                version = value;
            }
            else if (name == "q" && !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out q))
            {
                q = 0;
            }
        }

        return (type, version, q);
    }

    /// <summary>A TAXII timestamp: milliseconds, or more digits when the value has them (so it can be sent back exactly).</summary>
    public static string Time(DateTimeOffset value)
    {
        var utc = value.UtcDateTime;
        var format = utc.Ticks % TimeSpan.TicksPerMillisecond == 0 ? "yyyy-MM-dd'T'HH:mm:ss.fff'Z'"
            : utc.Ticks % 10 == 0 ? "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'" : "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";
        return utc.ToString(format, CultureInfo.InvariantCulture);
    }

    /// <summary>The TAXII version of a stored version: its <c>modified</c>, or for objects without one its <c>date_added</c>.</summary>
    public static string VersionOf(TaxiiVersion v)
    {
        ArgumentNullException.ThrowIfNull(v);
        return Time(v.Modified == IntelQueries.NoVersion ? v.DateAdded : v.Modified);
    }

    /// <summary>Writes <paramref name="body"/> as JSON with <paramref name="mediaType"/> and <paramref name="status"/>.</summary>
    public static IResult Write(object body, string mediaType, int status = StatusCodes.Status200OK) => new TaxiiJsonResult(body, mediaType, status);

    private sealed class TaxiiJsonResult(object body, string mediaType, int status) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            httpContext.Response.ContentType = mediaType;
            await JsonSerializer.SerializeAsync(httpContext.Response.Body, body, body.GetType(), Json, httpContext.RequestAborted);
        }
    }
}

/// <summary>The TAXII 2.1 error message.</summary>
public sealed record TaxiiError(
    string Title,
    string? Description,
    string? ErrorId,
    string? ErrorCode,
    string? HttpStatus,
    string? ExternalDetails,
    IDictionary<string, string[]>? Details);

public sealed record TaxiiDiscovery(string Title, string? Description, string? Contact, string? Default, IReadOnlyList<string> ApiRoots);

public sealed record TaxiiApiRoot(string Title, string? Description, IReadOnlyList<string> Versions, long MaxContentLength);

public sealed record TaxiiCollectionResource(string Id, string Title, string? Description, string? Alias, bool CanRead, bool CanWrite, IReadOnlyList<string> MediaTypes);

public sealed record TaxiiCollectionsResource(IReadOnlyList<TaxiiCollectionResource>? Collections);

public sealed record TaxiiEnvelope(bool? More, string? Next, IReadOnlyList<StixText>? Objects);

/// <summary>
/// A STIX object's JSON text (<see cref="Intelligence.Read.TaxiiVersion.Json"/>), written into an envelope as it is:
/// the store's JSON is served without being parsed into a DOM and written again.
/// </summary>
[JsonConverter(typeof(StixTextConverter))]
public readonly record struct StixText(string Json);

/// <summary>Writes <see cref="StixText"/> raw (checked to be one JSON value); reads any JSON value as its text.</summary>
public sealed class StixTextConverter : JsonConverter<StixText>
{
    public override StixText Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return new StixText(document.RootElement.GetRawText());
    }

    public override void Write(Utf8JsonWriter writer, StixText value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteRawValue(value.Json);
    }
}

public sealed record TaxiiManifestRecord(string Id, string DateAdded, string Version, string MediaType);

public sealed record TaxiiManifest(bool? More, string? Next, IReadOnlyList<TaxiiManifestRecord>? Objects);

public sealed record TaxiiVersions(bool? More, string? Next, IReadOnlyList<string>? Versions);

public sealed record TaxiiStatusDetails(string Id, string Version, string? Message);

public sealed record TaxiiStatusResource(
    string Id, string Status, string RequestTimestamp, int TotalCount, int SuccessCount, IReadOnlyList<TaxiiStatusDetails> Successes,
    int FailureCount, IReadOnlyList<TaxiiStatusDetails> Failures, int PendingCount, IReadOnlyList<TaxiiStatusDetails> Pendings);

/// <summary>The query parameters of the TAXII object endpoints, parsed strictly: a malformed one is a 400 naming it.</summary>
public sealed record TaxiiQuery(TaxiiMatch Match, int Limit, string? Next, string Scope)
{
    public static TaxiiQuery Parse(HttpRequest request, TaxiiOptions options, bool versionFilter)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        var q = request.Query;
        var errors = new Dictionary<string, string[]>();
        DateTimeOffset? addedAfter = null;
        if (q.TryGetValue("added_after", out var aa))
        {
            if (aa.Count == 1 && Timestamps.TryParse(aa[0], out var parsed))
            {
                addedAfter = parsed;
            }
            else
            {
                errors["added_after"] = ["A timestamp such as 2026-11-02T09:30:00.000Z."];
            }
        }

        var limit = options.DefaultPageSize;
        if (q.TryGetValue("limit", out var l))
        {
            // Any positive whole number: the server caps it at MaxPageSize (the spec lets it), however many digits it has.
            if (l.Count == 1 && l[0] is { Length: > 0 } digits && digits.All(char.IsAsciiDigit) && digits.TrimStart('0').Length > 0)
            {
                var significant = digits.TrimStart('0');
                limit = significant.Length > 9 ? options.MaxPageSize : Math.Min(int.Parse(significant, NumberStyles.None, CultureInfo.InvariantCulture), options.MaxPageSize);
            }
            else
            {
                errors["limit"] = ["A positive whole number."];
            }
        }

        string? next = q.TryGetValue("next", out var nx) ? nx.ToString() : null;
        IReadOnlyList<string>? List(string name, Func<string, bool> valid, string reason)
        {
            if (!q.TryGetValue(name, out var values))
            {
                return null;
            }

            var items = values.SelectMany(v => (v ?? "").Split(',')).Select(s => s.Trim()).ToList();
            if (items.Count == 0 || items.Any(i => i.Length == 0 || !valid(i)) || items.Count > 1000)
            {
                errors[name] = [reason];
                return null;
            }

            return items.Distinct(StringComparer.Ordinal).ToList();
        }

        var ids = List("match[id]", i => i.Length <= 300 && Standards.Stix.StixIdentifier.TryParse(i, out _, out _), "Comma-separated STIX ids (type--uuid).");
        var types = List("match[type]", t => t.Length <= 250 && t.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'), "Comma-separated STIX types.");
        var specVersions = List("match[spec_version]", s => s.Length <= 10, "Comma-separated STIX versions such as 2.1.");
        bool last = true, first = false, all = false;
        var stamps = new List<DateTimeOffset>();
        if (versionFilter && List("match[version]", v => v is "last" or "first" or "all" || Timestamps.TryParse(v, out _),
                "Comma-separated: last, first, all or timestamps.") is { } versions)
        {
            last = versions.Contains("last");
            first = versions.Contains("first");
            all = versions.Contains("all");
            stamps.AddRange(versions.Where(v => v is not ("last" or "first" or "all")).Select(v => Timestamps.TryParse(v, out var t) ? t : default));
        }

        if (errors.Count > 0)
        {
            throw new TaxiiException(StatusCodes.Status400BadRequest, "The request's parameters are not valid.", string.Join(" ", errors.Keys), errors);
        }

        var match = new TaxiiMatch(addedAfter, ids, types, last, first, all, stamps, specVersions is null || specVersions.Contains("2.1"));
        // Binds a `next` token to these filters: the same token with other filters is refused.
        var scope = string.Join("|", Time(addedAfter), Join(ids), Join(types), last, first, all, string.Join(",", stamps.Select(s => s.UtcTicks)), match.SpecVersionMatches);
        return new TaxiiQuery(match, limit, next, scope);

        static string Join(IReadOnlyList<string>? list) => list is null ? "*" : string.Join(",", list.Order(StringComparer.Ordinal));
        static string Time(DateTimeOffset? t) => t?.UtcTicks.ToString(CultureInfo.InvariantCulture) ?? "";
    }
}

/// <summary>Opaque <c>next</c> tokens of TAXII lists: the keyset position, protected and bound to the list and its filters.</summary>
public sealed class TaxiiCursors(PageCursors cursors)
{
    public string Encode(string list, string scope, TaxiiPosition p) =>
        cursors.Encode("taxii:" + list, scope, KeysetCodec.Encode(p.DateAdded.UtcTicks, p.RecordId, p.Modified.UtcTicks), Guid.Empty);

    public TaxiiPosition? Decode(string? next, string list, string scope)
    {
        if (next is null)
        {
            return null;
        }

        try
        {
            var (key, _) = cursors.DecodeKey(next, "taxii:" + list, scope)!.Value;
            var parts = new long[3];
            return KeysetCodec.TryDecode(key, parts) && KeysetCodec.Time(parts[0]) is { } added && KeysetCodec.Time(parts[2]) is { } modified
                ? new TaxiiPosition(added, parts[1], modified)
                : throw new FormatException("Not a TAXII position.");
        }
        catch (Exception e) when (e is RequestValidationException or FormatException or IndexOutOfRangeException or OverflowException or ArgumentOutOfRangeException)
        {
            throw new TaxiiException(StatusCodes.Status400BadRequest, "The 'next' token is not valid.",
                "Not a token of this list and these filters; start again without 'next'.", new Dictionary<string, string[]> { ["next"] = ["Not a token of this list and these filters."] });
        }
    }
}
