using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeTok.Numerics;

/// <summary>
/// What the CPU offers and what this build of EdgeTok uses. A native-AOT image is compiled for one
/// ISA level; the published package holds one image per level and the loader picks the widest the
/// CPU supports (see docs/isa-dispatch.md). Under the JIT the compiled level is the CPU's own.
/// </summary>
public static class CpuFeatures
{
    private static readonly Lazy<IsaLevel> s_cpuLevel = new(DetectCpuLevel);

    /// <summary>The highest x86-64 level the CPU (and OS) supports.</summary>
    public static IsaLevel CpuLevel => s_cpuLevel.Value;

    /// <summary>The level this code was compiled for (AOT) or runs at (JIT), from the intrinsics the runtime enables.</summary>
    public static IsaLevel CompiledLevel
    {
        get
        {
            if (RuntimeInformation.ProcessArchitecture != Architecture.X64) return IsaLevel.Other;
            if (Avx512F.IsSupported && Avx512BW.IsSupported && Avx512CD.IsSupported && Avx512DQ.IsSupported && Avx512F.VL.IsSupported)
                return IsaLevel.X86_64_V4;
            if (Avx2.IsSupported && Fma.IsSupported && Bmi1.IsSupported && Bmi2.IsSupported) return IsaLevel.X86_64_V3;
            if (Sse42.IsSupported && Popcnt.IsSupported) return IsaLevel.X86_64_V2;
            return IsaLevel.X86_64_V1;
        }
    }

    /// <summary>The vector path the kernels take, e.g. <c>avx512</c>, <c>avx2</c>, <c>sse</c>, <c>neon</c>, <c>scalar</c>.</summary>
    public static string VectorPath
    {
        get
        {
            if (Vector512.IsHardwareAccelerated) return "avx512";
            if (Vector256.IsHardwareAccelerated) return Avx2.IsSupported ? "avx2" : "avx";
            if (Vector128.IsHardwareAccelerated)
                return RuntimeInformation.ProcessArchitecture is Architecture.Arm64 ? "neon" : "sse";
            return "scalar";
        }
    }

    /// <summary>Width in bits of the widest hardware-accelerated vector this build uses.</summary>
    public static int VectorBits =>
        Vector512.IsHardwareAccelerated ? 512 :
        Vector256.IsHardwareAccelerated ? 256 :
        Vector128.IsHardwareAccelerated ? 128 : 32;

    /// <summary>Canonical psABI name of a level (<c>x86-64-v3</c>), as used by glibc-hwcaps directories.</summary>
    public static string Name(IsaLevel level) => level switch
    {
        IsaLevel.X86_64_V1 => "x86-64",
        IsaLevel.X86_64_V2 => "x86-64-v2",
        IsaLevel.X86_64_V3 => "x86-64-v3",
        IsaLevel.X86_64_V4 => "x86-64-v4",
        _ => RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant(),
    };

    /// <summary>Parses the flag list of a /proc/cpuinfo <c>flags</c> line into a level.</summary>
    public static IsaLevel LevelFromFlags(IReadOnlyCollection<string> flags)
    {
        bool Has(params string[] names) => names.All(flags.Contains);
        if (!Has("sse2")) return IsaLevel.Other;
        var level = IsaLevel.X86_64_V1;
        if (Has("cx16", "lahf_lm", "popcnt", "sse4_1", "sse4_2", "ssse3")) level = IsaLevel.X86_64_V2; else return level;
        if (Has("avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "xsave")) level = IsaLevel.X86_64_V3; else return level;
        if (Has("avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl")) level = IsaLevel.X86_64_V4;
        return level;
    }

    private static IsaLevel DetectCpuLevel()
    {
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64) return IsaLevel.Other;
        // The kernel lists only the features it has enabled (XSAVE state for AVX/AVX-512 included),
        // which is what matters for running wide code.
        try
        {
            if (File.Exists("/proc/cpuinfo"))
            {
                foreach (var line in File.ReadLines("/proc/cpuinfo"))
                {
                    if (!line.StartsWith("flags", StringComparison.Ordinal)) continue;
                    int colon = line.IndexOf(':');
                    if (colon < 0) continue;
                    var flags = new HashSet<string>(line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);
                    return LevelFromFlags(flags);
                }
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        // Without /proc: what the running code may use is a safe lower bound.
        return CompiledLevel;
    }
}
