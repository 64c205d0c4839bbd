using EdgeTok.Audio.Lyra;
using Xunit.Abstractions;

namespace EdgeTok.Tests.Lyra;

/// <summary>
/// Encoder and decoder, each on its golden input. The int8 layers use TFLite's reference requantisation,
/// so the outputs must match <c>ref_tflite/</c> (TFLite reference-kernel semantics) essentially exactly;
/// against the XNNPack (LiteRT) golden they differ like any two correct runtimes do (manifest: up to
/// 6 int8 steps, ≈5 % relative RMS on features, 5–7 % on audio).
/// </summary>
public sealed class LyraStageTests(ITestOutputHelper output)
{
    public static TheoryData<string> Clips() => [.. LyraGolden.Clips];

    [Theory]
    [MemberData(nameof(Clips))]
    public void Encoder_features_match_reference_and_runtime_golden(string clip)
    {
        var codec = LyraGolden.Codec;
        var feats = LyraGolden.EncodeFeatures(codec, LyraGolden.F32(clip, "input.f32"));
        var golden = LyraGolden.F32(clip, "features.f32");
        var reference = LyraGolden.F32(clip, "features.f32", reference: true);
        double relGolden = LyraGolden.RelRms(feats, golden), relRef = LyraGolden.RelRms(feats, reference);
        int differing = 0;
        for (int i = 0; i < feats.Length; i++) if (feats[i] != reference[i]) differing++;
        output.WriteLine($"{clip}: features rel RMS vs LiteRT golden {relGolden:F4}, vs ref_tflite {relRef:G3} ({differing}/{feats.Length} values differ)");
        // The features are int8 steps of the output scale: any difference from the reference would be a whole step.
        Assert.True(differing <= feats.Length / 1000, $"{differing} features differ from ref_tflite");
        Assert.True(relGolden < 0.08, $"features rel RMS vs golden {relGolden}");
    }

    public static TheoryData<string, int> ClipLevels()
    {
        var d = new TheoryData<string, int>();
        foreach (var c in LyraGolden.Clips) foreach (int l in new[] { 16, 30, 46 }) d.Add(c, l);
        return d;
    }

    [Theory]
    [MemberData(nameof(ClipLevels))]
    public void Decoder_audio_matches_reference_and_runtime_golden(string clip, int levels)
    {
        var codec = LyraGolden.Codec;
        var audio = LyraGolden.DecodeFeatures(codec, LyraGolden.F32(clip, $"dequantized_{levels}.f32"));
        double relGolden = LyraGolden.RelRms(audio, LyraGolden.F32(clip, $"decoded_{levels}.f32"));
        var audioRef = LyraGolden.DecodeFeatures(codec, LyraGolden.F32(clip, $"dequantized_{levels}.f32", reference: true));
        var expectedRef = LyraGolden.F32(clip, $"decoded_{levels}.f32", reference: true);
        double relRef = LyraGolden.RelRms(audioRef, expectedRef);
        // Float layers accumulate in float32 here and in float64 in ref_tflite: a value that lands on an
        // int8 rounding boundary can flip one step, and the flip lives in the state for a few frames.
        int frames = audioRef.Length / LyraCodec.FrameSamples, exactFrames = 0;
        for (int t = 0; t < frames; t++)
        {
            var a = audioRef.AsSpan(t * LyraCodec.FrameSamples, LyraCodec.FrameSamples);
            var b = expectedRef.AsSpan(t * LyraCodec.FrameSamples, LyraCodec.FrameSamples);
            if (LyraGolden.RelRms(a, b) < 1e-4) exactFrames++;
        }
        output.WriteLine($"{clip} L{levels}: decoded rel RMS vs LiteRT golden {relGolden:F4}, vs ref_tflite {relRef:G3} ({exactFrames}/{frames} frames within 1e-4)");
        Assert.True(relRef < 0.02, $"decoded rel RMS vs ref_tflite {relRef}");
        Assert.True(exactFrames >= frames * 9 / 10, $"only {exactFrames}/{frames} frames match ref_tflite");
        Assert.True(relGolden < 0.09, $"decoded rel RMS vs golden {relGolden}");
    }

    [Fact]
    public void Float_path_for_int8_layers_gives_the_same_results()
    {
        // The exact-in-float fallback used on CPUs without AVX2 must agree with the int16 kernels.
        const string clip = "vctk_p240_00000";
        var codec = EdgeTok.Audio.Lyra.LyraCodec.Load(LyraGolden.ModelDir, EdgeTok.Runtime.TfLite.TfLiteRequantization.Reference, useInt16Kernels: false);
        var input = LyraGolden.F32(clip, "input.f32").AsSpan(0, 60 * 320).ToArray();
        var feats = LyraGolden.EncodeFeatures(codec, input);
        Assert.Equal(LyraGolden.F32(clip, "features.f32", reference: true).AsSpan(0, feats.Length).ToArray(), feats);
        var deq = LyraGolden.F32(clip, "dequantized_46.f32", reference: true).AsSpan(0, 60 * 64).ToArray();
        var audio = LyraGolden.DecodeFeatures(codec, deq);
        double rel = LyraGolden.RelRms(audio, LyraGolden.F32(clip, "decoded_46.f32", reference: true).AsSpan(0, audio.Length));
        output.WriteLine($"float path: decoded rel RMS vs ref_tflite {rel:G3}");
        Assert.True(rel < 1e-4);
    }

    [Fact]
    public void Xnnpack_style_requantization_is_also_within_runtime_tolerance()
    {
        // The alternative scheme (float scale, round to even) lands as close to LiteRT as the reference does.
        const string clip = "cmu_arctic_aew_a0001";
        var codec = EdgeTok.Audio.Lyra.LyraCodec.Load(LyraGolden.ModelDir, EdgeTok.Runtime.TfLite.TfLiteRequantization.Float32);
        var feats = LyraGolden.EncodeFeatures(codec, LyraGolden.F32(clip, "input.f32"));
        double relGolden = LyraGolden.RelRms(feats, LyraGolden.F32(clip, "features.f32"));
        var audio = LyraGolden.DecodeFeatures(codec, LyraGolden.F32(clip, "dequantized_46.f32"));
        double relAudio = LyraGolden.RelRms(audio, LyraGolden.F32(clip, "decoded_46.f32"));
        output.WriteLine($"Float32 requantisation: features rel RMS vs LiteRT {relGolden:F4}, decoded {relAudio:F4}");
        Assert.True(relGolden < 0.08);
        Assert.True(relAudio < 0.09);
    }
}
