using EdgeTok.TimeSeries.Kairos;

namespace EdgeTok.Tests.Kairos;

/// <summary>The tokenizer's numeric kernels against plain definitions, on shapes the golden cases do not cover.</summary>
public sealed class KairosFrontEndKernelTests
{
    // Window lengths: tiny, odd, below and above the 128 bins, a power of two; NaN counts as 0.
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(37)]
    [InlineData(255)]
    [InlineData(256)]
    [InlineData(1000)]
    [InlineData(2047)]
    public void Spectral_amplitudes_match_a_direct_float64_DFT(int n)
    {
        const int bins = 128;
        var s = new SpectralFeatures(Enumerable.Repeat(1f, bins).ToArray(), new float[bins]);
        var rng = new Random(n);
        var z = Enumerable.Range(0, n).Select(i => (float)(Math.Sin(0.3 * i) + rng.NextDouble() - 0.5)).ToArray();
        if (n > 10) z[n / 3] = float.NaN;
        var amp = new float[bins];
        var feat = new float[bins];
        s.Compute(z, amp, feat);
        var expected = new double[bins];
        for (int k = 0; k < Math.Min(bins, n / 2 + 1); k++)
        {
            double re = 0, im = 0;
            for (int t = 0; t < n; t++)
            {
                double v = float.IsNaN(z[t]) ? 0 : z[t], a = 2 * Math.PI * ((long)k * t % n) / n;
                re += v * Math.Cos(a);
                im -= v * Math.Sin(a);
            }
            expected[k] = Math.Sqrt(re * re + im * im);
        }
        double max = expected.Max();
        for (int k = 0; k < bins; k++)
            Assert.True(Math.Abs(amp[k] - expected[k]) <= 1e-6 * max + 1e-6, $"n={n} bin {k}: {amp[k]} vs {expected[k]}");
        Assert.All(feat, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void Rope_tables_are_cos_and_sin_of_the_float32_angles()
    {
        var omega = Enumerable.Range(0, 32).Select(j => MathF.Exp(-j * 0.29f) * 1.7f).ToArray();
        const int positions = 70;
        var cos = new float[positions * 32];
        var sin = new float[positions * 32];
        AdaptiveRope.Tables(omega, positions, cos, sin);
        for (int t = 0; t < positions; t++)
            for (int j = 0; j < 32; j++)
            {
                float a = t * omega[j];
                Assert.True(Math.Abs(cos[t * 32 + j] - Math.Cos(a)) <= 2e-7, $"cos t={t} j={j}");
                Assert.True(Math.Abs(sin[t * 32 + j] - Math.Sin(a)) <= 2e-7, $"sin t={t} j={j}");
            }
    }
}
