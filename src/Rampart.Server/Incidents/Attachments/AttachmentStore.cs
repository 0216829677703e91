using System.Security.Cryptography;
using ICSharpCode.SharpZipLib.Zip;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Validation;
using Rampart.Standards.Mail;

namespace Rampart.Server.Incidents.Attachments;

/// <summary>An attachment as the API shows it: never its bytes, always its size and SHA-256.</summary>
public sealed record AttachmentView(Guid Id, string FileName, string DeclaredContentType, long Size, string Sha256, bool Sample, Guid? JournalEntryId, DateTimeOffset CreatedAt)
{
    public static AttachmentView From(Attachment a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return new(a.Id, a.FileName, a.DeclaredContentType, a.Size, a.Sha256, a.Sample, a.JournalEntryId, a.CreatedAt);
    }
}

/// <summary>
/// Stores attachments and reads those of journal entries. Who may read one is never decided here: a report's attachments
/// are read through <see cref="Reports.ReportQueries"/> (the report first, through the access decision), a journal entry's
/// through <see cref="IncidentQueries"/> (the incident, then the entry as the reader's standing shows it).
/// </summary>
public sealed class AttachmentStore(RampartDb db, IncidentQueries incidents)
{
    /// <summary>The password of sample zips, as the community has always used it.</summary>
    public const string SamplePassword = "infected";

    /// <summary>Adds an attachment and its bytes to the unit of work (the caller sets what it belongs to and saves).</summary>
    public static Attachment Stage(RampartDb db, AttachmentUpload upload, Caller caller, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(upload);
        ArgumentNullException.ThrowIfNull(caller);
        var attachment = new Attachment
        {
            Id = Guid.CreateVersion7(now),
            FileName = upload.FileName,
            DeclaredContentType = upload.DeclaredContentType,
            Size = upload.Content.LongLength,
            Sha256 = upload.Sha256,
            Sample = upload.Sample,
            CreatedByUserId = caller.UserId == Guid.Empty ? null : caller.UserId,
            CreatedByOrganisationId = caller.OrganisationId == Guid.Empty ? null : caller.OrganisationId,
            CreatedAt = now,
        };
        db.IncidentAttachments.Add(attachment);
        db.IncidentAttachmentContents.Add(new AttachmentContent { AttachmentId = attachment.Id, Content = upload.Content });
        return attachment;
    }

    /// <summary>The attachments of the given journal entries of a read incident (entries the reader was shown, so already filtered by standing).</summary>
    public async Task<ILookup<Guid, Attachment>> OfEntriesAsync(ReadIncident read, IReadOnlyCollection<Guid> entryIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        var recordId = read.Incident.RecordId;
        var ids = entryIds.ToList();
        var rows = await db.IncidentAttachments.AsNoTracking()
            .Where(a => a.IncidentRecordId == recordId && a.JournalEntryId != null && EF.Parameter(ids).Contains(a.JournalEntryId.Value))
            .OrderBy(a => a.Id).ToListAsync(cancellationToken);
        return rows.ToLookup(a => a.JournalEntryId!.Value);
    }

    /// <summary>One journal attachment of a read incident with its bytes, when its entry is one the reader sees; null otherwise, as for an unknown id.</summary>
    public async Task<(Attachment Attachment, byte[] Content)?> OfJournalAsync(ReadIncident read, Guid attachmentId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        var recordId = read.Incident.RecordId;
        var attachment = await db.IncidentAttachments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == attachmentId && a.IncidentRecordId == recordId, cancellationToken);
        if (attachment?.JournalEntryId is not { } entry || !await incidents.EntryVisibleAsync(read, entry, cancellationToken))
        {
            return null;
        }

