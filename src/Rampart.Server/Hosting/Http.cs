namespace Rampart.Server.Hosting;

/// <summary>Small helpers every endpoint uses to read route and query values strictly.</summary>
public static class Http
{
    /// <summary>Parses a route id; a malformed one is a 400 naming the field, not a 404.</summary>
    public static Guid ParseId(string? value, string field = "id") =>
        Guid.TryParse(value, out var id) ? id : throw RequestErrors.One(field, "Not a UUID.");

    public static (int Page, int PageSize) Paging(int? page, int? pageSize)
    {
        var errors = new RequestErrors();
        if (page is < 1)
        {
            errors.Add("page", "Must be 1 or more.");
        }

        if (pageSize is < 1 or > 200)
        {
            errors.Add("pageSize", "Must be between 1 and 200.");
        }

        errors.ThrowIfAny();
        return (page ?? 1, pageSize ?? 50);
    }
}

/// <summary>One page of a list, with the total the caller may see.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int Total, int PageNumber, int PageSize);
