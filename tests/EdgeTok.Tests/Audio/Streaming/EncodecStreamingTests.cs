using System.Text;
using EdgeTok.Audio.Codecs;
using EdgeTok.Audio.Streaming;
using EdgeTok.IO.Audio;

namespace EdgeTok.Tests.Audio.Streaming;

/// <summary>The offline-only tiny EnCodec streamed with a left-context window.</summary>
public sealed class EncodecStreamingTests(EncodecCodecTests.Fixture fixture) : IClassFixture<EncodecCodecTests.Fixture>
{
    internal static readonly string[] Clips = ["jfk/jfk.wav", "librispeech/1320_00000.wav", "ljspeech"];

    private readonly AudioCodec _codec = fixture.Codec;

    internal static AudioClip Clip(string rel, double seconds)
    {
        if (rel == "ljspeech")
        {
            var dir = TestPaths.SharedPath("data", "audio", "speech", "ljspeech");
            rel = Path.Combine("ljspeech", Path.GetFileName(Directory.GetFiles(dir, "*.wav", SearchOption.AllDirectories).Order().First()));
        }
        return StreamTestUtil.Speech(rel, seconds);
    }

    /// <summary>Fraction of identical codes per level over frames <paramref name="from"/>.. of two [T, K] code arrays.</summary>
    internal static double[] Agreement(int[] a, int[] b, int k, int from)
    {
        var same = new double[k];
        int frames = a.Length / k;
        for (int t = from; t < frames; t++)
            for (int q = 0; q < k; q++)
                if (a[t * k + q] == b[t * k + q]) same[q]++;
        for (int q = 0; q < k; q++) same[q] /= Math.Max(1, frames - from);
        return same;
    }

    [Fact]
    public void Windowed_stream_gives_the_offline_frame_count_and_agrees_on_the_first_level()
    {
        var clip = _codec.ToCodecLayout(Clip("jfk/jfk.wav", 2));
        var offline = _codec.Encode(clip.Samples, clip.SampleRate);
        var s = _codec.CreateEncoderStream(24000);
        Assert.IsType<WindowedEncoderStream>(s);
        Assert.Equal(WindowedEncoderStream.DefaultContextFrames, ((WindowedEncoderStream)s).ContextFrames);
        var got = StreamTestUtil.StreamEncode(s, clip.Samples, 480);
        Assert.Equal(offline.Codes.Length, got.Length);
        // Within the first W frames the window holds the whole history of this causal model: exact.
        int w = WindowedEncoderStream.DefaultContextFrames;
        Assert.Equal(offline.Codes.AsSpan(0, w * 8).ToArray(), got.AsSpan(0, w * 8).ToArray());
        Assert.True(Agreement(offline.Codes, got, 8, w)[0] > 0.9);
        // Resampled input and the windowed decoder run end to end.
        var s16 = _codec.CreateEncoderStream(16000, new AudioStreamOptions { Codebooks = 2, ContextFrames = 4 });
        var c16 = StreamTestUtil.StreamEncode(s16, clip.Resample(16000).Samples, 320);
        Assert.Equal(offline.Frames * 2, c16.Length);
        var pcm = StreamTestUtil.StreamDecode(_codec.CreateDecoderStream(2, 4), c16, 2);
        Assert.Equal(offline.Frames * 320, pcm.Length);
        Assert.Throws<EdgeTokException>(() => _codec.CreateEncoderStream(24000, new AudioStreamOptions { ContextFrames = -1 }));
    }

    /// <summary>Writes the window agreement table (EDGETOK_MEASURE_STREAM=path); skipped otherwise.</summary>
    [Fact]
    public void Measure_window_agreement()
    {
        var path = Environment.GetEnvironmentVariable("EDGETOK_MEASURE_STREAM");
        if (string.IsNullOrEmpty(path)) return;
        const int from = 32;
        var sb = new StringBuilder("| W (frames) | level 1 | level 2 | level 4 | level 8 | all 8 levels |\n|---|---|---|---|---|---|\n");
        foreach (int w in new[] { 0, 4, 8, 12, 16, 20, 24, 32, 48 })
        {
            var sum = new double[8];
            foreach (var rel in Clips)
            {
                var clip = _codec.ToCodecLayout(Clip(rel, 4));
                var offline = _codec.Encode(clip.Samples, clip.SampleRate).Codes;
                var got = StreamTestUtil.StreamEncode(_codec.CreateEncoderStream(24000, new AudioStreamOptions { ContextFrames = w }), clip.Samples, 480);
                var a = Agreement(offline, got, 8, from);
                for (int q = 0; q < 8; q++) sum[q] += a[q] / Clips.Length;
            }
            sb.Append($"| {w} | {sum[0]:P1} | {sum[1]:P1} | {sum[3]:P1} | {sum[7]:P1} | {sum.Average():P1} |\n");
        }
        File.WriteAllText(path, sb.ToString());
    }
}
