using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeTok.TimeSeries.Kairos;

/// <summary>
/// The per-series spectral features s that drive every adaptive-RoPE net: the magnitude of the
/// unnormalised real DFT of the normalised window (NaN → 0) over its own length T', bins
/// 0..min(F, ⌊T'/2⌋+1)−1 (zero beyond), then a LayerNorm (<c>fft_norm</c>, biased variance, eps 1e-5).
/// Only F bins (128) of a window of any length are needed, so each bin is a Goertzel resonator in
/// float64 (one multiply-add and one subtraction per sample), run for many bins at once in vector
/// lanes: O(F·T') like a direct DFT but without its twiddle lookups, and far more accurate than the
/// float32 features need (error ~T'²·2⁻⁵³ relative to the window's norm).
/// </summary>
internal sealed class SpectralFeatures
{
    private const double LayerNormEps = 1e-5;
    private readonly float[] _weight, _bias;

    public int Bins { get; }

    public SpectralFeatures(float[] weight, float[] bias)
    {
        _weight = weight;
        _bias = bias;
        Bins = weight.Length;
    }

    // Resonator coefficients of bins k < Bins for one window length n (ω_k = 2πk/n): 2cos ω, cos ω, sin ω.
    private sealed record Coefficients(int N, double[] Cos2, double[] Cos, double[] Sin);
    private Coefficients? _coefficients;

    /// <summary>Writes the raw amplitudes f [Bins] and the normalised features s [Bins].</summary>
    public void Compute(ReadOnlySpan<float> z, Span<float> amplitude, Span<float> features)
    {
        int n = z.Length;
        amplitude.Clear();
        if (n > 0)
        {
            // They depend only on n (the context length, nearly always the same), so the last set is kept:
            // an immutable snapshot swapped in whole, safe to read from any thread.
            var cf = _coefficients;
            if (cf is null || cf.N != n)
            {
                var c2 = new double[Bins]; var c = new double[Bins]; var sn = new double[Bins];
                for (int k = 0; k < Bins; k++)
                {
                    double a = 2.0 * Math.PI * k / n;
                    c[k] = Math.Cos(a);
                    sn[k] = Math.Sin(a);
                    c2[k] = 2.0 * c[k];
                }
                _coefficients = cf = new Coefficients(n, c2, c, sn);
            }
            int bins = Math.Min(Bins, n / 2 + 1);
            var pool = System.Buffers.ArrayPool<double>.Shared;
            var ua = pool.Rent(n + 2 * bins);
            var u = ua.AsSpan(0, n);
            for (int i = 0; i < n; i++) u[i] = float.IsNaN(z[i]) ? 0.0 : z[i];
            var s1 = ua.AsSpan(n, bins);
            var s2 = ua.AsSpan(n + bins, bins);
            Resonate(u, cf.Cos2, bins, s1, s2);
            // X_k = e^{−iω(n−1)}·(s1 − e^{−iω}·s2): |X_k| from the last two states.
            for (int k = 0; k < bins; k++)
            {
                double re = s1[k] - cf.Cos[k] * s2[k], im = cf.Sin[k] * s2[k];
                amplitude[k] = (float)Math.Sqrt(re * re + im * im);
            }
            pool.Return(ua);
        }
        double mean = 0;
        for (int i = 0; i < Bins; i++) mean += amplitude[i];
        mean /= Bins;
        double var = 0;
        for (int i = 0; i < Bins; i++) { double d = amplitude[i] - mean; var += d * d; }
        var /= Bins;
        double inv = 1.0 / Math.Sqrt(var + LayerNormEps);
        for (int i = 0; i < Bins; i++) features[i] = (float)((amplitude[i] - mean) * inv * _weight[i] + _bias[i]);
    }

