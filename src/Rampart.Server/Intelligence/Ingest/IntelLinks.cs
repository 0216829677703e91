using System.Text.Json.Nodes;
using Rampart.Server.Access;
using Rampart.Server.Hosting;
using Rampart.Server.Intelligence.Read;
using Rampart.Server.Intelligence.Store;
using Rampart.Standards;
using Rampart.Standards.Markings;
using Rampart.Standards.Stix;

namespace Rampart.Server.Intelligence.Ingest;

/// <summary>The body of <c>POST /api/intel/objects/{stixId}/relationships</c>: the object linked to, the relationship type, an optional description.</summary>
public sealed record LinkRequest(string? Target, string? RelationshipType, string? Description = null);

/// <summary>A link as stored: the STIX <c>relationship</c>'s id, its ends and type, its TLP, and whether this request added it.</summary>
public sealed record LinkView(string Id, string SourceRef, string RelationshipType, string TargetRef, Tlp Tlp, IntelOutcomeKind Outcome)
{
    public bool Added => Outcome == IntelOutcomeKind.Added;
}

/// <summary>
/// Links an intelligence object to another one the caller may read (an ATT&amp;CK or DISARM technique, a threat actor, an
/// intrusion set, malware, a tool, a campaign …) with a STIX 2.1 <c>relationship</c> of a type the specification names for
/// the pair (<see cref="StixRelationships"/>). Only writers of the organisation owning the source object link it; the
/// relationship belongs to that organisation and is shared exactly as the source object is — its TLP, its audience, its
/// publication — never wider, so whoever reads the object reads its links and nobody else learns of them. It is written
/// through <see cref="IntelIngest"/> and <see cref="IntelStore"/> as a one-object job, like any share, and so reaches
/// the object page, exports, TAXII, the live stream and peers as any relationship does. Its id is a UUIDv5 of the owner,
/// source, type and target: linking twice is the same object.
/// </summary>
public sealed class IntelLinks(IntelQueries intel, IntelIngest ingest, SharingStore sharing, TimeProvider clock)
{
    /// <summary>Longest description of a link.</summary>
    public const int DescriptionLength = 10_000;

    // The namespace of link ids (UUIDv5 names: "owner|source|type|target").
    private static readonly Guid LinkNamespace = Guid.Parse("6d0c9d3e-52a1-5b0e-8f43-6c696e6b7321");

    /// <summary>The id the link of <paramref name="owner"/> from <paramref name="source"/> to <paramref name="target"/> has.</summary>
    public static string IdOf(Guid owner, string source, string relationshipType, string target) =>
        "relationship--" + IntelIdentity.Uuid5(LinkNamespace, $"{owner:D}|{source}|{relationshipType}|{target}").ToString("D");

