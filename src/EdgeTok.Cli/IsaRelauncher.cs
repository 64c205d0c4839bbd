using System.Runtime.InteropServices;
using EdgeTok.Numerics;

namespace EdgeTok.Cli;

/// <summary>
/// The CLI ships one native image per x86-64 level (<c>edgetok</c> = baseline,
/// <c>edgetok-x86-64-v3</c>, <c>edgetok-x86-64-v4</c>). The baseline image starts first on every
/// CPU and replaces itself (execv) with the widest sibling the CPU can run, so the wide vector
/// code is used where it exists and nothing wide ever runs on a CPU without it.
/// Set <c>EDGETOK_ISA=baseline</c> (or a level name) to choose by hand.
/// </summary>
internal static partial class IsaRelauncher
{
    private const string GuardVariable = "EDGETOK_RELAUNCHED";

    public static void TryRelaunch(string[] args)
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64) return;
        if (Environment.GetEnvironmentVariable(GuardVariable) is not null) return;
        string? wanted = Environment.GetEnvironmentVariable("EDGETOK_ISA");
        var cpu = CpuFeatures.CpuLevel;
        var compiled = CpuFeatures.CompiledLevel;
        var self = Environment.ProcessPath;
        if (self is null) return;
        string dir = Path.GetDirectoryName(self)!;
        string baseName = Path.GetFileName(self);
        int dash = baseName.IndexOf("-x86-64-", StringComparison.Ordinal);
        if (dash >= 0) baseName = baseName[..dash];

        foreach (var level in new[] { IsaLevel.X86_64_V4, IsaLevel.X86_64_V3 })
        {
            if (level > cpu || level <= compiled) continue;
            if (wanted is not null && wanted != CpuFeatures.Name(level)) continue;
            string candidate = Path.Combine(dir, $"{baseName}-{CpuFeatures.Name(level)}");
            if (!File.Exists(candidate)) continue;
            Exec(candidate, args);
            return; // exec failed: keep running the baseline image
        }
    }

    private static unsafe void Exec(string path, string[] args)
    {
        if (setenv(GuardVariable, "1", 1) != 0) return;
        var argv = new nint[args.Length + 2];
        try
        {
            argv[0] = Marshal.StringToCoTaskMemUTF8(path);
            for (int i = 0; i < args.Length; i++) argv[i + 1] = Marshal.StringToCoTaskMemUTF8(args[i]);
            fixed (nint* p = argv) execv(path, p);
        }
        finally
        {
            foreach (var a in argv) if (a != 0) Marshal.FreeCoTaskMem(a);
        }
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int execv(string path, nint* argv);
}