    // s[t] = x[t] + 2cos ω·s[t−1] − s[t−2] for every bin k < bins; writes s[n−1] and s[n−2].
    // Four vectors of bins per pass so the four dependency chains overlap.
    private static void Resonate(ReadOnlySpan<double> x, double[] cos2, int bins, Span<double> last, Span<double> previous)
    {
        ref double c = ref MemoryMarshal.GetArrayDataReference(cos2);
        ref double s1 = ref MemoryMarshal.GetReference(last);
        ref double s2 = ref MemoryMarshal.GetReference(previous);
        int k = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; k + 32 <= bins; k += 32) Block512(x, ref Unsafe.Add(ref c, k), ref Unsafe.Add(ref s1, k), ref Unsafe.Add(ref s2, k));
        if (Vector256.IsHardwareAccelerated)
            for (; k + 16 <= bins; k += 16) Block256(x, ref Unsafe.Add(ref c, k), ref Unsafe.Add(ref s1, k), ref Unsafe.Add(ref s2, k));
        if (Vector128.IsHardwareAccelerated)
            for (; k + 8 <= bins; k += 8) Block128(x, ref Unsafe.Add(ref c, k), ref Unsafe.Add(ref s1, k), ref Unsafe.Add(ref s2, k));
        for (; k < bins; k++)
        {
            double a = 0, b = 0, ck = cos2[k];
            foreach (double v in x) { double s = Math.FusedMultiplyAdd(ck, a, v) - b; b = a; a = s; }
            last[k] = a;
            previous[k] = b;
        }
    }

    private static void Block512(ReadOnlySpan<double> x, ref double c, ref double s1, ref double s2)
    {
        var c0 = Vector512.LoadUnsafe(ref c); var c1 = Vector512.LoadUnsafe(ref c, 8);
        var c2 = Vector512.LoadUnsafe(ref c, 16); var c3 = Vector512.LoadUnsafe(ref c, 24);
        Vector512<double> a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
        foreach (double v in x)
        {
            var xv = Vector512.Create(v);
            var n0 = Vector512.FusedMultiplyAdd(c0, a0, xv) - b0; b0 = a0; a0 = n0;
            var n1 = Vector512.FusedMultiplyAdd(c1, a1, xv) - b1; b1 = a1; a1 = n1;
            var n2 = Vector512.FusedMultiplyAdd(c2, a2, xv) - b2; b2 = a2; a2 = n2;
            var n3 = Vector512.FusedMultiplyAdd(c3, a3, xv) - b3; b3 = a3; a3 = n3;
        }
        a0.StoreUnsafe(ref s1); a1.StoreUnsafe(ref s1, 8); a2.StoreUnsafe(ref s1, 16); a3.StoreUnsafe(ref s1, 24);
        b0.StoreUnsafe(ref s2); b1.StoreUnsafe(ref s2, 8); b2.StoreUnsafe(ref s2, 16); b3.StoreUnsafe(ref s2, 24);
    }

    private static void Block256(ReadOnlySpan<double> x, ref double c, ref double s1, ref double s2)
    {
        var c0 = Vector256.LoadUnsafe(ref c); var c1 = Vector256.LoadUnsafe(ref c, 4);
        var c2 = Vector256.LoadUnsafe(ref c, 8); var c3 = Vector256.LoadUnsafe(ref c, 12);
        Vector256<double> a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
        foreach (double v in x)
        {
            var xv = Vector256.Create(v);
            var n0 = Vector256.FusedMultiplyAdd(c0, a0, xv) - b0; b0 = a0; a0 = n0;
            var n1 = Vector256.FusedMultiplyAdd(c1, a1, xv) - b1; b1 = a1; a1 = n1;
            var n2 = Vector256.FusedMultiplyAdd(c2, a2, xv) - b2; b2 = a2; a2 = n2;
            var n3 = Vector256.FusedMultiplyAdd(c3, a3, xv) - b3; b3 = a3; a3 = n3;
        }
        a0.StoreUnsafe(ref s1); a1.StoreUnsafe(ref s1, 4); a2.StoreUnsafe(ref s1, 8); a3.StoreUnsafe(ref s1, 12);
        b0.StoreUnsafe(ref s2); b1.StoreUnsafe(ref s2, 4); b2.StoreUnsafe(ref s2, 8); b3.StoreUnsafe(ref s2, 12);
    }

    private static void Block128(ReadOnlySpan<double> x, ref double c, ref double s1, ref double s2)
    {
        var c0 = Vector128.LoadUnsafe(ref c); var c1 = Vector128.LoadUnsafe(ref c, 2);
        var c2 = Vector128.LoadUnsafe(ref c, 4); var c3 = Vector128.LoadUnsafe(ref c, 6);
        Vector128<double> a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
        foreach (double v in x)
        {
            var xv = Vector128.Create(v);
            var n0 = Vector128.FusedMultiplyAdd(c0, a0, xv) - b0; b0 = a0; a0 = n0;
            var n1 = Vector128.FusedMultiplyAdd(c1, a1, xv) - b1; b1 = a1; a1 = n1;
            var n2 = Vector128.FusedMultiplyAdd(c2, a2, xv) - b2; b2 = a2; a2 = n2;
            var n3 = Vector128.FusedMultiplyAdd(c3, a3, xv) - b3; b3 = a3; a3 = n3;
        }
        a0.StoreUnsafe(ref s1); a1.StoreUnsafe(ref s1, 2); a2.StoreUnsafe(ref s1, 4); a3.StoreUnsafe(ref s1, 6);
        b0.StoreUnsafe(ref s2); b1.StoreUnsafe(ref s2, 2); b2.StoreUnsafe(ref s2, 4); b3.StoreUnsafe(ref s2, 6);
    }
}