    /// <summary>
    /// Links <paramref name="sourceId"/> as <paramref name="request"/> says. Null ("not found") when the caller may not read
    /// the source; <see cref="ForbiddenException"/> when they may read but not write it; a 400 naming <c>target</c> for a
    /// target that is unknown or not readable (the same answer for both), naming <c>relationshipType</c> for a type the
    /// specification does not name for the pair.
    /// </summary>
    public async Task<LinkView?> LinkAsync(Caller caller, string sourceId, LinkRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        if (!StixIdentifier.TryParse(sourceId, out _, out _) || sourceId.Length > IntelLimits.StixIdLength)
        {
            throw RequestErrors.One("stixId", "Not a STIX identifier (type--UUID).");
        }

        var errors = new RequestErrors();
        var targetId = request.Target?.Trim();
        if (string.IsNullOrEmpty(targetId))
        {
            errors.Add("target", "Required: the STIX id of the object to link to.");
        }
        else if (!StixIdentifier.TryParse(targetId, out _, out _) || targetId.Length > IntelLimits.StixIdLength)
        {
            errors.Add("target", "Not a STIX identifier (type--UUID).");
        }

        var relationshipType = request.RelationshipType?.Trim();
        if (string.IsNullOrEmpty(relationshipType))
        {
            errors.Add("relationshipType", "Required: a STIX relationship type, e.g. indicates, uses, attributed-to, targets, related-to.");
        }

        errors.MultiLine("description", request.Description, DescriptionLength);
        errors.ThrowIfAny();

        // The source: the caller's organisation's copy, else the one they are served; writers of its owner only.
        var source = await intel.LinkSourceAsync(caller, sourceId, cancellationToken);
        if (source is null)
        {
            return null;
        }

        if (!AccessPolicy.CanWrite(caller, source.Record))
        {
            throw new ForbiddenException("Only writers of the organisation that owns the object link it.");
        }

        if (source.WithdrawnAt is not null || source.Revoked)
        {
            throw RequestErrors.One("stixId", source.WithdrawnAt is not null
                ? "The object is withdrawn: it has nothing left to link."
                : "The object is revoked: nobody should act on it any more, so it gets no new links.");
        }

        // The target: readable through the access decision, or it does not exist (one answer for both).
        var target = string.Equals(targetId, sourceId, StringComparison.Ordinal) ? null : await intel.LinkTargetAsync(caller, targetId!, cancellationToken);
        if (target is null)
        {
            throw RequestErrors.One("target", "No object with this STIX id that you may read (an object is not linked to itself).");
        }

        if (target.WithdrawnAt is not null || target.Revoked)
        {
            throw RequestErrors.One("target", target.WithdrawnAt is not null
                ? "The object was withdrawn by its owner: link another one."
                : "The object was revoked by its owner: nobody should act on it any more; link another one.");
        }

        var valid = StixRelationships.Between(source.StixType, target.StixType);
        if (!valid.Contains(relationshipType!, StringComparer.Ordinal))
        {
            throw RequestErrors.One("relationshipType",
                $"STIX 2.1 names no '{relationshipType}' from {source.StixType} to {target.StixType}; valid: {string.Join(", ", valid)}.");
        }

        var description = string.IsNullOrWhiteSpace(request.Description) ? null : request.Description.Trim();
        var id = IdOf(source.OwnerOrganisationId, source.StixId, relationshipType!, target.StixId);

        // Shared as the source is: its TLP, its audience entries and its publication (never wider).
        var grants = await sharing.GrantsOfAsync(source.RecordId, cancellationToken);
        var share = new IntelShare(source.Record.Tlp, SharingStore.AudienceOf(grants), source.Record.Published && target.Record.Published);

        // The link names its target to everyone who reads the source: the target must reach each of them — a TLP no
        // stricter, the source's organisation and every entry of the source's audience covered by the target's (review
        // s17 #1: an AMBER+STRICT actor shared with one organisation must not be named to the network by its link).
        var targetReach = SharingStore.AudienceOf(await sharing.GrantsOfAsync(target.RecordId, cancellationToken))
            .Where(a => IntelStore.Reaches(a, target.Record.Tlp)).ToList();
        bool Covered(ResolvedAudience entry) => IntelStore.Covers(targetReach, entry);
        // The object's organisation reads the target as its owner, as a named organisation, or as a member of a community
        // the target is shared with (the caller is a writer of that organisation: its communities are the caller's).
        var ownerReads = target.OwnerOrganisationId == source.OwnerOrganisationId
            || Covered(new ResolvedAudience(AudienceKind.Organisation, source.OwnerOrganisationId))
            || targetReach.Any(a => a.Kind == AudienceKind.Community && a.CommunityId is { } k && caller.CommunityIds.Contains(k));
        if (target.Record.Tlp > source.Record.Tlp || !ownerReads || !share.Audience.Where(a => IntelStore.Reaches(a, source.Record.Tlp)).All(Covered))
        {
            throw RequestErrors.One("target",
                $"Shared more narrowly than the object ({target.Record.Tlp.Label()}, to fewer readers): the link would name it to readers of the object who may not read it. Link to an object every reader of this one may read.");
        }

        // Linked before: the same link (its first created kept). Unchanged when it says the same and is shared as the
        // source is; otherwise a new version, which the store marks with the stricter TLP and narrows to the source's audience.
        var held = await intel.OwnCopyAsync(caller, id, cancellationToken);
        var now = clock.GetUtcNow();
        var created = Timestamps.Format(now);
        var modified = created;
        if (held is not null)
        {
            if (held.Intel.WithdrawnAt is not null || held.Intel.Revoked)
            {
                throw new ConflictException("Your organisation revoked or withdrew this link: it cannot be made again.");
            }

            var heldCreated = held.Current?["created"]?.GetValue<string>() ?? Timestamps.Format(held.Intel.Created);
            var heldDescription = held.Current?["description"] is JsonValue d && d.TryGetValue<string>(out var text) ? text : null;
            var heldGrants = await sharing.GrantsOfAsync(held.Intel.RecordId, cancellationToken);
            var sameSharing = held.Intel.Record.Tlp >= share.Tlp && held.Intel.Record.Published == (share.Published && share.Tlp == Tlp.Clear)
                && SharingStore.AudienceOf(heldGrants).ToHashSet().SetEquals(share.Audience);
            if (string.Equals(heldDescription, description, StringComparison.Ordinal) && sameSharing)
            {
                return new LinkView(id, source.StixId, relationshipType!, target.StixId, held.Intel.Record.Tlp, IntelOutcomeKind.Unchanged);
            }

            created = heldCreated;
            modified = Timestamps.Format(now > held.Intel.Modified ? now : held.Intel.Modified.AddMilliseconds(1));
        }

        var relationship = new JsonObject
        {
            ["type"] = "relationship", ["spec_version"] = "2.1", ["id"] = id, ["created"] = created, ["modified"] = modified,
            ["relationship_type"] = relationshipType, ["source_ref"] = source.StixId, ["target_ref"] = target.StixId,
        };
        if (description is not null)
        {
            relationship["description"] = description;
        }

        var job = await ingest.Store.StartJobAsync(caller, IntelImportFormat.Link, share.Tlp, cancellationToken);
        await ingest.RunAsync(caller, job, share, IntelIngest.ListItems([new StixObject(relationship)]), cancellationToken);
        var outcome = (await ingest.FindAsync(caller, job.Id, null, 1, cancellationToken))?.Outcomes is { Count: > 0 } outcomes ? outcomes[0] : null;
        if (outcome is null || outcome.Outcome == IntelOutcomeKind.Rejected)
        {
            throw RequestErrors.One("target", $"The link was not stored: {outcome?.Detail ?? job.Error ?? "unknown reason"}");
        }

        var stored = await intel.OwnCopyAsync(caller, id, cancellationToken);
        return new LinkView(id, source.StixId, relationshipType!, target.StixId, stored?.Intel.Record.Tlp ?? share.Tlp, outcome.Outcome);
    }
}
