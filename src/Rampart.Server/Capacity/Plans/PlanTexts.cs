#pragma warning disable IDE0130
namespace Rampart.Server;
#pragma warning restore IDE0130

/// <summary>Marker for the plan pages' string resources (<c>Resources/PlanTexts.*.resx</c>).</summary>
public sealed class PlanTexts;
