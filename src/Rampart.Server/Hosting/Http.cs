using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Rampart.Server.Hosting;

/// <summary>Small helpers every endpoint uses to read route and query values strictly.</summary>
public static class Http
{
    public const int MaxPageSize = 200;

    /// <summary>Parses a route id; a malformed one is a 400 naming the field, not a 404.</summary>
    public static Guid ParseId(string? value, string field = "id") =>
        Guid.TryParse(value, out var id) ? id : throw RequestErrors.One(field, "Not a UUID.");

    /// <summary>The size of a cursor-paged list.</summary>
    public static int Limit(int? limit, int fallback = 50)
    {
        if (limit is < 1 or > MaxPageSize)
        {
            throw RequestErrors.One("limit", $"Must be between 1 and {MaxPageSize}.");
        }

        return limit ?? fallback;
    }

    /// <summary>"page" or "pageSize" when the query string asks for offset paging, which no list offers any more.</summary>
    public static string? OffsetPagingParameter(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return http.Request.Query.ContainsKey("page") ? "page" : http.Request.Query.ContainsKey("pageSize") ? "pageSize" : null;
    }
}


/// <summary>One page of a cursor list: pass <paramref name="Next"/> back as <c>?next=</c> for the following page; null at the end.</summary>
public sealed record CursorPage<T>(IReadOnlyList<T> Items, string? Next);

/// <summary>
/// Opaque <c>next</c> tokens for keyset paging: the position (a record key) protected with the node's
/// data-protection keys (shared by every app server) and bound to the list and its filter, so a token
/// cannot be forged, edited, or replayed on another list or filter — that is a 400 naming <c>next</c>.
/// </summary>
public sealed class PageCursors(IDataProtectionProvider protection)
{
    private readonly IDataProtector protector = protection.CreateProtector("Rampart.PageCursor.v1");

    public string Encode(string list, string scope, long position) =>
        protector.Protect($"{list}\n{scope}\n{position.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>The position in <paramref name="next"/>, or null when there is none (first page).</summary>
    public long? Decode(string? next, string list, string scope)
    {
        if (next is null)
        {
            return null;
        }

        string plain;
        try
        {
            plain = next.Length <= 1000 ? protector.Unprotect(next) : "";
        }
        catch (CryptographicException)
        {
            plain = "";
        }

        var parts = plain.Split('\n');
        return parts.Length == 3 && parts[0] == list && parts[1] == scope
               && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var position)
            ? position
            : throw RequestErrors.One("next", "Not a cursor of this list and filter; start again without 'next'.");
    }
}
