namespace EdgeTok.Cli;

/// <summary>One CLI verb (e.g. <c>info</c>, <c>audio encode</c>).</summary>
internal interface ICommand
{
    /// <summary>The words that select it, e.g. <c>["audio", "encode"]</c>.</summary>
    string[] Path { get; }

    /// <summary>One-line summary for the help listing.</summary>
    string Summary { get; }

    /// <summary>Usage text shown by <c>--help</c>.</summary>
    string Usage { get; }

    /// <summary>Flags (options without a value) the command accepts.</summary>
    string[] Flags => [];

    /// <summary>Runs the command; returns the process exit code.</summary>
    int Execute(Args args, TextWriter stdout, TextWriter stderr);
}
