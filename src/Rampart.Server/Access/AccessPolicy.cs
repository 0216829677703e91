using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Rampart.Server.Data;
using Rampart.Standards.Markings;

namespace Rampart.Server.Access;

/// <summary>
/// The one place that decides who may read, change and share a shareable record. Every read path —
/// REST, pages, search, exports, statistics, sync — filters through <see cref="Readable{T}"/> or pages
/// through <see cref="ReadableIdsAsync"/> (both evaluated by the database), or, for a record already
/// in hand, <see cref="CanRead"/>. All three are built from <see cref="AccessTokens"/>.
/// </summary>
/// <remarks>
/// A record is readable when one of its <see cref="AccessGrant"/> rows names a token the caller holds
/// and that token's TLP ceiling admits the record's own TLP (and publication). The ceiling is the
/// caller token's, never the grant row's: a grant written against the rules (an import bug, a
/// hand-edited row — say a network grant on a RED record) does not widen who reads it.
/// </remarks>
public sealed class AccessPolicy(RampartDb db)
{
    /// <summary>The records of <paramref name="source"/> that <paramref name="caller"/> may read, as a database filter (a semi-join on the grants' primary key).</summary>
    public IQueryable<T> Readable<T>(IQueryable<T> source, Caller caller)
        where T : class, IShareable
    {
        ArgumentNullException.ThrowIfNull(source);
        return source.Where(ReadPredicate<T>(caller));
    }

    /// <summary>The read rule as an expression the database evaluates.</summary>
    public Expression<Func<T, bool>> ReadPredicate<T>(Caller caller)
        where T : class, IShareable
    {
        var type = T.Type;
        var x = Expression.Parameter(typeof(T), "x");
        var g = Expression.Parameter(typeof(AccessGrant), "g");
        var record = Expression.Property(x, nameof(IShareable.Record));
        var tlp = Expression.Property(record, nameof(SharedRecord.Tlp));
        var published = Expression.Property(record, nameof(SharedRecord.Published));
        var grantee = Expression.Property(g, nameof(AccessGrant.GranteeId));

        // One disjunct per ceiling: "the grant names one of these tokens, and the record is within their ceiling".
        Expression? anyToken = null;
        foreach (var group in AccessTokens.Of(caller).GroupBy(t => t.Ceiling))
        {
            var tokens = new Box<List<Guid>>(group.Select(t => t.Token).ToList());
            Expression test = Expression.Call(typeof(Enumerable), nameof(Enumerable.Contains), [typeof(Guid)],
                Expression.Field(Expression.Constant(tokens), nameof(Box<>.Value)), grantee);
            if (group.Key.MaxTlp < Tlp.Red)
            {
                test = Expression.AndAlso(test, Expression.LessThanOrEqual(
                    Expression.Convert(tlp, typeof(int)), Expression.Constant((int)group.Key.MaxTlp)));
            }

            if (group.Key.RequiresPublished)
            {
                test = Expression.AndAlso(test, published);
            }

            anyToken = anyToken is null ? test : Expression.OrElse(anyToken, test);
        }

        var grantMatches = Expression.Lambda<Func<AccessGrant, bool>>(
            Expression.AndAlso(
                Expression.AndAlso(
                    Expression.Equal(Expression.Property(g, nameof(AccessGrant.RecordType)), Expression.Constant(type)),
                    Expression.Equal(Expression.Property(g, nameof(AccessGrant.RecordId)), Expression.Property(x, nameof(IShareable.RecordId)))),
                anyToken!),
            g);
        Expression<Func<IQueryable<AccessGrant>>> grantSet = () => db.Set<AccessGrant>();
        var any = Expression.Call(typeof(Queryable), nameof(Queryable.Any), [typeof(AccessGrant)], grantSet.Body, Expression.Quote(grantMatches));
        return Expression.Lambda<Func<T, bool>>(any, x);
    }

    /// <summary>
    /// The ids (<see cref="SharedRecord.Id"/>, newest first) of up to <paramref name="limit"/> records of
    /// <paramref name="type"/> that <paramref name="caller"/> may read, older than <paramref name="before"/>:
    /// per caller token one range of the grants' primary key (grantee, type, record descending) cut at
    /// <paramref name="limit"/> admitted rows (<see cref="TokenRange"/>), merged here; each later range stops
    /// at the page's current last id. The work grows with tokens × page, not with the store or with how
    /// little of it the caller may read.
    /// </summary>
    /// <remarks>
    /// One query per token, not one UNION ALL statement: on PostgreSQL the single statement measured
    /// ~0.3 s per page through Npgsql although its EXPLAIN ANALYZE showed ~9 ms of work (bench/README.md).
    /// </remarks>
    public async Task<IReadOnlyList<long>> ReadableIdsAsync(Caller caller, RecordType type, long? before, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var below = before ?? long.MaxValue;
        var ids = new SortedSet<long>(Comparer<long>.Create((a, b) => b.CompareTo(a)));
        foreach (var token in AccessTokens.Of(caller))
        {
            // Once the merged set holds a page, a token's rows at or below its last entry cannot make the page.
            var floor = ids.Count >= limit ? ids.ElementAt(limit - 1) : long.MinValue;
            ids.UnionWith(await TokenRange(token, type, below, floor, limit).ToListAsync(cancellationToken));
        }

        return ids.Take(limit).ToList();
    }

