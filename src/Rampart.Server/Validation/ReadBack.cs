namespace Rampart.Server.Validation;

/// <summary>
/// The checks of a record read with GET, changed and sent back with PUT: the body's id must be the address's (else a
/// 400 naming <c>id</c>), and the time of the last change it was read at, when sent, must still be the stored one (else
/// a 409, nothing changed). Compared to the millisecond: SQLite keeps 100 µs, PostgreSQL 1 µs, and an answer to a
/// write shows the clock's 100 ns.
/// </summary>
public static class ReadBack
{
    public static void Check(Guid? bodyId, Guid addressId, DateTimeOffset? readAt, DateTimeOffset storedAt, string what)
    {
        if (bodyId is { } id && id != addressId)
        {
            throw RequestErrors.One("id", $"This id is another {what}'s: send each {what} to its own address.");
        }

        if (readAt is { } seen && Math.Abs((seen - storedAt).Ticks) >= TimeSpan.TicksPerMillisecond)
        {
            throw new ConflictException($"Someone changed this {what} after you read it; nothing was changed. Load it again and retry.");
        }
    }
}
