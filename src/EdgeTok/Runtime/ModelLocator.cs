namespace EdgeTok.Runtime;

/// <summary>
/// Resolves a model name (e.g. <c>lyra-v2</c>) to a folder: each directory of the
/// <c>EDGETOK_MODEL_PATH</c> environment variable (separated by the platform's path separator) in
/// order, then <c>models/</c> under the current directory. A name that is already an existing folder
/// is returned as is.
/// </summary>
public static class ModelLocator
{
    /// <summary>The environment variable holding the model search path.</summary>
    public const string EnvironmentVariable = "EDGETOK_MODEL_PATH";

    /// <summary>The folder for <paramref name="name"/>, or null when no search directory holds it.</summary>
    public static string? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0) return null;
        if (Directory.Exists(name)) return name;
        // Only bare names are searched: a path the caller spelled out should fail as given.
        if (name.Contains('/') || name.Contains('\\') || name == "." || name == "..") return null;
        foreach (var dir in SearchPath())
        {
            var candidate = Path.Combine(dir, name);
            if (Directory.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>The directories searched, in order.</summary>
    public static IReadOnlyList<string> SearchPath()
    {
        var dirs = new List<string>();
        var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(env))
            foreach (var d in env.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)) dirs.Add(d);
        dirs.Add("models");
        return dirs;
    }
}
