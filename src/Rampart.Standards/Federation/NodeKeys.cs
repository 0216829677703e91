using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using NSec.Cryptography;

namespace Rampart.Standards.Federation;

/// <summary>
/// A node's Ed25519 signing key (ADR 12). The private key never leaves this object except through
/// <see cref="ExportPrivateKey"/>, which the server calls once to protect it for storage.
/// </summary>
public sealed class NodeSigningKey : IDisposable
{
    private static readonly SignatureAlgorithm Algorithm = SignatureAlgorithm.Ed25519;

    private readonly Key key;

    private NodeSigningKey(Key key)
    {
        this.key = key;
        PublicKey = new NodePublicKey(key.PublicKey.Export(KeyBlobFormat.PkixPublicKey));
    }

    public NodePublicKey PublicKey { get; }

    /// <summary>A fresh key pair from the operating system's random generator.</summary>
    public static NodeSigningKey Generate() =>
        new(Key.Create(Algorithm, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextArchiving }));

    /// <summary>The key from its PKCS#8 form (as <see cref="ExportPrivateKey"/> gave it).</summary>
    /// <exception cref="StandardsException">Not an Ed25519 PKCS#8 private key.</exception>
    public static NodeSigningKey Import(ReadOnlySpan<byte> pkcs8)
    {
        if (!Key.TryImport(Algorithm, pkcs8, KeyBlobFormat.PkixPrivateKey, out var k,
                new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextArchiving }) || k is null)
        {
            throw new StandardsException("Not an Ed25519 private key in PKCS#8 form.");
        }

        return new NodeSigningKey(k);
    }

    /// <summary>The private key as PKCS#8 bytes: only for protected storage, never for an answer.</summary>
    public byte[] ExportPrivateKey() => key.Export(KeyBlobFormat.PkixPrivateKey);

    public byte[] Sign(ReadOnlySpan<byte> data) => Algorithm.Sign(key, data);

    public void Dispose() => key.Dispose();
}

/// <summary>An Ed25519 public key as SubjectPublicKeyInfo (RFC 8410), with its fingerprint.</summary>
public sealed class NodePublicKey : IEquatable<NodePublicKey>
{
    private static readonly SignatureAlgorithm Algorithm = SignatureAlgorithm.Ed25519;

    private readonly byte[] spki;

    private readonly PublicKey key;

    /// <exception cref="StandardsException">Not an Ed25519 SubjectPublicKeyInfo.</exception>
    public NodePublicKey(ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        if (!PublicKey.TryImport(Algorithm, subjectPublicKeyInfo, KeyBlobFormat.PkixPublicKey, out var k) || k is null)
        {
            throw new StandardsException("Not an Ed25519 public key (SubjectPublicKeyInfo, RFC 8410).");
        }

        key = k;
        spki = subjectPublicKeyInfo.ToArray();
        Fingerprint = Convert.ToHexStringLower(SHA256.HashData(spki));
    }

    /// <summary>The DER SubjectPublicKeyInfo bytes.</summary>
    public ReadOnlySpan<byte> SubjectPublicKeyInfo => spki;

    /// <summary>SHA-256 of the SubjectPublicKeyInfo, 64 lower-case hex digits.</summary>
    public string Fingerprint { get; }

    /// <summary>The fingerprint as people read it out over the phone: upper-case hex in groups of four.</summary>
    public string GroupedFingerprint => Fingerprints.Group(Fingerprint);

    /// <summary>PEM ("PUBLIC KEY"), the form operators paste.</summary>
    public string ToPem() => PemEncoding.WriteString("PUBLIC KEY", spki);

