#pragma warning disable IDE0130
namespace Rampart.Server;
#pragma warning restore IDE0130

/// <summary>Marker for the strings of an intelligence object's history (<c>Resources/IntelHistoryTexts.*.resx</c>).</summary>
public sealed class IntelHistoryTexts;
