using System.Text.Json.Nodes;
using Rampart.Standards.Stix;
using static Rampart.Standards.Misp.MispJson;

namespace Rampart.Standards.Misp;

/// <summary>
/// MISP sightings → STIX sightings of the object the sighted attribute became: an indicator, observed-data, note,
/// vulnerability, or the indicator / observed-data of the MISP object holding it. Sightings nested in an attribute
/// go to that attribute's object; event-level sightings find theirs by <c>attribute_uuid</c>. False-positive and
/// expiration sightings, and sightings of attributes that became no object, are reported.
/// </summary>
internal sealed class MispSightingMapper(MispContext context)
{
    public void MapAll()
    {
        Map(context.Event, "Event", null);
        foreach (var (i, a) in Live(context.Event["Attribute"]))
        {
            Map(a, $"Event.Attribute[{i}]", $"Event.Attribute[{i}]");
        }

        foreach (var (i, o) in Live(context.Event["Object"]))
        {
            foreach (var (j, a) in Live(o["Attribute"]))
            {
                Map(a, $"Event.Object[{i}].Attribute[{j}]", $"Event.Object[{i}].Attribute[{j}]");
            }
        }
    }

    private void Map(JsonObject holder, string path, string? attributePath)
    {
        var sightings = holder["Sighting"] as JsonArray ?? [];
        for (var i = 0; i < sightings.Count; i++)
        {
            if (sightings[i] is not JsonObject sighting)
            {
                continue;
            }

            var at = $"{path}.Sighting[{i}]";
            var target = Target(sighting, attributePath, out var why);
            if (target is null)
            {
                context.Lost(at, "sighting", why);
                continue;
            }

            if (Str(sighting, "type") is "1" or "2")
            {
                context.Lost(at, "false-positive or expiration sighting", "STIX sightings record only that something was seen.");
                continue;
            }

            var uuid = context.ClaimUuid(Str(sighting, "uuid"), at, out var problem);
            if (problem is not null)
            {
                context.Lost(at, "sighting", $"{problem}; kept under an id derived from the event and this path.");
            }

            var when = Time(Str(sighting, "date_sighting")) ?? context.Created;
            var stix = context.Sdo("sighting", uuid, when);
            stix["sighting_of_ref"] = target;
            stix["first_seen"] = when;
            stix["last_seen"] = when;
            stix["count"] = 1;
            if (sighting["Organisation"] is JsonObject org && Str(org, "name") is { } orgName)
            {
                var orgId = "identity--" + MispContext.UuidOr(Str(org, "uuid"), "orgc:" + orgName);
                if (!context.Contains(orgId))
                {
                    context.Add(new StixObject(new JsonObject
                    {
                        ["type"] = "identity", ["spec_version"] = "2.1", ["id"] = orgId, ["created"] = context.Created, ["modified"] = context.Created,
                        ["name"] = orgName, ["identity_class"] = "organization",
                    }));
                }

                stix["where_sighted_refs"] = new JsonArray((JsonNode)orgId);
            }

            MispContext.Mark(stix, context.EventTlp);
            context.Add(new StixObject(stix));
        }
    }

    private string? Target(JsonObject sighting, string? attributePath, out string why)
    {
        why = "";
        if (attributePath is not null)
        {
            if (context.AttributeIdsByPath.TryGetValue(attributePath, out var id))
            {
                return id;
            }

            why = context.NotSightable.TryGetValue(attributePath, out var reason) ? reason : $"The sighted attribute {attributePath} was not converted (see its own entry).";
            return null;
        }

        var uuid = Str(sighting, "attribute_uuid");
        if (uuid is not null && Guid.TryParse(uuid, out var g) && context.AttributeIds.TryGetValue(g.ToString(), out var byUuid))
        {
            return byUuid;
        }

        why = uuid is null ? "The sighting names no attribute."
            : Guid.TryParse(uuid, out var u) && context.NotSightable.TryGetValue(u.ToString(), out var reason2) ? reason2
            : $"The sighted attribute {uuid} was not converted or is not in this event.";
        return null;
    }
}
