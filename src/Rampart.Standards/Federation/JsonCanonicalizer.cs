using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Rampart.Standards.Federation;

/// <summary>
/// RFC 8785 JSON Canonicalization Scheme (JCS): object members sorted by their names as UTF-16 code units, no
/// whitespace, strings with the minimal escapes of ECMAScript's <c>JSON.stringify</c>, numbers as IEEE 754 doubles
/// printed the ECMAScript way (<c>Number.prototype.toString</c>). The same JSON value always gives the same bytes,
/// so a hash or signature over it survives re-serialisation by any conforming party.
/// </summary>
public static class JsonCanonicalizer
{
    /// <summary>The canonical UTF-8 bytes of <paramref name="json"/> (one JSON text).</summary>
    /// <exception cref="StandardsException">The text is not JSON, a number is not a finite double, a string has a lone surrogate, or a name repeats.</exception>
    public static byte[] Canonicalize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 256 });
            return Canonicalize(doc.RootElement);
        }
        catch (JsonException e)
        {
            throw new StandardsException("JCS: the input is not a JSON text: " + e.Message, e);
        }
    }

    /// <summary>The canonical UTF-8 bytes of <paramref name="element"/>.</summary>
    public static byte[] Canonicalize(JsonElement element)
    {
        var sb = new StringBuilder();
        try
        {
            Write(sb, element);
        }
        catch (InvalidOperationException e)
        {
            // System.Text.Json refuses to decode a string holding a lone surrogate escape ("\ud800").
            throw new StandardsException("JCS: a string holds a lone surrogate (not I-JSON).", e);
        }

        return new UTF8Encoding(false, true).GetBytes(sb.ToString());
    }

    private static void Write(StringBuilder sb, JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                var members = new List<(string Name, JsonElement Value)>();
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var p in e.EnumerateObject())
                {
                    if (!seen.Add(p.Name))
                    {
                        throw new StandardsException($"JCS: the member name \"{p.Name}\" repeats (I-JSON forbids duplicates).");
                    }

                    members.Add((p.Name, p.Value));
                }

                // string.CompareOrdinal compares UTF-16 code units, exactly the order RFC 8785 §3.2.3 asks for.
                members.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
                sb.Append('{');
                for (var i = 0; i < members.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                    }

                    WriteString(sb, members[i].Name);
                    sb.Append(':');
                    Write(sb, members[i].Value);
                }

                sb.Append('}');
                break;
            case JsonValueKind.Array:
                sb.Append('[');
                var first = true;
                foreach (var item in e.EnumerateArray())
                {
                    if (!first)
                    {
                        sb.Append(',');
                    }

                    first = false;
                    Write(sb, item);
                }

                sb.Append(']');
                break;
            case JsonValueKind.String:
                WriteString(sb, e.GetString()!);
                break;
            case JsonValueKind.Number:
                if (!double.TryParse(e.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || !double.IsFinite(d))
                {
                    throw new StandardsException($"JCS: the number {e.GetRawText()} is not a finite IEEE 754 double.");
                }

                sb.Append(FormatNumber(d));
                break;
            case JsonValueKind.True:
                sb.Append("true");
                break;
            case JsonValueKind.False:
                sb.Append("false");
                break;
            case JsonValueKind.Null:
                sb.Append("null");
                break;
            default:
                throw new StandardsException("JCS: unexpected JSON value.");
        }
    }

    private static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= s.Length || !char.IsLowSurrogate(s[i + 1]))
                {
                    throw new StandardsException("JCS: a string holds a lone surrogate (not I-JSON).");
                }

                sb.Append(c).Append(s[++i]);
                continue;
            }

            if (char.IsLowSurrogate(c))
            {
                throw new StandardsException("JCS: a string holds a lone surrogate (not I-JSON).");
            }

            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20)
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }

    /// <summary>
    /// ECMAScript <c>Number.prototype.toString()</c> of a finite double (ECMA-262 §6.1.6.1.20): the shortest digits that
    /// round-trip (.NET's "R" gives the same digits), placed in plain notation for exponents in [-6, 21) and in
    /// <c>d.ddde±n</c> form otherwise; -0 prints as 0.
    /// </summary>
    public static string FormatNumber(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new StandardsException("JCS: NaN and infinities have no JSON form.");
        }

        if (value == 0)
        {
            return "0";
        }

        var r = value.ToString("R", CultureInfo.InvariantCulture);
        var negative = r[0] == '-';
        if (negative)
        {
            r = r[1..];
        }

        var exponent = 0;
        var ePos = r.IndexOfAny(['E', 'e']);
        if (ePos >= 0)
        {
            exponent = int.Parse(r.AsSpan(ePos + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            r = r[..ePos];
        }

        // digits × 10^(n − k): k significant digits, n the position of the decimal point after the first digit run.
        var dot = r.IndexOf('.', StringComparison.Ordinal);
        var intPart = dot < 0 ? r : r[..dot];
        var fracPart = dot < 0 ? string.Empty : r[(dot + 1)..];
        var digits = (intPart + fracPart).TrimStart('0');
        var leadingZeros = (intPart + fracPart).Length - digits.Length;
        var n = intPart.Length - leadingZeros + exponent;
        digits = digits.TrimEnd('0');
        var k = digits.Length;

        var sb = new StringBuilder();
        if (negative)
        {
            sb.Append('-');
        }

        if (k <= n && n <= 21)
        {
            sb.Append(digits).Append('0', n - k);
        }
        else if (0 < n && n <= 21)
        {
            sb.Append(digits, 0, n).Append('.').Append(digits, n, k - n);
        }
        else if (-6 < n && n <= 0)
        {
            sb.Append("0.").Append('0', -n).Append(digits);
        }
        else
        {
            sb.Append(digits[0]);
            if (k > 1)
            {
                sb.Append('.').Append(digits, 1, k - 1);
            }

            var e = n - 1;
            sb.Append('e').Append(e < 0 ? '-' : '+').Append(Math.Abs(e).ToString(CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }
}
