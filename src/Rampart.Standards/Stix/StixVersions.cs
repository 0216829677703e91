namespace Rampart.Standards.Stix;

public enum VersionComparison
{
    /// <summary>Different ids: not versions of one object.</summary>
    DifferentObjects,

    /// <summary>The candidate has a later <c>modified</c>: it is a new version.</summary>
    Newer,

    /// <summary>The candidate has an earlier <c>modified</c>: it is an old version.</summary>
    Older,

    /// <summary>Same id, same <c>modified</c>, same content: a duplicate.</summary>
    Same,

    /// <summary>Same id and <c>modified</c> but different content: two producers disagree; report it.</summary>
    Conflict,
}

/// <summary>STIX versioning (§3.6): an object's version is its id plus <c>modified</c>.</summary>
public static class StixVersions
{
    public static VersionComparison Compare(StixObject current, StixObject candidate)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(candidate);
        if (current.Id != candidate.Id)
        {
            return VersionComparison.DifferentObjects;
        }

        // Observables have no modified: any difference is a conflict of content.
        var currentModified = Timestamps.TryParse(current.Modified ?? "", out var a) ? a : (DateTimeOffset?)null;
        var candidateModified = Timestamps.TryParse(candidate.Modified ?? "", out var b) ? b : (DateTimeOffset?)null;
        if (currentModified is { } x && candidateModified is { } y && x != y)
        {
            return y > x ? VersionComparison.Newer : VersionComparison.Older;
        }

        return ScoIds.Canonical(current.Json) == ScoIds.Canonical(candidate.Json) ? VersionComparison.Same : VersionComparison.Conflict;
    }
}
