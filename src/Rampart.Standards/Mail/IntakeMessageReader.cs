using System.Security.Cryptography;
using MimeKit;

namespace Rampart.Standards.Mail;

/// <summary>
/// Reads an RFC 5322 message (an <c>.eml</c> file or a message fetched over IMAP) into an <see cref="IntakeMessage"/>,
/// or refuses it whole with an <see cref="IntakeException"/>. Nothing in the message is executed, opened (archives stay
/// bytes) or rendered (HTML becomes text).
/// </summary>
public static class IntakeMessageReader
{
    /// <summary>Reads at most <see cref="IntakeLimits.MaxMessageBytes"/> from <paramref name="source"/>; more is refused.</summary>
    public static async Task<IntakeMessage> ReadAsync(Stream source, IntakeLimits? limits = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        limits ??= IntakeLimits.Default;
        var raw = await ReadBoundedAsync(source, limits.MaxMessageBytes, cancellationToken).ConfigureAwait(false);
        return Read(raw, limits, cancellationToken);
    }

    /// <summary>Parses a message already in memory.</summary>
    public static IntakeMessage Read(ReadOnlyMemory<byte> raw, IntakeLimits? limits = null, CancellationToken cancellationToken = default)
    {
        limits ??= IntakeLimits.Default;
        if (raw.Length > limits.MaxMessageBytes)
        {
            throw new IntakeException(IntakeRefusal.MessageTooLarge, $"the message is larger than {limits.MaxMessageBytes} bytes");
        }

        if (raw.IsEmpty)
        {
            throw new IntakeException(IntakeRefusal.Malformed, "the message is empty");
        }

        var options = ParserOptions.Default.Clone();
        options.MaxMimeDepth = limits.MaxNestingDepth + 2; // we refuse deeper ourselves; this bounds MimeKit's recursion
        MimeMessage message;
        try
        {
            // No copy when the bytes already sit in an array (ReadAsync's buffer, a file read whole).
            using var stream = System.Runtime.InteropServices.MemoryMarshal.TryGetArray(raw, out var segment) && segment.Array is not null
                ? new MemoryStream(segment.Array, segment.Offset, segment.Count, writable: false)
                : new MemoryStream(raw.ToArray(), writable: false);
            message = MimeMessage.Load(options, stream, persistent: false, cancellationToken);
        }
        catch (FormatException ex)
        {
            throw new IntakeException(IntakeRefusal.Malformed, "not a MIME message: " + ex.Message);
        }

        var walk = new Walk(limits, cancellationToken);
        walk.Visit(message.Body, 1, "body");
        var (body, fromHtml) = walk.BodyText(message);
        if (body.Length > limits.MaxBodyChars)
        {
            throw new IntakeException(IntakeRefusal.BodyTooLong, $"the body is longer than {limits.MaxBodyChars} characters", "body");
        }

        return new IntakeMessage
        {
            From = Addresses(message.From),
            To = Addresses(message.To),
            Cc = Addresses(message.Cc),
            Subject = Header(message.Subject),
            Date = message.Headers.Contains(HeaderId.Date) && message.Date != DateTimeOffset.MinValue ? message.Date.ToUniversalTime() : null,
            MessageId = Header(message.MessageId),
            Body = body,
            BodyFromHtml = fromHtml,
            Attachments = walk.Attachments,
            Size = raw.Length,
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(raw.Span)),
        };
    }

    private static async Task<byte[]> ReadBoundedAsync(Stream source, long max, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await source.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > max)
            {
                throw new IntakeException(IntakeRefusal.MessageTooLarge, $"the message is larger than {max} bytes");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static string? Header(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        // Headers are untrusted: no control characters, and a sane length (a 1 MB subject is someone's attack, not a subject).
        var clean = new string(value.Where(c => !char.IsControl(c)).ToArray()).Trim();
        return clean.Length == 0 ? null : clean.Length > 2000 ? clean[..2000] : clean;
    }

    private static List<IntakeAddress> Addresses(InternetAddressList list) =>
        list.Mailboxes.Take(500).Select(m => new IntakeAddress(Header(m.Name) ?? "", Header(m.Address) ?? "")).Where(a => a.Address.Length > 0).ToList();

    private sealed class Walk(IntakeLimits limits, CancellationToken cancellationToken)
    {
        private TextPart? plain;
        private TextPart? html;

        public List<IntakeAttachment> Attachments { get; } = [];

        public void Visit(MimeEntity? entity, int depth, string path)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (entity is null)
            {
                return;
            }

            if (depth > limits.MaxNestingDepth)
            {
                throw new IntakeException(IntakeRefusal.TooDeeplyNested, $"MIME parts are nested deeper than {limits.MaxNestingDepth}", path);
            }

            switch (entity)
            {
                case Multipart multipart:
                    for (var i = 0; i < multipart.Count; i++)
                    {
                        Visit(multipart[i], depth + 1, $"{path}.{i}");
                    }

                    break;
                case MessagePart attached:
                    // An attached message is kept whole as an .eml attachment (its own parts are not mixed into this report),
                    // but its nesting is still checked.
                    CheckDepth(attached.Message?.Body, depth + 1, path);
                    using (var bytes = new MemoryStream())
                    {
                        attached.Message?.WriteTo(bytes, cancellationToken);
                        AddAttachment(attached.ContentDisposition?.FileName ?? attached.ContentType.Name, "message/rfc822", bytes.ToArray(), ".eml");
                    }

                    break;
                case TextPart text when !text.IsAttachment && text.IsPlain && plain is null:
                    plain = text;
                    break;
                case TextPart text when !text.IsAttachment && text.IsHtml && html is null:
                    html = text;
                    break;
                case MimePart part:
                    AddAttachment(part.FileName, part.ContentType.MimeType, Decode(part), "");
                    break;
                default:
                    break;
            }
        }

        private void CheckDepth(MimeEntity? entity, int depth, string path)
        {
            if (depth > limits.MaxNestingDepth)
            {
                throw new IntakeException(IntakeRefusal.TooDeeplyNested, $"MIME parts are nested deeper than {limits.MaxNestingDepth}", path);
            }

            if (entity is Multipart multipart)
            {
                foreach (var child in multipart)
                {
                    CheckDepth(child, depth + 1, path);
                }
            }
            else if (entity is MessagePart inner)
            {
                CheckDepth(inner.Message?.Body, depth + 1, path);
            }
        }

        public (string Text, bool FromHtml) BodyText(MimeMessage message)
        {
            if (plain is not null)
            {
                return (Clean(plain.Text), false);
            }

            if (html is not null)
            {
                return (HtmlText.ToText(html.Text), true);
            }

            return ("", false);
        }

        private static string Clean(string text) =>
            new(text.Where(c => !char.IsControl(c) || c is '\n' or '\r' or '\t').ToArray());

        private byte[] Decode(MimePart part)
        {
            if (part.Content is null)
            {
                return [];
            }

            using var output = new LimitedStream(limits.MaxAttachmentBytes, Attachments.Count);
            part.Content.DecodeTo(output, cancellationToken);
            return output.ToArray();
        }

        private void AddAttachment(string? declaredName, string mediaType, byte[] bytes, string defaultExtension)
        {
            var index = Attachments.Count;
            if (index >= limits.MaxAttachments)
            {
                throw new IntakeException(IntakeRefusal.TooManyAttachments, $"more than {limits.MaxAttachments} attachments", $"attachments[{index}]");
            }

            if (bytes.LongLength > limits.MaxAttachmentBytes)
            {
                throw new IntakeException(IntakeRefusal.AttachmentTooLarge, $"an attachment is larger than {limits.MaxAttachmentBytes} bytes", $"attachments[{index}]");
            }

            var name = FileNames.Sanitise(declaredName, $"attachment-{index + 1}{(defaultExtension.Length > 0 ? defaultExtension : ".bin")}");
            Attachments.Add(new IntakeAttachment(name, mediaType.ToLowerInvariant(), bytes.LongLength, Convert.ToHexStringLower(SHA256.HashData(bytes)), bytes));
        }
    }

    /// <summary>A memory stream that refuses to grow past the attachment limit, so a decoded part is never held beyond it.</summary>
    private sealed class LimitedStream(long max, int index) : MemoryStream
    {
        public override void Write(byte[] buffer, int offset, int count)
        {
            Check(count);
            base.Write(buffer, offset, count);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Check(buffer.Length);
            base.Write(buffer);
        }

        public override void WriteByte(byte value)
        {
            Check(1);
            base.WriteByte(value);
        }

        private void Check(int count)
        {
            if (Length + count > max)
            {
                throw new IntakeException(IntakeRefusal.AttachmentTooLarge, $"an attachment is larger than {max} bytes", $"attachments[{index}]");
            }
        }
    }
}
