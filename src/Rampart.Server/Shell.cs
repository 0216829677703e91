namespace Rampart.Server;

/// <summary>Marker for the shell's string resources (<c>Resources/Shell.*.resx</c>).</summary>
public sealed class Shell;
