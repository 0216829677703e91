using System.Globalization;
using System.Text;

namespace Rampart.Server.Audit;

/// <summary>
/// A signed statement "the chain had <see cref="Sequence"/> entries and its head hash was
/// <see cref="HeadHash"/> at <see cref="Time"/>", made with the node's signing key, which is kept outside
/// the database. Rewriting or cutting the chain at or before a checkpoint cannot be hidden without that key.
/// </summary>
public sealed class AuditCheckpoint
{
    public Guid Id { get; set; }

    public long Sequence { get; set; }

    public required string HeadHash { get; set; }

    public DateTimeOffset Time { get; set; }

    /// <summary>First 16 hex digits of SHA-256 over the public key (SubjectPublicKeyInfo).</summary>
    public required string KeyId { get; set; }

    /// <summary>ECDSA P-256 / SHA-256 signature (IEEE P1363, base64) over <see cref="SignedText"/>.</summary>
    public required string Signature { get; set; }

    /// <summary>What is signed: versioned, one field a line, invariant formats.</summary>
    public string SignedText() => string.Join('\n',
        "rampart-audit-checkpoint-v1",
        Sequence.ToString(CultureInfo.InvariantCulture),
        HeadHash,
        Time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
        KeyId);

    public byte[] SignedBytes() => Encoding.UTF8.GetBytes(SignedText());
}

/// <summary>
/// One row (id 1): the lease that lets one app server at a time run the verification job, and the
/// last verification result, which the page and API show.
/// </summary>
public sealed class AuditJobState
{
    public const int SingletonId = 1;

    public int Id { get; set; }

    /// <summary>Which app server holds the lease (host name and process id), or null.</summary>
    public string? LeaseHolder { get; set; }

    public DateTimeOffset? LeaseUntil { get; set; }

    public DateTimeOffset? LastRunAt { get; set; }

    public DateTimeOffset? LastFullRunAt { get; set; }

    public bool? LastIntact { get; set; }

    public bool LastWasFull { get; set; }

    public long LastCheckedEntries { get; set; }

    /// <summary>The chain was verified up to here (inclusive) by the last intact run.</summary>
    public long LastVerifiedSequence { get; set; }

    public long? FirstBrokenSequence { get; set; }

    public string? Problem { get; set; }
}

/// <summary>
/// Denials of one actor of one kind inside one folding window. The first denial is written to the chain at
/// once; the rest only count here, and one summary entry is chained when the window has closed.
/// </summary>
public sealed class AuditDenialCounter
{
    public Guid Id { get; set; }

    /// <summary><c>user:…</c>, or <c>ip:…</c> for callers without a user.</summary>
    public required string Actor { get; set; }

    /// <summary>403 or 404.</summary>
    public int Status { get; set; }

    public DateTimeOffset WindowStart { get; set; }

    public DateTimeOffset WindowEnd { get; set; }

    /// <summary>Denials after the first one in this window.</summary>
    public int Further { get; set; }

    public Guid? UserId { get; set; }

    public Guid? OrganisationId { get; set; }

    public string? Credential { get; set; }

    public string? ClientIp { get; set; }
}
