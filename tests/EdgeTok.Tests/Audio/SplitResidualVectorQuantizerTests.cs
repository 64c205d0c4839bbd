using EdgeTok.Audio.Quantization;

namespace EdgeTok.Tests.Audio;

/// <summary>Mimi's split RVQ: semantic and acoustic quantizers over the same latent.</summary>
public class SplitResidualVectorQuantizerTests
{
    [Fact]
    public void Codewords_come_from_embedding_sum_over_clamped_usage()
    {
        var c = SplitResidualVectorQuantizer.CodewordsFromUsage([2f, 4f, 1f, 1f, 3f, 6f], [2f, 0f, 3f]);
        Assert.Equal([1f, 2f, 1e5f, 1e5f, 1f, 2f], c);
        Assert.Throws<EdgeTokException>(() => SplitResidualVectorQuantizer.CodewordsFromUsage([1f, 2f, 3f], [1f, 1f]));
    }

    [Fact]
    public void Both_quantizers_see_the_same_latent_and_decode_adds_their_projections()
    {
        // Latent (x, y): the semantic projection keeps x, the acoustic one keeps y (1-d code spaces).
        var sem = new ResidualVectorQuantizer([0f, 1f, 2f], 1, 3, 1);
        var ac = new ResidualVectorQuantizer([0f, 10f, 20f, 0f, 1f, 2f], 2, 3, 1);
        var split = new SplitResidualVectorQuantizer(sem, ac, 2, [1f, 0f], [1f, 0f], [0f, 1f], [0f, 1f]);
        Assert.Equal(3, split.Levels);
        var codes = new int[3];
        // x = 1.9 → semantic code 2; y = 21.2 → acoustic 20 (code 2) then residual 1.2 → 1 (code 1).
        split.Encode([1.9f, 21.2f], 1, codes, 3);
        Assert.Equal([2, 2, 1], codes);
        var z = new float[2];
        split.Decode(codes, 1, 3, z);
        Assert.Equal([2f, 21f], z);
        // Fewer codebooks truncate the acoustic levels only.
        var two = new int[2];
        split.Encode([1.9f, 21.2f], 1, two, 2);
        Assert.Equal([2, 2], two);
        split.Decode(two, 1, 2, z);
        Assert.Equal([2f, 20f], z);
        split.Decode([2], 1, 1, z);
        Assert.Equal([2f, 0f], z);
        Assert.Throws<EdgeTokException>(() => split.Encode([1f, 1f], 1, new int[1], 0));
        Assert.Throws<EdgeTokException>(() => split.Decode([3, 0, 0], 1, 3, z));
    }

    [Fact]
    public void Acoustic_reconstruction_improves_level_by_level_and_truncation_matches()
    {
        const int d = 8, cd = 4, k = 256, levels = 5, frames = 100;
        var rng = new Random(21);
        float[] Rand(int n, double s) { var a = new float[n]; for (int i = 0; i < n; i++) a[i] = (float)(ResidualVectorQuantizerTests.Gauss(rng) * s); return a; }
        float[] Codebooks(int l)
        {
            var cb = new float[l * k * cd];
            for (int q = 0; q < l; q++)
                for (int j = 1; j < k; j++) // codeword 0 stays zero: greedy steps can only help
                    for (int i = 0; i < cd; i++) cb[(q * k + j) * cd + i] = (float)(ResidualVectorQuantizerTests.Gauss(rng) * Math.Pow(0.5, q));
            return cb;
        }
        var sem = new ResidualVectorQuantizer(Codebooks(1), 1, k, cd);
        var ac = new ResidualVectorQuantizer(Codebooks(levels - 1), levels - 1, k, cd);
        var acIn = Rand(cd * d, 0.5);
        var split = new SplitResidualVectorQuantizer(sem, ac, d, Rand(cd * d, 0.5), Rand(d * cd, 1), acIn, Rand(d * cd, 1));
        var latent = Rand(frames * d, 1);
        var projected = new float[frames * cd];
        EdgeTok.Numerics.Gemm.MultiplyTransposed(latent, acIn, projected, frames, cd, d);

        var full = new int[frames * levels];
        split.Encode(latent, frames, full, levels);
        double previous = double.MaxValue;
        for (int n = 2; n <= levels; n++)
        {
            var codes = new int[frames * n];
            split.Encode(latent, frames, codes, n);
            for (int t = 0; t < frames; t++)
                for (int q = 0; q < n; q++) Assert.Equal(full[t * levels + q], codes[t * n + q]);
            // Acoustic codes alone, decoded by the acoustic RVQ, approach the projected latent.
            var acCodes = new int[frames * (n - 1)];
            for (int t = 0; t < frames; t++)
                for (int q = 0; q < n - 1; q++) acCodes[t * (n - 1) + q] = codes[t * n + 1 + q];
            var rec = new float[frames * cd];
            ac.Decode(acCodes, frames, n - 1, rec);
            double err = 0;
            for (int i = 0; i < rec.Length; i++) err += Math.Pow(projected[i] - rec[i], 2);
            Assert.True(err < previous, $"{n - 1} acoustic levels: {err} ≥ {previous}");
            previous = err;
        }
    }
}
