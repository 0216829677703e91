namespace Rampart.Standards.Tests;

/// <summary>Reference data in ../shared/data, found from the test binary's folder.</summary>
internal static class SharedData
{
    public static string Folder(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data", name);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }

            dir = dir.Parent;
        }

        throw new DirectoryNotFoundException($"shared/data/{name} was not found above {AppContext.BaseDirectory}.");
    }
}
