using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Hosting;
using Rampart.Server.Intelligence.Store;
using Rampart.Standards.Markings;
using Rampart.Standards.Observables;
using Rampart.Standards;
using Rampart.Standards.Stix;

namespace Rampart.Server.Intelligence.Ingest;

/// <summary>A stored object the caller may read that carries an extracted value.</summary>
public sealed record KnownMatch(string StixId, string StixType, string Name, Tlp Tlp, Guid OwnerOrganisationId, bool Revoked, bool Withdrawn);

public sealed record PreviewValue(IndicatorKind Kind, string Value, int Start, int Length, IReadOnlyList<string> WarningLists, IReadOnlyList<KnownMatch> Known);

public sealed record TextPreview(IReadOnlyList<PreviewValue> Values, bool Truncated);

public sealed record SelectedValue(IndicatorKind? Kind, string? Value);

/// <summary>The analyst's selection from a preview, with TLP and audience (as notes take them) and optional labels and description.</summary>
public sealed record TextConfirmRequest(
    IReadOnlyList<SelectedValue>? Values,
    string? Tlp,
    IReadOnlyList<AudienceEntry>? Audiences,
    bool Published = false,
    IReadOnlyList<string>? Labels = null,
    string? Description = null);

/// <summary>
/// Free text → the values in it (kind, position), their warning-list hits and the stored objects carrying them
/// that the caller may read (through <see cref="AccessPolicy"/>: an object the caller cannot read is not mentioned);
/// then the confirmed selection → an indicator (STIX pattern) and an observable per value.
/// </summary>
public sealed class IntelTextPreview(RampartDb db, AccessPolicy access, WarningListsProvider warningLists, TimeProvider clock)
{
    public const int MaxValues = 5000;

    public const int MaxMatchesPerValue = 20;

    public async Task<TextPreview> PreviewAsync(Caller caller, string text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var extracted = FreeTextExtractor.Default.Extract(text);
        var distinct = extracted.GroupBy(e => (e.Kind, e.Value)).Select(g => g.First()).ToList();
        var truncated = distinct.Count > MaxValues;
        distinct = distinct.Take(MaxValues).ToList();
        var indexed = distinct.Select(e => (Extracted: e, Indexed: Index(e.Kind, e.Value))).ToList();
        var keys = indexed.Where(i => i.Indexed is not null).Select(i => i.Indexed!.Value).Distinct().ToList();
        var observables = keys.Count == 0
            ? []
            : await db.Observables.AsNoTracking().Where(o => keys.Contains(o.Value)).Select(o => new { o.Id, o.Kind, o.Value }).ToListAsync(cancellationToken);
        var observableIds = observables.Select(o => o.Id).ToList();
        var readable = access.Readable(db.IntelObjects.AsNoTracking(), caller);
        var matches = observableIds.Count == 0
            ? []
            : await (from link in db.ObservableLinks
                     join o in readable on link.RecordId equals o.RecordId
                     where observableIds.Contains(link.ObservableId)
                     select new { link.ObservableId, o.StixId, o.StixType, o.Name, o.Record.Tlp, o.OwnerOrganisationId, o.Revoked, Withdrawn = o.WithdrawnAt != null })
                .Take(MaxValues * 4).ToListAsync(cancellationToken);
        var byObservable = matches.ToLookup(m => m.ObservableId);
        var matcher = warningLists.Matcher;
        var values = new List<PreviewValue>();
        foreach (var (e, ix) in indexed)
        {
            var id = ix is null ? null : observables.FirstOrDefault(o => o.Kind == ix.Kind && o.Value == ix.Value)?.Id;
            var known = id is null
                ? []
                : byObservable[id.Value].Take(MaxMatchesPerValue)
                    .Select(m => new KnownMatch(m.StixId, m.StixType, m.Withdrawn ? "" : m.Name, m.Tlp, m.OwnerOrganisationId, m.Revoked, m.Withdrawn)).ToList();
            var hits = ix?.MispType is { } mispType ? matcher.Match(ix.Value, mispType).Select(h => h.ListName).Distinct().ToList() : [];
            values.Add(new PreviewValue(e.Kind, e.Value, e.Start, e.Length, hits, known));
        }

        return new TextPreview(values, truncated);
    }

