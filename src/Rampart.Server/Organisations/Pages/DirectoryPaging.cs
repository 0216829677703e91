using Microsoft.EntityFrameworkCore;
using Rampart.Server.Data;

namespace Rampart.Server.Organisations.Pages;

/// <summary>
/// Keyset pages of the directory for the grids: organisations by short name and communities by name, both on their
/// unique index, so a page is an index seek from the last key seen, in either direction. The filter is a prefix of
/// that same key (as typed, or upper-cased for short names such as "CERT-MK"), so the ordered index is read no
/// further than the page needs when the prefix matches. The one query behind the grids and <c>GET /api/organisations</c>
/// and <c>GET /api/communities</c>; a prefix with control characters is a 400 naming <c>q</c>.
/// </summary>
public static class DirectoryPaging
{
    public static async Task<(List<Organisation> Items, bool More)> OrganisationsAsync(RampartDb db, string? prefix, string? after, bool descending,
        int pageSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var query = db.Organisations.AsNoTracking();
        if (Hosting.Http.SearchText(prefix, "q") is { } typed)
        {
            var upper = typed.ToUpperInvariant();
            query = query.Where(o => o.ShortName.StartsWith(typed) || o.ShortName.StartsWith(upper));
        }

        if (after is not null)
        {
            query = descending ? query.Where(o => o.ShortName.CompareTo(after) < 0) : query.Where(o => o.ShortName.CompareTo(after) > 0);
        }

        query = descending ? query.OrderByDescending(o => o.ShortName) : query.OrderBy(o => o.ShortName);
        var items = await query.Take(pageSize + 1).ToListAsync(cancellationToken);
        var more = items.Count > pageSize;
        return (more ? items[..pageSize] : items, more);
    }

    public static async Task<(List<Community> Items, bool More)> CommunitiesAsync(RampartDb db, string? prefix, string? after, bool descending,
        int pageSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var query = db.Communities.AsNoTracking();
        if (Hosting.Http.SearchText(prefix, "q") is { } typed)
        {
            query = query.Where(c => c.Name.StartsWith(typed));
        }

        if (after is not null)
        {
            query = descending ? query.Where(c => c.Name.CompareTo(after) < 0) : query.Where(c => c.Name.CompareTo(after) > 0);
        }

        query = descending ? query.OrderByDescending(c => c.Name) : query.OrderBy(c => c.Name);
        var items = await query.Take(pageSize + 1).Include(c => c.Members).AsSplitQuery().ToListAsync(cancellationToken);
        var more = items.Count > pageSize;
        return (more ? items[..pageSize] : items, more);
    }
}
