using EdgeTok.Audio.Codecs;
using EdgeTok.Audio.Lyra;
using EdgeTok.TimeSeries.Kairos;
using Xunit.Abstractions;

namespace EdgeTok.Tests.Reliability;

/// <summary>
/// NaN, ±Inf, denormals, huge magnitudes, silence and clipping through Kairos, Lyra, EnCodec and
/// mu-law: each case has one documented outcome (docs/reliability.md, "Numerics").
/// </summary>
public sealed class NumericsEdgeTests(ITestOutputHelper output)
{
    private static float[] Wave(int n, float amp, float offset = 0) =>
        Enumerable.Range(0, n).Select(i => offset + amp * MathF.Sin(2 * MathF.PI * i / 24f)).ToArray();

    private static bool AllFinite(ReadOnlySpan<float> v)
    {
        foreach (var x in v) if (!float.IsFinite(x)) return false;
        return true;
    }

    [Theory]
    [InlineData(1e-40f)]  // denormal magnitudes
    [InlineData(1e-20f)]
    [InlineData(1e20f)]   // huge magnitudes: instance normalisation divides them away
    [InlineData(1e36f)]   // near float.MaxValue (3.4e38) de-normalised quantiles can overflow; see docs/reliability.md
    public void Kairos_forecasts_scale_with_the_input(float amp)
    {
        var model = KairosConcurrency.Model;
        var x = Wave(256, amp, offset: amp);
        var f = model.Forecast(x, 16).Values;
        output.WriteLine($"amp {amp}: first quantiles {string.Join(", ", f.Take(3))}");
        Assert.True(AllFinite(f), $"non-finite forecast for amplitude {amp}");
        // A scaled copy of the unit series forecasts (close to) the scaled unit forecast.
        var unit = model.Forecast(Wave(256, 1f, offset: 1f), 16).Values;
        double maxRel = 0;
        for (int i = 0; i < f.Length; i++) maxRel = Math.Max(maxRel, Math.Abs(f[i] / (double)amp - unit[i]) / (Math.Abs(unit[i]) + 1e-3));
        output.WriteLine($"amp {amp}: max relative deviation from the scaled unit forecast {maxRel:E2}");
    }

    [Fact]
    public void Kairos_silence_all_missing_and_infinity()
    {
        var model = KairosConcurrency.Model;
        Assert.True(AllFinite(model.Forecast(new float[256], 16).Values)); // constant zero series
        Assert.True(AllFinite(model.Forecast(Enumerable.Repeat(5f, 256).ToArray(), 16).Values)); // constant
        Assert.True(AllFinite(model.Forecast(Enumerable.Repeat(float.NaN, 64).ToArray(), 16).Values)); // all missing
        var x = Wave(256, 1);
        x[100] = float.PositiveInfinity;
        Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<EdgeTokException>(() => model.Forecast(x, 16)).Status);
        x[100] = float.NegativeInfinity;
        Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<EdgeTokException>(() => model.Tokenize(x)).Status);
    }

    private static readonly Lazy<LyraCodec> s_lyra = new(() => LyraCodec.Load(TestPaths.SharedPath("models", "lyra-v2")));

    [Fact]
    public void Lyra_rejects_non_finite_chunks_and_the_stream_stays_usable()
    {
        // A NaN would enter the convolution state and poison the rest of the stream: the push is
        // refused whole (InvalidArgument) and the stream continues as if the chunk never came.
        var lyra = s_lyra.Value;
        var x = Wave(3200, 0.5f);
        var enc = lyra.CreateEncoder();
        enc.Push(x.AsSpan(0, 1600));
        foreach (var v in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
        {
            var bad = Wave(320, 0.5f);
            bad[17] = v;
            Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<EdgeTokException>(() => enc.Push(bad)).Status);
        }
        enc.Push(x.AsSpan(1600));
        enc.Flush();
        var codes = new int[LyraCodec.FrameCount(x.Length) * lyra.Levels];
        Assert.Equal(LyraCodec.FrameCount(x.Length), enc.ReadFrames(codes));
        Assert.Equal(lyra.Encode(x), codes);
    }

    [Theory]
    [InlineData(0f)]       // silence
    [InlineData(1e-40f)]   // denormals
    [InlineData(4f)]       // clipping: 4x full scale
    [InlineData(1e30f)]    // huge finite values
    public void Lyra_codes_stay_in_range_and_decode_finite(float amp)
    {
        var lyra = s_lyra.Value;
        var codes = lyra.Encode(Wave(3200, amp));
        Assert.All(codes, c => Assert.InRange(c, -1, 1 << 16));
        Assert.True(AllFinite(lyra.Decode(codes)), $"amplitude {amp}");
    }

    [Fact]
    public void Encodec_silence_clipping_denormals_and_huge_values()
    {
        using var codec = AudioCodec.Load(TestPaths.SharedPath("golden", "encodec-24k-tiny"),
            Path.Combine(TestPaths.RepoRoot, "models", "encodec-24k-tiny", "edgetok.json"));
        int size = codec.Info.CodebookSize;
        foreach (var (name, pcm) in new[]
                 {
                     ("silence", new float[4800]),
                     ("denormal", Enumerable.Repeat(1e-40f, 4800).ToArray()),
                     ("clipped x4", Wave(4800, 4f)),
                     ("huge 1e30", Wave(4800, 1e30f)),
                 })
        {
            // Neural codecs see samples unchanged (documented in edgetok.h): codes stay in range and
            // decoding them gives finite audio even when the encoder saturated.
            var codes = codec.Encode(pcm, 24000);
            Assert.All(codes.Codes, c => Assert.InRange(c, 0, size - 1));
            var back = codec.Decode(codes);
            output.WriteLine($"{name}: {codes.Frames} frames, decoded finite = {AllFinite(back)}");
            Assert.True(AllFinite(back), name);
        }
        var bad = Wave(4800, 0.5f);
        bad[7] = float.NaN;
        Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<EdgeTokException>(() => codec.Encode(bad, 24000)).Status);
    }

    [Fact]
    public void Mulaw_clips_beyond_unit_range_and_keeps_denormals_at_zero()
    {
        var mu = new MuLawCodec();
        Assert.Equal(MuLawCodec.EncodeSample(1f), MuLawCodec.EncodeSample(7f));
        Assert.Equal(MuLawCodec.EncodeSample(-1f), MuLawCodec.EncodeSample(-1e30f));
        Assert.Equal(MuLawCodec.EncodeSample(0f), MuLawCodec.EncodeSample(1e-40f));
        Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<EdgeTokException>(() => mu.Encode([0.1f, float.PositiveInfinity], 16000)).Status);
        Assert.True(AllFinite(mu.Decode(mu.Encode(new float[160], 16000))));
    }
}
