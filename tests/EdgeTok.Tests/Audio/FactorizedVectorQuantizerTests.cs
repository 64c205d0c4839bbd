using EdgeTok.Audio.Quantization;

namespace EdgeTok.Tests.Audio;

/// <summary>DAC-style factorized VQ (stride 1) and SNAC-style strides on small hand-checkable cases and properties.</summary>
public class FactorizedVectorQuantizerTests
{
    private static readonly float[] s_identity2 = [1, 0, 0, 1];

    [Fact]
    public void Search_is_by_direction_and_decode_uses_the_raw_codeword()
    {
        // Codewords of different lengths: (2, 0), (0, 3), (-1, 0). Identity projections.
        float[] cb = [2, 0, 0, 3, -1, 0];
        var level = new FactorizedLevel(cb, s_identity2, [], s_identity2, []);
        var q = new FactorizedVectorQuantizer([level, level], 2, 3, 2);
        var codes = new int[4];
        // (3, 0.5): direction closest to (1, 0) → code 0, z_q = (2, 0); residual (1, 0.5) → code 0 again.
        // (0.1, 5): code 1, z_q = (0, 3); residual (0.1, 2) → code 1.
        q.Encode([3f, 0.5f, 0.1f, 5f], 2, codes, 2);
        Assert.Equal([0, 0, 1, 1], codes);
        var z = new float[4];
        q.Decode(codes, 2, 2, z);
        Assert.Equal([4f, 0, 0, 6], z);
    }

    [Fact]
    public void Biases_apply_before_normalisation_and_after_out_proj()
    {
        float[] cb = [1, 0, 0, 1];
        // in_proj bias (−10, 0) turns (3, 1) into (−7, 1): nearest direction among (1,0),(0,1) is (0,1).
        var level = new FactorizedLevel(cb, s_identity2, [-10, 0], s_identity2, [0.5f, -0.5f]);
        var q = new FactorizedVectorQuantizer([level], 2, 2, 2);
        var codes = new int[1];
        q.Encode([3f, 1f], 1, codes, 1);
        Assert.Equal(1, codes[0]);
        var z = new float[2];
        q.Decode(codes, 1, 1, z);
        Assert.Equal([0.5f, 0.5f], z);
    }

    [Fact]
    public void Strided_level_pools_before_and_repeats_after()
    {
        float[] cb = [1, 0, 0, 1];
        var coarse = new FactorizedLevel(cb, s_identity2, [], s_identity2, [], Stride: 2);
        var fine = new FactorizedLevel(cb, s_identity2, [], s_identity2, [], Stride: 1);
        var q = new FactorizedVectorQuantizer([coarse, fine], 2, 2, 2);
        Assert.Equal(2, q.FrameMultiple);
        // Frames (1, 0.2) and (0.8, 0.1) average to (0.9, 0.15) → code 0 for both; residuals (0, 0.2) and
        // (−0.2, 0.1) both point closest to (0, 1).
        var codes = new int[4];
        q.Encode([1f, 0.2f, 0.8f, 0.1f], 2, codes, 2);
        Assert.Equal([0, 1, 0, 1], codes);
        var compact = new int[1];
        q.GetLevelCodes(codes, 2, 2, 0, compact);
        Assert.Equal([0], compact);
        var z = new float[4];
        q.DecodeLevel(codes, 2, 2, 0, z);
        Assert.Equal([1f, 0, 1, 0], z);
    }

    [Fact]
    public void Weight_norm_folds_per_output_channel()
    {
        // v rows (3, 4) and (0, 2); g = (10, 1) → W = (6, 8), (0, 1).
        var w = WeightNorm.Fold([10f, 1f], [3f, 4f, 0f, 2f], 2);
        Assert.Equal([6f, 8f, 0f, 1f], w);
        Assert.Throws<EdgeTokException>(() => WeightNorm.Fold([1f], [0f, 0f], 1));
        Assert.Throws<EdgeTokException>(() => WeightNorm.Fold([1f, 2f], [1f, 2f, 3f], 2));
    }

    [Fact]
    public void Decode_of_encode_reduces_the_error_level_by_level()
    {
        var (q, latent, frames) = RandomDac(levels: 6, seed: 11);
        double previous = double.MaxValue;
        for (int n = 1; n <= 6; n++)
        {
            var codes = new int[frames * n];
            q.Encode(latent, frames, codes, n);
            var z = new float[latent.Length];
            q.Decode(codes, frames, n, z);
            double err = 0;
            for (int i = 0; i < z.Length; i++) err += Math.Pow(latent[i] - z[i], 2);
            Assert.True(err < previous, $"{n} levels: error {err} ≥ {previous}");
            previous = err;
        }
    }

