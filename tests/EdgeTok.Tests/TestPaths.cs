namespace EdgeTok.Tests;

/// <summary>
/// Locates the repository root (the folder holding EdgeTok.sln) and the shared data beside it
/// (<c>../shared</c>, or <c>$EDGETOK_SHARED</c>).
/// </summary>
internal static class TestPaths
{
    private static readonly Lazy<string> s_root = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "EdgeTok.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("EdgeTok.sln not found above " + AppContext.BaseDirectory);
    });

    /// <summary>The repository root.</summary>
    public static string RepoRoot => s_root.Value;

    /// <summary>The shared data folder (read-only).</summary>
    public static string Shared =>
        Environment.GetEnvironmentVariable("EDGETOK_SHARED") is { Length: > 0 } s ? s : Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));

    /// <summary>A path below the shared folder.</summary>
    public static string SharedPath(params string[] parts) => Path.Combine([Shared, .. parts]);

    /// <summary>A fresh temporary directory for one test.</summary>
    public static string TempDir()
    {
        var d = Path.Combine(Path.GetTempPath(), "edgetok-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(d);
        return d;
    }
}
