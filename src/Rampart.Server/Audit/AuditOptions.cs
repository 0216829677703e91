using System.ComponentModel.DataAnnotations;

namespace Rampart.Server.Audit;

/// <summary><c>Rampart:Audit</c>: the checkpoint signing key, the verification job and denial folding.</summary>
public sealed class AuditOptions
{
    public const string Section = "Rampart:Audit";

    public const string DefaultSigningKeyFile = "data/audit-signing.key";

    /// <summary>
    /// The checkpoint signing key as PEM text (PKCS#8, ECDSA P-256), e.g. from the environment variable
    /// <c>Rampart__Audit__SigningKey</c>. Wins over <see cref="SigningKeyFile"/>.
    /// </summary>
    public string? SigningKey { get; set; }

    /// <summary>
    /// A file holding the signing key (PEM). Created with mode 0600 on first start when missing. Every app
    /// server of a node uses the same key; in production keep it outside the database host and its backups.
    /// </summary>
    [MaxLength(1000)]
    public string SigningKeyFile { get; set; } = DefaultSigningKeyFile;

    /// <summary>How often the verification job checks the chain from the last checkpoint and signs a new one.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan VerifyInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the job walks the whole chain instead of the part after the last checkpoint.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan FullVerifyInterval { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Denials by one actor within this window become one entry plus one summary entry.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan DenialWindow { get; set; } = TimeSpan.FromMinutes(5);
}
