#pragma warning disable IDE0130
namespace Rampart.Server;
#pragma warning restore IDE0130

/// <summary>Marker for the training pages' string resources (<c>Resources/TrainingTexts.*.resx</c>), with the ECSF profile titles (<c>Ecsf.{profileId}</c>).</summary>
public sealed class TrainingTexts;
