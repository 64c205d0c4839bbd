namespace EdgeTok.TimeSeries.Kairos;

/// <summary>
/// The per-series spectral features s that drive every adaptive-RoPE net: the magnitude of the
/// unnormalised real DFT of the normalised window (NaN → 0) over its own length T', bins
/// 0..min(F, ⌊T'/2⌋+1)−1 (zero beyond), then a LayerNorm (<c>fft_norm</c>, biased variance, eps 1e-5).
/// Only F bins (128) are needed, so a direct DFT in float64 is exact enough and cheap (F·T' ≤ 262k
/// multiply-adds at T' = 2048).
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

    private sealed record Twiddles(double[] Cos, double[] Sin);
    private Twiddles? _twiddles;

    /// <summary>Writes the raw amplitudes f [Bins] and the normalised features s [Bins].</summary>
    public void Compute(ReadOnlySpan<float> z, Span<float> amplitude, Span<float> features)
    {
        int n = z.Length;
        amplitude.Clear();
        if (n > 0)
        {
            var pool = System.Buffers.ArrayPool<double>.Shared;
            var ua = pool.Rent(n);
            var u = ua.AsSpan(0, n);
            for (int i = 0; i < n; i++) u[i] = float.IsNaN(z[i]) ? 0.0 : z[i];
            // Twiddles cos/sin(2π m/n) for m < n; bin k at sample t uses index (k·t) mod n. They depend only
            // on n (the context length, nearly always the same), so the last table is kept: an immutable
            // snapshot swapped in whole, safe to read from any thread.
            var tw = _twiddles;
            if (tw is null || tw.Cos.Length != n)
            {
                var c = new double[n];
                var sn0 = new double[n];
                for (int m = 0; m < n; m++)
                {
                    double a = 2.0 * Math.PI * m / n;
                    c[m] = Math.Cos(a);
                    sn0[m] = Math.Sin(a);
                }
                _twiddles = tw = new Twiddles(c, sn0);
            }
            var cs = tw.Cos;
            var sn = tw.Sin;
            int bins = Math.Min(Bins, n / 2 + 1);
            for (int k = 0; k < bins; k++)
            {
                double re = 0, im = 0;
                int idx = 0;
                for (int t = 0; t < n; t++)
                {
                    re += u[t] * cs[idx];
                    im -= u[t] * sn[idx];
                    idx += k;
                    if (idx >= n) idx -= n;
                }
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
}
