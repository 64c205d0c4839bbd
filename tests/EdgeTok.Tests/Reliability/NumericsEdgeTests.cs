using EdgeTok.Audio.Codecs;
using EdgeTok.Audio.Lyra;
using EdgeTok.Audio.Streaming;
using EdgeTok.IO.Audio;
using EdgeTok.Tests.Audio.Streaming;
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
    [InlineData(float.MaxValue)]
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

    [Theory]
    [InlineData(1e-40f)]   // denormals
    [InlineData(1e20f)]
    [InlineData(1e37f)]    // the documented safe bound for forecasts
    public void Kairos_tokens_and_forecasts_stay_finite_up_to_1e37(float amp)
    {
        var model = KairosConcurrency.Model;
        var x = Wave(256, amp, offset: amp);
        x[40] = float.NaN;   // and a missing point
        var t = model.Tokenize(x);
        Assert.True(AllFinite(t.Embeddings), $"embeddings at amplitude {amp}");
        Assert.True(float.IsFinite(t.Loc) && float.IsFinite(t.Scale) && t.Scale > 0, $"loc {t.Loc}, scale {t.Scale}");
        Assert.True(AllFinite(model.Forecast(x, 16).Values), $"forecast at amplitude {amp}");
        var missing = model.Tokenize(Enumerable.Repeat(float.NaN, 64).ToArray());
        Assert.True(AllFinite(missing.Embeddings));
    }

    [Fact]
    public void Kairos_near_float_max_is_accepted_and_may_overflow_as_documented()
    {
        // ±3e38 alternating: accepted (finite input), the de-normalised quantiles can reach ±Inf;
        // docs/reliability.md tells callers to keep series below ~1e37 or rescale.
        var x = Enumerable.Range(0, 256).Select(i => i % 2 == 0 ? 3e38f : -3e38f).ToArray();
        var f = model().Forecast(x, 16).Values;
        Assert.Equal(9 * 16, f.Length);
        Assert.DoesNotContain(f, float.IsNaN);
        static KairosModel model() => KairosConcurrency.Model;
    }

    [Theory]
    [InlineData(48000, 16000)]
    [InlineData(44100, 24000)]
    [InlineData(16000, 48000)]
    public void Resampling_keeps_finite_samples_finite(int from, int to)
    {
        // Sums of samples near ±3.4e38 overflow float: the resampler redoes them in double and clamps,
        // offline and streaming alike (they must still agree bit for bit).
        var x = Enumerable.Range(0, 3000).Select(i => i < 1000 ? float.MaxValue * MathF.Sin(i / 3f) : i % 2 == 0 ? float.MaxValue : -float.MaxValue).ToArray();
        var offline = AudioConvert.Resample(x, 1, from, to);
        Assert.True(AllFinite(offline));
        var rs = new StreamingSincResampler(from, to);
        var got = new List<float>();
        var buf = new float[777];
        for (int at = 0; at < x.Length; at += 333)
        {
            rs.Push(x.AsSpan(at, Math.Min(333, x.Length - at)));
            int n;
            while ((n = rs.Read(buf)) > 0) got.AddRange(buf.AsSpan(0, n).ToArray());
        }
        rs.Flush();
        int m;
        while ((m = rs.Read(buf)) > 0) got.AddRange(buf.AsSpan(0, m).ToArray());
        Assert.Equal(offline, got.ToArray());
    }

    private static readonly Lazy<AudioCodec> s_lyraCodec = new(() => AudioCodec.Load(TestPaths.SharedPath("models", "lyra-v2")));
    private static readonly Lazy<AudioCodec> s_encodec = new(() => AudioCodec.Load(TestPaths.SharedPath("golden", "encodec-24k-tiny"),
        Path.Combine(TestPaths.RepoRoot, "models", "encodec-24k-tiny", "edgetok.json")));

    private static AudioCodec StreamCodec(string name) => name switch
    {
        "mulaw" => new MuLawCodec(),
        "lyra" => s_lyraCodec.Value,
        _ => s_encodec.Value,
    };

    /// <summary>Pushes the parts in order (pulling after each) and returns the codes; null parts are skipped.</summary>
    private static int[] StreamParts(AudioEncoderStream s, IEnumerable<float[]> parts)
    {
        var got = new List<int>();
        var buf = new int[64 * s.Codebooks];
        void Drain() { int f; while ((f = s.Pull(buf)) > 0) got.AddRange(buf.AsSpan(0, f * s.Codebooks).ToArray()); }
        foreach (var p in parts) { s.Push(p); Drain(); }
        s.Flush();
        Drain();
        return got.ToArray();
    }

    [Theory]
    [InlineData("mulaw", 16000)]
    [InlineData("mulaw", 48000)]
    [InlineData("lyra", 16000)]
    [InlineData("lyra", 48000)]
    [InlineData("encodec", 24000)]
    [InlineData("encodec", 44100)]
    public void Streams_refuse_bad_chunks_whole_and_go_on_as_if_they_never_came(string codecName, int rate)
    {
        var codec = StreamCodec(codecName);
        var speech = StreamTestUtil.Speech("jfk/jfk.wav", 1.2).Resample(rate).Samples;
        int half = speech.Length / 2 + 7;
        float[][] parts = [speech[..half], speech[half..]];
        var clean = StreamParts(codec.CreateEncoderStream(rate), parts);

        var s = codec.CreateEncoderStream(rate);
        var buf = new int[64 * s.Codebooks];
        var got = new List<int>();
        s.Push(parts[0]);
        int f;
        while ((f = s.Pull(buf)) > 0) got.AddRange(buf.AsSpan(0, f * s.Codebooks).ToArray());
        foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity, 1.0001e30f, -float.MaxValue })
        {
            var chunk = Wave(500, 0.5f);
            chunk[123] = bad;
            var e = Assert.Throws<EdgeTokException>(() => s.Push(chunk));
            Assert.Equal(StatusCode.InvalidArgument, e.Status);
            Assert.Contains("sample 123", e.Message);
            Assert.Equal(0, s.FramesAvailable);
        }
        s.Push(parts[1]);
        s.Flush();
        while ((f = s.Pull(buf)) > 0) got.AddRange(buf.AsSpan(0, f * s.Codebooks).ToArray());
        Assert.Equal(clean, got.ToArray());
    }

    [Theory]
    [InlineData("mulaw", 16000)]
    [InlineData("mulaw", 48000)]
    [InlineData("lyra", 16000)]
    [InlineData("lyra", 48000)]
    [InlineData("encodec", 24000)]
    public void Streams_take_silence_denormals_clipping_and_huge_samples(string codecName, int rate)
    {
        var codec = StreamCodec(codecName);
        var info = codec.Info;
        int n = rate / 4;
        float[][] parts =
        [
            new float[n],                                            // silence
            Enumerable.Repeat(1e-40f, n).ToArray(),                  // denormals
            Wave(n, 4f),                                             // clipped: 4x full scale
            Wave(n, AudioEncoderStream.MaxSampleMagnitude),          // the largest magnitude a stream takes
            Enumerable.Range(0, n).Select(i => i % 2 == 0 ? 1e30f : -1e30f).ToArray(),
            new float[n],
        ];
        var enc = codec.CreateEncoderStream(rate);
        var codes = StreamParts(enc, parts);
        Assert.All(codes, c => Assert.InRange(c, 0, info.CodebookSize - 1));
        long expected = codec.EncodedFrameCount(parts.Sum(p => (long)p.Length), rate);
        Assert.Equal(expected * enc.Codebooks, codes.Length);
        if (codecName != "encodec")
        {
            // Exact codecs: the same codes as offline, resampling of enormous values included.
            var all = parts.SelectMany(p => p).ToArray();
            Assert.Equal(codec.Encode(new AudioClip(all, rate, 1), new AudioEncodeOptions { Codebooks = enc.Codebooks }).Codes, codes);
        }
        var pcm = StreamTestUtil.StreamDecode(codec.CreateDecoderStream(enc.Codebooks), codes, 5);
        Assert.Equal(expected * info.HopLength, pcm.Length);
        Assert.True(AllFinite(pcm), $"{codecName} decoded non-finite audio");
    }

    [Fact]
    public void Encodec_offline_encoder_overflow_is_a_clear_invalid_argument()
    {
        // Finite samples at ±3.4e38 overflow the tiny EnCodec's activations (3e38 still encodes).
        var e = Assert.Throws<EdgeTokException>(() => s_encodec.Value.Encode(Wave(4800, float.MaxValue), 24000));
        Assert.Equal(StatusCode.InvalidArgument, e.Status);
        Assert.Contains("encoder overflowed", e.Message);
        Assert.All(s_encodec.Value.Encode(Wave(4800, 3e38f), 24000).Codes, c => Assert.InRange(c, 0, 63));
    }

    [Fact]
    public void Wav_files_keep_float_values_and_pcm_writing_clips()
    {
        // Float WAVs are read as they are (NaN, infinity and hot samples included); the codecs then refuse
        // the non-finite ones. PCM writing clips to [-1, 1] and writes NaN as 0.
        var dir = TestPaths.TempDir();
        float[] x = [0.5f, float.NaN, float.PositiveInfinity, 3f, -1e30f, 1e-40f];
        var f32 = Path.Combine(dir, "f32.wav");
        WavWriter.Write(f32, x, 16000, 1, WavSampleFormat.Float32);
        var back = WavReader.Read(f32);
        Assert.Equal(x.Select(BitConverter.SingleToInt32Bits), back.Samples.Select(BitConverter.SingleToInt32Bits));
        var e = Assert.Throws<EdgeTokException>(() => new MuLawCodec().Encode(back));
        Assert.Equal(StatusCode.InvalidArgument, e.Status);
        Assert.Contains("index 1", e.Message);

        var pcm = Path.Combine(dir, "s16.wav");
        WavWriter.Write(pcm, x, 16000);
        Assert.Equal([0.5f, 0f, 32767 / 32768f, 32767 / 32768f, -1f, 0f], WavReader.Read(pcm).Samples);
    }
}
