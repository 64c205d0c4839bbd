using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace EdgeTok.Numerics;

/// <summary>
/// Measures the single-thread FP32 fused-multiply-add throughput of this core with the widest
/// vectors this build uses: the physical limit that kernel speeds are reported against.
/// Twelve independent accumulator chains hide the FMA latency (4 cycles × up to 2 ports ≈ 8 in flight).
/// </summary>
public static class PeakFlops
{
    /// <summary>One measurement: GFLOP/s (an FMA counts as 2 FLOPs) and the vector width used.</summary>
    /// <param name="GigaFlops">Best throughput seen over the repetitions (the limit).</param>
    /// <param name="MedianGigaFlops">Median throughput over the repetitions.</param>
    /// <param name="VectorBits">Width of the vectors the kernel ran with.</param>
    /// <param name="RepetitionMs">Duration of each repetition, in milliseconds.</param>
    public sealed record Result(double GigaFlops, double MedianGigaFlops, int VectorBits, double[] RepetitionMs);

    /// <summary>Runs the kernel <paramref name="repetitions"/> times for about <paramref name="milliseconds"/> each and keeps the best.</summary>
    public static Result Measure(int repetitions = 5, int milliseconds = 100)
    {
        if (repetitions < 1 || milliseconds < 1) throw EdgeTokException.Argument("repetitions and milliseconds must be positive");
        int bits = CpuFeatures.VectorBits >= 128 ? CpuFeatures.VectorBits : 32;
        int lanes = Math.Max(1, bits / 32);
        return Repeat(iters => Run(iters, bits), 12.0 * lanes * 2.0, bits, repetitions, milliseconds);
    }

    // Calibrates the iteration count so one repetition lasts about the requested time, then keeps the
    // best and the median of the repetitions.
    private static Result Repeat(Action<long> run, double opsPerIteration, int bits, int repetitions, int milliseconds)
    {
        long iters = 1 << 16;
        while (true)
        {
            var sw = Stopwatch.StartNew();
            run(iters);
            if (sw.Elapsed.TotalMilliseconds > milliseconds / 4.0 || iters > 1L << 34) break;
            iters *= 2;
        }
        iters = (long)(iters * 4.0);
        var ms = new double[repetitions];
        for (int r = 0; r < repetitions; r++)
        {
            var sw = Stopwatch.StartNew();
            run(iters);
            ms[r] = sw.Elapsed.TotalMilliseconds;
        }
        double ops = iters * opsPerIteration;
        var sorted = ms.Order().ToArray();
        return new Result(ops / sorted[0] / 1e6, ops / sorted[sorted.Length / 2] / 1e6, bits, ms);
    }

