using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Incidents.Observables;
using Rampart.Server.Intelligence.Store;
using Rampart.Standards;
using Rampart.Standards.Markings;
using Rampart.Standards.Stix;

namespace Rampart.Server.Incidents.Export;

/// <summary>
/// An incident as a STIX 2.1 bundle, for its reader: the <c>incident</c> SDO (name, description, and Rampart's fields in a
/// property extension declared by an <c>extension-definition</c> in the bundle), the owning organisation's identity, the
/// TLP marking definition, journal entries and tasks the reader sees as <c>note</c>s, and the linked intelligence objects the
/// reader may read with a <c>related-to</c> relationship each. Everything comes through <see cref="IncidentQueries"/> and
/// <see cref="IncidentObservables"/>, so the bundle holds exactly what the reader could read one by one.
/// </summary>
public sealed class IncidentStixExport(RampartDb db, IncidentQueries incidents, IncidentObservables observables, TimeProvider clock, Disarm.DisarmTechniques disarm)
{
    /// <summary>The Rampart incident property extension (a fixed id: every node declares the same extension).</summary>
    public const string ExtensionId = "extension-definition--6f1c3e62-2b8a-4d0e-9a57-3d1c0b6f4e21";

    public const int MaxParts = 1000;

    private static readonly Guid RelationshipNamespace = Guid.Parse("b0a6e0f4-4a37-5c2e-9c5d-1f0e7c1d3a90");

    public async Task<JsonObject?> BundleAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        if (await incidents.FindAsync(caller, id, cancellationToken) is not { } read)
        {
            return null;
        }

        var incident = read.Incident;
        var tlp = incident.Record.Tlp;
        var marking = tlp.StixMarkingId();
        var owner = incident.Record.OwnerOrganisationId;
        var ownerIdentity = IntelIdentity.Of(owner);
        // STIX ids are RFC 4122 UUIDs: the record's UUIDv7 ids (RFC 9562) are mapped to stable UUIDv5 ones.
        var incidentId = "incident--" + StixUuid(incident.Id);
        var now = Timestamps.Format(clock.GetUtcNow());
        var objects = new JsonArray();
        var organisations = new HashSet<Guid> { owner };

        objects.Add(tlp.StixMarkingDefinition());
        objects.Add(new JsonObject
        {
            ["type"] = "extension-definition",
            ["spec_version"] = "2.1",
            ["id"] = ExtensionId,
            ["created_by_ref"] = ownerIdentity,
            ["created"] = "2026-11-30T00:00:00.000Z",
            ["modified"] = "2026-11-30T00:00:00.000Z",
            ["name"] = "Rampart incident",
            ["description"] = "The coordination fields of a Rampart incident: number, status, severity, NIS2 sector, RSIT classification, countries, PAP and times.",
            ["schema"] = "https://github.com/rampart-cert/rampart/blob/main/docs/incidents.md",
            ["version"] = "1.0.0",
            ["extension_types"] = new JsonArray("property-extension"),
        });

        var rampart = new JsonObject
        {
            ["extension_type"] = "property-extension",
            ["number"] = incident.HumanId,
            ["status"] = IncidentEditing.Kebab(incident.Status),
            ["severity"] = IncidentEditing.Kebab(incident.Severity),
            ["sector"] = incident.Sector,
            ["pap"] = incident.Pap.ToString().ToLowerInvariant(),
            ["significant"] = incident.Significant,
            ["entity_kind"] = IncidentEditing.Kebab(incident.EntityKind),
            ["aware_at"] = Timestamps.Format(incident.AwareAt),
        };
        if (incident.AffectedEntity is { } entity)
        {
            rampart["affected_entity"] = entity;
        }

        if (incident.DetectedAt is { } detected)
        {
            rampart["detected_at"] = Timestamps.Format(detected);
        }

        if (incident.StartedAt is { } started)
        {
            rampart["started_at"] = Timestamps.Format(started);
        }

        if (incident.Countries.Count > 0)
        {
            rampart["countries"] = new JsonArray([.. incident.Countries.Select(c => c.Country).Order(StringComparer.Ordinal).Select(c => (JsonNode)JsonValue.Create(c))]);
        }

        if (incident.Classifications.Count > 0)
        {
            rampart["rsit"] = new JsonArray([.. incident.Classifications.Select(c => (JsonNode)JsonValue.Create($"{c.Category}/{c.Kind}"))]);
        }

        var sdo = new JsonObject
        {
            ["type"] = "incident",
            ["spec_version"] = "2.1",
            ["id"] = incidentId,
            ["created_by_ref"] = ownerIdentity,
            ["created"] = Timestamps.Format(incident.CreatedAt),
            ["modified"] = Timestamps.Format(incident.ModifiedAt),
            ["name"] = incident.Title,
            ["object_marking_refs"] = new JsonArray(marking),
            ["extensions"] = new JsonObject { [ExtensionId] = rampart },
        };
        if (!string.IsNullOrWhiteSpace(incident.Summary))
        {
            sdo["description"] = incident.Summary;
        }

