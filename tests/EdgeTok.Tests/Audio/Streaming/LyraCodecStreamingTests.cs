using EdgeTok.Audio.Codecs;
using EdgeTok.Audio.Lyra;
using EdgeTok.Audio.Streaming;
using EdgeTok.IO.Audio;
using EdgeTok.Tests.Lyra;

namespace EdgeTok.Tests.Audio.Streaming;

/// <summary>Lyra through <see cref="AudioCodec"/> and the common stream contract.</summary>
public sealed class LyraCodecStreamingTests
{
    private static readonly Lazy<AudioCodec> s_codec = new(() => AudioCodec.Load(LyraGolden.ModelDir));
    private static readonly Lazy<AudioClip> s_speech = new(() => StreamTestUtil.Speech("jfk/jfk.wav", 2.5));

    private static AudioCodec Codec => s_codec.Value;

    [Fact]
    public void Loads_through_AudioCodec_and_by_name()
    {
        Assert.IsType<LyraAudioCodec>(Codec);
        Assert.Equal(("lyra", 16000, 320, 46, 16), (Codec.Info.Kind, Codec.Info.SampleRate, Codec.Info.HopLength, Codec.Info.Codebooks, Codec.Info.CodebookSize));
        Assert.Equal(16, Codec.CodebooksFor(new AudioEncodeOptions { BandwidthKbps = 3.2 }));
        Assert.Equal(30, Codec.CodebooksFor(new AudioEncodeOptions { BandwidthKbps = 6.0 }));
        Assert.Equal(Path.GetFullPath(LyraGolden.ModelDir), EdgeTok.Runtime.ModelLocator.Resolve("lyra-v2", TestPaths.SharedPath("models")));
        Assert.Equal(StatusCode.NotFound, Assert.Throws<EdgeTokException>(() => AudioCodec.Load("no-such-model")).Status);
    }

    [Theory]
    [InlineData(160, 46)]   // 10 ms
    [InlineData(320, 46)]   // 20 ms
    [InlineData(592, 46)]   // 37 ms
    [InlineData(0, 16)]     // random sizes, 3.2 kbps
    public void Chunked_stream_equals_offline_codes(int chunk, int levels)
    {
        var clip = s_speech.Value.Resample(16000);
        var offline = Codec.Encode(clip, new AudioEncodeOptions { Codebooks = levels });
        var s = Codec.CreateEncoderStream(16000, new AudioStreamOptions { Codebooks = levels });
        Assert.Equal(320, s.LatencySamples);
        Assert.Equal(offline.Codes, StreamTestUtil.StreamEncode(s, clip.Samples, chunk));
        // The full 46-level frames of LyraCodec agree on the levels in use.
        var full = ((LyraAudioCodec)Codec).Codec.Encode(clip.Samples, levels);
        for (int t = 0; t < offline.Frames; t++)
            Assert.Equal(full.AsSpan(t * 46, levels).ToArray(), offline.Codes.AsSpan(t * levels, levels).ToArray());
    }

    [Theory]
    [InlineData(480)]    // 10 ms at 48 kHz
    [InlineData(1776)]   // 37 ms
    public void Stream_at_48k_equals_offline_resample_then_encode(int chunk)
    {
        var clip = s_speech.Value.Resample(48000);
        var offline = Codec.Encode(clip);
        Assert.Equal(offline.Codes, StreamTestUtil.StreamEncode(Codec.CreateEncoderStream(48000), clip.Samples, chunk));
    }

    [Fact]
    public void Decoder_stream_equals_offline_decode()
    {
        var clip = s_speech.Value.Resample(16000);
        var codes = Codec.Encode(new AudioClip(clip.Samples.AsSpan(0, 16000).ToArray(), 16000, 1), new AudioEncodeOptions { Codebooks = 30 });
        var offline = Codec.Decode(codes.Codes, codes.Frames, 30);
        var d = Codec.CreateDecoderStream(30);
        Assert.Equal(offline, StreamTestUtil.StreamDecode(d, codes.Codes, 3));
        Assert.Equal(StatusCode.InvalidState, Assert.Throws<EdgeTokException>(() => d.Push(new int[30])).Status);
        d.Reset();
        Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<EdgeTokException>(() => d.Push(new int[46], 1, 46)).Status);
        Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<EdgeTokException>(() => d.Push(new int[31])).Status);
    }

    [Fact]
    public void Push_after_flush_fails_and_reset_restarts()
    {
        var clip = s_speech.Value.Resample(16000);
        var x = clip.Samples.AsSpan(0, 3300).ToArray();
        var s = Codec.CreateEncoderStream(16000);
        var first = StreamTestUtil.StreamEncode(s, x, 500);
        Assert.Equal(11 * 46, first.Length);
        Assert.Equal(StatusCode.InvalidState, Assert.Throws<EdgeTokException>(() => s.Push(x)).Status);
        s.Reset();
        Assert.Equal(first, StreamTestUtil.StreamEncode(s, x, 123));
        Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<EdgeTokException>(() => Codec.CreateEncoderStream(0)).Status);
        Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<EdgeTokException>(() => Codec.CreateEncoderStream(16000, new AudioStreamOptions { Codebooks = 47 })).Status);
    }

    [Fact]
    public void Many_streams_on_one_model_from_several_threads()
    {
        var clip = s_speech.Value.Resample(16000);
        var x = clip.Samples.AsSpan(0, 8000).ToArray();
        var offline = Codec.Encode(x, 16000).Codes;
        var results = new int[4][];
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var s = Codec.CreateEncoderStream(16000);
            results[i] = StreamTestUtil.StreamEncode(s, x, 100 + 97 * i, seed: i);
        });
        foreach (var r in results) Assert.Equal(offline, r);
    }

    [Fact]
    public void Steady_state_allocates_nothing()
    {
        var clip = s_speech.Value.Resample(16000);
        var enc = Codec.CreateEncoderStream(16000);
        var dec = Codec.CreateDecoderStream();
        var codes = new int[4 * 46];
        var pcm = new float[4 * 320];
        int at = 0;
        void Frame()
        {
            enc.Push(clip.Samples.AsSpan(at % (clip.Samples.Length - 320), 320));
            at += 320;
            int n = enc.Pull(codes);
            dec.Push(codes.AsSpan(0, n * 46));
            dec.Pull(pcm);
        }
        for (int i = 0; i < 10; i++) Frame();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) Frame();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
