using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rampart.Standards.Markings;

namespace Rampart.Server.Access;

/// <summary>
/// A token that stopped (or started) reaching an existing record: its audience was narrowed or widened, its TLP raised
/// past the token's ceiling, its publication taken back. Written with the grant change, in the same unit of work, only
/// for tokens whose reach changed (the token's TLP ceiling applied before and after), so a row tells holders of its token
/// only about a record they could read before or can read now. A reader who lost a record can no longer see any row of
/// that record's own (the change outbox is filtered by what they read now): pollers — the export entity tag — ask for
/// the newest row of their tokens instead (<see cref="AccessPolicy.ReachChangedAsync"/>).
/// </summary>
public sealed class AccessReachChange
{
    public long Sequence { get; set; }

    public Guid GranteeId { get; set; }

    public RecordType RecordType { get; set; }

    public long RecordId { get; set; }

    /// <summary>
    /// The tokens whose reach of a record changes from <paramref name="before"/> at (<paramref name="tlpBefore"/>,
    /// <paramref name="publishedBefore"/>) to <paramref name="after"/> at (<paramref name="tlpAfter"/>, <paramref name="publishedAfter"/>):
    /// a token reaches the record when one of its grants' ceilings admits the TLP and publication.
    /// </summary>
    public static IReadOnlyList<Guid> Changed(IEnumerable<AccessGrant> before, Tlp tlpBefore, bool publishedBefore, IEnumerable<AccessGrant> after, Tlp tlpAfter, bool publishedAfter)
    {
        var reachedBefore = Reached(before, tlpBefore, publishedBefore);
        var reachedAfter = Reached(after, tlpAfter, publishedAfter);
        reachedBefore.SymmetricExceptWith(reachedAfter);
        return [.. reachedBefore.Order()];

        static HashSet<Guid> Reached(IEnumerable<AccessGrant> grants, Tlp tlp, bool published) =>
            [.. grants.Where(g => AccessTokens.CeilingOf(g.Kind).Admits(tlp, published)).Select(g => g.GranteeId)];
    }
}

internal sealed class AccessReachChangeConfiguration : IEntityTypeConfiguration<AccessReachChange>
{
    public void Configure(EntityTypeBuilder<AccessReachChange> b)
    {
        b.ToTable("AccessReachChanges");
        b.HasKey(c => c.Sequence);
        b.Property(c => c.Sequence).ValueGeneratedOnAdd();
        // "The newest row of this token for this record type": one backward step of this index per token.
        b.HasIndex(c => new { c.GranteeId, c.RecordType, c.Sequence });
    }
}
