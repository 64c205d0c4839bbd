using System.Runtime.InteropServices;
using EdgeTok.Audio.Quantization;
using EdgeTok.Numerics;

namespace EdgeTok.Tests.Audio;

/// <summary>
/// The 8-bit screened search (AVX-VNNI screening, exact re-ranking): its error bound holds for every
/// codeword, the VNNI and scalar scans agree bit for bit, and its codes equal a float64 brute force on
/// random, tied, near-tied, degenerate and extreme-magnitude inputs. Runs on any CPU: without AVX-VNNI the
/// scan takes the scalar loop.
/// </summary>
public class ScreenedSearchTests
{
    [Theory]
    [InlineData(1, 128, 16)]
    [InlineData(3, 130, 17)]
    [InlineData(4, 200, 31)]
    [InlineData(5, 256, 64)]
    [InlineData(37, 1024, 128)]
    [InlineData(11, 2048, 256)]
    [InlineData(9, 150, 130)]
    public void Every_screened_score_lies_within_half_the_window_of_the_exact_score(int rows, int k, int d)
    {
        var rng = new Random(rows * 7919 + k * 13 + d);
        var cb = NearestReference.Gaussian(rng, k * d, 1.0);
        var x = NearestReference.Gaussian(rng, rows * d, 1.5);
        var qc = new QuantizedCodebook(cb, k, d);
        var (packed, scale, window, _) = Quantized(x, rows, qc);
        for (int r = 0; r < rows; r++)
        {
            Assert.True(window[r] > 0);
            for (int j = 0; j < k; j++)
            {
                double exact = 0, dot = 0;
                for (int i = 0; i < d; i++)
                {
                    exact += (double)cb[j * d + i] * cb[j * d + i];
                    dot += (double)x[r * d + i] * cb[j * d + i];
                }
                exact -= 2 * dot;
                double screened = qc.ScreenedScore(packed, r, scale[r], j);
                Assert.True(Math.Abs(screened - exact) <= window[r] / 2,
                    $"row {r}, codeword {j}: screened {screened}, exact {exact}, half window {window[r] / 2}");
            }
        }
    }

    [Theory]
    [InlineData(4, 128, 16)]
    [InlineData(7, 1024, 128)]
    [InlineData(13, 300, 70)]
    public void Vector_and_scalar_scans_keep_identical_lane_state(int rows, int k, int d)
    {
        var rng = new Random(k + d);
        var cb = NearestReference.Gaussian(rng, k * d, 0.8);
        var x = NearestReference.Gaussian(rng, rows * d, 1.2);
        var qc = new QuantizedCodebook(cb, k, d);
        var (packed, scale, _, _) = Quantized(x, rows, qc);
        int padded = (rows + 3) / 4 * 4;
        var a = new float[padded * QuantizedCodebook.StateStride];
        var b = new float[a.Length];
        qc.Scan(packed, rows, scale, a, scalar: false);
        qc.Scan(packed, rows, scale, b, scalar: true);
        Assert.Equal(MemoryMarshal.AsBytes(b.AsSpan()).ToArray(), MemoryMarshal.AsBytes(a.AsSpan()).ToArray());
    }

    [Theory]
    [InlineData(1, 128, 16)]
    [InlineData(2, 129, 17)]
    [InlineData(5, 150, 33)]
    [InlineData(12, 512, 64)]
    [InlineData(384, 1024, 128)]
    [InlineData(50, 2048, 256)]
    [InlineData(6, 240, 1024)]
    public void Search_matches_a_float64_brute_force(int rows, int k, int d)
    {
        var rng = new Random(rows * 101 + k + d * 7);
        AssertMatches(NearestReference.Gaussian(rng, rows * d, 1.5), rows, NearestReference.Gaussian(rng, k * d, 1.0), k, d);
    }

    [Fact]
    public void Duplicated_and_near_duplicated_codewords_resolve_like_float64()
    {
        const int k = 256, d = 64, rows = 60;
        var rng = new Random(3);
        var cb = NearestReference.Gaussian(rng, k * d, 1.0);
        // The upper half repeats the lower half, half of it exactly, half nudged by one part in 10⁶;
        // rows sit on codewords or between twins, so nearly every search has a tie or near tie.
        for (int j = 0; j < k / 2; j++)
            for (int i = 0; i < d; i++)
                cb[(j + k / 2) * d + i] = cb[j * d + i] * (j % 2 == 0 ? 1f : 1f + 1e-6f);
        var x = new float[rows * d];
        for (int r = 0; r < rows; r++)
        {
            int j = rng.Next(k / 2);
            for (int i = 0; i < d; i++)
                x[r * d + i] = r % 3 == 0 ? cb[j * d + i] : cb[j * d + i] * (1f + 5e-7f) + (float)(rng.NextDouble() - 0.5) * 1e-4f;
        }
        var best = AssertMatches(x, rows, cb, k, d);
        for (int r = 0; r < rows; r += 3) Assert.True(best[r] < k / 2, $"row {r} picked the later copy {best[r]}");
    }

