namespace Rampart.Server.Access;

/// <summary>Claim types Rampart adds to sessions and API-key principals.</summary>
public static class RampartClaims
{
    public const string Credential = "rampart:credential";
    public const string ReadOnly = "rampart:readonly";

    /// <summary>When the session's user last proved who they are (login or re-authentication), in seconds since 1970.</summary>
    public const string AuthenticatedAt = "rampart:auth_time";
}
