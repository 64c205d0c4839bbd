using EdgeTok.Audio.Codecs;
using EdgeTok.Audio.Streaming;
using EdgeTok.IO.Audio;

namespace EdgeTok.Tests.Audio.Streaming;

/// <summary>Chunking schedules and helpers shared by the streaming tests.</summary>
internal static class StreamTestUtil
{
    /// <summary>Chunk sizes in samples for a schedule: positive = fixed size, 0 = random sizes 1..2000 (seeded).</summary>
    public static IEnumerable<int> Chunks(int total, int chunk, int seed = 7)
    {
        var rng = new Random(seed);
        for (int at = 0; at < total;)
        {
            int n = Math.Min(total - at, chunk > 0 ? chunk : rng.Next(1, 2000));
            yield return n;
            at += n;
        }
    }

    /// <summary>Pushes <paramref name="pcm"/> in chunks, pulling after every push, then flushes and drains.</summary>
    public static int[] StreamEncode(AudioEncoderStream s, float[] pcm, int chunk, int seed = 7)
    {
        var got = new List<int>();
        var buf = new int[7 * s.Codebooks];
        int at = 0;
        foreach (int n in Chunks(pcm.Length / s.CodecInfo.Channels, chunk, seed))
        {
            s.Push(pcm.AsSpan(at * s.CodecInfo.Channels, n * s.CodecInfo.Channels));
            at += n;
            Drain(s, buf, got);
        }
        s.Flush();
        Drain(s, buf, got);
        return got.ToArray();
    }

    private static void Drain(AudioEncoderStream s, int[] buf, List<int> got)
    {
        int f;
        while ((f = s.Pull(buf)) > 0) got.AddRange(buf.AsSpan(0, f * s.Codebooks).ToArray());
    }

    /// <summary>Pushes codes in chunks of <paramref name="framesPerPush"/> frames and collects the decoded PCM.</summary>
    public static float[] StreamDecode(AudioDecoderStream s, int[] codes, int framesPerPush)
    {
        var got = new List<float>();
        var buf = new float[1000];
        int k = s.Codebooks;
        for (int at = 0; at < codes.Length; at += framesPerPush * k)
        {
            s.Push(codes.AsSpan(at, Math.Min(framesPerPush * k, codes.Length - at)));
            int n;
            while ((n = s.Pull(buf)) > 0) got.AddRange(buf.AsSpan(0, n).ToArray());
        }
        s.Flush();
        int m;
        while ((m = s.Pull(buf)) > 0) got.AddRange(buf.AsSpan(0, m).ToArray());
        return got.ToArray();
    }

    /// <summary>A real speech clip (mono) at its own rate.</summary>
    public static AudioClip Speech(string rel = "jfk/jfk.wav", double seconds = 3)
    {
        var c = WavReader.Read(TestPaths.SharedPath("data", "audio", "speech", rel)).ToMono();
        int n = (int)Math.Min(c.Frames, seconds * c.SampleRate);
        return new AudioClip(c.Samples.AsSpan(0, n).ToArray(), c.SampleRate, 1);
    }
}