    /// <summary>
    /// A key from PEM (<c>-----BEGIN PUBLIC KEY-----</c>) or bare base64 of the SubjectPublicKeyInfo; false for anything else.
    /// </summary>
    public static bool TryParse(string? text, out NodePublicKey? key)
    {
        key = null;
        if (string.IsNullOrWhiteSpace(text) || text.Length > 4096)
        {
            return false;
        }

        byte[] der;
        var trimmed = text.Trim();
        if (trimmed.StartsWith("-----", StringComparison.Ordinal))
        {
            if (!PemEncoding.TryFind(trimmed, out var fields) || trimmed[fields.Label] is not "PUBLIC KEY")
            {
                return false;
            }

            der = Convert.FromBase64String(trimmed[fields.Base64Data].ToString());
        }
        else
        {
            der = new byte[trimmed.Length];
            if (!Convert.TryFromBase64String(trimmed, der, out var written))
            {
                return false;
            }

            der = der[..written];
        }

        try
        {
            key = new NodePublicKey(der);
            return true;
        }
        catch (StandardsException)
        {
            return false;
        }
    }

    /// <summary>True when <paramref name="signature"/> is this key's Ed25519 signature over <paramref name="data"/>.</summary>
    public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) => Algorithm.Verify(key, data, signature);

    public bool Equals(NodePublicKey? other) => other is not null && spki.AsSpan().SequenceEqual(other.spki);

    public override bool Equals(object? obj) => Equals(obj as NodePublicKey);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Fingerprint);
}

/// <summary>Fingerprint text: grouping for people, normalising what they type back.</summary>
public static partial class Fingerprints
{
    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Hex64();

    /// <summary>"3F9A 12BC …": 16 groups of four upper-case hex digits.</summary>
    public static string Group(string fingerprint)
    {
        ArgumentNullException.ThrowIfNull(fingerprint);
        var upper = fingerprint.ToUpperInvariant();
        var sb = new StringBuilder(upper.Length + (upper.Length / 4));
        for (var i = 0; i < upper.Length; i += 4)
        {
            if (i > 0)
            {
                sb.Append(' ');
            }

            sb.Append(upper, i, Math.Min(4, upper.Length - i));
        }

        return sb.ToString();
    }

    /// <summary>
    /// What an operator typed (any case, spaces, colons or dashes between digits) as 64 lower-case hex digits; null when it
    /// is not a SHA-256 fingerprint.
    /// </summary>
    public static string? Normalise(string? typed)
    {
        if (typed is null || typed.Length > 200)
        {
            return null;
        }

        var sb = new StringBuilder(64);
        foreach (var c in typed)
        {
            if (c is ' ' or ':' or '-' or '\t')
            {
                continue;
            }

            sb.Append(char.ToLower(c, CultureInfo.InvariantCulture));
        }

        var s = sb.ToString();
        return Hex64().IsMatch(s) ? s : null;
    }
}

/// <summary>
/// A node id: the node's configured name and its key fingerprint, written <c>name:fingerprint</c>. The fingerprint makes
/// it unique and binds it to the key; the name is for people.
/// </summary>
public sealed partial record NodeId
{
    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex FingerprintPattern();

    /// <exception cref="StandardsException">The name or fingerprint has the wrong form.</exception>
    public NodeId(string name, string fingerprint)
    {
        if (!IsValidName(name))
        {
            throw new StandardsException("A node name is 1–63 lower-case letters, digits and '-', starting with a letter or digit.");
        }

        if (fingerprint is null || !FingerprintPattern().IsMatch(fingerprint))
        {
            throw new StandardsException("A node fingerprint is 64 lower-case hex digits (SHA-256).");
        }

        Name = name;
        Fingerprint = fingerprint;
    }

    public string Name { get; }

    public string Fingerprint { get; }

    public static bool IsValidName(string? name) => name is not null && NamePattern().IsMatch(name);

    public static NodeId Of(string name, NodePublicKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new NodeId(name, key.Fingerprint);
    }

    public static bool TryParse(string? text, out NodeId? id)
    {
        id = null;
        var colon = text?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        if (text is null || colon < 0 || !IsValidName(text[..colon]) || !FingerprintPattern().IsMatch(text[(colon + 1)..]))
        {
            return false;
        }

        id = new NodeId(text[..colon], text[(colon + 1)..]);
        return true;
    }

    public override string ToString() => $"{Name}:{Fingerprint}";
}
