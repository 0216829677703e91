using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Federation;
using Rampart.Server.Incidents.Attachments;
using Rampart.Server.Validation;

namespace Rampart.Server.Incidents.Peers;

/// <summary>
/// The owner's side of journal attachments across nodes (ADR 17): a participant's node asks, signed, for the bytes of one
/// attachment for one organisation declared to live on it. The owner's node answers them only when that organisation takes
/// part in the incident through that node and reads — as itself, by the owner's own queries — the journal entry the file
/// belongs to; otherwise 404, the same for an unknown id, another incident's file or an owner-only entry's.
/// </summary>
public sealed class IncidentPeerAttachmentServer(RampartDb db, FederationTrust trust, IncidentQueries incidents, AttachmentStore store, AuditTrail audit)
{
    /// <summary>The attachment and its bytes, or null (404) when the organisation may not have them.</summary>
    public async Task<(Attachment Attachment, byte[] Content)?> FindAsync(FederationPeer peer, byte[] body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(peer);
        JsonObject? asked;
        try
        {
            asked = JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }

        if (!Guid.TryParse(PeerIncidentWire.Text(asked, "incident"), out var incidentId) || !Guid.TryParse(PeerIncidentWire.Text(asked, "attachment"), out var attachmentId)
            || PeerIncidentWire.Text(asked, "organisation") is not { } identity)
        {
            return null;
        }

        var keys = await trust.KeysAsync(cancellationToken);
        if (!keys.Declared.TryGetValue((peer.Id, identity), out var organisation))
        {
            return null;
        }

        // As for commands: only the node the organisation accepted its current invitation through, and only while it takes part.
        var sent = await IncidentPeerCommandInbox.SentAsync(db, peer.Id, incidentId, organisation, cancellationToken);
        if (sent is null || await IncidentPeerCommandInbox.CurrentInvitationAsync(db, sent.IncidentRecordId, organisation, cancellationToken) is not { Status: InvitationStatus.Accepted } current
            || !IncidentPeerCommandInbox.AcceptedThrough(sent, current))
        {
            return null;
        }

        // Read as the organisation, through the access decision and its standing: exactly what its views carry.
        var reader = await IncidentPeerSync.ReaderForAsync(db, organisation, cancellationToken);
        if (await incidents.FindAsync(reader, incidentId, cancellationToken) is not { IsParticipant: true } read
            || await store.OfJournalAsync(read, attachmentId, cancellationToken) is not { } found)
        {
            return null;
        }

        var who = Guid.TryParse(PeerIncidentWire.Text(asked, "user"), out var user) ? IncidentPeerCommandInbox.UserIdFor(peer.Id, user) : Guid.Empty;
        await audit.RecordNowAsync(AuditEvent.IncidentAttachmentDownloaded, new Caller(who, organisation, Role.Viewer, new HashSet<Guid>(), ReadOnly: true, Credential: $"federation-peer:{peer.Id:N}"),
            $"attachment:{attachmentId}", detail: $"for {peer.Name}{(found.Attachment.Sample ? " (sample)" : "")}", cancellationToken: cancellationToken);
        return found;
    }
}

/// <summary>What a download through a copy gave: the file (as the owner's node listed it) and its bytes, or why not.</summary>
public sealed record PeerAttachmentDownload(PeerAttachment? File, byte[]? Content, string? Failure)
{
    public static PeerAttachmentDownload Failed(string reason) => new(null, null, reason);
}

