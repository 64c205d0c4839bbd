using EdgeTok.Audio.Streaming;
using EdgeTok.IO.Audio;

namespace EdgeTok.Tests.Audio.Streaming;

public sealed class StreamingResamplerTests
{
    [Theory]
    [InlineData(48000, 16000, 480)]
    [InlineData(48000, 16000, 0)]
    [InlineData(44100, 16000, 441)]
    [InlineData(44100, 16000, 1631)]   // 37 ms
    [InlineData(8000, 16000, 80)]
    [InlineData(22050, 24000, 0)]
    [InlineData(16000, 44100, 7)]
    public void Chunked_output_equals_offline_bit_for_bit(int from, int to, int chunk)
    {
        var rng = new Random(from + to);
        var x = new float[from / 3 + 17];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(Math.Sin(i * 0.05) * 0.5 + rng.NextDouble() * 0.2 - 0.1);
        var offline = new float[new SincResampler(from, to).OutputLength(x.Length)];
        new SincResampler(from, to).Process(x, offline);

        var s = new StreamingSincResampler(from, to);
        var got = new List<float>();
        var buf = new float[333];
        int at = 0;
        foreach (int n in StreamTestUtil.Chunks(x.Length, chunk))
        {
            s.Push(x.AsSpan(at, n));
            at += n;
            int r;
            while ((r = s.Read(buf)) > 0) got.AddRange(buf.AsSpan(0, r).ToArray());
        }
        s.Flush();
        int m;
        while ((m = s.Read(buf)) > 0) got.AddRange(buf.AsSpan(0, m).ToArray());
        Assert.Equal(offline, got.ToArray());
    }

    [Fact]
    public void Reset_restarts_and_push_after_flush_fails()
    {
        var s = new StreamingSincResampler(48000, 16000);
        var x = new float[4800];
        x[100] = 1;
        s.Push(x);
        s.Flush();
        var a = new float[2000];
        int na = s.Read(a);
        Assert.Equal(1600, na);
        var e = Assert.Throws<EdgeTokException>(() => s.Push(x));
        Assert.Equal(StatusCode.InvalidState, e.Status);
        s.Reset();
        s.Push(x);
        s.Flush();
        var b = new float[2000];
        Assert.Equal(na, s.Read(b));
        Assert.Equal(a, b);
    }

    [Theory]
    [InlineData(48000, 16000)]
    [InlineData(44100, 16000)]
    [InlineData(44100, 24000)]
    [InlineData(8000, 16000)]
    [InlineData(16000, 44100)]
    public void ReadyLength_counts_exactly_what_can_be_read_after_each_push(int from, int to)
    {
        // The soak's sample accounting relies on this: after n input samples, exactly ReadyLength(n)
        // outputs have been readable (no more, no fewer), whatever the pushes.
        var s = new StreamingSincResampler(from, to);
        var buf = new float[4096];
        long pushed = 0, read = 0;
        Assert.Equal(0, s.ReadyLength(0));
        foreach (int n in StreamTestUtil.Chunks(from, 0, seed: from ^ to))
        {
            s.Push(new float[n]);
            pushed += n;
            int r;
            while ((r = s.Read(buf)) > 0) read += r;
            Assert.Equal(s.ReadyLength(pushed), read);
        }
        Assert.True(read < s.OutputLength(pushed));   // the look-ahead is still held back
    }
}
