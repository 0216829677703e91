using System.Globalization;
using Rampart.Standards.Observables;

namespace Rampart.Standards.Intelligence.Exports;

/// <summary>
/// A DNS Response Policy Zone (draft-vixie-dnsop-dns-rpz) for BIND, Unbound, Knot Resolver and PowerDNS: comment
/// header, <c>$TTL</c>, SOA (serial = the export time in Unix seconds), NS, then per domain <c>name CNAME .</c> and
/// <c>*.name CNAME .</c> (NXDOMAIN for the domain and every subdomain). Names are relative to the zone's origin,
/// which the resolver's configuration gives. Only domains are written, and only those that are valid host names
/// (letters, digits, hyphen, underscore: nothing that needs zone-file escaping); other kinds are skipped.
/// </summary>
public sealed class RpzExportWriter : TextExportWriter
{
    internal RpzExportWriter(Stream output, ExportHeader header, ExportOptions options)
        : base(output, header, options)
    {
        if (options.RpzTtl < 0 || (options.RpzNameServer != "localhost." && !Normalise.TryDomain(options.RpzNameServer, out _)))
        {
            throw new StandardsException("The RPZ name server is a host name and the TTL not negative.", path: "rpz");
        }
    }

    public override string ContentType => "text/dns; charset=utf-8";

    public override string FileExtension => "rpz";

    private protected override string Preamble()
    {
        var ns = Options.RpzNameServer.EndsWith('.') ? Options.RpzNameServer : Options.RpzNameServer + ".";
        var serial = (uint)Math.Clamp(Header.GeneratedAt.ToUnixTimeSeconds(), 1, uint.MaxValue);
        var ttl = Options.RpzTtl.ToString(CultureInfo.InvariantCulture);
        return CommentHeader(";", "DNS RPZ zone")
            + $"$TTL {ttl}\n"
            + $"@ IN SOA {ns} hostmaster.{ns} ({serial.ToString(CultureInfo.InvariantCulture)} 3600 600 86400 {ttl})\n"
            + $"@ IN NS {ns}\n";
    }

    private protected override async ValueTask<bool> WriteItemAsync(ExportItem item, CancellationToken cancellationToken)
    {
        // TryDomain leaves only [a-z0-9_-] labels: no character a zone file would need escaped (\ ; " ( ) $ @ space).
        if (item.Kind != IndicatorKind.Domain || !ExportValues.TryCanonical(item.Kind, item.Value, out var name) || name.Length > 251)
        {
            return false;
        }

        await StartAsync(cancellationToken).ConfigureAwait(false);
        await Text.WriteAsync($"{name} CNAME .\n*.{name} CNAME .\n".AsMemory(), cancellationToken).ConfigureAwait(false);
        return true;
    }
}
