using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Hosting;

namespace Rampart.Server.Identity;

/// <summary>
/// The users a caller may list — node admins every user, org admins their organisation's, anyone else only
/// themselves — in keyset pages by (normalised e-mail, id), with a prefix search on the normalised e-mail or
/// display name. The one query behind <c>GET /api/users</c> and the users page: each page is an index range from the
/// last key seen, never an OFFSET or a COUNT.
/// </summary>
public static class UserListing
{
    public const string ListName = "users";

    /// <summary>The typed search as it is compared with the stored keys, or null for none.</summary>
    public static string? SearchKey(string? typed) => string.IsNullOrWhiteSpace(typed) ? null : User.Normalize(typed.Trim());

    /// <summary>The users <paramref name="caller"/> may list (no order, no paging).</summary>
    public static IQueryable<User> VisibleTo(RampartDb db, Caller caller)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(caller);
        var query = db.Users.AsNoTracking();
        return caller.IsNodeAdmin ? query
            : caller.Role == Role.OrgAdmin ? query.Where(u => u.OrganisationId == caller.OrganisationId)
            : query.Where(u => u.Id == caller.UserId);
    }

    /// <summary>Users whose normalised e-mail or display name starts with <paramref name="key"/> (already normalised): two index ranges.</summary>
    public static IQueryable<User> Matching(IQueryable<User> query, string? key)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (key is null)
        {
            return query;
        }

        var end = Http.PrefixEnd(key);
        return query.Where(u => (u.NormalizedEmail!.CompareTo(key) >= 0 && u.NormalizedEmail!.CompareTo(end) < 0)
                                || (u.NormalizedDisplayName.CompareTo(key) >= 0 && u.NormalizedDisplayName.CompareTo(end) < 0));
    }

    /// <summary>
    /// One page after <paramref name="after"/> (exclusive), ascending or descending by (normalised e-mail, id);
    /// <c>More</c> tells whether another page follows.
    /// </summary>
    public static async Task<(List<User> Items, bool More)> PageAsync(RampartDb db, Caller caller, string? search, (string Key, Guid Id)? after,
        bool descending, int take, CancellationToken cancellationToken)
    {
        var query = Matching(VisibleTo(db, caller), SearchKey(search));
        if (after is { } position)
        {
            var (key, id) = position;
            query = descending
                ? query.Where(u => u.NormalizedEmail!.CompareTo(key) < 0 || (u.NormalizedEmail == key && u.Id.CompareTo(id) < 0))
                : query.Where(u => u.NormalizedEmail!.CompareTo(key) > 0 || (u.NormalizedEmail == key && u.Id.CompareTo(id) > 0));
        }

        query = descending ? query.OrderByDescending(u => u.NormalizedEmail).ThenByDescending(u => u.Id)
            : query.OrderBy(u => u.NormalizedEmail).ThenBy(u => u.Id);
        var items = await query.Take(take + 1).ToListAsync(cancellationToken);
        var more = items.Count > take;
        return (more ? items[..take] : items, more);
    }

    /// <summary>The key a page following <paramref name="last"/> starts after.</summary>
    public static (string Key, Guid Id) KeyOf(User last)
    {
        ArgumentNullException.ThrowIfNull(last);
        return (last.NormalizedEmail ?? "", last.Id);
    }
}