    [Fact]
    public void Degenerate_rows_and_codebooks_match()
    {
        const int k = 160, d = 40;
        var rng = new Random(17);
        var cb = NearestReference.Gaussian(rng, k * d, 1.0);
        Array.Clear(cb, 5 * d, d);                    // a zero codeword
        for (int i = 0; i < d; i++) cb[9 * d + i] = 1e-30f * (i + 1);  // a tiny one
        var rows = new List<float[]>
        {
            new float[d],                                                  // zero row: norms decide
            Enumerable.Range(0, d).Select(i => i == 3 ? 50f : 0.01f).ToArray(),  // one outlier dimension
            Enumerable.Range(0, d).Select(i => 1e-20f * (i % 5)).ToArray(),     // near zero
            Enumerable.Range(0, d).Select(i => 1e4f * (i % 2 == 0 ? 1 : -1)).ToArray(),  // far away
            cb.AsSpan(7 * d, d).ToArray(),                                 // exactly on a codeword
        };
        var x = rows.SelectMany(r => r).ToArray();
        AssertMatches(x, rows.Count, cb, k, d);
    }

    [Theory]
    [InlineData(1e12)]
    [InlineData(1e16)]
    [InlineData(1e-30)]
    [InlineData(1e-41)]
    public void Extreme_magnitudes_match_through_screening_or_the_float32_fallback(double scale)
    {
        const int k = 128, d = 16, rows = 9;
        var rng = new Random(23);
        var cb = NearestReference.Gaussian(rng, k * d, scale);
        var x = NearestReference.Gaussian(rng, rows * d, scale);
        AssertMatches(x, rows, cb, k, d);
    }

    [Fact]
    public void Rvq_encode_with_screening_equals_the_float32_search_and_the_reference()
    {
        const int levels = 6, k = 256, d = 32, frames = 400;
        var rng = new Random(29);
        var cb = new float[levels * k * d];
        for (int q = 0; q < levels; q++) NearestReference.Gaussian(rng, k * d, Math.Pow(0.8, q)).CopyTo(cb, q * k * d);
        var latent = NearestReference.Gaussian(rng, frames * d, 1.5);
        var screened = new ResidualVectorQuantizer(cb, levels, k, d, screening: true);
        var plain = new ResidualVectorQuantizer(cb, levels, k, d, screening: false);
        Assert.Equal(QuantizedCodebook.IsAccelerated, screened.Screened);
        Assert.False(plain.Screened);
        var a = new int[frames * levels];
        var b = new int[frames * levels];
        screened.Encode(latent, frames, a, levels);
        plain.Encode(latent, frames, b, levels);
        Assert.Equal(b, a);
    }

    [Fact]
    public void Warm_screened_encodes_do_not_allocate()
    {
        const int k = 512, d = 64, frames = 500;
        var rng = new Random(31);
        var rvq = new ResidualVectorQuantizer(NearestReference.Gaussian(rng, 2 * k * d, 1.0), 2, k, d, screening: true);
        var latent = NearestReference.Gaussian(rng, frames * d, 1.0);
        var codes = new int[frames * 2];
        var ws = new QuantizerWorkspace();
        rvq.Encode(latent, frames, codes, 2, ws);
        long before = GC.GetAllocatedBytesForCurrentThread();
        rvq.Encode(latent, frames, codes, 2, ws);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static (byte[] Packed, float[] Scale, float[] Window, float[] Norm) Quantized(float[] x, int rows, QuantizedCodebook qc)
    {
        int padded = (rows + 3) / 4 * 4;
        var packed = new byte[qc.PackedBytes(rows)];
        var scale = new float[padded];
        var window = new float[padded];
        var norm = new float[padded];
        ScreenedSearch.Quantize(x, rows, qc, packed, scale, window, norm);
        return (packed, scale, window, norm);
    }

    private static int[] AssertMatches(float[] x, int rows, float[] cb, int k, int d)
    {
        var qc = new QuantizedCodebook(cb, k, d);
        var panels = new CodebookPanels(cb, NearestCodeword.RowNorms(cb, k, d), k, d);
        var best = new int[rows];
        ScreenedSearch.Search(x, rows, qc, cb, panels,
            new byte[ScreenedSearch.ScratchBytes(qc, rows)], new float[ScreenedSearch.ScratchFloats(qc, rows)], new int[ScreenedSearch.ScratchInts(qc)],
            new float[NearestCodeword.ScratchFloats(panels, 1)], new int[NearestCodeword.ScratchInts(1)], best);
        for (int r = 0; r < rows; r++)
            Assert.Equal(NearestReference.BruteForce(x.AsSpan(r * d, d), cb, k, d), best[r]);
        return best;
    }
}
