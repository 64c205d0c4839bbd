using EdgeTok.Audio.Quantization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeTok.Tests.Audio;

/// <summary>The real SNAC 24 kHz quantizer, loaded natively from the ONNX initializers.</summary>
public class SnacQuantizerTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int T = 64, D = 768;
    private static readonly int[] s_strides = [4, 2, 1];

    private static string Manifest => Path.Combine(TestPaths.RepoRoot, "models", "snac-24k-quantizer", "edgetok.json");

    private static LatentQuantizer Load() => LatentQuantizer.Load(Manifest, AudioGolden.Snac());

    private static float[] LatentFrameMajor() => AudioGolden.Transpose<float>(AudioGolden.F32(AudioGolden.Snac("golden", "z_768x64.f32")), D, T);

    [Fact]
    public void Loads_from_onnx_initializers_with_the_model_shape()
    {
        var q = Load();
        Assert.Equal("factorized", q.Type);
        Assert.Equal(3, q.Codebooks);
        Assert.Equal(4096, q.CodebookSize);
        Assert.Equal(768, q.LatentDimension);
        Assert.Equal(4, q.FrameMultiple);
        Assert.Equal(s_strides, q.AsFactorized!.Strides);
    }

    [Fact]
    public void Native_codes_match_numpy_golden_with_zero_mismatches()
    {
        var q = Load();
        var fvq = q.AsFactorized!;
        var codes = new int[T * 3];
        q.Encode(LatentFrameMajor(), T, codes, 3);
        for (int l = 0; l < 3; l++)
        {
            var golden = AudioGolden.I32(AudioGolden.Snac("golden", $"codes_np_{l}.i32"));
            var mine = new int[T / s_strides[l]];
            fvq.GetLevelCodes(codes, T, 3, l, mine);
            int mism = golden.Where((g, i) => g != mine[i]).Count();
            output.WriteLine($"level {l}: {mism} mismatches of {golden.Length} vs codes_np_{l}");
            Assert.Equal(golden, mine);
        }
    }

    [Fact]
    public void Dequantized_levels_match_golden_within_1e5()
    {
        var fvq = Load().AsFactorized!;
        var codes = GoldenCodes(fvq);
        var total = new float[T * D];
        var sum = new float[T * D];
        for (int l = 0; l < 3; l++)
        {
            var level = new float[T * D];
            fvq.DecodeLevel(codes, T, 3, l, level);
            var golden = AudioGolden.Transpose<float>(AudioGolden.F32(AudioGolden.Snac("golden", $"zq_np_{l}.f32")), D, T);
            var (err, _) = AudioGolden.MaxAbsDiff(level, golden);
            output.WriteLine($"level {l}: max |zq − golden| = {err:E2}");
            Assert.True(err <= 1e-5, $"level {l}: max |zq − golden| = {err}");
            for (int i = 0; i < sum.Length; i++) sum[i] += golden[i];
        }
        fvq.Decode(codes, T, 3, total);
        var (e2, _) = AudioGolden.MaxAbsDiff(total, sum);
        Assert.True(e2 <= 3e-5, $"summed latent: {e2}");
    }

    [Fact]
    public void Native_codes_match_the_same_graph_in_onnx_runtime()
    {
        var fvq = Load().AsFactorized!;
        var codes = new int[T * 3];
        fvq.Encode(LatentFrameMajor(), T, codes, 3);
        using var opts = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(AudioGolden.Snac("quantize_encodings.onnx"), opts);
        var z = new DenseTensor<float>(AudioGolden.F32(AudioGolden.Snac("golden", "z_768x64.f32")), [1, D, T]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("z", z)]);
        for (int l = 0; l < 3; l++)
        {
            var ort = results.First(r => r.Name == $"codes_{l}").AsTensor<long>().ToArray();
            var mine = new int[T / s_strides[l]];
            fvq.GetLevelCodes(codes, T, 3, l, mine);
            Assert.Equal(ort.Length, mine.Length);
            int mismatches = 0;
            for (int i = 0; i < mine.Length; i++) if (ort[i] != mine[i]) mismatches++;
            output.WriteLine($"level {l}: {mismatches} mismatches of {mine.Length} vs ONNX Runtime");
            Assert.Equal(0, mismatches);
        }
    }

    [Fact]
    public void Frame_count_must_be_a_multiple_of_the_strides()
    {
        var q = Load();
        var e = Assert.Throws<EdgeTokException>(() => q.Encode(new float[62 * D], 62, new int[62 * 3], 3));
        Assert.Equal(StatusCode.InvalidArgument, e.Status);
        Assert.Contains("stride 4", e.Message);
    }

    [Fact]
    public void Truncating_levels_equals_encoding_with_fewer_levels()
    {
        var q = Load();
        var z = LatentFrameMajor();
        var full = new int[T * 3];
        q.Encode(z, T, full, 3);
        var two = new int[T * 2];
        q.Encode(z, T, two, 2);
        for (int t = 0; t < T; t++)
            for (int l = 0; l < 2; l++) Assert.Equal(full[t * 3 + l], two[t * 2 + l]);
    }

    private static int[] GoldenCodes(FactorizedVectorQuantizer fvq)
    {
        var codes = new int[T * 3];
        for (int l = 0; l < 3; l++) fvq.SetLevelCodes(AudioGolden.I32(AudioGolden.Snac("golden", $"codes_np_{l}.i32")), T, 3, l, codes);
        return codes;
    }
}
