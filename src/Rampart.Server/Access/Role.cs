namespace Rampart.Server.Access;

/// <summary>What a user may do. Later capabilities add roles; values are stable.</summary>
public enum Role
{
    Viewer = 0,
    Analyst = 1,
    OrgAdmin = 2,
    NodeAdmin = 3,
}
