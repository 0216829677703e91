namespace Rampart.Standards;

/// <summary>
/// The one error type the standards library throws for bad input: a pattern that does not parse, a STIX
/// object that is not JSON, a MISP event that is not an event. It says where (a character position or a
/// property path) and what was expected. Anything else escaping the library is a bug.
/// </summary>
public class StandardsException : Exception
{
    public StandardsException(string message, int? position = null, string? path = null)
        : base(Format(message, position, path))
    {
        Reason = message;
        Position = position;
        Path = path;
    }

    public StandardsException()
        : this("Invalid input.")
    {
    }

    public StandardsException(string message)
        : this(message, null, null)
    {
    }

    public StandardsException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = message;
    }

    /// <summary>What is wrong, without the location.</summary>
    public string Reason { get; } = "";

    /// <summary>Zero-based character offset in the input, where that applies.</summary>
    public int? Position { get; }

    /// <summary>Property path (e.g. <c>objects[3].valid_from</c>), where that applies.</summary>
    public string? Path { get; }

    private static string Format(string message, int? position, string? path) =>
        (position, path) switch
        {
            ({ } p, { } q) => $"{q} at {p}: {message}",
            ({ } p, null) => $"At {p}: {message}",
            (null, { } q) => $"{q}: {message}",
            _ => message,
        };
}
