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
        new Commands.BenchRvqCommand(),
        new Commands.BenchCodecCommand(),
        new Commands.TsBinsCommand(),
        new Commands.TsTokenizeCommand(),
        new Commands.TsForecastCommand(),
    ];

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ICommand? command = null;
        try
        {
            if (args.Length == 0 || args[0] is "-h" or "--help")
            {
                PrintHelp(stdout);
                return args.Length == 0 ? 2 : 0;
            }
            if (args[0] == "help") return Help(args[1..], stdout);
            if (args[0] is "--version" or "-V")
            {
                stdout.WriteLine($"edgetok {EdgeTokInfo.Version}");
                return 0;
            }
            (command, int depth) = Find(args);
            if (command is null) throw Unknown(args);
            var rest = args.Skip(depth).ToArray();
            if (rest.Contains("--help") || rest.Contains("-h"))
            {
                stdout.WriteLine(command.Usage);
                return 0;
            }
            var parsed = new Args(rest, [.. command.Flags, "quiet"]);
            parsed.Quiet = parsed.Flag("quiet");
            return command.Execute(parsed, stdout, stderr);
        }
        catch (UsageException e)
        {
            string hint = command is null ? "" : $" (see 'edgetok {string.Join(' ', command.Path)} --help')";
            stderr.WriteLine($"edgetok: {OneLine(e.Message)}{hint}");
            return 2;
        }
        catch (Exception e)
        {
            var (status, message) = StatusCodes.Classify(e);
            stderr.WriteLine($"edgetok: error: {OneLine(message)} [{StatusCodes.Describe(status)}]");
            return 1;
        }
    }

    // Messages from lower layers (ONNX Runtime, the OS) may span lines; the CLI promises one.
    private static string OneLine(string message) =>
        string.Join("; ", message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary><c>edgetok help [command words]</c>: the overview, or one command's usage.</summary>
    private static int Help(string[] words, TextWriter stdout)
    {
        if (words.Length == 0)
        {
            PrintHelp(stdout);
            return 0;
        }
        var (command, depth) = Find(words);
        if (command is null || depth != words.Length) throw Unknown(words);
        stdout.WriteLine(command.Usage);
        return 0;
    }

    // An area word alone ('edgetok audio') lists its commands; anything else is unknown.
    private static UsageException Unknown(string[] args)
    {
        var words = args.TakeWhile(a => !a.StartsWith('-')).Take(2).ToArray();
        if (words.Length > 0)
        {
            var sub = Commands.Where(c => c.Path.Length > 1 && c.Path[0] == words[0]).Select(c => c.Path[1]).ToList();
            if (sub.Count > 0 && (words.Length == 1 || !sub.Contains(words[1])))
                return new UsageException(words.Length == 1
                    ? $"'{words[0]}' needs a command: {string.Join(", ", sub)} (see 'edgetok --help')"
                    : $"unknown command '{words[0]} {words[1]}'; '{words[0]}' has: {string.Join(", ", sub)}");
        }
        return new UsageException($"unknown command '{string.Join(' ', words)}' (see 'edgetok --help')");
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
        w.WriteLine("usage: edgetok <command> [options]      (edgetok <command> --help, or edgetok help <command>, for details)");
        string? area = null;
        foreach (var c in Commands)
        {
            // A blank line between areas (ts, audio, bench, ...).
            if (c.Path[0] != area) w.WriteLine();
            area = c.Path[0];
            w.WriteLine($"  {string.Join(' ', c.Path),-22} {c.Summary}");
        }
        w.WriteLine();
        w.WriteLine("options most commands share:");
        w.WriteLine("  --model DIR|NAME       model folder, or a name looked up in $EDGETOK_MODEL_PATH, then models/");
        w.WriteLine("  --input FILE           input file (.wav, .csv, .npy); --output FILE the result");
        w.WriteLine("  --json                 print one JSON object on stdout instead of text (for scripts)");
        w.WriteLine("  --quiet                no progress bar (it is drawn on stderr only when stderr is a terminal)");
        w.WriteLine("  --svg FILE             also draw a picture (ts forecast, ts tokenize, audio encode|decode|stream-encode)");
        w.WriteLine();
        w.WriteLine("  --version              print the version");
        w.WriteLine();
        w.WriteLine("Errors are one line on stderr; exit code 2 for a usage mistake, 1 for a failed operation.");
    }
}
