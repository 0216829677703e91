namespace Rampart.Server;

/// <summary>Marker for the notifications' string resources (<c>Resources/NotificationTexts.*.resx</c>).</summary>
public sealed class NotificationTexts;
