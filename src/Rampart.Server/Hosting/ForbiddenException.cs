namespace Rampart.Server.Hosting;

/// <summary>
/// The caller may see the target but may not do this to it. Answered 403. Never thrown for a record the
/// caller may not see: that is a 404, exactly like a record that does not exist.
/// </summary>
public sealed class ForbiddenException(string message) : Exception(message);
