using EdgeTok.Audio.Quantization;
using EdgeTok.Numerics;

namespace EdgeTok.Tests.Audio;

/// <summary>
/// The fused search (panel kernel keeping per-lane minima, near-tie re-check) against a float64 brute
/// force: every row count around the 12-row groups and 4-row slices, odd panel counts, K not a multiple
/// of 16, ties between duplicated codewords, and codebooks far smaller than the rows (late RVQ levels).
/// </summary>
public class NearestCodewordTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(3, 5, 2)]
    [InlineData(4, 16, 8)]
    [InlineData(5, 17, 3)]
    [InlineData(8, 32, 7)]
    [InlineData(9, 48, 16)]
    [InlineData(12, 64, 5)]
    [InlineData(13, 33, 12)]
    [InlineData(23, 100, 9)]
    [InlineData(24, 16, 64)]
    [InlineData(37, 1024, 128)]
    [InlineData(200, 160, 8)]
    public void Search_matches_a_float64_brute_force(int rows, int k, int d)
    {
        var rng = new Random(rows * 1009 + k * 31 + d);
        var cb = NearestReference.Gaussian(rng, k * d, 1.0);
        var x = NearestReference.Gaussian(rng, rows * d, 1.5);
        AssertSearchMatches(x, rows, cb, k, d);
    }

    [Theory]
    [InlineData(30, 64, 16)]
    [InlineData(13, 1024, 128)]
    public void Duplicate_codewords_resolve_to_the_lowest_index(int rows, int k, int d)
    {
        var rng = new Random(7);
        var cb = NearestReference.Gaussian(rng, k * d, 1.0);
        // Codeword j + k/2 repeats codeword j; rows sit on or near codewords of both halves.
        for (int j = 0; j < k / 2; j++) Array.Copy(cb, j * d, cb, (j + k / 2) * d, d);
        var x = new float[rows * d];
        for (int r = 0; r < rows; r++)
        {
            int j = rng.Next(k);
            for (int i = 0; i < d; i++) x[r * d + i] = cb[j * d + i] + (r % 3 == 0 ? 0f : (float)(rng.NextDouble() - 0.5) * 1e-3f);
        }
        var best = AssertSearchMatches(x, rows, cb, k, d);
        Assert.All(best, b => Assert.True(b < k / 2, $"picked {b}, the later copy"));
    }

    [Fact]
    public void Small_codebook_far_from_the_rows_matches()
    {
        // Late RVQ levels: ||c|| ≪ ||x||, where a band proportional to ||x||² would re-check every row.
        var rng = new Random(11);
        const int rows = 50, k = 256, d = 32;
        var cb = NearestReference.Gaussian(rng, k * d, 1e-3);
        var x = NearestReference.Gaussian(rng, rows * d, 10.0);
        AssertSearchMatches(x, rows, cb, k, d);
    }

    [Fact]
    public void Encode_matches_a_float64_reference_rvq()
    {
        const int levels = 5, k = 200, d = 24, frames = 250;
        var rng = new Random(5);
        var cb = new float[levels * k * d];
        for (int q = 0; q < levels; q++)
        {
            var level = NearestReference.Gaussian(rng, k * d, Math.Pow(0.7, q));
            level.CopyTo(cb, q * k * d);
        }
        var latent = NearestReference.Gaussian(rng, frames * d, 1.0);
        var rvq = new ResidualVectorQuantizer(cb, levels, k, d);
        var codes = new int[frames * levels];
        rvq.Encode(latent, frames, codes, levels);
        var r = new float[d];
        for (int t = 0; t < frames; t++)
        {
            Array.Copy(latent, t * d, r, 0, d);
            for (int q = 0; q < levels; q++)
            {
                int expected = NearestReference.BruteForce(r, cb.AsSpan(q * k * d, k * d), k, d);
                Assert.Equal(expected, codes[t * levels + q]);
                for (int i = 0; i < d; i++) r[i] -= cb[(q * k + expected) * d + i];
            }
        }
    }

    [Fact]
    public void Warm_encodes_with_near_tie_re_checks_do_not_allocate()
    {
        // Every codeword twice: each search ties and takes the exact re-check path.
        const int k = 32, d = 16, frames = 40;
        var rng = new Random(9);
        var half = NearestReference.Gaussian(rng, k / 2 * d, 1.0);
        var cb = new float[k * d];
        half.CopyTo(cb, 0);
        half.CopyTo(cb, k / 2 * d);
        var rvq = new ResidualVectorQuantizer(cb, 1, k, d);
        var latent = NearestReference.Gaussian(rng, frames * d, 1.0);
        var codes = new int[frames];
        var ws = new QuantizerWorkspace();
        rvq.Encode(latent, frames, codes, 1, ws);
        long before = GC.GetAllocatedBytesForCurrentThread();
        rvq.Encode(latent, frames, codes, 1, ws);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.All(codes, c => Assert.True(c < k / 2));
    }

    private static int[] AssertSearchMatches(float[] x, int rows, float[] cb, int k, int d)
    {
        var norms = NearestCodeword.RowNorms(cb, k, d);
        var panels = new CodebookPanels(cb, norms, k, d);
        var best = new int[rows];
        NearestCodeword.Search(x, rows, panels, cb, new float[NearestCodeword.ScratchFloats(panels, rows)], new int[NearestCodeword.ScratchInts(rows)], best);
        for (int r = 0; r < rows; r++)
            Assert.Equal(NearestReference.BruteForce(x.AsSpan(r * d, d), cb, k, d), best[r]);
        return best;
    }
}
