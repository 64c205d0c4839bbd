using EdgeTok.Numerics;

namespace EdgeTok.Tests.Numerics;

/// <summary>
/// scripts/test.sh re-runs the kernel tests with the JIT's wide ISAs switched off (DOTNET_EnableAVX512=0 and so on)
/// and names the path it expects in EDGETOK_EXPECT_ISA. This test makes those runs fail if a knob stopped working
/// (renamed in a runtime release, say) and the "fallback" run quietly took the AVX-512 path again.
/// </summary>
public class ActiveIsaTests
{
    [Fact]
    public void Kernels_take_the_vector_path_the_run_expects()
    {
        string? expected = Environment.GetEnvironmentVariable("EDGETOK_EXPECT_ISA");
        if (string.IsNullOrEmpty(expected))
        {
            // A plain run: the JIT uses what the CPU has, unless someone switched ISAs off by hand.
            bool knobs = Environment.GetEnvironmentVariables().Keys.Cast<string>()
                .Any(k => k.StartsWith("DOTNET_Enable", StringComparison.OrdinalIgnoreCase)
                       || k.StartsWith("DOTNET_PreferredVectorBitWidth", StringComparison.OrdinalIgnoreCase));
            if (knobs) Assert.True(CpuFeatures.CompiledLevel <= CpuFeatures.CpuLevel);
            else Assert.Equal(CpuFeatures.CpuLevel, CpuFeatures.CompiledLevel);
            return;
        }

        Assert.Equal(expected, CpuFeatures.VectorPath);
        // The level too: kernels also test Avx512BW/Avx2 directly, and Vector512 alone can be off
        // (DOTNET_PreferredVectorBitWidth) while AVX-512 instructions stay on.
        var level = expected switch
        {
            "avx512" => IsaLevel.X86_64_V4,
            "avx2" => IsaLevel.X86_64_V3,
            "sse" => IsaLevel.X86_64_V2,
            "scalar" => IsaLevel.X86_64_V1,
            _ => throw new ArgumentException($"EDGETOK_EXPECT_ISA={expected}: expected avx512, avx2, sse or scalar"),
        };
        Assert.Equal(level, CpuFeatures.CompiledLevel);
    }
}
