using System.Globalization;
using EdgeTok.Audio.Codecs;
using EdgeTok.Audio.Soak;
using EdgeTok.IO.Audio;
using Xunit.Abstractions;

namespace EdgeTok.Tests.Reliability;

/// <summary>The soak tests run alone, after the parallel ones: their memory figures are process-wide.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SoakCollection
{
    /// <summary>Collection name.</summary>
    public const string Name = "soak";
}

/// <summary>
/// Short versions of the one-hour stream soak (docs/reliability.md, "Long streams"): minutes of real
/// speech and music looped through an encoder and a decoder stream of Lyra v2, mu-law and the tiny
/// EnCodec in pushes of random size, with exact sample accounting, content equal to the offline
/// encode, and flat memory. <c>EDGETOK_SOAK_MINUTES</c> scales the lengths (Lyra's minutes; the others
/// follow). Memory bounds are wider than the ±5 % of the one-hour runs because this process also holds
/// every other test's state and JIT-compiles as it goes; no timing is asserted.
/// </summary>
[Collection(SoakCollection.Name)]
public sealed class StreamSoakTests(ITestOutputHelper output)
{
    private const double InProcessTolerance = 0.15;

    private static double Minutes =>
        double.TryParse(Environment.GetEnvironmentVariable("EDGETOK_SOAK_MINUTES"), NumberStyles.Float, CultureInfo.InvariantCulture, out double m) && m > 0 ? m : 2;

    private static AudioClip Wav(params string[] rel) => WavReader.Read(TestPaths.SharedPath(["data", "audio", .. rel]));

    private static readonly Lazy<AudioClip[]> s_speechAndMusic = new(() =>
        [Wav("speech", "jfk", "jfk.wav"), Wav("music", "encodec", "test_48k.wav"), Wav("speech", "librispeech", "198-209-0000.hq.wav")]);

    private StreamSoakReport Soak(AudioCodec codec, IReadOnlyList<AudioClip> clips, StreamSoakOptions o)
    {
        var r = StreamSoak.Run(codec, clips, o);
        output.WriteLine($"{r.CodecName}: {r.AudioSeconds:F0} s of audio at {r.InputSampleRate} Hz, {r.Pushes} pushes of 1..{r.MaxChunkSamples}, loop {r.LoopInputSamples} samples ({r.LoopFrames} frames)");
        output.WriteLine($"  pushed {r.InputSamples}, at codec rate {r.CodecSamples}, frames {r.Frames} (offline {r.ExpectedFrames}), decoded {r.DecodedSamples}, tail {r.TailSamples}; {r.AccountingChecks} checks, {r.AccountingErrors} failed");
        output.WriteLine($"  content: {r.FramesCompared} frames, {r.CodesDiffering} codes differ (agreement {r.Agreement:P3}); {r.SamplesCompared} samples, {r.SamplesDiffering} differ; SNR {r.DecodedSnrDb:F1} dB; reset replay {r.ResetFramesCompared} frames, {r.ResetCodesDiffering} codes / {r.ResetSamplesDiffering} samples differ");
        foreach (var (name, m) in new[] { ("heap", r.LiveHeap), ("rss", r.Resident) })
            output.WriteLine($"  {name}: start {m.Start}, baseline {m.Baseline}, end {m.End}, min {m.Min}, max {m.Max}, deviation {m.MaxDeviation:P2}");
        output.WriteLine($"  allocated {r.AllocatedBytesPerAudioSecond:F0} B per audio second; {r.WallSeconds:F1} s wall; failures: {string.Join(" | ", r.Failures)}");
        return r;
    }

    /// <summary>The counts every soak must get exactly right.</summary>
    private static void AssertAccounting(StreamSoakReport r)
    {
        Assert.Equal(0, r.AccountingErrors);
        Assert.True(r.AccountingChecks > r.Pushes, "a count check after every push");
        Assert.Equal(r.ExpectedFrames, r.Frames);
        long codecSamples = r.InputSampleRate == r.CodecSampleRate ? r.InputSamples : AudioConvert.ResampledLength(r.InputSamples, r.InputSampleRate, r.CodecSampleRate);
        Assert.Equal(codecSamples, r.CodecSamples);
        Assert.Equal(r.Frames * r.HopLength, r.DecodedSamples);
        Assert.InRange(r.TailSamples, 0, r.HopLength - 1);
        Assert.True(r.Samples.Count >= 10, $"{r.Samples.Count} memory readings");
    }

