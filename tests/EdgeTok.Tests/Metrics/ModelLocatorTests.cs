using EdgeTok.Runtime;

namespace EdgeTok.Tests.Metrics;

public sealed class ModelLocatorTests
{
    [Fact]
    public void Resolves_names_through_the_search_path_in_order()
    {
        var a = TestPaths.TempDir();
        var b = TestPaths.TempDir();
        Directory.CreateDirectory(Path.Combine(b, "lyra-v2"));
        var bin = TestPaths.TempDir();
        string path = string.Join(Path.PathSeparator, Path.Combine(a, "missing"), a, b);
        Assert.Equal(Path.Combine(b, "lyra-v2"), ModelLocator.Resolve("lyra-v2", path, bin));
        Directory.CreateDirectory(Path.Combine(a, "lyra-v2"));
        Assert.Equal(Path.Combine(a, "lyra-v2"), ModelLocator.Resolve("lyra-v2", path, bin));
        // models/ beside the binary comes after the search path.
        Directory.CreateDirectory(Path.Combine(bin, "models", "only-here"));
        Assert.Equal(Path.Combine(bin, "models", "only-here"), ModelLocator.Resolve("only-here", path, bin));
        Assert.Equal(Path.Combine(bin, "models"), ModelLocator.SearchFolders(path, bin)[3]);
    }

    [Fact]
    public void Accepts_folder_paths_and_reports_what_it_searched()
    {
        var a = TestPaths.TempDir();
        Assert.Equal(Path.GetFullPath(a), ModelLocator.Resolve(a, "", a));
        var e = Assert.Throws<EdgeTokException>(() => ModelLocator.Resolve("no-such-model", a, a));
        Assert.Equal(StatusCode.NotFound, e.Status);
        Assert.Contains(a, e.Message);
        Assert.Contains(ModelLocator.EnvironmentVariable, e.Message);
        Assert.Equal(StatusCode.NotFound, Assert.Throws<EdgeTokException>(() => ModelLocator.Resolve(Path.Combine(a, "x", "y"), a, a)).Status);
        Assert.Throws<EdgeTokException>(() => ModelLocator.Resolve(" ", a, a));
    }

    [Fact]
    public void Finds_the_shared_lyra_model()
    {
        var shared = TestPaths.SharedPath("models");
        Assert.Equal(Path.Combine(Path.GetFullPath(shared), "lyra-v2"), ModelLocator.Resolve("lyra-v2", shared));
    }
}
