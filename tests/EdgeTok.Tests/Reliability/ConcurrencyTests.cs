using System.Diagnostics;
using EdgeTok.Audio.Codecs;
using EdgeTok.Audio.Lyra;
using EdgeTok.IO.Audio;
using EdgeTok.TimeSeries.Kairos;
using Xunit.Abstractions;

namespace EdgeTok.Tests.Reliability;

/// <summary>The shared Kairos model (loaded once for the reliability tests).</summary>
internal static class KairosConcurrency
{
    private static readonly Lazy<KairosModel> s_model = new(() => KairosModel.Load(TestPaths.SharedPath("golden", "kairos-10m")));

    /// <summary>kairos-10m from ../shared/golden.</summary>
    public static KairosModel Model => s_model.Value;
}

/// <summary>
/// Eight threads share one immutable model (Kairos, EnCodec tiny, mu-law; Lyra with one stream pair
/// per thread) and must reproduce the single-thread results bit for bit, with no deadlock.
/// Iterations per thread: <c>EDGETOK_CONCURRENCY_ITERATIONS</c> (default small, so the suite stays
/// well under a minute on two cores); set it to e.g. 1000 for the long run in docs/reliability.md.
/// </summary>
public sealed class ConcurrencyTests(ITestOutputHelper output)
{
    private const int Threads = 8;
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(10);

    private static int Iterations(int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable("EDGETOK_CONCURRENCY_ITERATIONS"), out int n) && n > 0 ? n : fallback;

    // Runs work(thread, iteration) on 8 threads released together; fails on a mismatch or if the
    // threads do not finish before the deadline (a deadlock or livelock).
    private void Hammer(string what, int iterations, Action<int, int> work)
    {
        using var start = new Barrier(Threads);
        var errors = new List<string>();
        var sw = Stopwatch.StartNew();
        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            try { for (int i = 0; i < iterations; i++) work(t, i); }
            catch (Exception e) { lock (errors) errors.Add($"thread {t}: {e}"); }
        }) { IsBackground = true }).ToList();
        threads.ForEach(t => t.Start());
        foreach (var t in threads)
            Assert.True(t.Join(Deadline), $"{what}: a thread did not finish within {Deadline} (deadlock?)");
        output.WriteLine($"{what}: {Threads} threads × {iterations} iterations in {sw.Elapsed.TotalSeconds:F1} s");
        Assert.Empty(errors);
    }

    private static float[] Series(int k, int length)
    {
        var x = new float[length];
        for (int i = 0; i < length; i++)
            x[i] = (float)(10 + 3 * Math.Sin(2 * Math.PI * i / (12 + k)) + 0.01 * i * k);
        if (length > 20) x[length / 3] = float.NaN; // a missing point
        return x;
    }

    [Fact]
    public void Kairos_shared_by_8_threads_is_bit_identical_to_one_thread()
    {
        var model = KairosConcurrency.Model;
        var inputs = Enumerable.Range(0, 4).Select(k => Series(k, 96 + 150 * k)).ToArray();
        const int horizon = 24;
        var expected = inputs.Select(x => model.Forecast(x, horizon).Values).ToArray();
        var expectedTokens = inputs.Select(x => model.Tokenize(x).Embeddings.ToArray()).ToArray();
        Hammer("kairos", Iterations(6), (t, i) =>
        {
            int k = (t + i) % inputs.Length;
            var got = model.Forecast(inputs[k], horizon).Values;
            if (!got.AsSpan().SequenceEqual(expected[k])) throw new InvalidOperationException($"forecast {k} differs at iteration {i}");
            if (!model.Tokenize(inputs[k]).Embeddings.AsSpan().SequenceEqual(expectedTokens[k]))
                throw new InvalidOperationException($"tokens {k} differ at iteration {i}");
        });
    }

    [Fact]
    public void Encodec_and_mulaw_shared_by_8_threads_are_bit_identical_to_one_thread()
    {
        using var codec = AudioCodec.Load(TestPaths.SharedPath("golden", "encodec-24k-tiny"),
            Path.Combine(TestPaths.RepoRoot, "models", "encodec-24k-tiny", "edgetok.json"));
        var mulaw = new MuLawCodec();
        var clip = WavReader.ReadMono(TestPaths.SharedPath("data", "audio", "speech", "jfk", "jfk.wav"), 24000);
        var pcm = clip.Samples.AsSpan(24000, 12000).ToArray(); // 0.5 s of speech
        var codes = codec.Encode(pcm, 24000);
        var decoded = codec.Decode(codes);
        var muCodes = mulaw.Encode(pcm, 16000);
        var muPcm = mulaw.Decode(muCodes);
        Hammer("encodec+mulaw", Iterations(8), (t, i) =>
        {
            var c = codec.Encode(pcm, 24000);
            if (!c.Codes.AsSpan().SequenceEqual(codes.Codes)) throw new InvalidOperationException($"encodec codes differ at iteration {i}");
            if (!codec.Decode(c).AsSpan().SequenceEqual(decoded)) throw new InvalidOperationException($"encodec pcm differs at iteration {i}");
            var m = mulaw.Encode(pcm, 16000);
            if (!m.Codes.AsSpan().SequenceEqual(muCodes.Codes)) throw new InvalidOperationException($"mu-law codes differ at iteration {i}");
            if (!mulaw.Decode(m).AsSpan().SequenceEqual(muPcm)) throw new InvalidOperationException($"mu-law pcm differs at iteration {i}");
        });
    }

    [Fact]
    public void Lyra_streams_one_per_thread_are_bit_identical_to_one_thread()
    {
        var codec = LyraCodec.Load(TestPaths.SharedPath("models", "lyra-v2"));
        var clip = WavReader.ReadMono(TestPaths.SharedPath("data", "audio", "speech", "jfk", "jfk.wav"), 16000);
        var pcm = clip.Samples.AsSpan(16000, 16000).ToArray(); // 1 s
        var (codes, audio) = StreamOnce(codec, pcm, chunk: 480);
        Assert.Equal(codec.Encode(pcm), codes);
        Hammer("lyra streams", Iterations(3), (t, i) =>
        {
            // Chunk sizes differ per thread: the stream must not depend on how audio arrives.
            var (c, a) = StreamOnce(codec, pcm, chunk: 160 + 80 * t);
            if (!c.AsSpan().SequenceEqual(codes)) throw new InvalidOperationException($"lyra codes differ at iteration {i}");
            if (!a.AsSpan().SequenceEqual(audio)) throw new InvalidOperationException($"lyra pcm differs at iteration {i}");
        });
    }

    private static (int[] Codes, float[] Pcm) StreamOnce(LyraCodec codec, float[] pcm, int chunk)
    {
        var enc = codec.CreateEncoder();
        var dec = codec.CreateDecoder();
        var codes = new List<int>();
        var audio = new List<float>();
        var buf = new int[8 * codec.Levels];
        var pbuf = new float[4096];
        void Drain()
        {
            int n;
            while ((n = enc.ReadFrames(buf)) > 0)
            {
                var frame = buf.AsSpan(0, n * codec.Levels);
                codes.AddRange(frame.ToArray());
                dec.Push(frame);
            }
            while ((n = dec.ReadSamples(pbuf)) > 0) audio.AddRange(pbuf.AsSpan(0, n).ToArray());
        }
        for (int i = 0; i < pcm.Length; i += chunk)
        {
            enc.Push(pcm.AsSpan(i, Math.Min(chunk, pcm.Length - i)));
            Drain();
        }
        enc.Flush();
        Drain();
        return (codes.ToArray(), audio.ToArray());
    }
}