    [Fact]
    public void Lyra_at_48k_streams_minutes_exactly_with_flat_memory()
    {
        using var lyra = AudioCodec.Load(TestPaths.SharedPath("models", "lyra-v2"));
        var r = Soak(lyra, s_speechAndMusic.Value, new StreamSoakOptions
        {
            Duration = TimeSpan.FromMinutes(Minutes), InputSampleRate = 48000, MemoryTolerance = InProcessTolerance,
        });
        AssertAccounting(r);
        Assert.True(r.Exact);
        Assert.Equal((16000, 46, 320), (r.CodecSampleRate, r.Codebooks, r.HopLength));
        Assert.Equal((long)Math.Round(Minutes * 60 * 48000), r.InputSamples);
        Assert.True(r.InputSamples > 2 * r.LoopInputSamples, "several loops, so repeats are compared with the reference loop");
        // Every frame pulled before the flush is compared (the flush's frames hold zero padding).
        Assert.Equal(new EdgeTok.Audio.Streaming.StreamingSincResampler(48000, 16000).ReadyLength(r.InputSamples) / 320, r.FramesCompared);
        Assert.InRange(r.Frames - r.FramesCompared, 1, 2);
        Assert.Equal(0, r.CodesDiffering);
        Assert.Equal(r.FramesCompared * 320, r.SamplesCompared);
        Assert.Equal(0, r.SamplesDiffering);
        Assert.True(r.ResetFramesCompared > 0);
        Assert.Equal((0L, 0L), (r.ResetCodesDiffering, r.ResetSamplesDiffering));
        // Steady-state Lyra streams allocate nothing; a frame-sized leak would be ~70 KB per second.
        Assert.InRange(r.AllocatedBytesPerAudioSecond, 0, 16_000);
        Assert.True(r.Passed, string.Join("; ", r.Failures));
    }

    [Fact]
    public void Mulaw_through_the_44k_resampler_streams_exactly_with_flat_memory()
    {
        using var mu = AudioCodec.Load("mulaw");
        var r = Soak(mu, [Wav("music", "librosa", "sorohanro_-_solo-trumpet-06.hq.wav"), Wav("speech", "ljspeech", "LJ001-0001.wav")], new StreamSoakOptions
        {
            Duration = TimeSpan.FromMinutes(2 * Minutes), InputSampleRate = 44100, MemoryTolerance = InProcessTolerance, Seed = 7,
        });
        AssertAccounting(r);
        Assert.Equal((44100, 16000, 1), (r.InputSampleRate, r.CodecSampleRate, r.HopLength));
        Assert.Equal(0, r.CodesDiffering);
        Assert.Equal(0, r.SamplesDiffering);
        Assert.True(r.SamplesCompared > 0.99 * r.DecodedSamples);
        Assert.InRange(r.AllocatedBytesPerAudioSecond, 0, 16_000);
        Assert.True(r.Passed, string.Join("; ", r.Failures));
    }

    [Fact]
    public void Windowed_encodec_keeps_count_and_agrees_with_offline()
    {
        using var codec = AudioCodec.Load(TestPaths.SharedPath("golden", "encodec-24k-tiny"), Path.Combine(TestPaths.RepoRoot, "models", "encodec-24k-tiny", "edgetok.json"));
        var r = Soak(codec, [Wav("speech", "vctk", "p240_00000.wav"), Wav("speech", "libritts", "libritts_24k.wav")], new StreamSoakOptions
        {
            Duration = TimeSpan.FromSeconds(8 * Minutes), MemoryTolerance = InProcessTolerance, SampleInterval = TimeSpan.FromSeconds(1),
        });
        AssertAccounting(r);
        Assert.False(r.Exact);
        Assert.Equal(32, r.ContextFrames);
        // Measured 99.98 % (a few near-tie codes in the first window differ: its length depends on the pushes).
        Assert.True(r.Agreement > 0.99, $"agreement {r.Agreement:P3}");
        Assert.True(r.DecodedSnrDb > 40, $"decoded SNR {r.DecodedSnrDb:F1} dB against the offline decode");
        Assert.True(r.Passed, string.Join("; ", r.Failures));
    }

