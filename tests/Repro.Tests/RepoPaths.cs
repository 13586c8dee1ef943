namespace Repro.Tests;

/// <summary>Files of the repository the tests read (claims, profiles, cfg files).</summary>
internal static class RepoPaths
{
    public static string Root { get; } = Find();

    public static string Of(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Repro.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("cannot find the repository root (Repro.sln) above " + AppContext.BaseDirectory);
    }
}
