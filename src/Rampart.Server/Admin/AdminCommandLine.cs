namespace Rampart.Server.Admin;

public static class AdminCommandLine
{
    public static bool Handles(string[] args) => args.Length > 0 && args[0] is "admin" or "audit";

    public static Task<int> RunAsync(string[] args) => Task.FromResult(args.Length);
}
