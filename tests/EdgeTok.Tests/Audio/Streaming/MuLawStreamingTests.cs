using EdgeTok.Audio.Codecs;
using EdgeTok.Audio.Streaming;
using EdgeTok.IO.Audio;

namespace EdgeTok.Tests.Audio.Streaming;

public sealed class MuLawStreamingTests
{
    private static readonly Lazy<AudioClip> s_speech = new(() => StreamTestUtil.Speech());

    [Theory]
    [InlineData(160)]   // 10 ms at 16 kHz
    [InlineData(320)]   // 20 ms
    [InlineData(592)]   // 37 ms
    [InlineData(0)]     // random
    public void Chunked_stream_equals_offline(int chunk)
    {
        var codec = AudioCodec.Load("mulaw");
        var clip = codec.ToCodecLayout(s_speech.Value);
        var offline = codec.Encode(clip.Samples, clip.SampleRate).Codes;
        Assert.Equal(offline, StreamTestUtil.StreamEncode(codec.CreateEncoderStream(16000), clip.Samples, chunk));
        var dec = StreamTestUtil.StreamDecode(codec.CreateDecoderStream(), offline, 37);
        Assert.Equal(codec.Decode(offline, offline.Length, 1), dec);
    }

    [Theory]
    [InlineData(441)]
    [InlineData(1631)]
    [InlineData(0)]
    public void Stream_at_another_rate_equals_offline_resample_then_encode(int chunk)
    {
        var codec = AudioCodec.Load("mulaw");
        var clip = s_speech.Value.Resample(44100);
        var offline = codec.Encode(clip).Codes;
        var s = codec.CreateEncoderStream(44100);
        Assert.Equal(offline, StreamTestUtil.StreamEncode(s, clip.Samples, chunk));
        Assert.True(s.LatencySamples > 1);
    }

    [Fact]
    public void Stereo_streams_sample_frames()
    {
        var codec = new MuLawCodec(16000, 2);
        var x = new float[2 * 1000];
        for (int i = 0; i < x.Length; i++) x[i] = MathF.Sin(i * 0.01f) * (i % 2 == 0 ? 0.3f : 0.9f);
        var s = codec.CreateEncoderStream(16000);
        Assert.Equal(2, s.Codebooks);
        Assert.Equal(codec.Encode(x, 16000).Codes, StreamTestUtil.StreamEncode(s, x, 37));
        Assert.Throws<EdgeTokException>(() => codec.CreateEncoderStream(48000));   // resampling is mono-only
        Assert.Throws<EdgeTokException>(() => s.Push(new float[3]) );
    }

    [Fact]
    public void Steady_state_allocates_nothing()
    {
        var codec = AudioCodec.Load("mulaw");
        foreach (int rate in new[] { 16000, 48000 })
        {
            var enc = codec.CreateEncoderStream(rate);
            var dec = codec.CreateDecoderStream();
            int chunk = rate / 50;
            var pcm = new float[chunk];
            for (int i = 0; i < pcm.Length; i++) pcm[i] = MathF.Sin(i * 0.1f) * 0.5f;
            var codes = new int[2 * chunk];
            var outPcm = new float[2 * chunk];
            void Frame()
            {
                enc.Push(pcm);
                int n = enc.Pull(codes);
                dec.Push(codes.AsSpan(0, n));
                dec.Pull(outPcm);
            }
            for (int i = 0; i < 20; i++) Frame();
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 200; i++) Frame();
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }

    [Fact]
    public void Bad_use_gives_clear_errors()
    {
        var codec = AudioCodec.Load("mulaw");
        var s = codec.CreateEncoderStream(16000);
        s.Push(new float[10]);
        s.Flush();
        Assert.Equal(StatusCode.InvalidState, Assert.Throws<EdgeTokException>(() => s.Push(new float[1])).Status);
        Assert.Equal(10, s.FramesAvailable);
        s.Reset();
        Assert.Equal(0, s.FramesAvailable);
        s.Push(new float[3]);
        Assert.Equal(3, s.FramesAvailable);
        Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<EdgeTokException>(() => s.Push([float.NaN])).Status);
        foreach (int rate in new[] { 0, -16000, 10_000_000 })
            Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<EdgeTokException>(() => codec.CreateEncoderStream(rate)).Status);
        var d = codec.CreateDecoderStream();
        Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<EdgeTokException>(() => d.Push(new int[4], 2, 2)).Status);
        Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<EdgeTokException>(() => d.Push([256])).Status);
        Assert.Throws<EdgeTokException>(() => codec.CreateDecoderStream(2));
        d.Flush();
        Assert.Equal(StatusCode.InvalidState, Assert.Throws<EdgeTokException>(() => d.Push([1])).Status);
    }
}
