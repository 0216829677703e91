using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Rampart.Server.Access;
using Rampart.Server.Intelligence.Ingest;
using Rampart.Server.Intelligence.Store;
using Rampart.Standards;
using Rampart.Standards.Intelligence;
using Rampart.Standards.Intelligence.Csv;
using Rampart.Standards.Markings;
using Rampart.Standards.Misp;
using Rampart.Standards.Observables;
using Rampart.Standards.Stix;

namespace Rampart.Server.Intelligence.Feeds;

/// <summary>
/// One document of a feed handed to the store: a STIX bundle, a MISP event (one part of a MISP feed), a CSV
/// with its mapping or a plain list, to be stored as <paramref name="As"/> (the feed's organisation) with the
/// feed's TLP, audience and labels.
/// </summary>
public sealed record FeedIngestRequest(
    Guid FeedId,
    Caller As,
    FeedFormat Format,
    byte[] Content,
    Tlp Tlp,
    IReadOnlyList<AudienceEntry> Audiences,
    IReadOnlyList<string> Labels,
    WarningListAction WarningLists,
    string? CsvMapping);

/// <summary>What the store did with one document.</summary>
public sealed record FeedIngestCounts(int Added, int Updated, int Unchanged, int Rejected)
{
    public static FeedIngestCounts None { get; } = new(0, 0, 0, 0);

    public FeedIngestCounts Plus(FeedIngestCounts other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(Added + other.Added, Updated + other.Updated, Unchanged + other.Unchanged, Rejected + other.Rejected);
    }
}

/// <summary>
/// The seam between the feed job and the store's ingest (the import classes of <c>Intelligence/Ingest</c>).
/// Tests replace it to observe what a pull hands over.
/// </summary>
public interface IFeedIngest
{
    Task<FeedIngestCounts> IngestAsync(FeedIngestRequest request, CancellationToken cancellationToken);
}

/// <summary>
/// The store's ingest for feeds: each document becomes an import job of the feed's organisation (listed with its
/// imports), written by <see cref="IntelIngest"/> batch by batch. STIX bundles and MISP events go in as they are;
/// plain lists and CSV rows become an indicator and its observable per value (<see cref="IndicatorFactory"/>), with
/// the feed's labels. "Drop" leaves values on a warning list out of plain lists and CSV, and out of bundles and MISP
/// events every object all of whose indexed values are on a warning list (an indicator pinning a listed value and an
/// unlisted one is kept and flagged: dropping it would lose the unlisted one), with the relationships and sightings
/// of the document that point at a dropped object. "Flag" stores everything and flags the hits.
/// </summary>
public sealed class StoreFeedIngest(IServiceScopeFactory scopes, WarningListsProvider warningLists, TimeProvider clock) : IFeedIngest
{
    /// <summary>How a feed's CSV mapping is stored (<see cref="IntelFeed.CsvMapping"/>).</summary>
    internal static readonly JsonSerializerOptions MappingJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    // A plain list is a one-column CSV without header (tab-separated, so commas inside URLs stay in the value):
    // the same reader refangs, skips # comments, detects the kind and reports bad rows.
    private static readonly CsvMapping PlainList = new() { ValueColumn = "1", HasHeader = false, Delimiter = '\t' };

    public async Task<FeedIngestCounts> IngestAsync(FeedIngestRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        // Its own unit of work: the import clears and commits its context batch by batch, while the feed job keeps
        // the feed's row (status, validators, item hashes) in its own until the pull ends.
        await using var scope = scopes.CreateAsyncScope();
        var ingest = scope.ServiceProvider.GetRequiredService<IntelIngest>();
        IntelShare share;
        try
        {
            share = await ingest.ShareAsync(request.As, request.Tlp.Label(), request.Audiences, published: false, cancellationToken);
        }
        catch (RequestValidationException e)
        {
            throw new FeedException($"The feed's sharing is no longer valid: {e.Message}", e);
        }

        var (format, items) = request.Format switch
        {
            FeedFormat.StixBundle => (IntelImportFormat.StixBundle, DropListed(() => IntelIngest.BundleItems(new MemoryStream(request.Content, writable: false), cancellationToken), request, cancellationToken)),
            FeedFormat.MispFeed => (IntelImportFormat.MispEvent, DropListed(() => MispItems(request.Content), request, cancellationToken)),
            FeedFormat.PlainList => (IntelImportFormat.Csv, ValueItems(CsvRows(request.Content, PlainList, cancellationToken), request, cancellationToken)),
            FeedFormat.Csv => (IntelImportFormat.Csv, ValueItems(CsvRows(request.Content, CsvMappingOf(request), cancellationToken), request, cancellationToken)),
            _ => throw new FeedException($"Unknown feed format {request.Format}."),
        };
        var job = await ingest.Store.StartJobAsync(request.As, format, share.Tlp, cancellationToken, IntelChangeVia.Feed);
        await ingest.RunAsync(request.As, job, share, items, cancellationToken);
        if (job.Status == IntelImportStatus.Failed)
        {
            throw new FeedException(job.Error ?? "The import failed.");
        }

        return new FeedIngestCounts(job.Added, job.Updated, job.Unchanged, job.Rejected);
    }

