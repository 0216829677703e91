namespace Rampart.Standards.Mail;

/// <summary>Limits of the e-mail intake. The server binds them from configuration (section <see cref="SectionName"/>).</summary>
public sealed record IntakeLimits
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Rampart:Intake:Mail";

    /// <summary>Largest raw message (headers and encoded body). Default 25 MiB.</summary>
    public long MaxMessageBytes { get; init; } = 25L * 1024 * 1024;

    /// <summary>Largest decoded attachment. Default 10 MiB.</summary>
    public long MaxAttachmentBytes { get; init; } = 10L * 1024 * 1024;

    /// <summary>Most attachments. Default 100.</summary>
    public int MaxAttachments { get; init; } = 100;

    /// <summary>Deepest MIME nesting (multiparts and attached messages). Default 16.</summary>
    public int MaxNestingDepth { get; init; } = 16;

    /// <summary>Longest plain-text body kept, in characters (a longer one is refused, not cut). Default 1,000,000.</summary>
    public int MaxBodyChars { get; init; } = 1_000_000;

    /// <summary>The defaults.</summary>
    public static IntakeLimits Default { get; } = new();
}

/// <summary>A mailbox from a header.</summary>
/// <param name="Name">Display name, possibly empty. Untrusted text: encode when showing.</param>
/// <param name="Address">The address as written (not verified; a From header proves nothing).</param>
public sealed record IntakeAddress(string Name, string Address);

/// <summary>An attachment, decoded. Never opened, never rendered: the server stores the bytes and offers them for download.</summary>
/// <param name="FileName">Sanitised file name (no path, no control or bidi characters, no reserved device names).</param>
/// <param name="MediaType">As the sender declared it (lower case), e.g. <c>application/zip</c>; not sniffed.</param>
/// <param name="Size">Decoded bytes.</param>
/// <param name="Sha256">SHA-256 of the decoded bytes, lower-case hex.</param>
/// <param name="Content">The decoded bytes.</param>
public sealed record IntakeAttachment(string FileName, string MediaType, long Size, string Sha256, ReadOnlyMemory<byte> Content);

/// <summary>A message read from the intake mailbox or drop folder, ready to become an incident report.</summary>
public sealed record IntakeMessage
{
    /// <summary>From header mailboxes (usually one; none when missing).</summary>
    public required IReadOnlyList<IntakeAddress> From { get; init; }

    /// <summary>To header mailboxes (group members flattened).</summary>
    public required IReadOnlyList<IntakeAddress> To { get; init; }

    /// <summary>Cc header mailboxes.</summary>
    public required IReadOnlyList<IntakeAddress> Cc { get; init; }

    /// <summary>Subject (decoded), null when missing.</summary>
    public string? Subject { get; init; }

    /// <summary>Date header in UTC, null when missing or unreadable (the server then uses the time of receipt).</summary>
    public DateTimeOffset? Date { get; init; }

    /// <summary>Message-ID without angle brackets, null when missing (the server then deduplicates on <see cref="Sha256"/>).</summary>
    public string? MessageId { get; init; }

    /// <summary>The plain-text body: the text/plain part, or the HTML part converted to text (never rendered). Empty when neither exists.</summary>
    public required string Body { get; init; }

    /// <summary>Whether <see cref="Body"/> was converted from HTML.</summary>
    public bool BodyFromHtml { get; init; }

    /// <summary>Every attachment, including non-text parts inline and attached messages (as <c>.eml</c>).</summary>
    public required IReadOnlyList<IntakeAttachment> Attachments { get; init; }

    /// <summary>Raw size of the message in bytes.</summary>
    public required long Size { get; init; }

    /// <summary>SHA-256 of the raw message, lower-case hex: the identity of the .eml for deduplication.</summary>
    public required string Sha256 { get; init; }
}

/// <summary>Why a message was refused as a whole.</summary>
public enum IntakeRefusal
{
    /// <summary>Not a MIME message at all.</summary>
    Malformed = 1,

    /// <summary>The raw message is over <see cref="IntakeLimits.MaxMessageBytes"/>.</summary>
    MessageTooLarge = 2,

    /// <summary>An attachment is over <see cref="IntakeLimits.MaxAttachmentBytes"/>.</summary>
    AttachmentTooLarge = 3,

    /// <summary>More than <see cref="IntakeLimits.MaxAttachments"/> attachments.</summary>
    TooManyAttachments = 4,

    /// <summary>MIME nesting deeper than <see cref="IntakeLimits.MaxNestingDepth"/>.</summary>
    TooDeeplyNested = 5,

    /// <summary>The body text is over <see cref="IntakeLimits.MaxBodyChars"/>.</summary>
    BodyTooLong = 6,
}

/// <summary>The message was refused as a whole (no partial message is ever returned). <see cref="StandardsException.Path"/> names the part, e.g. <c>attachments[2]</c>.</summary>
public sealed class IntakeException : StandardsException
{
    /// <summary>Creates the error.</summary>
    public IntakeException(IntakeRefusal refusal, string message, string? path = null)
        : base(message, null, path)
    {
        Refusal = refusal;
    }

    /// <summary>Why.</summary>
    public IntakeRefusal Refusal { get; }
}
