using EdgeTok.Audio.Lyra;

namespace EdgeTok.Tests.Lyra;

/// <summary>Access to the Lyra v2 golden clips and models, and the error measures the tests use.</summary>
internal static class LyraGolden
{
    public static readonly string[] Clips = ["cmu_arctic_aew_a0001", "librispeech_1320_00000", "vctk_p240_00000"];

    public static string ModelDir => TestPaths.SharedPath("models", "lyra-v2");

    private static readonly Lazy<LyraCodec> s_codec = new(() => LyraCodec.Load(ModelDir));

    /// <summary>One codec shared by all tests (it is immutable).</summary>
    public static LyraCodec Codec => s_codec.Value;

    public static string Path(string clip, string file, bool reference = false) =>
        reference ? TestPaths.SharedPath("golden", "lyra-v2", clip, "ref_tflite", file) : TestPaths.SharedPath("golden", "lyra-v2", clip, file);

    public static float[] F32(string clip, string file, bool reference = false)
    {
        var b = File.ReadAllBytes(Path(clip, file, reference));
        var f = new float[b.Length / 4];
        Buffer.BlockCopy(b, 0, f, 0, b.Length);
        return f;
    }

    public static int[] I32(string clip, string file, bool reference = false)
    {
        var b = File.ReadAllBytes(Path(clip, file, reference));
        var f = new int[b.Length / 4];
        Buffer.BlockCopy(b, 0, f, 0, b.Length);
        return f;
    }

    /// <summary>‖a − b‖ / ‖b‖.</summary>
    public static double RelRms(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(b.Length, a.Length);
        double n = 0, d = 0;
        for (int i = 0; i < a.Length; i++) { double e = a[i] - b[i]; n += e * e; d += (double)b[i] * b[i]; }
        return Math.Sqrt(n / d);
    }

    /// <summary>Encoder features for a whole clip, frame by frame with state carried (the golden convention).</summary>
    public static float[] EncodeFeatures(LyraCodec codec, float[] input)
    {
        var ex = codec.EncoderGraph.CreateExecution();
        int frames = input.Length / LyraCodec.FrameSamples;
        var feats = new float[frames * LyraCodec.FeatureDimension];
        for (int t = 0; t < frames; t++)
        {
            input.AsSpan(t * LyraCodec.FrameSamples, LyraCodec.FrameSamples).CopyTo(ex.F[codec.EncoderInput]);
            ex.Invoke();
            ex.F[codec.EncoderOutput].AsSpan(0, LyraCodec.FeatureDimension).CopyTo(feats.AsSpan(t * LyraCodec.FeatureDimension));
        }
        return feats;
    }

    /// <summary>Decoder audio for a whole clip of dequantized features, fresh state.</summary>
    public static float[] DecodeFeatures(LyraCodec codec, float[] features)
    {
        var dec = codec.CreateDecoder();
        int frames = features.Length / LyraCodec.FeatureDimension;
        var pcm = new float[frames * LyraCodec.FrameSamples];
        for (int t = 0; t < frames; t++) dec.PushFeatures(features.AsSpan(t * LyraCodec.FeatureDimension, LyraCodec.FeatureDimension));
        Assert.Equal(pcm.Length, dec.ReadSamples(pcm));
        return pcm;
    }
}
