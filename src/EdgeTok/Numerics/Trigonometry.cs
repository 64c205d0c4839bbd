using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeTok.Numerics;

/// <summary>
/// Vectorised sine and cosine of float32 arguments, evaluated in float64 (Cody–Waite reduction by π/2
/// with a two-part constant, Taylor polynomials on [−π/4, π/4]) and rounded once to float32, so the
/// results are within a rounding of the true values (like <see cref="MathF.Sin"/>/<see cref="MathF.Cos"/>).
/// Every path (AVX-512, AVX2, 128-bit, scalar) runs the same operations in the same order with explicit
/// FMAs, so the results are bit-identical on every ISA and at every JIT tier (the "estimate" helpers of
/// <c>TensorPrimitives.Sin/Cos</c> are not: their output changed between tier-0 and optimised code).
/// </summary>
internal static class Trigonometry
{
    // |x| up to 2^20: k·(C1 + C2) leaves a reduction error far below float resolution; beyond, Math.Sin/Cos.
    private const double ReduceLimit = 1 << 20;
    private const double TwoOverPi = 0.63661977236758134;
    private const double PiOver2Hi = 1.5707963267948966;        // double(π/2)
    private const double PiOver2Lo = 6.123233995736766e-17;     // π/2 − PiOver2Hi

    // sin r = r + r³·S(r²), cos r = 1 + r²·C(r²): Taylor terms to r¹³ and r¹² (truncation < 1e-13 on |r| ≤ π/4).
    private const double S1 = -1.0 / 6, S2 = 1.0 / 120, S3 = -1.0 / 5040, S4 = 1.0 / 362880, S5 = -1.0 / 39916800, S6 = 1.0 / 6227020800;
    private const double C1 = -1.0 / 2, C2 = 1.0 / 24, C3 = -1.0 / 720, C4 = 1.0 / 40320, C5 = -1.0 / 3628800, C6 = 1.0 / 479001600;

