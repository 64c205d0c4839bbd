namespace EdgeTok.Cli;

internal static class Program
{
    private static int Main(string[] args)
    {
        IsaRelauncher.TryRelaunch(args);
        return Cli.Run(args, Console.Out, Console.Error);
    }
}
