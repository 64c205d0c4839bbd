using EdgeTok.Audio.Metrics;
using EdgeTok.IO.Audio;
using EdgeTok.Numerics;
using Xunit.Abstractions;

namespace EdgeTok.Tests.Metrics;

/// <summary>Known answers for the quality metrics on a real speech clip (identical, noisy, delayed, scaled, bad input).</summary>
public sealed class MetricsKnownAnswerTests(ITestOutputHelper output)
{
    private const int Rate = 16000;

    private static readonly Lazy<float[]> s_speech = new(() =>
    {
        var clip = WavReader.ReadMono(TestPaths.SharedPath("data", "audio", "speech", "vctk", "p240_00000.wav"), Rate);
        return clip.Samples.AsSpan(0, Math.Min(clip.Samples.Length, 4 * Rate)).ToArray();
    });

    private static float[] Speech => s_speech.Value;

    /// <summary>Speech plus white Gaussian noise scaled to exactly <paramref name="snrDb"/> (power ratio over the whole clip).</summary>
    private static float[] WithNoise(float[] s, double snrDb, int seed = 1)
    {
        var rng = new Random(seed);
        var n = new double[s.Length];
        double ps = 0, pn = 0;
        for (int i = 0; i < s.Length; i++)
        {
            n[i] = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            ps += (double)s[i] * s[i];
            pn += n[i] * n[i];
        }
        double g = Math.Sqrt(ps / pn / Math.Pow(10, snrDb / 10));
        var y = new float[s.Length];
        for (int i = 0; i < s.Length; i++) y[i] = (float)(s[i] + g * n[i]);
        return y;
    }

    [Fact]
    public void Fft_matches_direct_dft()
    {
        var fft = new RealFft(64);
        var x = new double[50];
        var rng = new Random(3);
        for (int i = 0; i < x.Length; i++) x[i] = rng.NextDouble() - 0.5;
        var re = new double[33];
        var im = new double[33];
        fft.Forward(x, re, im);
        for (int k = 0; k < 33; k++)
        {
            double dr = 0, di = 0;
            for (int n = 0; n < x.Length; n++) { dr += x[n] * Math.Cos(2 * Math.PI * k * n / 64); di -= x[n] * Math.Sin(2 * Math.PI * k * n / 64); }
            Assert.Equal(dr, re[k], 1e-10);
            Assert.Equal(di, im[k], 1e-10);
        }
        Assert.Throws<EdgeTokException>(() => new RealFft(48));
    }

    [Fact]
    public void Identical_signals_give_perfect_scores()
    {
        var s = Speech;
        var q = AudioQuality.Compute(s, s, Rate);
        output.WriteLine(q.ToString());
        Assert.Equal(double.PositiveInfinity, q.SiSnrDb);
        Assert.Equal(0, q.LsdDb, 12);
        Assert.Equal(0, q.McdDb, 12);
        Assert.Equal(1, q.Stoi, 9);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(5.0)]
    [InlineData(10.0)]
    [InlineData(20.0)]
    [InlineData(30.0)]
    public void White_noise_at_known_snr_gives_that_si_snr(double snrDb)
    {
        double got = SiSnr.Compute(Speech, WithNoise(Speech, snrDb));
        output.WriteLine($"target {snrDb} dB: SI-SNR {got:F3} dB");
        Assert.InRange(got, snrDb - 0.2, snrDb + 0.2);
    }

    [Fact]
    public void Metrics_degrade_monotonically_with_more_noise()
    {
        var s = Speech;
        AudioQualityReport? prev = null;
        foreach (double snr in new[] { 30.0, 20.0, 10.0, 5.0, 0.0, -5.0 })
        {
            var q = AudioQuality.Compute(s, WithNoise(s, snr), Rate);
            output.WriteLine($"SNR {snr,5} dB: STOI {q.Stoi:F4}  SI-SNR {q.SiSnrDb:F2}  LSD {q.LsdDb:F2}  MCD {q.McdDb:F2}");
            if (prev is not null)
            {
                Assert.True(q.Stoi < prev.Stoi, $"STOI did not decrease at {snr} dB");
                Assert.True(q.SiSnrDb < prev.SiSnrDb);
                Assert.True(q.LsdDb > prev.LsdDb);
                Assert.True(q.McdDb > prev.McdDb);
            }
            prev = q;
        }
    }

