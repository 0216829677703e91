using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Intelligence.Store;

namespace Rampart.Server.Intelligence.Read;

// The reads of linking an object to a technique, actor, malware … (IntelLinks): the object linked from, the object
// linked to and the picker's search. Every one through the access decision, like the rest of this class.
public sealed partial class IntelQueries
{
    /// <summary>The types the page's picker offers as link targets: what analysts link shared intelligence to.</summary>
    public static readonly string[] LinkTargetTypes = ["attack-pattern", "threat-actor", "intrusion-set", "malware", "tool", "campaign"];

    /// <summary>Most suggestions the picker gets.</summary>
    public const int MaxLinkTargets = 20;

    /// <summary>
    /// The copy of <paramref name="stixId"/> a link would start from: the caller's own organisation's copy when it holds
    /// one, else the copy the caller is served; null when the caller may read none (then it is "not found").
    /// </summary>
    public async Task<IntelObject?> LinkSourceAsync(Caller caller, string stixId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var me = caller.OrganisationId;
        var readable = access.Readable(db.IntelObjects.AsNoTracking().Include(o => o.Record).Where(o => o.StixId == stixId), caller);
        return await readable.Where(o => o.OwnerOrganisationId == me).FirstOrDefaultAsync(cancellationToken)
            ?? await OneCopyPerId(readable, caller).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>The copy of <paramref name="stixId"/> the caller is served (<see cref="OneCopyPerId"/>); null when the caller may read none.</summary>
    public async Task<IntelObject?> LinkTargetAsync(Caller caller, string stixId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return await OneCopyPerId(access.Readable(db.IntelObjects.AsNoTracking().Include(o => o.Record).Where(o => o.StixId == stixId), caller), caller)
            .FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>The caller's organisation's own copy of <paramref name="stixId"/> with its current JSON, or null when it holds none.</summary>
    public async Task<ReadIntelObject?> OwnCopyAsync(Caller caller, string stixId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var (read, _) = await FindAsync(caller, stixId, caller.OrganisationId, cancellationToken);
        return read;
    }

    /// <summary>
    /// The picker of link targets: readable, current (not revoked, not withdrawn) objects of <see cref="LinkTargetTypes"/>
    /// (or of <paramref name="type"/>, one of them) whose name, description or external id (ATT&amp;CK / DISARM "T1566")
    /// has a word starting with each typed word — the text search's term index, rarest word driving — newest first, at most
    /// <paramref name="limit"/>, one copy per STIX id. Fewer than 2 typed characters find nothing.
    /// </summary>
    public async Task<IReadOnlyList<IntelObject>> LinkTargetsAsync(Caller caller, string? typed, int limit, CancellationToken cancellationToken, string? type = null)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var terms = Search.IntelText.QueryTerms(typed);
        if (terms.Count == 0 || limit <= 0)
        {
            return [];
        }

        var types = type is not null && LinkTargetTypes.Contains(type, StringComparer.Ordinal) ? [type] : LinkTargetTypes;
        var drivingTerm = await DrivingTermAsync(new IntelSearch(Terms: terms), cancellationToken);
        var query = WithTerms(db.IntelObjects.AsNoTracking(), terms, drivingTerm)
            .Where(o => types.Contains(o.StixType) && o.WithdrawnAt == null && !o.Revoked);
        return await OneCopyPerId(access.Readable(query, caller), caller).OrderByDescending(o => o.RecordId).Include(o => o.Record)
            .Take(Math.Min(limit, MaxLinkTargets)).ToListAsync(cancellationToken);
    }
}