    /// <summary>
    /// The 8-bit integer counterpart: u8 × s8 multiply-adds per second on AVX-VNNI (256-bit, 32 per
    /// instruction; a multiply-add counts as 2 operations, so GigaFlops is GOP/s) — the limit of the
    /// screened RVQ search's integer kernel. Null where the CPU (or this build) has no AVX-VNNI.
    /// </summary>
    public static Result? MeasureInt8(int repetitions = 5, int milliseconds = 100)
    {
        if (repetitions < 1 || milliseconds < 1) throw EdgeTokException.Argument("repetitions and milliseconds must be positive");
        if (!AvxVnni.IsSupported) return null;
        return Repeat(iters => RunVnni(iters), 12.0 * 32 * 2.0, 256, repetitions, milliseconds);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int RunVnni(long iters)
    {
        var u = Vector256.Create((byte)3);
        var s = Vector256.Create((sbyte)-2);
        Vector256<int> c0 = Vector256<int>.Zero, c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (long i = 0; i < iters; i++)
        {
            c0 = AvxVnni.MultiplyWideningAndAdd(c0, u, s); c1 = AvxVnni.MultiplyWideningAndAdd(c1, u, s);
            c2 = AvxVnni.MultiplyWideningAndAdd(c2, u, s); c3 = AvxVnni.MultiplyWideningAndAdd(c3, u, s);
            c4 = AvxVnni.MultiplyWideningAndAdd(c4, u, s); c5 = AvxVnni.MultiplyWideningAndAdd(c5, u, s);
            c6 = AvxVnni.MultiplyWideningAndAdd(c6, u, s); c7 = AvxVnni.MultiplyWideningAndAdd(c7, u, s);
            c8 = AvxVnni.MultiplyWideningAndAdd(c8, u, s); c9 = AvxVnni.MultiplyWideningAndAdd(c9, u, s);
            c10 = AvxVnni.MultiplyWideningAndAdd(c10, u, s); c11 = AvxVnni.MultiplyWideningAndAdd(c11, u, s);
        }
        return Vector256.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }

    /// <summary>
    /// A peak kernel calibrated to run about <paramref name="milliseconds"/> per call, so a benchmark can
    /// measure the peak right next to each of its own iterations and report per-iteration ratios that
    /// a shared, changing machine load affects alike on both sides.
    /// </summary>
    internal static Func<double> CreateProbe(double milliseconds)
    {
        int bits = CpuFeatures.VectorBits >= 128 ? CpuFeatures.VectorBits : 32;
        int lanes = Math.Max(1, bits / 32);
        long iters = 1 << 10;
        double best = double.MaxValue;
        while (iters < 1L << 34)
        {
            var sw = Stopwatch.StartNew();
            Run(iters, bits);
            best = sw.Elapsed.TotalMilliseconds;
            if (best > milliseconds / 8) break;
            iters *= 2;
        }
        iters = Math.Max(1, (long)(iters * milliseconds / Math.Max(best, 1e-3)));
        double flops = iters * 12.0 * lanes * 2.0;
        return () =>
        {
            long t0 = Stopwatch.GetTimestamp();
            Run(iters, bits);
            return flops / Stopwatch.GetElapsedTime(t0).TotalMilliseconds / 1e6;
        };
    }

    private static float Run(long iters, int bits) => bits switch
    {
        512 => Run512(iters),
        256 => Run256(iters),
        128 => Fma.IsSupported || AdvSimd.IsSupported ? Run128(iters) : Run128Unfused(iters),
        _ => RunScalar(iters),
    };

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Run128Unfused(long iters)
    {
        var m = Vector128.Create(0.999999f);
        var a = Vector128.Create(1e-7f);
        Vector128<float> c0 = Vector128.Create(1f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (long i = 0; i < iters; i++)
        {
            c0 = c0 * m + a; c1 = c1 * m + a; c2 = c2 * m + a; c3 = c3 * m + a; c4 = c4 * m + a; c5 = c5 * m + a;
            c6 = c6 * m + a; c7 = c7 * m + a; c8 = c8 * m + a; c9 = c9 * m + a; c10 = c10 * m + a; c11 = c11 * m + a;
        }
        return Vector128.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Run512(long iters)
    {
        var m = Vector512.Create(0.999999f);
        var a = Vector512.Create(1e-7f);
        Vector512<float> c0 = Vector512.Create(1f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (long i = 0; i < iters; i++)
        {
            c0 = Vector512.FusedMultiplyAdd(c0, m, a); c1 = Vector512.FusedMultiplyAdd(c1, m, a);
            c2 = Vector512.FusedMultiplyAdd(c2, m, a); c3 = Vector512.FusedMultiplyAdd(c3, m, a);
            c4 = Vector512.FusedMultiplyAdd(c4, m, a); c5 = Vector512.FusedMultiplyAdd(c5, m, a);
            c6 = Vector512.FusedMultiplyAdd(c6, m, a); c7 = Vector512.FusedMultiplyAdd(c7, m, a);
            c8 = Vector512.FusedMultiplyAdd(c8, m, a); c9 = Vector512.FusedMultiplyAdd(c9, m, a);
            c10 = Vector512.FusedMultiplyAdd(c10, m, a); c11 = Vector512.FusedMultiplyAdd(c11, m, a);
        }
        return Vector512.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Run256(long iters)
    {
        var m = Vector256.Create(0.999999f);
        var a = Vector256.Create(1e-7f);
        Vector256<float> c0 = Vector256.Create(1f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (long i = 0; i < iters; i++)
        {
            c0 = Vector256.FusedMultiplyAdd(c0, m, a); c1 = Vector256.FusedMultiplyAdd(c1, m, a);
            c2 = Vector256.FusedMultiplyAdd(c2, m, a); c3 = Vector256.FusedMultiplyAdd(c3, m, a);
            c4 = Vector256.FusedMultiplyAdd(c4, m, a); c5 = Vector256.FusedMultiplyAdd(c5, m, a);
            c6 = Vector256.FusedMultiplyAdd(c6, m, a); c7 = Vector256.FusedMultiplyAdd(c7, m, a);
            c8 = Vector256.FusedMultiplyAdd(c8, m, a); c9 = Vector256.FusedMultiplyAdd(c9, m, a);
            c10 = Vector256.FusedMultiplyAdd(c10, m, a); c11 = Vector256.FusedMultiplyAdd(c11, m, a);
        }
        return Vector256.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Run128(long iters)
    {
        var m = Vector128.Create(0.999999f);
        var a = Vector128.Create(1e-7f);
        Vector128<float> c0 = Vector128.Create(1f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (long i = 0; i < iters; i++)
        {
            // Without FMA hardware a fused multiply-add is emulated in software (hundreds of cycles), so the
            // peak there is a multiply and an add: the same 2 FLOPs (Run128Unfused).
            c0 = Vector128.FusedMultiplyAdd(c0, m, a); c1 = Vector128.FusedMultiplyAdd(c1, m, a);
            c2 = Vector128.FusedMultiplyAdd(c2, m, a); c3 = Vector128.FusedMultiplyAdd(c3, m, a);
            c4 = Vector128.FusedMultiplyAdd(c4, m, a); c5 = Vector128.FusedMultiplyAdd(c5, m, a);
            c6 = Vector128.FusedMultiplyAdd(c6, m, a); c7 = Vector128.FusedMultiplyAdd(c7, m, a);
            c8 = Vector128.FusedMultiplyAdd(c8, m, a); c9 = Vector128.FusedMultiplyAdd(c9, m, a);
            c10 = Vector128.FusedMultiplyAdd(c10, m, a); c11 = Vector128.FusedMultiplyAdd(c11, m, a);
        }
        return Vector128.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float RunScalar(long iters)
    {
        float m = 0.999999f, a = 1e-7f;
        float c0 = 1, c1 = 1, c2 = 1, c3 = 1, c4 = 1, c5 = 1, c6 = 1, c7 = 1, c8 = 1, c9 = 1, c10 = 1, c11 = 1;
        for (long i = 0; i < iters; i++)
        {
            c0 = MathF.FusedMultiplyAdd(c0, m, a); c1 = MathF.FusedMultiplyAdd(c1, m, a);
            c2 = MathF.FusedMultiplyAdd(c2, m, a); c3 = MathF.FusedMultiplyAdd(c3, m, a);
            c4 = MathF.FusedMultiplyAdd(c4, m, a); c5 = MathF.FusedMultiplyAdd(c5, m, a);
            c6 = MathF.FusedMultiplyAdd(c6, m, a); c7 = MathF.FusedMultiplyAdd(c7, m, a);
            c8 = MathF.FusedMultiplyAdd(c8, m, a); c9 = MathF.FusedMultiplyAdd(c9, m, a);
            c10 = MathF.FusedMultiplyAdd(c10, m, a); c11 = MathF.FusedMultiplyAdd(c11, m, a);
        }
        return c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11;
    }
}