        // DISARM tags as external references (source "DISARM", as DISARM's own STIX bundles cite their techniques, with the
        // technique's page): a receiver that knows DISARM matches them by external_id, where labels would be free text.
        if (incident.Techniques.Count > 0)
        {
            var references = new JsonArray();
            foreach (var techniqueId in incident.Techniques.Select(t => t.TechniqueId).Order(StringComparer.Ordinal))
            {
                var reference = new JsonObject { ["source_name"] = "DISARM", ["external_id"] = techniqueId };
                if (disarm.Find(techniqueId) is { } technique)
                {
                    reference["description"] = technique.Name;
                    if (technique.Url is { } url)
                    {
                        reference["url"] = url;
                    }
                }

                references.Add(reference);
            }

            sdo["external_references"] = references;
        }

        objects.Add(sdo);

        // Journal entries and tasks as the reader sees them (owner-only ones only for the owner), as notes about the incident.
        var (entries, _) = await incidents.JournalAsync(read, null, MaxParts, cancellationToken);
        foreach (var entry in entries.Where(e => e.Kind == JournalEntryKind.Entry))
        {
            organisations.Add(entry.AuthorOrganisationId);
            objects.Add(Note("note--" + StixUuid(entry.PublicId), entry.AuthorOrganisationId, entry.CreatedAt, entry.CreatedAt, null, entry.Body, incidentId, marking));
        }

        var (tasks, _) = await incidents.TasksAsync(read, null, MaxParts, openOnly: false, cancellationToken);
        foreach (var task in tasks)
        {
            organisations.Add(task.CreatedByOrganisationId);
            var content = $"[{IncidentEditing.Kebab(task.Status)}] {task.Description}".TrimEnd();
            objects.Add(Note("note--" + StixUuid(task.PublicId), task.CreatedByOrganisationId, task.CreatedAt, task.ModifiedAt, task.Title, content, incidentId, marking));
        }

        // The linked intelligence the reader may read; each related to the incident.
        foreach (var linked in await observables.ReadableLinkedStixAsync(caller, read, MaxParts, cancellationToken))
        {
            var target = linked["id"]!.GetValue<string>();
            objects.Add(linked);
            objects.Add(new JsonObject
            {
                ["type"] = "relationship",
                ["spec_version"] = "2.1",
                ["id"] = "relationship--" + IntelIdentity.Uuid5(RelationshipNamespace, incidentId + "|" + target).ToString("D"),
                ["created_by_ref"] = ownerIdentity,
                ["created"] = now,
                ["modified"] = now,
                ["relationship_type"] = "related-to",
                ["source_ref"] = incidentId,
                ["target_ref"] = target,
                ["object_marking_refs"] = new JsonArray(marking),
            });
        }

        var names = await db.Organisations.AsNoTracking().Where(o => organisations.Contains(o.Id))
            .Select(o => new { o.Id, o.Name, o.Country }).ToListAsync(cancellationToken);
        foreach (var organisation in names.OrderBy(o => o.Id))
        {
            objects.Insert(1, new JsonObject
            {
                ["type"] = "identity",
                ["spec_version"] = "2.1",
                ["id"] = IntelIdentity.Of(organisation.Id),
                ["created"] = "2026-01-01T00:00:00.000Z",
                ["modified"] = "2026-01-01T00:00:00.000Z",
                ["name"] = organisation.Name,
                ["identity_class"] = "organization",
            });
        }

        return new JsonObject
        {
            ["type"] = "bundle",
            ["id"] = "bundle--" + IntelIdentity.Uuid5(RelationshipNamespace, incidentId + "|bundle|" + now).ToString("D"),
            ["objects"] = objects,
        };
    }

    private static string StixUuid(Guid id) => IntelIdentity.Uuid5(RelationshipNamespace, id.ToString("D")).ToString("D");

    private static JsonObject Note(string id, Guid author, DateTimeOffset created, DateTimeOffset modified, string? @abstract, string content, string incidentId, string marking)
    {
        var note = new JsonObject
        {
            ["type"] = "note",
            ["spec_version"] = "2.1",
            ["id"] = id,
            ["created_by_ref"] = IntelIdentity.Of(author),
            ["created"] = Timestamps.Format(created),
            ["modified"] = Timestamps.Format(modified < created ? created : modified),
            ["content"] = string.IsNullOrEmpty(content) ? "-" : content,
            ["object_refs"] = new JsonArray(incidentId),
            ["object_marking_refs"] = new JsonArray(marking),
        };
        if (@abstract is not null)
        {
            note["abstract"] = @abstract;
        }

        return note;
    }
}
