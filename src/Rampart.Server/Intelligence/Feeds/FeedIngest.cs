using Rampart.Server.Access;
using Rampart.Standards.Markings;

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
/// The store's ingest for feeds. Until the import classes are on this branch, a pull fails visibly with this
/// message on the feed (status "failed"), rather than pretending to have stored anything.
/// </summary>
public sealed class StoreFeedIngest : IFeedIngest
{
    public Task<FeedIngestCounts> IngestAsync(FeedIngestRequest request, CancellationToken cancellationToken) =>
        throw new FeedException("The store's ingest is not available on this node yet; the feed was fetched but nothing was stored.");
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
