using EdgeTok.Audio.Quantization;

namespace EdgeTok.Tests.Audio;

public class ResidualVectorQuantizerTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Dim = 32, Bins = 64, MaxLevels = 8;

    private static ResidualVectorQuantizer EncodecRvq() =>
        new(AudioGolden.F32(AudioGolden.Encodec("codebooks.f32")), MaxLevels, Bins, Dim);

    [Theory]
    [InlineData("0p9", 0.9, 2)]
    [InlineData("1p8", 1.8, 4)]
    [InlineData("3p6", 3.6, 8)]
    public void Encodec_caseA_codes_and_dequantized_latent_match_golden(string tag, double kbps, int expectedLevels)
    {
        var rvq = EncodecRvq();
        int levels = ResidualVectorQuantizer.LevelsForBandwidth(kbps, 75, Bins, MaxLevels);
        Assert.Equal(expectedLevels, levels);
        var latent = AudioGolden.Transpose<float>(AudioGolden.F32(AudioGolden.Encodec("caseA_emb.f32")), Dim, 75);
        var golden = AudioGolden.Transpose<int>(AudioGolden.I32(AudioGolden.Encodec($"caseA_codes_bw{tag}.i32")), levels, 75);
        var codes = new int[75 * levels];
        rvq.Encode(latent, 75, codes, levels);
        var (mismatches, ties) = AudioGolden.CompareRvqCodes(latent, 75, Dim, AllCodebooks(), Bins, golden, codes, levels);
        Assert.Equal(0, mismatches);
        Assert.Equal(0, ties);

        // Dequantization of the golden codes is bit-exact.
        var q = new float[75 * Dim];
        rvq.Decode(golden, 75, levels, q);
        var goldenQ = AudioGolden.Transpose<float>(AudioGolden.F32(AudioGolden.Encodec($"caseA_qemb_bw{tag}.f32")), Dim, 75);
        Assert.Equal(goldenQ, q);
    }

    [Fact]
    public void Encodec_caseR_full_depth_is_tie_aware_equal_and_dequantizes_exactly()
    {
        var rvq = EncodecRvq();
        var latent = AudioGolden.Transpose<float>(AudioGolden.F32(AudioGolden.Encodec("caseR_emb.f32")), Dim, 150);
        var golden = AudioGolden.Transpose<int>(AudioGolden.I32(AudioGolden.Encodec("caseR_codes_all.i32")), MaxLevels, 150);
        var codes = new int[150 * MaxLevels];
        rvq.Encode(latent, 150, codes, MaxLevels);
        var (mismatches, ties) = AudioGolden.CompareRvqCodes(latent, 150, Dim, AllCodebooks(), Bins, golden, codes, MaxLevels);
        output.WriteLine($"caseR: {mismatches} differing codes of {codes.Length}, {ties} accepted as near-ties");
        Assert.Equal(ties, mismatches);
        Assert.True(mismatches <= 2, $"{mismatches} near-tie flips out of {codes.Length}");
        var q = new float[150 * Dim];
        rvq.Decode(golden, 150, MaxLevels, q);
        Assert.Equal(AudioGolden.Transpose<float>(AudioGolden.F32(AudioGolden.Encodec("caseR_qemb_all.f32")), Dim, 150), q);
    }

    [Theory]
    [InlineData(24000, 75)]
    [InlineData(48000, 150)]
    public void Encodec_onnxcheck_codes_match_golden(int samples, int frames)
    {
        var rvq = EncodecRvq();
        var latent = AudioGolden.Transpose<float>(AudioGolden.F32(AudioGolden.Encodec($"onnxcheck_emb_{samples}.f32")), Dim, frames);
        var golden = AudioGolden.Transpose<int>(AudioGolden.I32(AudioGolden.Encodec($"onnxcheck_codes_nq8_{samples}.i32")), MaxLevels, frames);
        var codes = new int[frames * MaxLevels];
        rvq.Encode(latent, frames, codes, MaxLevels);
        var (mismatches, ties) = AudioGolden.CompareRvqCodes(latent, frames, Dim, AllCodebooks(), Bins, golden, codes, MaxLevels);
        Assert.Equal(ties, mismatches);
        Assert.Equal(0, mismatches);
    }

    [Fact]
    public void Truncating_levels_equals_encoding_with_fewer_levels()
    {
        var rvq = EncodecRvq();
        var latent = AudioGolden.Transpose<float>(AudioGolden.F32(AudioGolden.Encodec("caseR_emb.f32")), Dim, 150);
        var full = new int[150 * MaxLevels];
        rvq.Encode(latent, 150, full, MaxLevels);
        for (int n = 1; n < MaxLevels; n++)
        {
            var part = new int[150 * n];
            rvq.Encode(latent, 150, part, n);
            for (int t = 0; t < 150; t++)
                for (int q = 0; q < n; q++) Assert.Equal(full[t * MaxLevels + q], part[t * n + q]);
        }
    }

    [Fact]
    public void Each_level_reduces_the_residual_when_codebooks_contain_zero()
    {
        // With a zero codeword at every level the greedy choice can never increase the residual;
        // codebooks shrink per level as trained RVQs do.
        const int levels = 6, k = 128, d = 16, frames = 200;
        var rng = new Random(3);
        var cb = new float[levels * k * d];
        for (int q = 0; q < levels; q++)
            for (int j = 1; j < k; j++)
                for (int i = 0; i < d; i++) cb[(q * k + j) * d + i] = (float)(Gauss(rng) * Math.Pow(0.6, q));
        var rvq = new ResidualVectorQuantizer(cb, levels, k, d);
        var latent = new float[frames * d];
        for (int i = 0; i < latent.Length; i++) latent[i] = (float)Gauss(rng);
        double previous = SumSq(latent);
        for (int n = 1; n <= levels; n++)
        {
            var codes = new int[frames * n];
            rvq.Encode(latent, frames, codes, n);
            var q = new float[frames * d];
            rvq.Decode(codes, frames, n, q);
            double err = 0;
            for (int i = 0; i < q.Length; i++) err += Math.Pow(latent[i] - q[i], 2);
            Assert.True(err < previous, $"level {n}: residual {err} ≥ {previous}");
            previous = err;
        }
    }

    internal static double Gauss(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    [Fact]
    public void Hand_checked_two_level_case()
    {
        // Level 0: codewords (0,0), (10,0), (0,10); level 1: (0,0), (1,1), (-1,-1).
        float[] cb = [0, 0, 10, 0, 0, 10, 0, 0, 1, 1, -1, -1];
        var rvq = new ResidualVectorQuantizer(cb, 2, 3, 2);
        float[] x = [11, 1, 1, 11, -1, -1];
        var codes = new int[6];
        rvq.Encode(x, 3, codes, 2);
        Assert.Equal([1, 1, 2, 1, 0, 2], codes);
        var q = new float[6];
        rvq.Decode(codes, 3, 2, q);
        Assert.Equal([11f, 1, 1, 11, -1, -1], q);
    }

    [Fact]
    public void Exact_ties_go_to_the_lowest_index()
    {
        float[] cb = [1, 0, -1, 0, 0, 1, 1, 0];
        var rvq = new ResidualVectorQuantizer(cb, 1, 4, 2);
        var codes = new int[2];
        rvq.Encode([0f, 0f, 1f, 0f], 2, codes, 1);
        Assert.Equal([0, 0], codes);
    }

    [Fact]
    public void Bandwidth_rule_matches_encodec()
    {
        // EnCodec 24 kHz: 1024 bins, 75 Hz → 750 bps per level.
        Assert.Equal(2, ResidualVectorQuantizer.LevelsForBandwidth(1.5, 75, 1024, 32));
        Assert.Equal(8, ResidualVectorQuantizer.LevelsForBandwidth(6, 75, 1024, 32));
        Assert.Equal(32, ResidualVectorQuantizer.LevelsForBandwidth(24, 75, 1024, 32));
        Assert.Equal(32, ResidualVectorQuantizer.LevelsForBandwidth(100, 75, 1024, 32));
        Assert.Equal(1, ResidualVectorQuantizer.LevelsForBandwidth(0.1, 75, 1024, 32));
        Assert.Equal(6.0, ResidualVectorQuantizer.BandwidthForLevels(8, 75, 1024), 9);
        var e = Assert.Throws<EdgeTokException>(() => ResidualVectorQuantizer.LevelsForBandwidth(0, 75, 1024, 32));
        Assert.Equal(StatusCode.InvalidArgument, e.Status);
        Assert.Throws<EdgeTokException>(() => ResidualVectorQuantizer.LevelsForBandwidth(double.NaN, 75, 1024, 32));
    }

    [Fact]
    public void Bad_input_is_rejected_with_clear_errors()
    {
        var rvq = EncodecRvq();
        var latent = new float[10 * Dim];
        var codes = new int[10 * 4];
        Assert.Contains("level count 9", Assert.Throws<EdgeTokException>(() => rvq.Encode(latent, 10, new int[90], 9)).Message);
        Assert.Contains("codes hold", Assert.Throws<EdgeTokException>(() => rvq.Encode(latent, 10, new int[5], 4)).Message);
        Assert.Contains("latent holds", Assert.Throws<EdgeTokException>(() => rvq.Encode(latent, 11, new int[44], 4)).Message);
        latent[37] = float.NaN;
        var nan = Assert.Throws<EdgeTokException>(() => rvq.Encode(latent, 10, codes, 4));
        Assert.Equal(StatusCode.InvalidArgument, nan.Status);
        Assert.Contains("index 37", nan.Message);
        codes[5] = 64;
        var oob = Assert.Throws<EdgeTokException>(() => rvq.Decode(codes, 10, 4, new float[10 * Dim]));
        Assert.Contains("code 64 at frame 1, codebook 1", oob.Message);
        codes[5] = -1;
        Assert.Throws<EdgeTokException>(() => rvq.Decode(codes, 10, 4, new float[10 * Dim]));
        Assert.Throws<EdgeTokException>(() => new ResidualVectorQuantizer(new float[10], 2, 3, 2));
    }

    [Fact]
    public void Zero_frames_is_a_no_op_and_warm_calls_do_not_allocate()
    {
        var rvq = EncodecRvq();
        rvq.Encode([], 0, [], 4);
        var latent = AudioGolden.Transpose<float>(AudioGolden.F32(AudioGolden.Encodec("caseA_emb.f32")), Dim, 75);
        var codes = new int[75 * 8];
        var ws = new QuantizerWorkspace();
        rvq.Encode(latent, 75, codes, 8, ws);
        long before = GC.GetAllocatedBytesForCurrentThread();
        rvq.Encode(latent, 75, codes, 8, ws);
        long after = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(0, after - before);
    }

    private static float[] AllCodebooks() => AudioGolden.F32(AudioGolden.Encodec("codebooks.f32"));

    private static double SumSq(ReadOnlySpan<float> x)
    {
        double s = 0;
        foreach (var v in x) s += (double)v * v;
        return s;
    }
}
