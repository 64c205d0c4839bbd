namespace EdgeTok.Numerics;

/// <summary>
/// x86-64 micro-architecture levels (the psABI names), used to pick the build variant that can
/// use the widest vector unit of the CPU without executing instructions it lacks.
/// </summary>
public enum IsaLevel
{
    /// <summary>Not an x86-64 CPU (e.g. arm64); vector width is decided by the platform.</summary>
    Other = 0,
    /// <summary>Baseline x86-64: SSE2 only (128-bit vectors).</summary>
    X86_64_V1 = 1,
    /// <summary>x86-64-v2: SSE4.2, POPCNT (128-bit vectors).</summary>
    X86_64_V2 = 2,
    /// <summary>x86-64-v3: AVX2, FMA, BMI1/2 (256-bit vectors).</summary>
    X86_64_V3 = 3,
    /// <summary>x86-64-v4: AVX-512 F/BW/CD/DQ/VL (512-bit vectors).</summary>
    X86_64_V4 = 4,
}
