namespace Rampart.Server.Hosting;

/// <summary>Errors in a request, each keyed by the field at fault; answered as a 400 ProblemDetails.</summary>
public sealed class RequestErrors
{
    private readonly Dictionary<string, List<string>> errors = new(StringComparer.Ordinal);

    public bool Any => errors.Count > 0;

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

/// <summary>A request broke a rule; nothing was changed. Becomes a 400 ValidationProblem.</summary>
public sealed class RequestValidationException(RequestErrors errors)
    : Exception("The request is not valid: " + string.Join("; ", errors.ToDictionary().Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")))
{
    public RequestErrors Errors { get; } = errors;
}
