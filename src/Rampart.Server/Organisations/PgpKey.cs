using System.Security.Cryptography;

namespace Rampart.Server.Organisations;

/// <summary>
/// Reads the primary key packet of an ASCII-armoured OpenPGP public key and computes its fingerprint
/// (RFC 4880 §12.2 for v4 keys, RFC 9580 §5.5.4 for v6), so teams can compare it by phone.
/// </summary>
public static class PgpKey
{
    public static bool TryFingerprint(string armoured, out string fingerprint, out string error)
    {
        fingerprint = "";
        if (!TryDearmor(armoured, out var data, out error))
        {
            return false;
        }

        if (!TryReadFirstPacket(data, out var tag, out var body))
        {
            error = "The key data is not an OpenPGP packet.";
            return false;
        }

        if (tag != 6)
        {
            error = "The first packet is not a public key.";
            return false;
        }

        if (body.Length < 1)
        {
            error = "The public key packet is empty.";
            return false;
        }

        switch (body[0])
        {
            case 4:
                {
                    var prefixed = new byte[body.Length + 3];
                    prefixed[0] = 0x99;
                    prefixed[1] = (byte)(body.Length >> 8);
                    prefixed[2] = (byte)body.Length;
                    body.CopyTo(prefixed, 3);
#pragma warning disable CA5350 // The v4 fingerprint is defined as SHA-1; it identifies, it does not protect.
                    fingerprint = Convert.ToHexString(SHA1.HashData(prefixed));
#pragma warning restore CA5350
                    error = "";
                    return true;
                }

            case 6:
                {
                    var prefixed = new byte[body.Length + 5];
                    prefixed[0] = 0x9B;
                    prefixed[1] = (byte)(body.Length >> 24);
                    prefixed[2] = (byte)(body.Length >> 16);
                    prefixed[3] = (byte)(body.Length >> 8);
                    prefixed[4] = (byte)body.Length;
                    body.CopyTo(prefixed, 5);
                    fingerprint = Convert.ToHexString(SHA256.HashData(prefixed));
                    error = "";
                    return true;
                }

            default:
                error = $"OpenPGP key version {body[0]} is not supported (4 and 6 are).";
                return false;
        }
    }

    private static bool TryDearmor(string armoured, out byte[] data, out string error)
    {
        data = [];
        var lines = armoured.Replace("\r", "", StringComparison.Ordinal).Split('\n');
        var begin = Array.FindIndex(lines, l => l.Trim() == "-----BEGIN PGP PUBLIC KEY BLOCK-----");
        var end = Array.FindIndex(lines, l => l.Trim() == "-----END PGP PUBLIC KEY BLOCK-----");
        if (begin < 0 || end <= begin)
        {
            error = "Expected an ASCII-armoured block between BEGIN and END PGP PUBLIC KEY BLOCK lines.";
            return false;
        }

        // Armour headers end at the first empty line; the last line starting with '=' is the CRC-24 checksum.
        var i = begin + 1;
        while (i < end && lines[i].Contains(':', StringComparison.Ordinal))
        {
            i++;
        }

        var base64 = string.Concat(lines[i..end].Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('=')));
        try
        {
            data = Convert.FromBase64String(base64);
            error = "";
            return data.Length > 0;
        }
        catch (FormatException)
        {
            error = "The armoured key is not valid base64.";
            return false;
        }
    }

    private static bool TryReadFirstPacket(byte[] data, out int tag, out byte[] body)
    {
        tag = 0;
        body = [];
        if (data.Length < 2 || (data[0] & 0x80) == 0)
        {
            return false;
        }

        int offset;
        long length;
        if ((data[0] & 0x40) != 0)
        {
            // New format: tag in the low six bits, then a one-, two- or five-octet length.
            tag = data[0] & 0x3F;
            var first = data[1];
            if (first < 192)
            {
                length = first;
                offset = 2;
            }
            else if (first < 224 && data.Length >= 3)
            {
                length = ((first - 192) << 8) + data[2] + 192;
                offset = 3;
            }
            else if (first == 255 && data.Length >= 6)
            {
                length = ((long)data[2] << 24) | ((long)data[3] << 16) | ((long)data[4] << 8) | data[5];
                offset = 6;
            }
            else
            {
                return false;
            }
        }
        else
        {
            // Old format: tag in bits 5-2, length type in bits 1-0.
            tag = (data[0] >> 2) & 0x0F;
            switch (data[0] & 0x03)
            {
                case 0:
                    length = data[1];
                    offset = 2;
                    break;
                case 1 when data.Length >= 3:
                    length = (data[1] << 8) | data[2];
                    offset = 3;
                    break;
                case 2 when data.Length >= 5:
                    length = ((long)data[1] << 24) | ((long)data[2] << 16) | ((long)data[3] << 8) | data[4];
                    offset = 5;
                    break;
                default:
                    return false;
            }
        }

        if (length <= 0 || offset + length > data.Length)
        {
            return false;
        }

        body = data.AsSpan(offset, (int)length).ToArray();
        return true;
    }
}