    [Fact]
    public void Si_snr_is_scale_invariant()
    {
        var noisy = WithNoise(Speech, 10);
        double a = SiSnr.Compute(Speech, noisy);
        foreach (float g in new[] { 0.01f, 0.5f, 3f, -2f })
        {
            var scaled = noisy.Select(v => v * g).ToArray();
            Assert.Equal(a, SiSnr.Compute(Speech, scaled), 1e-4);
        }
        // A pure scaled copy is a perfect match up to float rounding of the scaled samples.
        Assert.True(SiSnr.Compute(Speech, Speech.Select(v => v * 0.5f).ToArray()) > 100);
        Assert.True(SiSnr.Compute(Speech, Speech.Select(v => v * 0.3f + 0.1f).ToArray()) > 100, "DC offset should be removed");
    }

    [Fact]
    public void Delayed_copy_degrades_and_recovers_with_the_delay_passed()
    {
        var s = Speech;
        const int delay = 48; // 3 ms
        var d = new float[s.Length];
        Array.Copy(s, 0, d, delay, s.Length - delay);
        var unaligned = AudioQuality.Compute(s, d, Rate);
        var aligned = AudioQuality.Compute(s, d, Rate, delay);
        output.WriteLine($"unaligned {unaligned}\naligned   {aligned}");
        Assert.True(unaligned.SiSnrDb < 0, "a 3 ms shift of speech is mostly error for SI-SNR");
        Assert.True(unaligned.Stoi < 0.99 && unaligned.LsdDb > 0.5 && unaligned.McdDb > 0.1);
        Assert.Equal(double.PositiveInfinity, aligned.SiSnrDb);
        Assert.Equal(1, aligned.Stoi, 9);
        Assert.Equal(0, aligned.LsdDb, 12);
        Assert.Equal(0, aligned.McdDb, 12);
        Assert.Equal(s.Length - delay, aligned.Samples);
        Assert.Equal(delay, AudioQuality.EstimateDelay(s, d, 400));
        // Degraded ahead of the reference: negative delay.
        var early = new float[s.Length];
        Array.Copy(s, delay, early, 0, s.Length - delay);
        Assert.Equal(-delay, AudioQuality.EstimateDelay(s, early, 400));
        Assert.Equal(1, AudioQuality.Compute(s, early, Rate, -delay).Stoi, 9);
    }

    [Fact]
    public void Stoi_works_at_other_rates()
    {
        var s8 = WavReader.ReadMono(TestPaths.SharedPath("data", "audio", "speech", "vctk", "p240_00000.wav"), 8000).Samples;
        Assert.Equal(1, Stoi.Compute(s8, s8, 8000), 9);
        Assert.True(Stoi.Compute(s8, WithNoise(s8, 0), 8000) < 0.9);
    }

    [Fact]
    public void Bad_input_is_rejected()
    {
        var s = Speech;
        var shorter = s.AsSpan(0, s.Length - 1).ToArray();
        Assert.Throws<EdgeTokException>(() => SiSnr.Compute(s, shorter));
        Assert.Throws<EdgeTokException>(() => Stoi.Compute(s, shorter, Rate));
        Assert.Throws<EdgeTokException>(() => LogSpectralDistance.Compute(s, shorter, Rate));
        Assert.Throws<EdgeTokException>(() => MelCepstralDistortion.Compute(s, shorter, Rate));
        Assert.Throws<EdgeTokException>(() => AudioQuality.Compute(s, shorter, Rate));
        Assert.Throws<EdgeTokException>(() => SiSnr.Compute([], []));
        Assert.Throws<EdgeTokException>(() => AudioQuality.Compute([], [], Rate));
        var nan = (float[])s.Clone();
        nan[1234] = float.NaN;
        var e = Assert.Throws<EdgeTokException>(() => AudioQuality.Compute(s, nan, Rate));
        Assert.Equal(StatusCode.InvalidArgument, e.Status);
        nan[1234] = float.PositiveInfinity;
        Assert.Throws<EdgeTokException>(() => SiSnr.Compute(nan, s));
        Assert.Throws<EdgeTokException>(() => SiSnr.Compute(new float[100], new float[100])); // silent reference
        Assert.Throws<EdgeTokException>(() => Stoi.Compute(s.AsSpan(0, 3000), s.AsSpan(0, 3000), Rate)); // < 30 frames
        Assert.Throws<EdgeTokException>(() => AudioQuality.Compute(s, s, 0));
        Assert.Throws<EdgeTokException>(() => AudioQuality.Compute(s, s, Rate, s.Length));
    }
}