    /// <summary>The STIX objects for a confirmed selection: per value an observable (deterministic id) and an indicator whose pattern pins it.</summary>
    public IReadOnlyList<StixObject> Build(Caller caller, TextConfirmRequest request)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        var errors = new RequestErrors();
        if (request.Values is not { Count: > 0 })
        {
            errors.Add("values", "Select at least one value.");
        }
        else if (request.Values.Count > MaxValues)
        {
            errors.Add("values", $"At most {MaxValues} values.");
        }

        errors.MultiLine("description", request.Description, 10_000);
        var labels = request.Labels ?? [];
        for (var i = 0; i < labels.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(labels[i]) || labels[i].Length > IntelLimits.LabelLength || labels[i].Any(TextRules.IsForbidden))
            {
                errors.Add($"labels[{i}]", $"A label of 1 to {IntelLimits.LabelLength} characters.");
            }
        }

        var objects = new List<StixObject>();
        var now = Timestamps.Format(clock.GetUtcNow());
        for (var i = 0; i < (request.Values?.Count ?? 0); i++)
        {
            var selected = request.Values![i];
            if (selected.Kind is not { } kind || !Enum.IsDefined(kind) || string.IsNullOrWhiteSpace(selected.Value))
            {
                errors.Add($"values[{i}]", "A kind and a value.");
                continue;
            }

            if (TextRules.FirstForbidden(selected.Value, multiLine: false) is not null)
            {
                errors.Add($"values[{i}]", "Contains a control or bidi-override character.");
                continue;
            }

            if (kind == IndicatorKind.Cve)
            {
                var cve = selected.Value.Trim().ToUpperInvariant();
                if (!cve.StartsWith("CVE-", StringComparison.Ordinal) || cve.Length > 64)
                {
                    errors.Add($"values[{i}]", "Not a CVE id.");
                    continue;
                }

                objects.Add(new StixObject(new JsonObject
                {
                    ["type"] = "vulnerability", ["spec_version"] = "2.1", ["id"] = "vulnerability--" + DeterministicId(caller.OrganisationId, cve),
                    ["created"] = now, ["modified"] = now, ["name"] = cve,
                    ["external_references"] = new JsonArray(new JsonObject { ["source_name"] = "cve", ["external_id"] = cve }),
                }));
                continue;
            }

            if (Sco(kind, selected.Value) is not { } sco)
            {
                errors.Add($"values[{i}]", $"Not a valid {kind} value.");
                continue;
            }

            var (pattern, observable) = sco;
            if (observable is not null)
            {
                ScoIds.Assign(observable);
                objects.Add(new StixObject(observable));
            }

            var indicator = new JsonObject
            {
                ["type"] = "indicator",
                ["spec_version"] = "2.1",
                ["id"] = "indicator--" + DeterministicId(caller.OrganisationId, pattern),
                ["created"] = now,
                ["modified"] = now,
                ["name"] = IntelStore.Cut(selected.Value.Trim(), IntelLimits.NameLength),
                ["pattern"] = pattern,
                ["pattern_type"] = "stix",
                ["valid_from"] = now,
                ["indicator_types"] = new JsonArray("malicious-activity"),
            };
            if (labels.Count > 0)
            {
                indicator["labels"] = new JsonArray(labels.Select(l => (JsonNode)JsonValue.Create(l.Trim())!).ToArray());
            }

            if (!string.IsNullOrWhiteSpace(request.Description))
            {
                indicator["description"] = request.Description;
            }

            objects.Add(new StixObject(indicator));
        }

        errors.ThrowIfAny();
        return objects;
    }

    private static IndexedValue? Index(IndicatorKind kind, string value) => kind switch
    {
        IndicatorKind.Ipv4 or IndicatorKind.Ipv6 or IndicatorKind.Cidr => ObservableValues.Address(value),
        IndicatorKind.Domain => ObservableValues.Classify("domain-name", "value", value),
        IndicatorKind.Url => ObservableValues.Classify("url", "value", value),
        IndicatorKind.Email => ObservableValues.Classify("email-addr", "value", value),
        IndicatorKind.Md5 => ObservableValues.Classify("file", "hashes.MD5", value),
        IndicatorKind.Sha1 => ObservableValues.Classify("file", "hashes.SHA-1", value),
        IndicatorKind.Sha256 => ObservableValues.Classify("file", "hashes.SHA-256", value),
        IndicatorKind.Sha512 => ObservableValues.Classify("file", "hashes.SHA-512", value),
        IndicatorKind.Cve => ObservableValues.Classify("vulnerability", "name", value.ToUpperInvariant()),
        IndicatorKind.AutonomousSystem => ObservableValues.Classify("autonomous-system", "number", value.TrimStart('A', 'S', 'a', 's')),
        _ => null,
    };

    // The pattern and (when the value is an observable) the SCO of one selected value; null when the value is not of its kind.
    private static (string Pattern, JsonObject? Sco)? Sco(IndicatorKind kind, string raw)
    {
        static string Q(string s) => "'" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";
        static JsonObject Obs(string type, string property, JsonNode value) => new() { ["type"] = type, ["spec_version"] = "2.1", [property] = value };
        switch (kind)
        {
            case IndicatorKind.Ipv4 or IndicatorKind.Ipv6 or IndicatorKind.Cidr:
                if (ObservableValues.Address(raw) is not { } address)
                {
                    return null;
                }

                var type = address.Kind is ObservableKind.Ipv4 or ObservableKind.Ipv4Cidr ? "ipv4-addr" : "ipv6-addr";
                return ($"[{type}:value = {Q(address.Value)}]", Obs(type, "value", address.Value));
            case IndicatorKind.Domain:
                return Normalise.TryDomain(raw, out var d) ? ($"[domain-name:value = {Q(d)}]", Obs("domain-name", "value", d)) : null;
            case IndicatorKind.Url:
                return Normalise.TryUrl(raw, out var u) ? ($"[url:value = {Q(u)}]", Obs("url", "value", u)) : null;
            case IndicatorKind.Email:
                return Normalise.TryEmail(raw, out var e) ? ($"[email-addr:value = {Q(e)}]", Obs("email-addr", "value", e)) : null;
            case IndicatorKind.Md5 or IndicatorKind.Sha1 or IndicatorKind.Sha256 or IndicatorKind.Sha512:
                var algorithm = kind switch { IndicatorKind.Md5 => "MD5", IndicatorKind.Sha1 => "SHA-1", IndicatorKind.Sha256 => "SHA-256", _ => "SHA-512" };
                var length = kind switch { IndicatorKind.Md5 => 32, IndicatorKind.Sha1 => 40, IndicatorKind.Sha256 => 64, _ => 128 };
                return Normalise.TryHash(raw, out var h) && h.Length == length
                    ? ($"[file:hashes.{Q(algorithm)} = {Q(h)}]", Obs("file", "hashes", new JsonObject { [algorithm] = h }))
                    : null;
            case IndicatorKind.AutonomousSystem:
                var digits = raw.Trim().TrimStart('A', 'S', 'a', 's');
                return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var asn) && asn is > 0 and <= uint.MaxValue
                    ? ($"[autonomous-system:number = {asn.ToString(CultureInfo.InvariantCulture)}]", Obs("autonomous-system", "number", asn))
                    : null;
            default:
                return null;
        }
    }

    // Sharing the same value again updates the organisation's one indicator for it instead of adding a second.
    private static string DeterministicId(Guid organisationId, string pattern) => IntelIdentity.Uuid5(organisationId, pattern).ToString("D");
}
