#pragma warning disable IDE0130
namespace Rampart.Server;
#pragma warning restore IDE0130

/// <summary>Marker for the situation board's and the incident pages' newer string resources (<c>Resources/BoardTexts.*.resx</c>).</summary>
public sealed class BoardTexts;