    [Theory]
    [InlineData(nameof(SoakFault.DropInputSample))]
    [InlineData(nameof(SoakFault.DuplicateFrame))]
    public void A_dropped_sample_or_duplicated_frame_is_caught(string fault)
    {
        // The checks can fail: a stream that loses one sample, or a decoder fed one frame twice, is reported.
        using var mu = AudioCodec.Load("mulaw");
        var r = Soak(mu, [Wav("speech", "jfk", "jfk.wav")], new StreamSoakOptions
        {
            Duration = TimeSpan.FromSeconds(30), MemoryTolerance = 10, Fault = Enum.Parse<SoakFault>(fault),
        });
        Assert.False(r.Passed);
        Assert.True(r.AccountingErrors > 0, "counts");
        if (fault == nameof(SoakFault.DropInputSample)) Assert.True(r.CodesDiffering > 0, "content");
        else Assert.True(r.SamplesDiffering > 0, "content");
    }

    [Fact]
    public void Bad_soak_requests_are_refused_before_streaming()
    {
        using var mu = AudioCodec.Load("mulaw");
        var jfk = Wav("speech", "jfk", "jfk.wav");
        EdgeTokException Refused(IReadOnlyList<AudioClip> clips, StreamSoakOptions o, AudioCodec? codec = null) =>
            Assert.Throws<EdgeTokException>(() => StreamSoak.Run(codec ?? mu, clips, o));
        Assert.Equal(StatusCode.InvalidArgument, Refused([], new StreamSoakOptions()).Status);
        Assert.Equal(StatusCode.InvalidArgument, Refused([new AudioClip(new float[8000], 16000, 1)], new StreamSoakOptions()).Status);   // 0.5 s
        Assert.Equal(StatusCode.InvalidArgument, Refused([jfk], new StreamSoakOptions { Duration = TimeSpan.Zero }).Status);
        Assert.Equal(StatusCode.InvalidArgument, Refused([jfk], new StreamSoakOptions { MaxChunkSeconds = 0 }).Status);
        Assert.Equal(StatusCode.InvalidArgument, Refused([jfk], new StreamSoakOptions { WarmupFraction = 1 }).Status);
        Assert.Equal(StatusCode.InvalidArgument, Refused([jfk], new StreamSoakOptions { MemoryTolerance = double.NaN }).Status);
        // 40 hours at 16 kHz exceed the 2^31 - 1 samples the frame counts are defined for.
        Assert.Equal(StatusCode.LimitExceeded, Refused([jfk], new StreamSoakOptions { Duration = TimeSpan.FromHours(40) }).Status);
        // Streams resample mono only: a stereo codec is soaked at its own rate.
        using var stereo = new MuLawCodec(16000, 2);
        Assert.Equal(StatusCode.InvalidArgument, Refused([jfk], new StreamSoakOptions { InputSampleRate = 48000 }, stereo).Status);
        Assert.Throws<ArgumentNullException>(() => StreamSoak.Run(mu, null!));
    }

    [Fact]
    public void A_stereo_codec_soaks_at_its_own_rate()
    {
        using var stereo = new MuLawCodec(16000, 2);
        var r = Soak(stereo, [Wav("speech", "jfk", "jfk.wav")], new StreamSoakOptions { Duration = TimeSpan.FromSeconds(30), MemoryTolerance = InProcessTolerance });
        Assert.Equal(2, r.Channels);
        Assert.Equal(0, r.AccountingErrors);
        Assert.Equal(r.InputSamples, r.Frames);
        Assert.Equal(r.Frames, r.DecodedSamples);
        Assert.Equal(0, r.CodesDiffering + r.SamplesDiffering);
    }
}
