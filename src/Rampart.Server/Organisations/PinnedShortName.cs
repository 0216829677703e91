namespace Rampart.Server.Organisations;

/// <summary>
/// A short name the node's configuration gives a role to (for example the intake team, <c>Rampart:Intake:Organisation</c>).
/// Features that name an organisation by its short name register one; <see cref="OrganisationAdministration"/> then
/// refuses to move that name between organisations — otherwise an administrator who may rename an organisation could
/// take the role, and what it reads, by renaming (review of 2026-11-30, R1).
/// </summary>
public interface IPinnedShortName
{
    /// <summary>The configured short name, or null when the feature names none.</summary>
    string? ShortName { get; }

    /// <summary>What the name stands for, for the error message (e.g. "the node's intake team (Rampart:Intake:Organisation)").</summary>
    string Role { get; }
}
