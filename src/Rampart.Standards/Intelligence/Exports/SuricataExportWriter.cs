using System.Globalization;
using System.Text;
using Rampart.Standards.Markings;
using Rampart.Standards.Observables;

namespace Rampart.Standards.Intelligence.Exports;

/// <summary>
/// Suricata rules (Suricata 7 and 8 syntax): an address or CIDR → <c>ip any any &lt;&gt; ADDRESS any</c>; a domain →
/// one <c>dns.query</c> and one <c>tls.sni</c> rule matching the domain and its subdomains (<c>dotprefix</c> +
/// <c>endswith</c>); a URL → an <c>http</c> rule on <c>http.host</c> and the exact <c>http.uri</c> (plain-HTTP only:
/// the path of an HTTPS request is not visible to the sensor). Hashes, e-mail addresses, CVEs and AS numbers have no
/// rule and are skipped. Each rule takes the next sid from <see cref="ExportOptions.SuricataSidBase"/> and carries
/// the TLP and STIX id in <c>metadata</c>. In <c>msg</c> and <c>content</c> the characters <c>;</c> <c>\</c>
/// <c>"</c> are escaped (Suricata's rule format); content also writes <c>|</c> and non-printable bytes as hex.
/// </summary>
public sealed class SuricataExportWriter : TextExportWriter
{
    private long nextSid;

    internal SuricataExportWriter(Stream output, ExportHeader header, ExportOptions options)
        : base(output, header, options)
    {
        if (options.SuricataAction is not ("alert" or "drop" or "reject" or "pass"))
        {
            throw new StandardsException("The Suricata action is alert, drop, reject or pass.", path: "action");
        }

        if (options.SuricataSidBase is < 1 or > uint.MaxValue)
        {
            throw new StandardsException("The first sid is 1 to 4294967295.", path: "sid_base");
        }

        nextSid = options.SuricataSidBase;
    }

    public override string ContentType => "text/plain; charset=utf-8";

    public override string FileExtension => "rules";

    /// <summary>Text for a <c>msg</c>: <c>;</c> <c>\</c> <c>"</c> escaped with a backslash, line breaks made spaces.</summary>
    public static string EscapeMessage(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sb = new StringBuilder(text.Length + 8);
        foreach (var c in OneLine(text))
        {
            if (c is ';' or '\\' or '"')
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        return sb.ToString();
    }

    /// <summary>Text for a <c>content</c>: printable ASCII as is (<c>;</c> <c>\</c> <c>"</c> escaped), <c>|</c> and every other byte of its UTF-8 as <c>|hh|</c>.</summary>
    public static string EscapeContent(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sb = new StringBuilder(text.Length + 8);
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            if (b is >= 0x20 and < 0x7f && b != '|')
            {
                if (b is (byte)';' or (byte)'\\' or (byte)'"')
                {
                    sb.Append('\\');
                }

                sb.Append((char)b);
            }
            else
            {
                sb.Append('|').Append(b.ToString("x2", CultureInfo.InvariantCulture)).Append('|');
            }
        }

        return sb.ToString();
    }

    private protected override string Preamble() => CommentHeader("#", "Suricata rules");

    private protected override async ValueTask<bool> WriteItemAsync(ExportItem item, CancellationToken cancellationToken)
    {
        if (!ExportValues.TryCanonical(item.Kind, item.Value, out var value))
        {
            return false;
        }

        var rules = item.Kind switch
        {
            IndicatorKind.Ipv4 or IndicatorKind.Ipv6 or IndicatorKind.Cidr =>
                Rule(item, value, $"ip any any <> {Address(item.Kind, value)} any", ""),
            IndicatorKind.Domain =>
                Rule(item, value, "dns any any -> any any", $"dns.query; dotprefix; content:\".{EscapeContent(value)}\"; nocase; endswith; ")
                + Rule(item, value, "tls any any -> any any", $"tls.sni; dotprefix; content:\".{EscapeContent(value)}\"; nocase; endswith; "),
            IndicatorKind.Url when Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp =>
                Rule(item, value, "http any any -> any any", $"http.host; content:\"{EscapeContent(uri.IdnHost.ToLowerInvariant())}\"; bsize:{Encoding.UTF8.GetByteCount(uri.IdnHost)}; http.uri; content:\"{EscapeContent(uri.GetComponents(UriComponents.PathAndQuery, UriFormat.UriEscaped))}\"; startswith; endswith; "),
            _ => null,
        };
        if (rules is null)
        {
            return false;
        }

        await StartAsync(cancellationToken).ConfigureAwait(false);
        await Text.WriteAsync(rules.AsMemory(), cancellationToken).ConfigureAwait(false);
        return true;
    }

    // A /32 or /128 block is its address; IPv6 goes in brackets so its colons cannot be read as anything else.
    private static string Address(IndicatorKind kind, string value)
    {
        var v6 = value.Contains(':', StringComparison.Ordinal);
        var address = kind == IndicatorKind.Cidr ? Normalise.Value(v6 ? "ipv6-addr" : "ipv4-addr", "value", value) : value;
        return v6 ? "[" + address + "]" : address;
    }

    private string Rule(ExportItem item, string value, string header, string detection)
    {
        if (nextSid > uint.MaxValue)
        {
            throw new StandardsException("The export needs more sids than remain above the first sid.", path: "sid_base");
        }

        var sid = nextSid++;
        var message = EscapeMessage($"RAMPART {item.Tlp.Label()} {KindCodes.Code(item.Kind)} {value}");
        return $"{Options.SuricataAction} {header} (msg:\"{message}\"; {detection}metadata:tlp {item.Tlp.Code()}, stix_id {item.StixId.Replace(',', '_').Replace(';', '_')}; sid:{sid.ToString(CultureInfo.InvariantCulture)}; rev:1;)\n";
    }
}
