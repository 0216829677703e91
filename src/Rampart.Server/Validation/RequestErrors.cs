namespace Rampart.Server.Validation;

/// <summary>Errors in a request, each keyed by the field at fault; answered as a 400 ProblemDetails.</summary>
public sealed class RequestErrors
{
    private readonly Dictionary<string, List<string>> errors = new(StringComparer.Ordinal);

    public bool Any => errors.Count > 0;

    /// <summary>Whether <paramref name="field"/> already has an error (then it is not looked up in the database: PostgreSQL refuses NUL in text).</summary>
    public bool Has(string field) => errors.ContainsKey(field);

    public void Add(string field, string reason)
    {
        if (!errors.TryGetValue(field, out var reasons))
        {
            reasons = [];
            errors[field] = reasons;
        }

        reasons.Add(reason);
    }

    public void Required(string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "Required.");
        }
        else
        {
            MaxLength(field, value, maxLength);
        }
    }

    public void MaxLength(string field, string? value, int maxLength)
    {
        if (value is not null && value.Length > maxLength)
        {
            Add(field, $"At most {maxLength} characters.");
        }
    }

    /// <summary>
    /// A one-line text a client names something with (a name, title, e-mail, phone number): required unless
    /// <paramref name="required"/> is false, at most <paramref name="maxLength"/> characters, and free of control
    /// characters (C0, DEL, C1, line breaks, tabs) and bidi overrides, which would let a stored name rewrite a
    /// terminal or reorder what an admin reads.
    /// </summary>
    public void SingleLine(string field, string? value, int maxLength, bool required = true)
    {
        if (required)
        {
            Required(field, value, maxLength);
        }
        else
        {
            MaxLength(field, value, maxLength);
        }

        if (value is not null && TextRules.FirstForbidden(value, multiLine: false) is { } at)
        {
            Add(field, $"Contains a control or bidi-override character (U+{(int)value[at]:X4} at position {at + 1}); one line of printable text only.");
        }
    }

    /// <summary>Free text over several lines (a body, a description, a key block): line breaks and tabs, but no other control or bidi-override character.</summary>
    public void MultiLine(string field, string? value, int maxLength, bool required = false)
    {
        if (required)
        {
            Required(field, value, maxLength);
        }
        else
        {
            MaxLength(field, value, maxLength);
        }

        if (value is not null && TextRules.FirstForbidden(value, multiLine: true) is { } at)
        {
            Add(field, $"Contains a control or bidi-override character (U+{(int)value[at]:X4} at position {at + 1}); only line breaks and tabs are allowed.");
        }
    }

    public IDictionary<string, string[]> ToDictionary() =>
        errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    /// <summary>Throws <see cref="RequestValidationException"/> when any error was added.</summary>
    public void ThrowIfAny()
    {
        if (Any)
        {
            throw new RequestValidationException(this);
        }
    }

    public static RequestValidationException One(string field, string reason)
    {
        var e = new RequestErrors();
        e.Add(field, reason);
        return new RequestValidationException(e);
    }
}

/// <summary>The request lost a race with another that changed the same thing first; nothing was changed. Answered 409.</summary>
public sealed class ConflictException(string message) : Exception(message);

/// <summary>A request broke a rule; nothing was changed. Becomes a 400 ValidationProblem.</summary>
public sealed class RequestValidationException(RequestErrors errors)
    : Exception("The request is not valid: " + string.Join("; ", errors.ToDictionary().Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")))
{
    public RequestErrors Errors { get; } = errors;
}

/// <summary>Which characters free text sent by a client may not hold.</summary>
public static class TextRules
{
    /// <summary>
    /// Index of the first forbidden character, or null: C0 controls, DEL, C1 controls, the bidi embeddings and
    /// overrides U+202A–U+202E and isolates U+2066–U+2069. <paramref name="multiLine"/> text may hold
    /// <c>\n</c>, <c>\t</c> and <c>\r</c> as part of a <c>\r\n</c> line break.
    /// </summary>
    public static int? FirstForbidden(string value, bool multiLine)
    {
        ArgumentNullException.ThrowIfNull(value);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (multiLine && (c is '\n' or '\t' || (c == '\r' && i + 1 < value.Length && value[i + 1] == '\n')))
            {
                continue;
            }

            if (IsForbidden(c))
            {
                return i;
            }
        }

        return null;
    }

    public static bool IsForbidden(char c) =>
        c < ' ' || c is >= '\u007f' and <= '\u009f' || c is >= '\u202a' and <= '\u202e' || c is >= '\u2066' and <= '\u2069';

    /// <summary>For a terminal: every forbidden character as <c>\u{XXXX}</c>, so old data cannot drive the terminal or reorder a line.</summary>
    public static string Escape(string? value)
    {
        if (value is null || FirstForbidden(value, multiLine: false) is null)
        {
            return value ?? "";
        }

        var text = new System.Text.StringBuilder(value.Length + 16);
        foreach (var c in value)
        {
            if (IsForbidden(c))
            {
                text.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\u{{{(int)c:X4}}}");
            }
            else
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }
}
