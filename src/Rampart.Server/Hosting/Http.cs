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
    public static int Limit(int? limit, int fallback = 50, int max = MaxPageSize)
    {
        if (limit is { } l && (l < 1 || l > max))
        {
            throw RequestErrors.One("limit", $"Must be between 1 and {max}.");
        }

        return limit ?? fallback;
    }

    /// <summary>
    /// A search typed into a query string, trimmed; null when empty. Control characters (a NUL above all, which
    /// PostgreSQL refuses in text and would answer with a 500) and over-long input are a 400 naming <paramref name="field"/>.
    /// </summary>
    public static string? SearchText(string? value, string field, int maxLength = 200)
    {
        if (value is null)
        {
            return null;
        }

        if (value.Any(char.IsControl))
        {
            throw RequestErrors.One(field, "Must not contain control characters.");
        }

        if (value.Length > maxLength)
        {
            throw RequestErrors.One(field, $"At most {maxLength} characters.");
        }

        var trimmed = value.Trim();
        return trimmed.Length == 0 ? null : trimmed;
    }

    /// <summary>
    /// The exclusive upper bound of the strings that start with <paramref name="prefix"/> in binary (ordinal UTF-8) order:
    /// <c>key &gt;= prefix AND key &lt; PrefixEnd(prefix)</c> is an index range on SQLite and on a "C"-collated PostgreSQL column.
    /// </summary>
    public static string PrefixEnd(string prefix) => prefix + char.ConvertFromUtf32(0x10FFFF);

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

    /// <summary>A position that is a (text, id) key, as lists ordered by a name or an e-mail address and then the id use.</summary>
    public string Encode(string list, string scope, string key, Guid id) =>
        protector.Protect($"{list}\n{scope}\n{id:D}\n{key}");

    /// <summary>The (text, id) position in <paramref name="next"/>, or null when there is none (first page).</summary>
    public (string Key, Guid Id)? DecodeKey(string? next, string list, string scope)
    {
        if (next is null)
        {
            return null;
        }

        var parts = Unprotect(next).Split('\n', 4);
        return parts.Length == 4 && parts[0] == list && parts[1] == scope && Guid.TryParseExact(parts[2], "D", out var id)
            ? (parts[3], id)
            : throw Invalid();
    }

    private string Unprotect(string next)
    {
        try
        {
            return next.Length <= 2000 ? protector.Unprotect(next) : "";
        }
        catch (CryptographicException)
        {
            return "";
        }
    }

    private static RequestValidationException Invalid() =>
        RequestErrors.One("next", "Not a cursor of this list and filter; start again without 'next'.");

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
