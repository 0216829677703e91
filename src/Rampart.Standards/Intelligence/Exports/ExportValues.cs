using Rampart.Standards.Observables;

namespace Rampart.Standards.Intelligence.Exports;

/// <summary>
/// The check every value passes before a writer puts it into a line, a zone or a rule. Values from the store are
/// already canonical, so the common forms (lower-case host names, lower-case hex digests) are recognised by a
/// character scan; anything else goes through <see cref="IndicatorFactory.TryNormalise"/> (IDN mapping, URI parsing)
/// and is skipped when it is not a valid value of its kind.
/// </summary>
internal static class ExportValues
{
    public static bool TryCanonical(IndicatorKind kind, string value, out string canonical)
    {
        if (IsCanonical(kind, value))
        {
            canonical = value;
            return true;
        }

        return IndicatorFactory.TryNormalise(kind, value, out canonical);
    }

    private static bool IsCanonical(IndicatorKind kind, string value) => kind switch
    {
        IndicatorKind.Ipv4 => Normalise.IsDottedQuad(value, out _), // no leading zeros: the text is the canonical form
        IndicatorKind.Domain => IsLowerHostName(value),
        IndicatorKind.Md5 => value.Length == 32 && IsLowerHex(value),
        IndicatorKind.Sha1 => value.Length == 40 && IsLowerHex(value),
        IndicatorKind.Sha256 => value.Length == 64 && IsLowerHex(value),
        IndicatorKind.Sha512 => value.Length == 128 && IsLowerHex(value),
        _ => false,
    };

    private static bool IsLowerHex(string value)
    {
        foreach (var c in value)
        {
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f'))
            {
                return false;
            }
        }

        return true;
    }

    // What Normalise.TryDomain produces for an ASCII name: labels of 1–63 [a-z0-9_-], not starting or ending with '-', at least two, the last not all digits.
    private static bool IsLowerHostName(string value)
    {
        if (value.Length is < 3 or > 253)
        {
            return false;
        }

        var labelStart = 0;
        var labels = 0;
        for (var i = 0; i <= value.Length; i++)
        {
            if (i == value.Length || value[i] == '.')
            {
                var length = i - labelStart;
                if (length is 0 or > 63 || value[labelStart] == '-' || value[i - 1] == '-')
                {
                    return false;
                }

                labels++;
                labelStart = i + 1;
                continue;
            }

            var c = value[i];
            if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c is not ('-' or '_'))
            {
                return false;
            }
        }

        var last = value.AsSpan(value.LastIndexOf('.') + 1);
        return labels >= 2 && last.ContainsAnyExceptInRange('0', '9') && !value.StartsWith("xn--", StringComparison.Ordinal) && !value.Contains(".xn--", StringComparison.Ordinal);
    }
}
