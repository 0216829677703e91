using System.Text.RegularExpressions;

namespace Rampart.Standards.Misp;

/// <summary>
/// MISP hash attribute types: the STIX <c>hashes</c> key each becomes and how its value is normalised. Hex digests
/// (MD5, SHA families, imphash, authentihash, pehash, cdhash) are case-insensitive and are lower-cased after their
/// length is checked. SSDEEP and impfuzzy are base64-alphabet fuzzy hashes, sdhash is base64, TLSH and telfhash
/// carry a version marker, vhash is VirusTotal's own alphabet: their case is part of the value and is kept.
/// </summary>
internal static partial class MispHashes
{
    private enum Form
    {
        Hex,
        CaseSensitive,
    }

    private sealed record Rule(string Key, Form Form, int[] HexLengths, Regex? Shape, string Expected);

    private static readonly Dictionary<string, Rule> Rules = new(StringComparer.Ordinal)
    {
        // hash-algorithm-ov names (STIX 2.1 §10.7).
        ["md5"] = Hex("MD5", 32),
        ["sha1"] = Hex("SHA-1", 40),
        ["sha256"] = Hex("SHA-256", 64),
        ["sha512"] = Hex("SHA-512", 128),
        ["sha3-256"] = Hex("SHA3-256", 64),
        ["sha3-512"] = Hex("SHA3-512", 128),
        ["ssdeep"] = new("SSDEEP", Form.CaseSensitive, [], SsdeepShape(), "blocksize:hash:hash of base64 characters"),
        ["tlsh"] = new("TLSH", Form.CaseSensitive, [], TlshShape(), "a TLSH digest (optional T1 and 70 hex digits)"),

        // Not in the vocabulary: custom keys (x_ prefix, STIX 2.1 §2.7 custom hash names).
        ["sha224"] = Hex("x_misp_sha224", 56),
        ["sha384"] = Hex("x_misp_sha384", 96),
        ["sha512/224"] = Hex("x_misp_sha512-224", 56),
        ["sha512/256"] = Hex("x_misp_sha512-256", 64),
        ["sha3-224"] = Hex("x_misp_sha3-224", 56),
        ["sha3-384"] = Hex("x_misp_sha3-384", 96),
        ["imphash"] = Hex("x_misp_imphash", 32),
        ["authentihash"] = Hex("x_misp_authentihash", 32, 40, 64),
        ["pehash"] = Hex("x_misp_pehash", 40),
        ["cdhash"] = Hex("x_misp_cdhash", 40, 64),
        ["impfuzzy"] = new("x_misp_impfuzzy", Form.CaseSensitive, [], SsdeepShape(), "blocksize:hash:hash of base64 characters"),
        ["telfhash"] = new("x_misp_telfhash", Form.CaseSensitive, [], TlshShape(), "a TLSH-style digest"),
        ["vhash"] = new("x_misp_vhash", Form.CaseSensitive, [], VhashShape(), "letters, digits and - : _ ."),
        ["sdhash"] = new("x_misp_sdhash", Form.CaseSensitive, [], SdhashShape(), "sdhash text"),
    };

    private static Rule Hex(string key, params int[] lengths) =>
        new(key, Form.Hex, lengths, null, $"{string.Join(" or ", lengths)} hex digits");

    /// <summary>Whether <paramref name="mispType"/> is a hash type this table knows.</summary>
    public static bool IsHash(string mispType) => Rules.ContainsKey(mispType);

    /// <summary>The STIX hashes key and the normalised value; false with the reason when the value does not have the type's form.</summary>
    public static bool TryNormalise(string mispType, string value, out string key, out string normalised, out string reason)
    {
        key = normalised = reason = "";
        if (!Rules.TryGetValue(mispType, out var rule))
        {
            reason = $"'{mispType}' is not a hash type.";
            return false;
        }

        key = rule.Key;
        var trimmed = value.Trim();
        var fits = rule.Form == Form.Hex
            ? rule.HexLengths.Contains(trimmed.Length) && trimmed.All(char.IsAsciiHexDigit)
            : trimmed.Length is > 0 and <= 4096 && rule.Shape!.IsMatch(trimmed);
        if (!fits)
        {
            reason = $"The value is not a {mispType} hash (expected {rule.Expected}).";
            return false;
        }

        normalised = rule.Form == Form.Hex ? trimmed.ToLowerInvariant() : trimmed;
        return true;
    }

    [GeneratedRegex(@"^[0-9]+:[A-Za-z0-9/+]+:[A-Za-z0-9/+]+(,""[^""]*"")?$", RegexOptions.CultureInvariant)]
    private static partial Regex SsdeepShape();

    [GeneratedRegex(@"^(T1)?[0-9A-Fa-f]{70}$|^(t1)?[0-9a-f]{70}$", RegexOptions.CultureInvariant)]
    private static partial Regex TlshShape();

    [GeneratedRegex(@"^[A-Za-z0-9_.:\-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex VhashShape();

    [GeneratedRegex(@"^[A-Za-z0-9+/=:\s]+$", RegexOptions.CultureInvariant)]
    private static partial Regex SdhashShape();
}
