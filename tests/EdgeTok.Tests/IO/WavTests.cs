using EdgeTok.IO.Audio;

namespace EdgeTok.Tests.IO;

public class WavTests
{
    // One real clip per sample rate and channel layout present in ../shared/data/audio.
    public static TheoryData<string, int, int> RealClips => new()
    {
        { "speech/fsdd/5_theo_7.wav", 8000, 1 },
        { "speech/jfk/jfk.wav", 16000, 1 },
        { "speech/ljspeech/LJ001-0001.wav", 22050, 1 },
        { "speech/vctk/p240_00000.wav", 24000, 1 },
        { "environmental/esc50/1-100032-A-0.wav", 44100, 1 },
        { "environmental/librosa/456440__inspectorj__bird-whistling-robin-single-13.hq.wav", 44100, 2 },
        { "speech/alsa/Front_Center.wav", 48000, 1 },
    };

    private static string Clip(string rel) => TestPaths.SharedPath("data", "audio", rel);

    [Theory]
    [MemberData(nameof(RealClips))]
    public void Reads_real_clips_with_their_rate_channels_and_length(string rel, int rate, int channels)
    {
        var path = Clip(rel);
        var clip = WavReader.Read(path);
        Assert.Equal(rate, clip.SampleRate);
        Assert.Equal(channels, clip.Channels);
        Assert.Equal(16, clip.SourceBitsPerSample);
        // The data chunk length is file length minus the header; 16-bit → 2 bytes per sample.
        long fileBytes = new FileInfo(path).Length;
        Assert.InRange(fileBytes - clip.Samples.Length * 2L, 44, 4096);
        Assert.All(clip.Samples, s => Assert.InRange(s, -1f, 1f));
        Assert.True(clip.Samples.Any(s => s != 0), "clip should not be silent");
    }

    [Theory]
    [MemberData(nameof(RealClips))]
    public void Mono_and_resampled_versions_keep_duration(string rel, int rate, int channels)
    {
        var clip = WavReader.Read(Clip(rel));
        var mono = clip.ToMono();
        Assert.Equal(1, mono.Channels);
        Assert.Equal(clip.Frames, mono.Frames);
        if (channels == 2)
            Assert.Equal((clip.Samples[0] + clip.Samples[1]) / 2, mono.Samples[0], 6);
        foreach (int target in new[] { 16000, 24000 })
        {
            var r = mono.Resample(target);
            Assert.Equal(target, r.SampleRate);
            Assert.Equal(AudioConvert.ResampledLength(mono.Frames, rate, target), r.Frames);
            // Resampling never adds energy; speech keeps most of it (a bird whistle above 8 kHz does not).
            double e0 = mono.Samples.Average(s => (double)s * s), e1 = r.Samples.Average(s => (double)s * s);
            Assert.InRange(e1 / e0, rel.StartsWith("speech", StringComparison.Ordinal) ? 0.5 : 0.0, 1.05);
        }
    }

    [Fact]
    public void Resampling_a_sine_keeps_frequency_and_phase()
    {
        const int from = 44100, to = 16000;
        var x = new float[from];
        for (int i = 0; i < x.Length; i++) x[i] = 0.5f * MathF.Sin(2 * MathF.PI * 440 * i / from);
        var y = AudioConvert.Resample(x, 1, from, to);
        Assert.Equal(to, y.Length);
        // Compare the middle of the signal against the analytic sine at the new rate.
        double err = 0;
        for (int i = 2000; i < 14000; i++) err = Math.Max(err, Math.Abs(y[i] - 0.5 * Math.Sin(2 * Math.PI * 440 * i / to)));
        Assert.True(err < 1e-3, $"max error {err}");
        // An impulse stays where it was in time (no resampler delay).
        var imp = new float[8000];
        imp[4000] = 1;
        var up = AudioConvert.Resample(imp, 1, 8000, 24000);
        Assert.Equal(12000, Array.IndexOf(up, up.Max()));
    }

    [Theory]
    [InlineData(WavSampleFormat.Pcm8, 8, 1.0 / 64)]
    [InlineData(WavSampleFormat.Pcm16, 16, 1.0 / 16384)]
    [InlineData(WavSampleFormat.Pcm24, 24, 1e-6)]
    [InlineData(WavSampleFormat.Pcm32, 32, 1e-7)]
    [InlineData(WavSampleFormat.Float32, 32, 0)]
    public void Writes_and_reads_every_sample_format_in_mono_and_stereo(WavSampleFormat format, int bits, double tol)
    {
        var real = WavReader.Read(Clip("environmental/librosa/456440__inspectorj__bird-whistling-robin-single-13.hq.wav"));
        var stereo = real.Samples.AsSpan(0, 44100 * 2).ToArray();
        var dir = TestPaths.TempDir();
        foreach (int ch in new[] { 1, 2 })
        {
            var data = ch == 2 ? stereo : stereo.Where((_, i) => i % 2 == 0).ToArray();
            var path = Path.Combine(dir, $"x{ch}.wav");
            WavWriter.Write(path, data, 44100, ch, format);
            var back = WavReader.Read(path);
            Assert.Equal(ch, back.Channels);
            Assert.Equal(bits, back.SourceBitsPerSample);
            Assert.Equal(data.Length, back.Samples.Length);
            for (int i = 0; i < data.Length; i++) Assert.True(Math.Abs(back.Samples[i] - data[i]) <= tol, $"sample {i}: {back.Samples[i]} vs {data[i]}");
        }
    }

    [Fact]
    public void Truncated_wav_is_refused()
    {
        var bytes = File.ReadAllBytes(Clip("speech/jfk/jfk.wav"));
        var path = Path.Combine(TestPaths.TempDir(), "cut.wav");
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var ex = Assert.Throws<EdgeTokException>(() => WavReader.Read(path));
        Assert.Equal(StatusCode.InvalidFormat, ex.Status);
        Assert.Contains("truncated", ex.Message);
    }

    [Fact]
    public void Non_wav_files_and_missing_files_are_refused()
    {
        var dir = TestPaths.TempDir();
        var csv = TestPaths.SharedPath("data", "timeseries", "darts", "AirPassengers.csv");
        Assert.Equal(StatusCode.InvalidFormat, Assert.Throws<EdgeTokException>(() => WavReader.Read(csv)).Status);
        var header = Path.Combine(dir, "header-only.wav");
        File.WriteAllBytes(header, File.ReadAllBytes(Clip("speech/jfk/jfk.wav"))[..20]);
        Assert.Equal(StatusCode.InvalidFormat, Assert.Throws<EdgeTokException>(() => WavReader.Read(header)).Status);
        var empty = Path.Combine(dir, "empty.wav");
        File.WriteAllBytes(empty, []);
        Assert.Equal(StatusCode.InvalidFormat, Assert.Throws<EdgeTokException>(() => WavReader.Read(empty)).Status);
        Assert.Equal(StatusCode.NotFound, Assert.Throws<EdgeTokException>(() => WavReader.Read(Path.Combine(dir, "nope.wav"))).Status);
    }

    [Fact]
    public void Bad_rates_are_refused()
    {
        Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<EdgeTokException>(() => AudioConvert.Resample(new float[10], 1, 0, 16000)).Status);
        Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<EdgeTokException>(() => AudioConvert.Resample(new float[10], 1, 16000, -5)).Status);
    }
}
