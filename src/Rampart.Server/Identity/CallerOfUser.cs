namespace Rampart.Server.Identity;

/// <summary>Callers made from a <see cref="User"/>: Identity knows users, Access does not.</summary>
public static class CallerOfUser
{
    extension(Caller)
    {
        /// <summary>A caller for <paramref name="user"/> outside a resolved request (login, account setup).</summary>
        public static Caller Of(User user, string? credential, string? clientIp)
        {
            ArgumentNullException.ThrowIfNull(user);
            return new(user.Id, user.OrganisationId, user.Role, new HashSet<Guid>(), ReadOnly: false, Credential: credential, ClientIp: clientIp);
        }
    }
}

/// <summary>Answers <see cref="IPeopleDirectory"/> from the users table.</summary>
public sealed class PeopleDirectory(Rampart.Server.Data.RampartDb db) : IPeopleDirectory
{
    public async Task<IReadOnlySet<Guid>> OrganisationsWithUsersAsync(IReadOnlyCollection<Guid> organisationIds, CancellationToken cancellationToken)
    {
        var ids = organisationIds.ToList();
        return (await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(
            db.Users.Where(u => ids.Contains(u.OrganisationId)).Select(u => u.OrganisationId).Distinct(), cancellationToken)).ToHashSet();
    }

    public async Task<IReadOnlyDictionary<Guid, Guid>> ActiveUserOrganisationsAsync(IReadOnlyCollection<Guid> userIds, CancellationToken cancellationToken)
    {
        var ids = userIds.ToList();
        return await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToDictionaryAsync(
            db.Users.Where(u => ids.Contains(u.Id) && !u.Disabled).Select(u => new { u.Id, u.OrganisationId }), u => u.Id, u => u.OrganisationId, cancellationToken);
    }
}
