namespace Rampart.Server.Notes;

public static class NoteLimits
{
    public const int TitleLength = 300;
    public const int BodyLength = 100_000;
}