    /// <summary>
    /// One token's part of <see cref="ReadableIdsAsync"/>: record ids in (<paramref name="floor"/>, <paramref name="below"/>),
    /// newest first, whose grant names the token and whose record is within the token's ceiling.
    /// A range scan of the grants' primary key, with a lookup of each record's TLP when the ceiling is below RED.
    /// </summary>
    public IQueryable<long> TokenRange(CallerToken token, RecordType type, long below, long floor, int limit)
    {
        var grants = db.AccessGrants.AsNoTracking()
            .Where(g => g.GranteeId == token.Token && g.RecordType == type && g.RecordId < below && g.RecordId > floor);
        var maxTlp = token.Ceiling.MaxTlp;
        var mustBePublished = token.Ceiling.RequiresPublished;
        var records = db.SharedRecords;
        // The record's own TLP as a per-row lookup (a scalar subquery, which no planner turns into a join):
        // the plan stays "walk this token's range newest first, look each record up, stop at the page".
        var admitted = maxTlp == Tlp.Red && !mustBePublished
            ? grants
            : grants.Where(g => records.Where(r => r.Id == g.RecordId && r.Tlp <= maxTlp && (r.Published || !mustBePublished))
                .Select(r => 1).FirstOrDefault() == 1);
        return admitted.Select(g => g.RecordId).OrderByDescending(id => id).Take(limit);
    }

    /// <summary>
    /// The newest <see cref="AccessReachChange"/> of the tokens <paramref name="caller"/> holds, for records of
    /// <paramref name="type"/> (0 when none): changes when a record of that type stops or starts being readable to
    /// them through one of their tokens, which the records' own change rows cannot say once they are unreadable. One
    /// backward step of the (grantee, type, sequence) index per token.
    /// </summary>
    public async Task<long> ReachChangedAsync(Caller caller, RecordType type, CancellationToken cancellationToken)
    {
        long newest = 0;
        foreach (var token in AccessTokens.Of(caller))
        {
            var grantee = token.Token;
            newest = Math.Max(newest, await db.AccessReachChanges.AsNoTracking().Where(c => c.GranteeId == grantee && c.RecordType == type)
                .OrderByDescending(c => c.Sequence).Select(c => c.Sequence).FirstOrDefaultAsync(cancellationToken));
        }

        return newest;
    }

    /// <summary>
    /// The same rule for a record already loaded, with its grant rows. Use it only where there is no
    /// query to filter (a message about to be sent, an object arriving from a peer).
    /// </summary>
    public static bool CanRead(Caller caller, SharedRecord record, IEnumerable<AccessGrant> grants)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(grants);
        return AccessTokens.Reaches(AccessTokens.Of(caller), record.Tlp, record.Published,
            grants.Where(g => g.RecordId == record.Id && g.RecordType == record.RecordType).Select(g => g.GranteeId));
    }

    /// <summary>May create records at all: a writing role, not a read-only key, not the command-line operator.</summary>
    public static bool CanCreate(Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.CanWrite && !caller.IsOperator;
    }

    /// <summary>May change or delete <paramref name="record"/> (already known to be readable): only writers of the owning organisation.</summary>
    public static bool CanWrite(Caller caller, SharedRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return CanCreate(caller) && record.OwnerOrganisationId == caller.OrganisationId;
    }

    /// <summary>May name <paramref name="entry"/> in an audience: communities only by their members (TLP is checked by <see cref="SharingRules"/>).</summary>
    public static bool CanShareTo(Caller caller, ResolvedAudience entry)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(entry);
        return CanCreate(caller)
            && (entry.Kind != AudienceKind.Community || (entry.CommunityId is { } community && caller.CommunityIds.Contains(community)));
    }

    /// <summary>May give <paramref name="record"/> the distribution <paramref name="tlp"/> + <paramref name="audience"/>.</summary>
    public static bool CanShare(Caller caller, SharedRecord record, Tlp tlp, IReadOnlyList<ResolvedAudience> audience)
    {
        ArgumentNullException.ThrowIfNull(audience);
        return CanWrite(caller, record) && audience.All(e => SharingRules.Allows(tlp, e.Kind) && CanShareTo(caller, e));
    }

    // Member access on a constant: EF Core sends the value as a parameter instead of inlining it into the SQL.
    private sealed class Box<TValue>(TValue value)
    {
        public readonly TValue Value = value;
    }
}
