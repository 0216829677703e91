namespace Rampart.Server;

/// <summary>Marker for the federation page's string resources (<c>Resources/FederationTexts.*.resx</c>).</summary>
public sealed class FederationTexts;