        var content = await db.IncidentAttachmentContents.AsNoTracking().Where(c => c.AttachmentId == attachmentId).Select(c => c.Content).SingleAsync(cancellationToken);
        return (attachment, content);
    }

    /// <summary>
    /// The download: always <c>application/octet-stream</c> as an attachment (never rendered, never sniffed), a sample inside a
    /// zip protected with <see cref="SamplePassword"/> (ZipCrypto, which every unzip tool opens; ADR 13).
    /// </summary>
    public static Microsoft.AspNetCore.Http.HttpResults.FileContentHttpResult Download(HttpContext http, Attachment attachment, byte[] content)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(attachment);
        http.Response.Headers[HeaderNames.XContentTypeOptions] = "nosniff";
        http.Response.Headers[HeaderNames.CacheControl] = "no-store";
        http.Response.Headers["Content-Security-Policy"] = "default-src 'none'; sandbox";
        return attachment.Sample
            ? TypedResults.File(Zip(attachment.FileName, content), "application/octet-stream", attachment.FileName + ".zip")
            : TypedResults.File(content, "application/octet-stream", attachment.FileName);
    }

    /// <summary>A zip of one entry, encrypted with the password <see cref="SamplePassword"/>.</summary>
    public static byte[] Zip(string fileName, byte[] content)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var buffer = new MemoryStream();
        using (var zip = new ZipOutputStream(buffer) { IsStreamOwner = false })
        {
            zip.SetLevel(6);
            zip.Password = SamplePassword;
            zip.PutNextEntry(new ZipEntry(ZipEntry.CleanName(FileNames.Sanitise(fileName, "attachment"))) { Size = content.LongLength, DateTime = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Unspecified) });
            zip.Write(content);
            zip.CloseEntry();
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// Reads the files a person picked on a page (at most <see cref="AttachmentOptions.MaxFiles"/>, each within
    /// <see cref="AttachmentOptions.MaxBytes"/>): the uploads, or the first file over the limit ("name: size B &gt; limit B") and none.
    /// </summary>
    public static async Task<(IReadOnlyList<AttachmentUpload> Uploads, string? TooLarge)> ReadPickedAsync(IReadOnlyList<Microsoft.AspNetCore.Components.Forms.IBrowserFile> files, AttachmentOptions options)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(options);
        if (files.Count > options.MaxFiles)
        {
            return ([], $"{files.Count} > {options.MaxFiles}");
        }

        var uploads = new List<AttachmentUpload>();
        foreach (var file in files)
        {
            if (file.Size > options.MaxBytes)
            {
                return ([], $"{file.Name}: {file.Size} B > {options.MaxBytes} B");
            }

            using var buffer = new MemoryStream();
            await using (var stream = file.OpenReadStream(options.MaxBytes))
            {
                await stream.CopyToAsync(buffer);
            }

            var bytes = buffer.ToArray();
            uploads.Add(new AttachmentUpload(FileNames.Sanitise(file.Name, "attachment"), "application/octet-stream", bytes, Convert.ToHexStringLower(SHA256.HashData(bytes)), false));
        }

        return (uploads, null);
    }

    /// <summary>
    /// Reads a multipart upload: the text fields, the files under <c>files</c> and the samples under <c>samples</c>. A file over
    /// the limit is a 400 naming it (a body over the limit was refused with 413 before this reads it); nothing is stored here.
    /// </summary>
    public static async Task<(IFormCollection Form, IReadOnlyList<AttachmentUpload> Uploads)> ReadMultipartAsync(HttpRequest request, AttachmentOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(cancellationToken);
        }
        catch (InvalidDataException e)
        {
            throw RequestErrors.One("body", $"Not a readable multipart form: {e.Message}");
        }

        var errors = new RequestErrors();
        var uploads = new List<AttachmentUpload>();
        var files = form.Files.Where(f => f.Name is "files" or "samples").ToList();
        if (form.Files.Any(f => f.Name is not ("files" or "samples")))
        {
            errors.Add("files", "Send files in the part 'files', samples (malware) in 'samples'.");
        }

        if (files.Count > options.MaxFiles)
        {
            errors.Add("files", $"At most {options.MaxFiles} files at once.");
        }

        for (var i = 0; i < files.Count && i < options.MaxFiles; i++)
        {
            var file = files[i];
            var field = $"{file.Name}[{files.Take(i).Count(f => f.Name == file.Name)}]";
            if (file.Length > options.MaxBytes)
            {
                errors.Add(field, $"'{FileNames.Sanitise(file.FileName, "attachment")}' has {file.Length} bytes; the limit is {options.MaxBytes}.");
                continue;
            }

            if (file.Length == 0)
            {
                errors.Add(field, "Empty file.");
                continue;
            }

            var bytes = new byte[file.Length];
            await using (var stream = file.OpenReadStream())
            {
                await stream.ReadExactlyAsync(bytes, cancellationToken);
            }

            var declared = (file.ContentType ?? "").Trim().ToLowerInvariant();
            if (declared.Length > 255 || declared.Any(TextRules.IsForbidden))
            {
                declared = "application/octet-stream";
            }

            uploads.Add(new AttachmentUpload(FileNames.Sanitise(file.FileName, "attachment"), declared.Length == 0 ? "application/octet-stream" : declared,
                bytes, Convert.ToHexStringLower(SHA256.HashData(bytes)), file.Name == "samples"));
        }

        errors.ThrowIfAny();
        return (form, uploads);
    }
}
