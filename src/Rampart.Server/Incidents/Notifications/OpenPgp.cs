using System.Text;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace Rampart.Server.Incidents.Notifications;

/// <summary>
/// The OpenPGP operations of notification e-mail, on BouncyCastle.Cryptography (ADR 15): the node's Ed25519 signing key
/// (v4, <c>EdDsa_Legacy</c>, which gpg 2.2 reads), detached signatures for PGP/MIME signed messages (RFC 3156 §5) and
/// sign-then-encrypt for PGP/MIME encrypted ones (RFC 3156 §6.2, the combined method).
/// </summary>
public static class OpenPgp
{
    /// <summary>A fresh signing key pair for <paramref name="userId"/>: (secret key ring, public key ring), unprotected (the caller protects the secret).</summary>
    public static (PgpSecretKeyRing Secret, PgpPublicKeyRing Public) GenerateSigningKey(string userId, DateTimeOffset now)
    {
        var generator = new Ed25519KeyPairGenerator();
        generator.Init(new Ed25519KeyGenerationParameters(new SecureRandom()));
        var pair = new PgpKeyPair(PublicKeyAlgorithmTag.EdDsa_Legacy, generator.GenerateKeyPair(), now.UtcDateTime);
        var hashed = new PgpSignatureSubpacketGenerator();
        hashed.SetKeyFlags(false, PgpKeyFlags.CanSign | PgpKeyFlags.CanCertify);
        hashed.SetPreferredHashAlgorithms(false, [(int)HashAlgorithmTag.Sha256, (int)HashAlgorithmTag.Sha512]);
        hashed.SetPreferredSymmetricAlgorithms(false, [(int)SymmetricKeyAlgorithmTag.Aes256]);
        var rings = new PgpKeyRingGenerator(PgpSignature.PositiveCertification, pair, userId, SymmetricKeyAlgorithmTag.Null, Array.Empty<char>(), true,
            hashed.Generate(), null, new SecureRandom());
        return (rings.GenerateSecretKeyRing(), rings.GeneratePublicKeyRing());
    }

    public static string Armor(Action<Stream> write)
    {
        using var buffer = new MemoryStream();
        using (var armored = new ArmoredOutputStream(buffer))
        {
            write(armored);
        }

        return Encoding.ASCII.GetString(buffer.ToArray());
    }

    public static string Fingerprint(PgpPublicKey key) => Convert.ToHexString(key.GetFingerprint());

    /// <summary>The first public key ring of an armoured (or binary) block; null when it holds none.</summary>
    public static PgpPublicKeyRing? ReadPublicRing(string armored)
    {
        try
        {
            using var input = PgpUtilities.GetDecoderStream(new MemoryStream(Encoding.UTF8.GetBytes(armored)));
            var bundle = new PgpPublicKeyRingBundle(input);
            return bundle.GetKeyRings().FirstOrDefault();
        }
        catch (Exception e) when (e is IOException or PgpException or ArgumentException or InvalidOperationException or InvalidCastException)
        {
            return null;
        }
    }

    /// <summary>The key of <paramref name="ring"/> to encrypt to: a valid (not revoked, not expired) encryption-capable subkey, else the primary when it can.</summary>
    public static PgpPublicKey? EncryptionKey(PgpPublicKeyRing ring, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(ring);
        var keys = ring.GetPublicKeys().Where(k => k.IsEncryptionKey && !k.HasRevocation()
            && (k.GetValidSeconds() == 0 || k.CreationTime.AddSeconds(k.GetValidSeconds()) > now.UtcDateTime)).ToList();
        return keys.FirstOrDefault(k => !k.IsMasterKey) ?? keys.FirstOrDefault();
    }

    private static PgpSignatureGenerator Signer(PgpSecretKey key, DateTimeOffset now)
    {
        var generator = new PgpSignatureGenerator(key.PublicKey.Algorithm, HashAlgorithmTag.Sha256);
        generator.InitSign(PgpSignature.BinaryDocument, key.ExtractPrivateKey(Array.Empty<char>()));
        var hashed = new PgpSignatureSubpacketGenerator();
        hashed.SetSignatureCreationTime(false, now.UtcDateTime);
        hashed.SetIssuerFingerprint(false, key);
        generator.SetHashedSubpackets(hashed.Generate());
        return generator;
    }

    /// <summary>An armoured detached signature over <paramref name="data"/> (the canonical bytes of the signed MIME part).</summary>
    public static string SignDetached(PgpSecretKey key, byte[] data, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(data);
        var generator = Signer(key, now);
        generator.Update(data);
        var signature = generator.Generate();
        return Armor(s =>
        {
            using var bcpg = new BcpgOutputStream(s);
            signature.Encode(bcpg);
        });
    }

    /// <summary>
    /// <paramref name="data"/> signed with <paramref name="key"/> and encrypted to <paramref name="recipient"/> (AES-256 with integrity
    /// protection, compressed; one-pass signature, literal data, signature), armoured.
    /// </summary>
    public static string SignAndEncrypt(PgpSecretKey key, PgpPublicKey recipient, byte[] data, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(data);
        var signer = Signer(key, now);
        return Armor(armored =>
        {
            var encryption = new PgpEncryptedDataGenerator(SymmetricKeyAlgorithmTag.Aes256, true, new SecureRandom());
            encryption.AddMethod(recipient);
            using var encrypted = encryption.Open(armored, new byte[1 << 16]);
            var compression = new PgpCompressedDataGenerator(CompressionAlgorithmTag.Zip);
            using (var compressed = compression.Open(encrypted))
            {
                signer.GenerateOnePassVersion(false).Encode(compressed);
                var literal = new PgpLiteralDataGenerator();
                using (var literalOut = literal.Open(compressed, PgpLiteralData.Binary, "", data.Length, now.UtcDateTime))
                {
                    literalOut.Write(data);
                    signer.Update(data);
                }

                signer.Generate().Encode(compressed);
            }
        });
    }
}
