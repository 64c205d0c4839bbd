using EdgeTok.Audio.Quantization;

namespace EdgeTok.Tests.Audio;

/// <summary>
/// The small-codebook RVQ search (K ≤ <see cref="SmallCodebookSearch.MaxCodebookSize"/>) against a float64
/// brute-force greedy RVQ whose residual is updated in float32 as the quantizer's: K around one and two
/// panels of 16, D not a multiple of 16, frame counts around the groups of 8 and 16 and the blocks,
/// duplicate and near-duplicate codewords, exact ties, codebooks far smaller than the residual and values
/// large enough to overflow a float32 score. Run under DOTNET_EnableAVX512=0, DOTNET_EnableAVX2=0 and
/// DOTNET_EnableHWIntrinsic=0 too, to cover the 256-bit, 128-bit and scalar paths.
/// </summary>
public class SmallCodebookSearchTests
{
    [Theory]
    [InlineData(1, 1, 1, 1)]
    [InlineData(2, 2, 3, 11)]
    [InlineData(6, 15, 17, 11)]
    [InlineData(46, 16, 64, 500)]
    [InlineData(8, 17, 64, 33)]
    [InlineData(5, 31, 5, 16)]
    [InlineData(5, 32, 8, 17)]
    [InlineData(4, 33, 33, 40)]
    [InlineData(4, 48, 16, 7)]
    [InlineData(3, 49, 20, 65)]
    [InlineData(3, 63, 64, 129)]
    [InlineData(4, 64, 24, 300)]
    [InlineData(2, 64, 130, 47)]
    [InlineData(3, 16, 500, 37)]
    public void Encode_matches_a_float64_greedy_search(int levels, int k, int d, int frames)
    {
        var rng = new Random(levels * 7919 + k * 131 + d * 17 + frames);
        var cb = new float[levels * k * d];
        for (int q = 0; q < levels; q++)
            for (int i = 0; i < k * d; i++) cb[q * k * d + i] = (float)(ResidualVectorQuantizerTests.Gauss(rng) * Math.Pow(0.8, q));
        var latent = NearestReference.Gaussian(rng, frames * d, 1.5);
        AssertMatchesReference(cb, levels, k, d, latent, frames);
    }

    [Theory]
    [InlineData(16, 64, 500)]
    [InlineData(32, 20, 45)]
    [InlineData(64, 7, 100)]
    [InlineData(17, 33, 30)]
    public void Duplicate_codewords_and_frames_on_codewords_resolve_to_the_lowest_index(int k, int d, int frames)
    {
        const int levels = 4;
        var rng = new Random(k + d);
        var cb = new float[levels * k * d];
        for (int q = 0; q < levels; q++)
        {
            var level = cb.AsSpan(q * k * d, k * d);
            for (int i = 0; i < level.Length; i++) level[i] = (float)ResidualVectorQuantizerTests.Gauss(rng);
            // The upper half repeats the lower half (reversed), so every codeword of the upper half ties.
            for (int j = 0; j < k / 2; j++) level.Slice(j * d, d).CopyTo(level.Slice((k - 1 - j) * d, d));
        }
        // Frames sit on a codeword, a hair off it, or halfway between two.
        var latent = new float[frames * d];
        for (int t = 0; t < frames; t++)
        {
            int a = rng.Next(k), b = rng.Next(k);
            for (int i = 0; i < d; i++)
            {
                float ca = cb[a * d + i], c2 = cb[b * d + i];
                latent[t * d + i] = (t % 3) switch
                {
                    0 => ca,
                    1 => ca + (float)(rng.NextDouble() - 0.5) * 1e-5f,
                    _ => (ca + c2) / 2,
                };
            }
        }
        var codes = AssertMatchesReference(cb, levels, k, d, latent, frames);
        Assert.All(codes, c => Assert.True(c < k - k / 2, $"picked {c}, a later copy"));
    }

    [Theory]
    [InlineData(16)]
    [InlineData(40)]
    public void Codewords_one_ulp_apart_are_ranked_in_float64(int k)
    {
        const int d = 24, frames = 64;
        var rng = new Random(k);
        var cb = new float[k * d];
        var basis = NearestReference.Gaussian(rng, d, 1.0);
        // Every codeword is the same vector with a few components moved by one ulp: all scores lie
        // within float32 rounding of each other, and only the float64 distance separates them.
        for (int j = 0; j < k; j++)
            for (int i = 0; i < d; i++)
            {
                float v = basis[i];
                int steps = (j >> (i % 6)) & 1;
                cb[j * d + i] = steps == 0 ? v : MathF.BitIncrement(v);
            }
        var latent = new float[frames * d];
        for (int t = 0; t < frames; t++)
            for (int i = 0; i < d; i++) latent[t * d + i] = basis[i] + (float)(rng.NextDouble() - 0.5) * 1e-6f;
        AssertMatchesReference(cb, 1, k, d, latent, frames);
    }

    [Fact]
    public void Identical_codewords_everywhere_give_code_zero()
    {
        const int k = 16, d = 9, frames = 21, levels = 3;
        var cb = new float[levels * k * d];
        for (int i = 0; i < cb.Length; i++) cb[i] = (i % d) * 0.25f - 1;
        var latent = NearestReference.Gaussian(new Random(3), frames * d, 1.0);
        var codes = AssertMatchesReference(cb, levels, k, d, latent, frames);
        Assert.All(codes, c => Assert.Equal(0, c));
    }

