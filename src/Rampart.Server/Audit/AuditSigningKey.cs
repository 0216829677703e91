using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Rampart.Server.Audit;

/// <summary>
/// The node's checkpoint signing key (ECDSA P-256), kept outside the database: from
/// <c>Rampart:Audit:SigningKey</c> (PEM text), else from <c>Rampart:Audit:SigningKeyFile</c>, which is
/// created (mode 0600) on first use when missing. Someone with write access to the database alone cannot
/// sign a checkpoint, so a rewritten or shortened chain no longer matches the signed ones.
/// </summary>
public sealed class AuditSigningKey : IDisposable
{
    private readonly Lazy<ECDsa> _key;

    public AuditSigningKey(IOptions<AuditOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _key = new Lazy<ECDsa>(() => Load(options.Value), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>First 16 hex digits of SHA-256 over the public key; names the key in every checkpoint.</summary>
    public string KeyId => IdOf(_key.Value);

    /// <summary>The public key (SubjectPublicKeyInfo, PEM), for peers and external logs that check exported checkpoints.</summary>
    public string PublicKeyPem => _key.Value.ExportSubjectPublicKeyInfoPem();

    public string Sign(AuditCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return Convert.ToBase64String(_key.Value.SignData(checkpoint.SignedBytes(), HashAlgorithmName.SHA256));
    }

    /// <summary>True when <paramref name="checkpoint"/> was signed by this node's key and is unchanged.</summary>
    public bool IsValid(AuditCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return string.Equals(checkpoint.KeyId, KeyId, StringComparison.Ordinal) && IsValid(checkpoint, _key.Value);
    }

    /// <summary>Checks a checkpoint against a public key given as PEM (an exported file's key).</summary>
    public static bool IsValid(AuditCheckpoint checkpoint, ECDsa publicKey)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(publicKey);
        Span<byte> signature = stackalloc byte[128];
        return Convert.TryFromBase64String(checkpoint.Signature, signature, out var length)
            && publicKey.VerifyData(checkpoint.SignedBytes(), signature[..length], HashAlgorithmName.SHA256);
    }

    public static string IdOf(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()))[..16];
    }

    public void Dispose()
    {
        if (_key.IsValueCreated)
        {
            _key.Value.Dispose();
        }
    }

    private static ECDsa Load(AuditOptions options)
    {
        var key = ECDsa.Create();
        if (!string.IsNullOrWhiteSpace(options.SigningKey))
        {
            key.ImportFromPem(options.SigningKey);
            return Checked(key);
        }

        var path = Path.GetFullPath(options.SigningKeyFile);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var generated = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var pem = generated.ExportPkcs8PrivateKeyPem();
            // Written to a private temporary file and moved into place: another app server on this machine
            // starting at the same moment either wins the move or reads a complete key.
            var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
            var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var writer = new StreamWriter(temporary, System.Text.Encoding.ASCII, create))
            {
                writer.Write(pem);
            }

            try
            {
                File.Move(temporary, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                File.Delete(temporary);
            }
        }

        key.ImportFromPem(File.ReadAllText(path));
        return Checked(key);
    }

    private static ECDsa Checked(ECDsa key) =>
        key.KeySize == 256
            ? key
            : throw new InvalidOperationException("Rampart:Audit signing key must be an ECDSA P-256 private key (PEM, PKCS#8).");
}