/// <summary>
/// The participant's side: a journal attachment listed in a copy is downloaded by the copy's readers (the organisation it is
/// for) from the owner's node at that moment, never kept here. Served only when the bytes have the size and SHA-256 the owner's
/// node listed in its signed view.
/// </summary>
public sealed partial class PeerIncidentAttachments(RampartDb db, AccessPolicy access, FederationRequests requests, AuditTrail audit,
    Microsoft.Extensions.Options.IOptions<AttachmentOptions> options, ILogger<PeerIncidentAttachments> logger)
{
    /// <summary>
    /// Null (404) when the caller may not read the copy or the copy lists no such file with that entry; a failure when the
    /// owner's node does not deliver it (409 when it is no longer an active peer).
    /// </summary>
    public async Task<PeerAttachmentDownload?> DownloadAsync(Caller caller, Guid copyId, Guid entryId, Guid attachmentId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var copies = db.PeerIncidents;
        var copy = await access.Readable(copies.AsNoTracking(), caller).FirstOrDefaultAsync(c => c.Id == copyId, cancellationToken);
        if (copy is null || copy.OrganisationId != caller.OrganisationId || copy.State != PeerIncidentState.Participating)
        {
            return null;
        }

        var recordId = copy.RecordId;
        var json = await db.PeerIncidentJournal.AsNoTracking().Where(e => e.PeerIncidentRecordId == recordId && e.OriginEntryId == entryId)
            .Select(e => e.Json).FirstOrDefaultAsync(cancellationToken);
        var file = json is null ? null : JsonSerializer.Deserialize<PeerJournalEntry>(json, PeerIncidentWire.Json)?.Attachments?.FirstOrDefault(a => a.Id == attachmentId);
        if (file is null)
        {
            return null;
        }

        await PeerWriteGuard.EnsureOwnerReachableAsync(db, copy.PeerId, cancellationToken);
        if (file.Size > options.Value.MaxBytes)
        {
            // The owner's node decides what it lists, this node what it holds in memory for one download.
            return PeerAttachmentDownload.Failed($"The file is larger than this node takes ({options.Value.MaxBytes} bytes): download it on the owner's node.");
        }

        var peer = await db.FederationPeers.AsNoTracking().FirstAsync(p => p.Id == copy.PeerId, cancellationToken);
        var ask = new JsonObject
        {
            ["incident"] = copy.OriginIncidentId.ToString("D"),
            ["organisation"] = Intelligence.Store.IntelIdentity.Of(copy.OrganisationId),
            ["attachment"] = attachmentId.ToString("D"),
            ["user"] = caller.UserId.ToString("D"),
        };
        byte[] content;
        using var within = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        within.CancelAfter(PeerIncidentLimits.AttachmentFetchTimeout);
        try
        {
            using var response = await requests.SendAsync(peer, PeerIncidentWire.AttachmentsPath, PeerIncidentWire.AttachmentsPurpose, Encoding.UTF8.GetBytes(ask.ToJsonString()),
                within.Token, HttpCompletionOption.ResponseHeadersRead);
            if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                return PeerAttachmentDownload.Failed("The owner's node does not give this file to your organisation (any more).");
            }

            if (!response.IsSuccessStatusCode)
            {
                return PeerAttachmentDownload.Failed($"The owner's node answered {(int)response.StatusCode}.");
            }

            // Never more than the listed size is read: a node cannot fill this one's memory with a larger answer.
            await using var stream = await response.Content.ReadAsStreamAsync(within.Token);
            content = new byte[file.Size];
            await stream.ReadExactlyAsync(content, within.Token);
            if (await stream.ReadAsync(new byte[1], within.Token) != 0)
            {
                return PeerAttachmentDownload.Failed("The owner's node sent more bytes than it listed for this file.");
            }
        }
        catch (EndOfStreamException)
        {
            return PeerAttachmentDownload.Failed("The owner's node sent fewer bytes than it listed for this file.");
        }
        catch (Exception e) when (e is HttpRequestException or IOException or InvalidDataException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // The reason is for the operators' log; the person is told what they can do.
            LogFetchFailed(logger, peer.Name, e.GetType().Name, e.Message);
            return PeerAttachmentDownload.Failed(e is OperationCanceledException
                ? "The owner's node did not send the file in time: try again later."
                : "The owner's node could not be reached or broke off: try again later.");
        }

        if (!string.Equals(Convert.ToHexStringLower(SHA256.HashData(content)), file.Sha256, StringComparison.Ordinal))
        {
            await audit.RecordNowAsync(AuditEvent.IncidentAttachmentDownloaded, caller, $"peer-incident:{copy.Id}", AuditOutcome.Denied,
                $"{attachmentId}: the bytes from {peer.Name} do not have the listed SHA-256", cancellationToken: cancellationToken);
            return PeerAttachmentDownload.Failed("The file the owner's node sent does not have the SHA-256 it listed: not served.");
        }

        await audit.RecordNowAsync(AuditEvent.IncidentAttachmentDownloaded, caller, $"peer-incident:{copy.Id}", detail: $"{attachmentId}{(file.Sample ? " zip" : "")}",
            cancellationToken: cancellationToken);
        return new PeerAttachmentDownload(file, content, null);
    }

    /// <summary>The download response of a fetched file: as for a local attachment (octet-stream, never rendered, samples zipped with "infected").</summary>
    public static Microsoft.AspNetCore.Http.HttpResults.FileContentHttpResult Result(HttpContext http, PeerAttachment file, byte[] content)
    {
        ArgumentNullException.ThrowIfNull(file);
        // The name as the owner's node wrote it is not trusted here either: sanitised as for an upload (no path, no direction tricks).
        return AttachmentStore.Download(http, new Attachment { FileName = NameOf(file), DeclaredContentType = file.ContentType, Sha256 = file.Sha256, Sample = file.Sample }, content);
    }

    /// <summary>A listed file's name as this node shows and serves it.</summary>
    public static string NameOf(PeerAttachment file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return Standards.Mail.FileNames.Sanitise(file.FileName, "attachment");
    }

    [LoggerMessage(EventId = 875, Level = LogLevel.Warning, Message = "Attachment from {Peer} not fetched: {Error}: {Message}")]
    private static partial void LogFetchFailed(ILogger logger, string peer, string error, string message);

    /// <summary>
    /// The files of a journal entry written here for the owner's node, as the command carries them (base64). Each within the
    /// node's attachment limits (checked by <see cref="AttachmentStore.ReadMultipartAsync"/>), all together within
    /// <see cref="PeerIncidentLimits.AttachmentBytesPerCommand"/>.
    /// </summary>
    public static JsonArray? ToPayload(IReadOnlyList<AttachmentUpload>? uploads)
    {
        if (uploads is not { Count: > 0 })
        {
            return null;
        }

        if (uploads.Sum(u => (long)u.Content.Length) > PeerIncidentLimits.AttachmentBytesPerCommand)
        {
            throw RequestErrors.One("files", $"Files written to a peer node's incident travel to it with the entry: at most {PeerIncidentLimits.AttachmentBytesPerCommand} bytes together.");
        }

        return new JsonArray([.. uploads.Select(u => (JsonNode)new JsonObject
        {
            ["fileName"] = u.FileName,
            ["contentType"] = u.DeclaredContentType,
            ["sample"] = u.Sample,
            ["content"] = Convert.ToBase64String(u.Content),
        })]);
    }

    /// <summary>
    /// On the owner's node: the files a command carries, checked again by this node's limits — names sanitised, types as for an
    /// upload here, SHA-256 computed here (nothing the peer says about the bytes is taken).
    /// </summary>
    public static IReadOnlyList<AttachmentUpload> FromPayload(JsonNode? files, AttachmentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (files is null)
        {
            return [];
        }

        if (files is not JsonArray list || list.Count > options.MaxFiles)
        {
            throw RequestErrors.One("files", $"At most {options.MaxFiles} files at once.");
        }

        var errors = new RequestErrors();
        var uploads = new List<AttachmentUpload>();
        long total = 0;
        for (var i = 0; i < list.Count; i++)
        {
            var o = list[i] as JsonObject;
            var name = o?["fileName"] is JsonValue n && n.TryGetValue<string>(out var nt) ? nt : null;
            var type = o?["contentType"] is JsonValue t && t.TryGetValue<string>(out var tt) ? tt.Trim().ToLowerInvariant() : "";
            var sample = o?["sample"] is JsonValue s && s.TryGetValue<bool>(out var sv) && sv;
            byte[]? content = null;
            if (o?["content"] is JsonValue c && c.TryGetValue<string>(out var text) && text.Length <= (options.MaxBytes + 2) / 3 * 4 + 4)
            {
                try
                {
                    content = Convert.FromBase64String(text);
                }
                catch (FormatException)
                {
                    content = null;
                }
            }

            if (name is null || content is null || content.Length == 0 || content.LongLength > options.MaxBytes)
            {
                errors.Add($"files[{i}]", $"A file needs its name and its content (base64, 1 to {options.MaxBytes} bytes).");
                continue;
            }

            total += content.LongLength;
            if (type.Length is 0 or > 255 || type.Any(TextRules.IsForbidden))
            {
                type = "application/octet-stream";
            }

            uploads.Add(new AttachmentUpload(Standards.Mail.FileNames.Sanitise(name, "attachment"), type, content, Convert.ToHexStringLower(SHA256.HashData(content)), sample));
        }

        if (total > PeerIncidentLimits.AttachmentBytesPerCommand)
        {
            errors.Add("files", $"At most {PeerIncidentLimits.AttachmentBytesPerCommand} bytes together.");
        }

        errors.ThrowIfAny();
        return uploads;
    }
}