    [Fact]
    public void Truncating_levels_equals_encoding_with_fewer_levels()
    {
        var (q, latent, frames) = RandomDac(levels: 5, seed: 12);
        var full = new int[frames * 5];
        q.Encode(latent, frames, full, 5);
        for (int n = 1; n < 5; n++)
        {
            var part = new int[frames * n];
            q.Encode(latent, frames, part, n);
            for (int t = 0; t < frames; t++)
                for (int l = 0; l < n; l++) Assert.Equal(full[t * 5 + l], part[t * n + l]);
        }
    }

    [Fact]
    public void Bad_input_is_rejected()
    {
        var (q, latent, frames) = RandomDac(levels: 2, seed: 13);
        Assert.Throws<EdgeTokException>(() => q.Encode(latent, frames, new int[frames * 3], 3));
        var codes = new int[frames * 2];
        q.Encode(latent, frames, codes, 2);
        codes[3] = 999;
        var e = Assert.Throws<EdgeTokException>(() => q.Decode(codes, frames, 2, new float[latent.Length]));
        Assert.Contains("code 999 at frame 1, codebook 1", e.Message);
        latent[0] = float.PositiveInfinity;
        Assert.Throws<EdgeTokException>(() => q.Encode(latent, frames, codes, 2));
        Assert.Throws<EdgeTokException>(() => new FactorizedVectorQuantizer([new FactorizedLevel(new float[5], s_identity2, [], s_identity2, [])], 2, 2, 2));
        Assert.Throws<EdgeTokException>(() => new FactorizedVectorQuantizer([new FactorizedLevel(new float[4], s_identity2, [], s_identity2, [], Stride: 0)], 2, 2, 2));
        Assert.Throws<EdgeTokException>(() => q.GetLevelCodes(codes, frames, 2, 2, new int[frames]));
        Assert.Throws<EdgeTokException>(() => q.SetLevelCodes(new int[frames], frames, 2, 0, new int[3]));
    }

    /// <summary>
    /// A DAC-like quantizer whose behaviour is known: in_proj = Q (orthogonal), out_proj = Qᵀ, so
    /// the code space is a rotation of the latent; codewords are many random directions with lengths
    /// shrinking per level, matched to the residual norm, as in a trained RVQ.
    /// </summary>
    internal static (FactorizedVectorQuantizer Q, float[] Latent, int Frames) RandomDac(int levels, int seed)
    {
        const int d = 4, k = 512, frames = 120;
        var rng = new Random(seed);
        var qm = RandomOrthogonal(d, rng);
        var qt = new float[d * d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++) qt[j * d + i] = qm[i * d + j];
        var latent = new float[frames * d];
        for (int t = 0; t < frames; t++)
        {
            double n = 0;
            for (int i = 0; i < d; i++) n += Math.Pow(latent[t * d + i] = (float)ResidualVectorQuantizerTests.Gauss(rng), 2);
            for (int i = 0; i < d; i++) latent[t * d + i] = (float)(latent[t * d + i] / Math.Sqrt(n));
        }
        var lv = new List<FactorizedLevel>();
        double len = 0.8;
        for (int l = 0; l < levels; l++)
        {
            var cb = new float[k * d];
            for (int j = 0; j < k; j++)
            {
                double n = 0;
                for (int i = 0; i < d; i++) n += Math.Pow(cb[j * d + i] = (float)ResidualVectorQuantizerTests.Gauss(rng), 2);
                for (int i = 0; i < d; i++) cb[j * d + i] = (float)(cb[j * d + i] / Math.Sqrt(n) * len);
            }
            lv.Add(new FactorizedLevel(cb, qm, [], qt, []));
            // Next level's codeword length follows the mean residual norm, as training would make it.
            var q = new FactorizedVectorQuantizer(lv, d, k, d);
            var codes = new int[frames * lv.Count];
            q.Encode(latent, frames, codes, lv.Count);
            var z = new float[latent.Length];
            q.Decode(codes, frames, lv.Count, z);
            double sum = 0;
            for (int t = 0; t < frames; t++)
            {
                double e = 0;
                for (int i = 0; i < d; i++) e += Math.Pow(latent[t * d + i] - z[t * d + i], 2);
                sum += Math.Sqrt(e);
            }
            len = 0.8 * sum / frames;
        }
        return (new FactorizedVectorQuantizer(lv, d, k, d), latent, frames);
    }

    private static float[] RandomOrthogonal(int d, Random rng)
    {
        var m = new double[d, d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++) m[i, j] = ResidualVectorQuantizerTests.Gauss(rng);
            for (int p = 0; p < i; p++)
            {
                double dot = 0;
                for (int j = 0; j < d; j++) dot += m[i, j] * m[p, j];
                for (int j = 0; j < d; j++) m[i, j] -= dot * m[p, j];
            }
            double n = 0;
            for (int j = 0; j < d; j++) n += m[i, j] * m[i, j];
            for (int j = 0; j < d; j++) m[i, j] /= Math.Sqrt(n);
        }
        var r = new float[d * d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++) r[i * d + j] = (float)m[i, j];
        return r;
    }
}
