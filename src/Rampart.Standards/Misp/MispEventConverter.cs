using System.Text.Json;
using System.Text.Json.Nodes;
using Rampart.Standards.Markings;
using Rampart.Standards.Stix;
using static Rampart.Standards.Misp.MispJson;

namespace Rampart.Standards.Misp;

/// <summary>Something of the MISP event that has no STIX 2.1 counterpart here: where it was, what it was, and why.</summary>
public sealed record MispUnmapped(string Path, string What, string Reason);

/// <summary>The STIX objects made from a MISP event, with everything that could not be mapped.</summary>
public sealed record MispConversion(
    StixObject Report,
    IReadOnlyList<StixObject> Objects,
    IReadOnlyList<MispUnmapped> Unmapped,
    Tlp? Tlp,
    Pap? Pap,
    int? Distribution);

/// <summary>
/// Converts a MISP event (as MISP's REST API and feeds produce it) to STIX 2.1. The work is done by one mapper per
/// MISP concept — <see cref="MispAttributeMapper"/>, <see cref="MispObjectMapper"/>, <see cref="MispGalaxyMapper"/>,
/// <see cref="MispSightingMapper"/> — over a shared <see cref="MispContext"/>; this class parses the JSON, runs them
/// in order and builds the creator identity and the report. Nothing is dropped silently: what has no mapping is
/// listed in <see cref="MispConversion.Unmapped"/> with its path and the reason.
/// </summary>
public static class MispEventConverter
{
    public static MispConversion Convert(ReadOnlySpan<byte> json)
    {
        var node = MispJson.Parse(json);
        var root = node as JsonObject ?? throw new StandardsException("A MISP event is a JSON object.", path: "$");
        var ev = root["Event"] as JsonObject ?? root;
        return Run(new MispContext(ev));
    }

    private static MispConversion Run(MispContext context)
    {
        AddIdentity(context);
        var galaxies = new MispGalaxyMapper(context);
        var attributes = new MispAttributeMapper(context, galaxies);
        var objects = new MispObjectMapper(context, attributes, galaxies);
        attributes.MapAll();
        objects.MapAll();
        galaxies.MapGalaxies(context.Event["Galaxy"] as JsonArray, "Event.Galaxy");
        MapRelatedEventsReportsAndProposals(context);
        galaxies.MapTagGalaxies(context.Event["Tag"] as JsonArray, "Event.Tag");
        new MispSightingMapper(context).MapAll();

        // A report refers to at least one object (STIX 2.1 §4.14). An event with nothing convertible and no creator
        // gets a note that says so, rather than an empty or dangling object_refs.
        if (context.IdentityId.Length == 0 && !context.Objects.Any(o => o.Type is not ("identity" or "marking-definition")))
        {
            var note = context.Sdo("note", MispContext.Derived($"{context.EventUuid}:empty"));
            note["content"] = "The MISP event has no content that converts to STIX; see the conversion's loss report.";
            note["object_refs"] = new JsonArray((JsonNode)$"report--{context.EventUuid}");
            MispContext.Mark(note, context.EventTlp);
            context.Add(new StixObject(note));
        }

        var report = BuildReport(context);
        return new MispConversion(report, [.. context.Objects, report], context.Unmapped, context.EventTlp, context.EventPap, Int(context.Event, "distribution"));
    }

    private static void AddIdentity(MispContext context)
    {
        var orgc = context.Event["Orgc"] as JsonObject;
        var name = orgc is null ? null : Str(orgc, "name");
        var uuid = orgc is null ? null : Str(orgc, "uuid");
        if (name is null)
        {
            context.Lost("Event.Orgc", "creator organisation", "The event names no creator organisation; objects carry no created_by_ref.");
            return;
        }

        var identity = new JsonObject
        {
            ["type"] = "identity",
            ["spec_version"] = "2.1",
            ["id"] = "identity--" + MispContext.UuidOr(uuid, "orgc:" + name),
            ["created"] = context.Created,
            ["modified"] = context.Created,
            ["name"] = name,
            ["identity_class"] = "organization",
        };
        context.IdentityId = MispContext.IdOf(identity);
        context.Add(new StixObject(identity));
    }

    private static void MapRelatedEventsReportsAndProposals(MispContext context)
    {
        foreach (var related in context.Event["RelatedEvent"] as JsonArray ?? [])
        {
            if (related is JsonObject r && r["Event"] is JsonObject other && Str(other, "uuid") is { } otherUuid)
            {
                context.ExternalReferences.Add(new JsonObject { ["source_name"] = "misp-related-event", ["external_id"] = otherUuid, ["description"] = Str(other, "info") ?? "" });
            }
        }

        foreach (var (i, report) in Live(context.Event["EventReport"]))
        {
            if (Str(report, "content") is not { } content)
            {
                continue;
            }

            var path = $"Event.EventReport[{i}]";
            var uuid = context.ClaimUuid(Str(report, "uuid"), path, out var problem);
            if (problem is not null)
            {
                context.Lost(path, "event report", $"{problem}; kept under an id derived from the event and this path.");
            }

            var note = context.Sdo("note", uuid, Time(Str(report, "timestamp")));
            note["abstract"] = Str(report, "name") ?? "MISP event report";
            note["content"] = content;
            note["object_refs"] = new JsonArray((JsonNode)$"report--{context.EventUuid}");
            MispContext.Mark(note, context.EventTlp);
            context.Add(new StixObject(note));
        }

        var proposals = context.Event["ShadowAttribute"] as JsonArray ?? [];
        for (var i = 0; i < proposals.Count; i++)
        {
            if (proposals[i] is JsonObject proposal)
            {
                context.Lost($"Event.ShadowAttribute[{i}]", $"{Str(proposal, "type")}: {Truncate(Str(proposal, "value") ?? "", 200)}", "A proposal not accepted into the event is not converted.");
            }
        }
    }

    private static StixObject BuildReport(MispContext context)
    {
        var ev = context.Event;
        var report = context.Sdo("report", context.EventUuid, Time(Str(ev, "timestamp")) ?? context.Created);
        report["name"] = context.Info;
        report["published"] = Time(Str(ev, "publish_timestamp")) is { } p && Str(ev, "published") is not null && Bool(ev, "published") ? p : DateOnly(Str(ev, "date")) ?? context.Created;
        report["report_types"] = new JsonArray("threat-report");
        var refs = context.Objects.Select(o => o.Id).Where(id => !id.StartsWith("identity--", StringComparison.Ordinal) && !id.StartsWith("marking-definition--", StringComparison.Ordinal)).ToList();
        report["object_refs"] = refs.Count > 0 ? new JsonArray([.. refs.Select(r => (JsonNode)r)]) : new JsonArray((JsonNode)context.IdentityId);
        if (context.EventLabels.Count > 0)
        {
            report["labels"] = new JsonArray([.. context.EventLabels.Select(l => (JsonNode)l)]);
        }

        if (context.ExternalReferences.Count > 0)
        {
            report["external_references"] = new JsonArray([.. context.ExternalReferences]);
        }

        if (Int(ev, "threat_level_id") is { } level)
        {
            report["x_misp_threat_level"] = level switch { 1 => "high", 2 => "medium", 3 => "low", _ => "undefined" };
        }

        if (Int(ev, "analysis") is { } analysis)
        {
            report["x_misp_analysis"] = analysis switch { 0 => "initial", 1 => "ongoing", _ => "completed" };
        }

        if (Int(ev, "distribution") is { } distribution)
        {
            report["x_misp_distribution"] = distribution;
        }

        MispContext.Mark(report, context.EventTlp);
        return new StixObject(report);
    }
}