    /// <summary>sin[i] = sin(x[i]), cos[i] = cos(x[i]); <paramref name="sin"/> may be <paramref name="x"/> itself.</summary>
    public static void SinCos(ReadOnlySpan<float> x, Span<float> sin, Span<float> cos)
    {
        int n = x.Length;
        if (sin.Length < n || cos.Length < n) throw new ArgumentException("SinCos: destination shorter than the input");
        ref float px = ref MemoryMarshal.GetReference(x);
        ref float ps = ref MemoryMarshal.GetReference(sin);
        ref float pc = ref MemoryMarshal.GetReference(cos);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + 16 <= n; i += 16)
            {
                var (lo, hi) = Vector512.Widen(Vector512.LoadUnsafe(ref px, (nuint)i));
                if (Vector512.LessThanOrEqualAll(Vector512.Abs(lo), Vector512.Create(ReduceLimit)) && Vector512.LessThanOrEqualAll(Vector512.Abs(hi), Vector512.Create(ReduceLimit)))
                {
                    var (sl, cl) = Kernel(lo);
                    var (sh, ch) = Kernel(hi);
                    Vector512.Narrow(cl, ch).StoreUnsafe(ref pc, (nuint)i);
                    Vector512.Narrow(sl, sh).StoreUnsafe(ref ps, (nuint)i);
                }
                else ScalarRange(ref px, ref ps, ref pc, i, i + 16);
            }
        if (Vector256.IsHardwareAccelerated)
            for (; i + 8 <= n; i += 8)
            {
                var (lo, hi) = Vector256.Widen(Vector256.LoadUnsafe(ref px, (nuint)i));
                if (Vector256.LessThanOrEqualAll(Vector256.Abs(lo), Vector256.Create(ReduceLimit)) && Vector256.LessThanOrEqualAll(Vector256.Abs(hi), Vector256.Create(ReduceLimit)))
                {
                    var (sl, cl) = Kernel(lo);
                    var (sh, ch) = Kernel(hi);
                    Vector256.Narrow(cl, ch).StoreUnsafe(ref pc, (nuint)i);
                    Vector256.Narrow(sl, sh).StoreUnsafe(ref ps, (nuint)i);
                }
                else ScalarRange(ref px, ref ps, ref pc, i, i + 8);
            }
        if (Vector128.IsHardwareAccelerated)
            for (; i + 4 <= n; i += 4)
            {
                var (lo, hi) = Vector128.Widen(Vector128.LoadUnsafe(ref px, (nuint)i));
                if (Vector128.LessThanOrEqualAll(Vector128.Abs(lo), Vector128.Create(ReduceLimit)) && Vector128.LessThanOrEqualAll(Vector128.Abs(hi), Vector128.Create(ReduceLimit)))
                {
                    var (sl, cl) = Kernel(lo);
                    var (sh, ch) = Kernel(hi);
                    Vector128.Narrow(cl, ch).StoreUnsafe(ref pc, (nuint)i);
                    Vector128.Narrow(sl, sh).StoreUnsafe(ref ps, (nuint)i);
                }
                else ScalarRange(ref px, ref ps, ref pc, i, i + 4);
            }
        ScalarRange(ref px, ref ps, ref pc, i, n);
    }

    private static void ScalarRange(ref float px, ref float ps, ref float pc, int from, int to)
    {
        for (int i = from; i < to; i++)
        {
            var (s, c) = Scalar(Unsafe.Add(ref px, i));
            Unsafe.Add(ref pc, i) = c;
            Unsafe.Add(ref ps, i) = s;
        }
    }

    private static (float Sin, float Cos) Scalar(double x)
    {
        if (!(Math.Abs(x) <= ReduceLimit)) return ((float)Math.Sin(x), (float)Math.Cos(x));
        double k = Math.Round(x * TwoOverPi);
        double r = Math.FusedMultiplyAdd(-k, PiOver2Lo, Math.FusedMultiplyAdd(-k, PiOver2Hi, x));
        double r2 = r * r;
        double sp = Math.FusedMultiplyAdd(Math.FusedMultiplyAdd(Math.FusedMultiplyAdd(Math.FusedMultiplyAdd(Math.FusedMultiplyAdd(S6, r2, S5), r2, S4), r2, S3), r2, S2), r2, S1);
        double cp = Math.FusedMultiplyAdd(Math.FusedMultiplyAdd(Math.FusedMultiplyAdd(Math.FusedMultiplyAdd(Math.FusedMultiplyAdd(C6, r2, C5), r2, C4), r2, C3), r2, C2), r2, C1);
        double s = Math.FusedMultiplyAdd(r * r2, sp, r);
        double c = Math.FusedMultiplyAdd(r2, cp, 1.0);
        long q = (long)k & 3;
        double sinX = (q & 1) != 0 ? c : s, cosX = (q & 1) != 0 ? s : c;
        if ((q & 2) != 0) sinX = -sinX;
        if (((q + 1) & 2) != 0) cosX = -cosX;
        return ((float)sinX, (float)cosX);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<double> Sin, Vector512<double> Cos) Kernel(Vector512<double> x)
    {
        var k = Vector512.Round(x * Vector512.Create(TwoOverPi));
        var r = Vector512.FusedMultiplyAdd(-k, Vector512.Create(PiOver2Lo), Vector512.FusedMultiplyAdd(-k, Vector512.Create(PiOver2Hi), x));
        var r2 = r * r;
        var sp = Vector512.FusedMultiplyAdd(Vector512.FusedMultiplyAdd(Vector512.FusedMultiplyAdd(Vector512.FusedMultiplyAdd(Vector512.FusedMultiplyAdd(
            Vector512.Create(S6), r2, Vector512.Create(S5)), r2, Vector512.Create(S4)), r2, Vector512.Create(S3)), r2, Vector512.Create(S2)), r2, Vector512.Create(S1));
        var cp = Vector512.FusedMultiplyAdd(Vector512.FusedMultiplyAdd(Vector512.FusedMultiplyAdd(Vector512.FusedMultiplyAdd(Vector512.FusedMultiplyAdd(
            Vector512.Create(C6), r2, Vector512.Create(C5)), r2, Vector512.Create(C4)), r2, Vector512.Create(C3)), r2, Vector512.Create(C2)), r2, Vector512.Create(C1));
        var s = Vector512.FusedMultiplyAdd(r * r2, sp, r);
        var c = Vector512.FusedMultiplyAdd(r2, cp, Vector512<double>.One);
        var q = Vector512.ConvertToInt64(k);
        var swap = Vector512.Equals(q & Vector512<long>.One, Vector512<long>.One).AsDouble();
        var sinX = Vector512.ConditionalSelect(swap, c, s);
        var cosX = Vector512.ConditionalSelect(swap, s, c);
        var sign = Vector512.Create(-0.0);
        sinX ^= Vector512.Equals(q & Vector512.Create(2L), Vector512.Create(2L)).AsDouble() & sign;
        cosX ^= Vector512.Equals((q + Vector512<long>.One) & Vector512.Create(2L), Vector512.Create(2L)).AsDouble() & sign;
        return (sinX, cosX);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<double> Sin, Vector256<double> Cos) Kernel(Vector256<double> x)
    {
        var k = Vector256.Round(x * Vector256.Create(TwoOverPi));
        var r = Vector256.FusedMultiplyAdd(-k, Vector256.Create(PiOver2Lo), Vector256.FusedMultiplyAdd(-k, Vector256.Create(PiOver2Hi), x));
        var r2 = r * r;
        var sp = Vector256.FusedMultiplyAdd(Vector256.FusedMultiplyAdd(Vector256.FusedMultiplyAdd(Vector256.FusedMultiplyAdd(Vector256.FusedMultiplyAdd(
            Vector256.Create(S6), r2, Vector256.Create(S5)), r2, Vector256.Create(S4)), r2, Vector256.Create(S3)), r2, Vector256.Create(S2)), r2, Vector256.Create(S1));
        var cp = Vector256.FusedMultiplyAdd(Vector256.FusedMultiplyAdd(Vector256.FusedMultiplyAdd(Vector256.FusedMultiplyAdd(Vector256.FusedMultiplyAdd(
            Vector256.Create(C6), r2, Vector256.Create(C5)), r2, Vector256.Create(C4)), r2, Vector256.Create(C3)), r2, Vector256.Create(C2)), r2, Vector256.Create(C1));
        var s = Vector256.FusedMultiplyAdd(r * r2, sp, r);
        var c = Vector256.FusedMultiplyAdd(r2, cp, Vector256<double>.One);
        var q = Vector256.ConvertToInt64(k);
        var swap = Vector256.Equals(q & Vector256<long>.One, Vector256<long>.One).AsDouble();
        var sinX = Vector256.ConditionalSelect(swap, c, s);
        var cosX = Vector256.ConditionalSelect(swap, s, c);
        var sign = Vector256.Create(-0.0);
        sinX ^= Vector256.Equals(q & Vector256.Create(2L), Vector256.Create(2L)).AsDouble() & sign;
        cosX ^= Vector256.Equals((q + Vector256<long>.One) & Vector256.Create(2L), Vector256.Create(2L)).AsDouble() & sign;
        return (sinX, cosX);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<double> Sin, Vector128<double> Cos) Kernel(Vector128<double> x)
    {
        var k = Vector128.Round(x * Vector128.Create(TwoOverPi));
        var r = Vector128.FusedMultiplyAdd(-k, Vector128.Create(PiOver2Lo), Vector128.FusedMultiplyAdd(-k, Vector128.Create(PiOver2Hi), x));
        var r2 = r * r;
        var sp = Vector128.FusedMultiplyAdd(Vector128.FusedMultiplyAdd(Vector128.FusedMultiplyAdd(Vector128.FusedMultiplyAdd(Vector128.FusedMultiplyAdd(
            Vector128.Create(S6), r2, Vector128.Create(S5)), r2, Vector128.Create(S4)), r2, Vector128.Create(S3)), r2, Vector128.Create(S2)), r2, Vector128.Create(S1));
        var cp = Vector128.FusedMultiplyAdd(Vector128.FusedMultiplyAdd(Vector128.FusedMultiplyAdd(Vector128.FusedMultiplyAdd(Vector128.FusedMultiplyAdd(
            Vector128.Create(C6), r2, Vector128.Create(C5)), r2, Vector128.Create(C4)), r2, Vector128.Create(C3)), r2, Vector128.Create(C2)), r2, Vector128.Create(C1));
        var s = Vector128.FusedMultiplyAdd(r * r2, sp, r);
        var c = Vector128.FusedMultiplyAdd(r2, cp, Vector128<double>.One);
        var q = Vector128.ConvertToInt64(k);
        var swap = Vector128.Equals(q & Vector128<long>.One, Vector128<long>.One).AsDouble();
        var sinX = Vector128.ConditionalSelect(swap, c, s);
        var cosX = Vector128.ConditionalSelect(swap, s, c);
        var sign = Vector128.Create(-0.0);
        sinX ^= Vector128.Equals(q & Vector128.Create(2L), Vector128.Create(2L)).AsDouble() & sign;
        cosX ^= Vector128.Equals((q + Vector128<long>.One) & Vector128.Create(2L), Vector128.Create(2L)).AsDouble() & sign;
        return (sinX, cosX);
    }
}
