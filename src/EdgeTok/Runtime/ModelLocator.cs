namespace EdgeTok.Runtime;

/// <summary>
/// Finds a model folder by name (e.g. <c>lyra-v2</c>) on the model search path: each folder of
/// <c>EDGETOK_MODEL_PATH</c> (separated by <see cref="Path.PathSeparator"/>, ':' on Unix) in order, then
/// <c>models/</c> beside the running binary, then <c>models/</c> in the source tree root above it (the
/// first ancestor folder holding <c>EdgeTok.sln</c>). A path to an existing folder is accepted as is.
/// </summary>
public static class ModelLocator
{
    /// <summary>Name of the environment variable holding the search folders.</summary>
    public const string EnvironmentVariable = "EDGETOK_MODEL_PATH";

    /// <summary>
    /// The folders searched for a model name, in order (they need not exist). <paramref name="searchPath"/>
    /// replaces the environment variable when not null; <paramref name="baseDirectory"/> replaces the
    /// binary's folder when not null.
    /// </summary>
    public static IReadOnlyList<string> SearchFolders(string? searchPath = null, string? baseDirectory = null)
    {
        var folders = new List<string>();
        searchPath ??= Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(searchPath))
            foreach (var p in searchPath.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                folders.Add(Path.GetFullPath(p));
        string bin = Path.GetFullPath(baseDirectory ?? AppContext.BaseDirectory);
        folders.Add(Path.Combine(bin, "models"));
        for (var d = new DirectoryInfo(bin); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "EdgeTok.sln")))
            {
                folders.Add(Path.Combine(d.FullName, "models"));
                break;
            }
        }
        return folders;
    }

    /// <summary>
    /// The full path of the model folder <paramref name="nameOrPath"/>: an existing folder path, or the
    /// first <c>&lt;search folder&gt;/&lt;name&gt;</c> that exists.
    /// </summary>
    /// <param name="nameOrPath">A model name such as <c>lyra-v2</c>, or a folder path.</param>
    /// <param name="searchPath">Overrides <c>EDGETOK_MODEL_PATH</c> when not null.</param>
    /// <param name="baseDirectory">Overrides the binary's folder when not null.</param>
    /// <exception cref="EdgeTokException">InvalidArgument for an empty name; NotFound (listing the folders searched) when nothing matches.</exception>
    public static string Resolve(string nameOrPath, string? searchPath = null, string? baseDirectory = null)
    {
        if (string.IsNullOrWhiteSpace(nameOrPath)) throw EdgeTokException.Argument("model name is empty");
        if (Directory.Exists(nameOrPath)) return Path.GetFullPath(nameOrPath);
        bool isName = nameOrPath.IndexOfAny(['/', '\\']) < 0 && nameOrPath is not "." and not "..";
        var folders = SearchFolders(searchPath, baseDirectory);
        if (isName)
            foreach (var f in folders)
            {
                var candidate = Path.Combine(f, nameOrPath);
                if (Directory.Exists(candidate)) return candidate;
            }
        throw EdgeTokException.NotFound(isName
            ? $"model '{nameOrPath}' not found in {string.Join(", ", folders)} (set {EnvironmentVariable} to the folder holding it, or pass a folder path)"
            : $"model folder '{nameOrPath}' does not exist");
    }
}
