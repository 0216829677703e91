namespace Rampart.Server;

/// <summary>Marker for the capacity pages' string resources (<c>Resources/CapacityTexts.*.resx</c>): the registry and the expert directory.</summary>
public sealed class CapacityTexts;
