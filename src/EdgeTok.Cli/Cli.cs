namespace EdgeTok.Cli;

/// <summary>
/// Dispatches to the command whose path matches the leading words, prints help, and turns every
/// failure into one line on stderr: exit code 2 for usage mistakes, 1 for failed operations.
/// </summary>
internal static class Cli
{
    /// <summary>Every command, in help order. Areas add theirs here.</summary>
    public static readonly ICommand[] Commands =
    [
        new Commands.InfoCommand(),
        new Commands.AudioProbeCommand(),
        new Commands.AudioInfoCommand(),
        new Commands.AudioEncodeCommand(),
        new Commands.AudioDecodeCommand(),
        new Commands.AudioRoundtripCommand(),
        new Commands.AudioStreamEncodeCommand(),
        new Commands.AudioSoakCommand(),
        new Commands.BenchPeakCommand(),
        new Commands.BenchKairosCommand(),
        new Commands.BenchGemmCommand(),
        new Commands.TsBinsCommand(),
        new Commands.TsTokenizeCommand(),
        new Commands.TsForecastCommand(),
    ];

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
            {
                PrintHelp(stdout);
                return args.Length == 0 ? 2 : 0;
            }
            if (args[0] is "--version" or "-V")
            {
                stdout.WriteLine($"edgetok {EdgeTokInfo.Version}");
                return 0;
            }
            var (command, depth) = Find(args);
            if (command is null)
            {
                var prefix = string.Join(' ', args.TakeWhile(a => !a.StartsWith('-')).Take(2));
                throw new UsageException($"unknown command '{prefix}' (see 'edgetok --help')");
            }
            var rest = args.Skip(depth).ToArray();
            if (rest.Contains("--help") || rest.Contains("-h"))
            {
                stdout.WriteLine(command.Usage);
                return 0;
            }
            var parsed = new Args(rest, command.Flags);
            int code = command.Execute(parsed, stdout, stderr);
            return code;
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"edgetok: {e.Message}");
            return 2;
        }
        catch (Exception e)
        {
            var (status, message) = StatusCodes.Classify(e);
            stderr.WriteLine($"edgetok: error: {message} [{StatusCodes.Describe(status)}]");
            return 1;
        }
    }

    private static (ICommand? Command, int Depth) Find(string[] args)
    {
        ICommand? best = null;
        int bestDepth = 0;
        foreach (var c in Commands)
        {
            if (c.Path.Length > args.Length || c.Path.Length <= bestDepth) continue;
            bool match = true;
            for (int i = 0; i < c.Path.Length; i++) match &= c.Path[i] == args[i];
            if (match) { best = c; bestDepth = c.Path.Length; }
        }
        return (best, bestDepth);
    }

    private static void PrintHelp(TextWriter w)
    {
        w.WriteLine($"edgetok {EdgeTokInfo.Version} — time-series and audio tokenizers for the edge");
        w.WriteLine();
        w.WriteLine("usage: edgetok <command> [options]      (edgetok <command> --help for details)");
        w.WriteLine();
        foreach (var c in Commands) w.WriteLine($"  {string.Join(' ', c.Path),-22} {c.Summary}");
        w.WriteLine();
        w.WriteLine("  --version              print the version");
    }
}
