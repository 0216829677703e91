using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Rampart.Server.Audit;
using Rampart.Server.Identity;

namespace Rampart.Server.Data;

/// <summary>
/// The node's one EF Core model. Each database provider has a subclass that carries its own
/// migrations (<see cref="SqliteRampartDb"/>, <see cref="PostgresRampartDb"/>); code uses this type.
/// </summary>
public abstract class RampartDb(DbContextOptions options) : IdentityUserContext<User, Guid>(options), IDataProtectionKeyContext
{
    /// <summary>Cookie and token keys, shared by every app server of the node and kept across restarts.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        base.OnModelCreating(builder);

        // Each feature keeps its entity configurations (IEntityTypeConfiguration) in its own folder.
        builder.ApplyConfigurationsFromAssembly(typeof(RampartDb).Assembly);
    }

    /// <summary>Serialises writers of the audit chain for the rest of the current transaction.</summary>
    protected abstract Task LockAuditChainAsync(CancellationToken cancellationToken);

    /// <summary>Takes the chain lock, then reads the head (sequence and hash of the newest entry), or null for an empty chain.</summary>
    protected virtual async Task<(long Sequence, string Hash)?> LockAuditChainAndReadHeadAsync(CancellationToken cancellationToken)
    {
        await LockAuditChainAsync(cancellationToken);
        var head = await this.AuditEntries.AsNoTracking()
            .OrderByDescending(a => a.Sequence)
            .Select(a => new { a.Sequence, a.Hash })
            .FirstOrDefaultAsync(cancellationToken);
        return head is null ? null : (head.Sequence, head.Hash);
    }

    // Only library code (the data-protection key store) saves synchronously; audited changes never do.
    public override int SaveChanges(bool acceptAllChangesOnSuccess) =>
        ChangeTracker.Entries<AuditEntry>().Any(e => e.State == EntityState.Added)
            ? throw new NotSupportedException("Use SaveChangesAsync: the audit chain is chained under a lock, asynchronously.")
            : base.SaveChanges(acceptAllChangesOnSuccess);

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        var pending = ChangeTracker.Entries<AuditEntry>()
            .Where(e => e.State == EntityState.Added)
            .Select(e => e.Entity)
            .ToList();
        if (pending.Count == 0)
        {
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }

        // The change and its audit entries commit together. The business write goes first, without the
        // entries; the chain lock is the last step before commit, so writers wait for each other only for
        // the few milliseconds of linking, not for the whole business write.
        var ownTransaction = Database.CurrentTransaction is null;
        await using var transaction = ownTransaction ? await Database.BeginTransactionAsync(cancellationToken) : null;
        foreach (var entry in pending)
        {
            Entry(entry).State = EntityState.Detached;
        }

        var written = await base.SaveChangesAsync(acceptAllChangesOnSuccess: true, cancellationToken);

        var head = await LockAuditChainAndReadHeadAsync(cancellationToken);
        var sequence = head?.Sequence ?? 0;
        var previousHash = head?.Hash ?? "";
        // Time is read under the lock, so entry times never go backwards along the chain.
        var now = AuditTrail.ToMilliseconds(AuditClock.GetUtcNow());
        foreach (var entry in pending)
        {
            entry.Time = now;
            entry.Sequence = ++sequence;
            entry.PreviousHash = previousHash;
            entry.Hash = entry.ComputeHash(previousHash);
            previousHash = entry.Hash;
            Add(entry);
        }

        written += await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return written;
    }

    // The node's clock (a fake one in tests), from the application's services.
    private TimeProvider AuditClock =>
        this.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.ApplicationServiceProvider?.GetService<TimeProvider>()
        ?? TimeProvider.System;
}
