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
using Rampart.Standards.Intelligence;
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

        // The same builder as CSV imports and list feeds: one indicator id per organisation and pattern, so a value
        // shared again from text, a CSV or a feed becomes a new version of the organisation's one indicator for it.
        var objects = new List<StixObject>();
        var now = clock.GetUtcNow();
        var createdBy = IntelIdentity.Of(caller.OrganisationId);
        var tlp = TlpMarking.TryParse(request.Tlp, out var parsed) ? parsed : Tlp.Clear; // the store marks with the share's TLP
        string[] types = ["malicious-activity"];
        var cleanLabels = labels.Where(l => !string.IsNullOrWhiteSpace(l)).Select(l => l.Trim()).Distinct(StringComparer.Ordinal).ToList();
        var description = string.IsNullOrWhiteSpace(request.Description) ? null : request.Description;
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

            try
            {
                var built = IndicatorFactory.Create(new IndicatorRequest(kind, selected.Value, now, createdBy, tlp)
                {
                    Description = description,
                    Labels = cleanLabels,
                    IndicatorTypes = kind == IndicatorKind.Cve ? [] : types,
                });
                objects.Add(built.Subject);
                if (built.Indicator is { } indicator)
                {
                    objects.Add(indicator);
                }
            }
            catch (StandardsException e)
            {
                errors.Add($"values[{i}]", e.Reason);
            }
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
}