    /// <summary>
    /// The document's items without the objects "drop" leaves out (see the class). Two passes over the document, which
    /// is in memory already: the first finds the dropped ids, the second leaves them and what points at them out.
    /// </summary>
    private async IAsyncEnumerable<IngestItem> DropListed(Func<IAsyncEnumerable<IngestItem>> items, FeedIngestRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (request.WarningLists != WarningListAction.Drop)
        {
            await foreach (var item in items().WithCancellation(cancellationToken))
            {
                yield return item;
            }

            yield break;
        }

        var matcher = warningLists.Matcher;
        var dropped = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var item in items().WithCancellation(cancellationToken))
        {
            if (item.Stix is { } stix && AllListed(stix, matcher))
            {
                dropped.Add(stix.Id);
            }
        }

        var ordinal = 0;
        await foreach (var item in items().WithCancellation(cancellationToken))
        {
            if (item.Stix is { } stix && (dropped.Contains(stix.Id) || PointsAtDropped(stix, dropped)))
            {
                continue;
            }

            // Ordinals stay dense, as the plain lists' are: an outcome's position is its place among what was stored.
            yield return item with { Ordinal = ordinal++ };
        }
    }

    private static bool AllListed(StixObject stix, WarningListMatcher matcher)
    {
        var values = ObservableValues.Of(stix);
        return values.Count > 0 && values.All(v => v.MispType is { } type && matcher.Match(v.Value, type).Count > 0);
    }

    private static bool PointsAtDropped(StixObject stix, HashSet<string> dropped) =>
        dropped.Count > 0 && stix.Type switch
        {
            "relationship" => stix.GetString("source_ref") is { } source && dropped.Contains(source)
                || stix.GetString("target_ref") is { } target && dropped.Contains(target),
            "sighting" => stix.GetString("sighting_of_ref") is { } of && dropped.Contains(of),
            _ => false,
        };

    /// <summary>The MISP event converted before the import starts, so that a feed that is not a MISP event fails as a feed error.</summary>
    private static IAsyncEnumerable<IngestItem> MispItems(byte[] content)
    {
        try
        {
            return IntelIngest.ListItems(MispEventConverter.Convert(content).Objects); // the report is among them (listed last)
        }
        catch (StandardsException e)
        {
            throw new FeedException($"Not a MISP event: {e.Message}", e);
        }
    }

    private static CsvMapping CsvMappingOf(FeedIngestRequest request)
    {
        CsvMapping? mapping;
        try
        {
            mapping = request.CsvMapping is null ? null : JsonSerializer.Deserialize<CsvMapping>(request.CsvMapping, MappingJson);
        }
        catch (JsonException e)
        {
            throw new FeedException($"The feed's CSV mapping is not valid: {e.Message}", e);
        }

        return mapping ?? throw new FeedException("A CSV feed needs its column mapping.");
    }

    private static async IAsyncEnumerable<CsvImportRow> CsvRows(byte[] content, CsvMapping mapping, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(new MemoryStream(content, writable: false), Encoding.UTF8);
        IAsyncEnumerator<CsvImportRow> rows;
        try
        {
            rows = CsvIndicatorImport.ReadAsync(reader, mapping, cancellationToken).GetAsyncEnumerator(cancellationToken);
        }
        catch (StandardsException e)
        {
            throw new FeedException($"The feed's CSV mapping does not fit: {e.Message}", e);
        }

        await using (rows)
        {
            while (true)
            {
                try
                {
                    if (!await rows.MoveNextAsync())
                    {
                        break;
                    }
                }
                catch (StandardsException e)
                {
                    throw new FeedException($"The feed's CSV does not fit its mapping: {e.Message}", e);
                }

                yield return rows.Current;
            }
        }
    }

    private async IAsyncEnumerable<IngestItem> ValueItems(IAsyncEnumerable<CsvImportRow> rows, FeedIngestRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var creator = IntelIdentity.Of(request.As.OrganisationId);
        var now = clock.GetUtcNow();
        var ordinal = 0;
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            if (row.Error is { } error)
            {
                yield return new IngestItem(ordinal++, null, Rejection: $"Row {error.Row}: {error.Reason}");
                continue;
            }

            var candidate = row.Candidate!;
            if (request.WarningLists == WarningListAction.Drop && warningLists.Matcher.Match(candidate.Value).Count > 0)
            {
                continue;
            }

            IndicatorObjects? objects = null;
            string? rejection = null;
            try
            {
                objects = IndicatorFactory.Create(candidate.ToRequest(creator, request.Tlp, now) with
                {
                    Labels = [.. candidate.Labels.Concat(request.Labels).Distinct(StringComparer.Ordinal)],
                });
            }
            catch (StandardsException e)
            {
                rejection = $"Row {candidate.Row}: {e.Message}";
            }

            if (objects is null)
            {
                yield return new IngestItem(ordinal++, null, Rejection: rejection);
                continue;
            }

            yield return new IngestItem(ordinal++, objects.Subject, NodeBuilt: true);
            if (objects.Indicator is { } indicator)
            {
                yield return new IngestItem(ordinal++, indicator, NodeBuilt: true);
            }
        }
    }
}

/// <summary>A feed pull failed in a way worth showing on the feed (the message is shown to the organisation's admins).</summary>
public sealed class FeedException : Exception
{
    public FeedException(string message)
        : base(message)
    {
    }

    public FeedException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public FeedException()
    {
    }
}
