using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Rampart.Standards.Markings;
using Rampart.Standards.Observables;
using Rampart.Standards.Stix;

namespace Rampart.Standards.Intelligence.Exports;

/// <summary>
/// One MISP event in MISP's JSON (<c>{"Event": {…, "Attribute": [...]}}</c>), written with a streaming JSON writer
/// flushed every 64 KiB. The event's <c>Tag</c> holds the most restrictive TLP (<c>tlp:amber</c> …), each attribute
/// its own TLP tag and labels. Attribute types: <c>ip-dst</c> (addresses and CIDRs), <c>domain</c>, <c>url</c>,
/// <c>email</c>, <c>md5</c>/<c>sha1</c>/<c>sha256</c>/<c>sha512</c>, <c>vulnerability</c>, <c>AS</c>; all with
/// <c>to_ids: true</c> and distribution "your organisation only" (0) — the receiving MISP decides how far it goes.
/// Attribute UUIDs are UUIDv5 of the STIX id and the value, so re-exports keep them.
/// </summary>
public sealed class MispEventExportWriter : IndicatorExportWriter
{
    private static readonly Guid AttributeNamespace = new("a3f1a6e4-2b1c-4f0e-8d3a-6c5b4e3d2f10");
    private readonly Utf8JsonWriter json;
    private bool started;

    internal MispEventExportWriter(Stream output, ExportHeader header, ExportOptions options)
        : base(header, options)
    {
        json = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    public override string ContentType => "application/json";

    public override string FileExtension => "json";

    /// <summary>The MISP attribute type and category for a kind.</summary>
    public static (string Type, string Category) AttributeType(IndicatorKind kind) => kind switch
    {
        IndicatorKind.Ipv4 or IndicatorKind.Ipv6 or IndicatorKind.Cidr => ("ip-dst", "Network activity"),
        IndicatorKind.Domain => ("domain", "Network activity"),
        IndicatorKind.Url => ("url", "Network activity"),
        IndicatorKind.Email => ("email", "Network activity"),
        IndicatorKind.Md5 => ("md5", "Payload delivery"),
        IndicatorKind.Sha1 => ("sha1", "Payload delivery"),
        IndicatorKind.Sha256 => ("sha256", "Payload delivery"),
        IndicatorKind.Sha512 => ("sha512", "Payload delivery"),
        IndicatorKind.Cve => ("vulnerability", "External analysis"),
        IndicatorKind.AutonomousSystem => ("AS", "Network activity"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private protected override async ValueTask<bool> WriteItemAsync(ExportItem item, CancellationToken cancellationToken)
    {
        if (!ExportValues.TryCanonical(item.Kind, item.Value, out var value))
        {
            return false;
        }

        Start();
        var (type, category) = AttributeType(item.Kind);
        json.WriteStartObject();
        json.WriteString("uuid", ScoIds.UuidV5(AttributeNamespace, Encoding.UTF8.GetBytes(item.StixId + "\n" + value)).ToString());
        json.WriteString("type", type);
        json.WriteString("category", category);
        json.WriteString("value", item.Kind == IndicatorKind.AutonomousSystem ? value[2..] : value);
        json.WriteBoolean("to_ids", true);
        json.WriteString("distribution", "0");
        json.WriteString("timestamp", Unix(item.Modified ?? item.ValidFrom ?? Header.GeneratedAt));
        json.WriteString("comment", item.Description ?? "");
        if (item.ValidFrom is { } from)
        {
            json.WriteString("first_seen", Timestamps.Format(from));
        }

        json.WriteStartArray("Tag");
        Tag(item.Tlp);
        foreach (var label in item.Labels)
        {
            json.WriteStartObject();
            json.WriteString("name", label);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        if (item.Sightings.Count > 0)
        {
            // MISP's sighting entries: type "0" (a sighting), its last seen time, the source; the organisation only
            // when the sighting is attributed. MISP counts entries, it has no count field: one entry per report.
            json.WriteStartArray("Sighting");
            foreach (var sighting in item.Sightings)
            {
                json.WriteStartObject();
                var dash = sighting.StixId.IndexOf("--", StringComparison.Ordinal);
                json.WriteString("uuid", dash >= 0 ? sighting.StixId[(dash + 2)..] : sighting.StixId);
                json.WriteString("type", "0");
                json.WriteString("date_sighting", Unix(sighting.LastSeen));
                json.WriteString("source", sighting.Source ?? "");
                if (sighting.Organisation is { } organisation)
                {
                    json.WriteStartObject("Organisation");
                    json.WriteString("name", organisation);
                    json.WriteEndObject();
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
        if (json.BytesPending > 64 * 1024)
        {
            await json.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    private protected override async Task EndAsync(CancellationToken cancellationToken)
    {
        Start();
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
        await json.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private protected override ValueTask DisposeCoreAsync() => json.DisposeAsync();

    private static string Unix(DateTimeOffset time) => time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    private void Tag(Tlp tlp)
    {
        json.WriteStartObject();
        json.WriteString("name", "tlp:" + tlp.Code());
        json.WriteEndObject();
    }

    private void Start()
    {
        if (started)
        {
            return;
        }

        started = true;
        json.WriteStartObject();
        json.WriteStartObject("Event");
        json.WriteString("uuid", Header.ExportId.ToString());
        json.WriteString("info", Header.Title);
        json.WriteString("date", Header.GeneratedAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        json.WriteString("timestamp", Unix(Header.GeneratedAt));
        json.WriteString("threat_level_id", "4");
        json.WriteString("analysis", "2");
        json.WriteString("distribution", "0");
        json.WriteBoolean("published", false);
        json.WriteStartObject("Orgc");
        json.WriteString("name", Header.Source);
        json.WriteEndObject();
        json.WriteStartArray("Tag");
        Tag(Header.MaxTlp);
        json.WriteEndArray();
        json.WriteStartArray("Attribute");
    }
}