    [Fact]
    public void Small_late_levels_and_huge_values_match()
    {
        // Late levels: ||c|| ≪ ||r||. Then values whose float32 scores overflow (~1e19 · 1e19 · D): the
        // search must notice and rank those frames in float64.
        const int k = 16, d = 20, frames = 40;
        var rng = new Random(21);
        var small = NearestReference.Gaussian(rng, 2 * k * d, 1e-4);
        AssertMatchesReference(small, 2, k, d, NearestReference.Gaussian(rng, frames * d, 1e3), frames);
        var huge = NearestReference.Gaussian(rng, k * d, 1e19);
        AssertMatchesReference(huge, 1, k, d, NearestReference.Gaussian(rng, frames * d, 1e19), frames);
        // Norms still finite in float32 (~1.3e19), but a frame opposite a codeword scores ≈ 3·||c||²: overflow.
        var big = NearestReference.Gaussian(rng, k * d, 2.8e18);
        var opposite = new float[frames * d];
        for (int t = 0; t < frames; t++)
            for (int i = 0; i < d; i++) opposite[t * d + i] = (t % 2 == 0 ? -1 : 1) * big[t % k * d + i] + (float)(rng.NextDouble() * 1e17);
        AssertMatchesReference(big, 1, k, d, opposite, frames);
        var tiny = NearestReference.Gaussian(rng, k * d, 1e-30);
        AssertMatchesReference(tiny, 1, k, d, NearestReference.Gaussian(rng, frames * d, 1e-30), frames);
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(2, 19)]
    [InlineData(40, 19)]
    public void A_score_overflowing_to_minus_infinity_is_not_taken_for_the_nearest(int k, int frames)
    {
        // x = (1.8e19, 0): codeword 1 = (0.95e19, 1.5e19) has x·c = 1.71e38, so −2·x·c overflows to −∞,
        // yet codeword 0 = (0.9e19, 0) is nearer (0.81e38 against 2.97e38). All norms are finite in float32.
        const int d = 2;
        var cb = new float[k * d];
        cb[0] = 0.9e19f;
        cb[2] = 0.95e19f;
        cb[3] = 1.5e19f;
        for (int j = 2; j < k; j++) cb[j * d + 1] = -1e19f + j;
        var latent = new float[frames * d];
        for (int t = 0; t < frames; t++) latent[t * d] = 1.8e19f;
        var codes = AssertMatchesReference(cb, 1, k, d, latent, frames);
        Assert.All(codes, c => Assert.Equal(0, c));
    }

    [Fact]
    public void Codes_land_in_their_column_of_a_wider_code_row()
    {
        // The split quantizer interleaves two quantizers' codes: EncodeCore with a row stride and column.
        const int levels = 5, k = 16, d = 12, frames = 37, stride = 9, column = 3;
        var rng = new Random(4);
        var rvq = new ResidualVectorQuantizer(NearestReference.Gaussian(rng, levels * k * d, 1.0), levels, k, d);
        var latent = NearestReference.Gaussian(rng, frames * d, 1.0);
        var plain = new int[frames * levels];
        rvq.Encode(latent, frames, plain, levels);
        var wide = new int[frames * stride];
        wide.AsSpan().Fill(-7);
        rvq.EncodeCore(latent, frames, wide, levels, stride, column, new QuantizerWorkspace());
        for (int t = 0; t < frames; t++)
            for (int c = 0; c < stride; c++)
            {
                int q = c - column;
                Assert.Equal(q >= 0 && q < levels ? plain[t * levels + q] : -7, wide[t * stride + c]);
            }
    }

    [Fact]
    public void Warm_encodes_do_not_allocate_even_with_re_checks()
    {
        const int levels = 46, k = 16, d = 64, frames = 200;
        var rng = new Random(8);
        var cb = NearestReference.Gaussian(rng, levels * k * d, 1.0);
        // Duplicated codewords: many frames take the float64 re-check.
        for (int q = 0; q < levels; q++) cb.AsSpan(q * k * d, d).CopyTo(cb.AsSpan((q * k + 1) * d, d));
        var rvq = new ResidualVectorQuantizer(cb, levels, k, d);
        var latent = NearestReference.Gaussian(rng, frames * d, 1.0);
        var codes = new int[frames * levels];
        var ws = new QuantizerWorkspace();
        rvq.Encode(latent, frames, codes, levels, ws);
        long before = GC.GetAllocatedBytesForCurrentThread();
        rvq.Encode(latent, frames, codes, levels, ws);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [InlineData(64, true)]
    [InlineData(65, false)]
    [InlineData(1024, false)]
    public void The_small_search_takes_codebooks_up_to_its_threshold(int k, bool small)
    {
        var rvq = new ResidualVectorQuantizer(new float[k * 2], 1, k, 2);
        Assert.Equal(small, rvq.UsesSmallCodebookSearch);
    }

    private static int[] AssertMatchesReference(float[] cb, int levels, int k, int d, float[] latent, int frames)
    {
        var rvq = new ResidualVectorQuantizer(cb, levels, k, d);
        Assert.True(rvq.UsesSmallCodebookSearch);
        var codes = new int[frames * levels];
        rvq.Encode(latent, frames, codes, levels, new QuantizerWorkspace());
        var r = new float[d];
        for (int t = 0; t < frames; t++)
        {
            Array.Copy(latent, t * d, r, 0, d);
            for (int q = 0; q < levels; q++)
            {
                var level = cb.AsSpan(q * k * d, k * d);
                int expected = NearestReference.BruteForce(r, level, k, d);
                Assert.True(expected == codes[t * levels + q], $"frame {t}, level {q}: expected {expected}, got {codes[t * levels + q]}");
                for (int i = 0; i < d; i++) r[i] -= level[expected * d + i];
            }
        }
        return codes;
    }
}
