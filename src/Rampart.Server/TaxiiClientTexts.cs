namespace Rampart.Server;

/// <summary>Marker for the TAXII client page's string resources (<c>Resources/TaxiiClientTexts.*.resx</c>).</summary>
public sealed class TaxiiClientTexts;
