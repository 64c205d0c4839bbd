using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using EdgeTok.Numerics;

namespace EdgeTok.Audio.Quantization;

/// <summary>
/// The shared search kernel: for a block of rows x, argmin_k ||x − c_k||² computed as
/// argmin_k (||c_k||² − 2 x·c_k) over a panel-packed codebook (<see cref="CodebookPanels"/>; the
/// ||x||² term is constant per row), in groups of 12 rows with the minimum kept in the kernel's lane
/// state rather than in a [rows, K] score block.
/// Candidates whose expanded-form distance lies within float32 rounding of the best are re-ranked
/// with exact float64 distances, so near-ties resolve as a direct float64 reference would; exact ties
/// go to the lowest index. The kernel's per-lane second-smallest score tells whether a row has such
/// candidates; only those rows have their scores recomputed.
/// </summary>
internal static class NearestCodeword
{
    /// <summary>
    /// Rows per block of frames: the packed block (384 × D floats) and its lane state stay in L2 while one
    /// codebook panel pair after the other is used by all 32 groups of the block, so each RVQ level's
    /// codebook streams in from memory once per 384 frames.
    /// </summary>
    internal const int BlockRows = 384;

    private const int G = CodebookPanels.GroupRows;

    /// <summary>Squared L2 norm of each of the <paramref name="k"/> rows of a [k, dim] codebook.</summary>
    internal static float[] RowNorms(ReadOnlySpan<float> codebook, int k, int dim)
    {
        var n = new float[k];
        for (int j = 0; j < k; j++)
        {
            var row = codebook.Slice(j * dim, dim);
            n[j] = TensorPrimitives.Dot(row, row);
        }
        return n;
    }

    /// <summary>Floats of scratch <see cref="Search"/> needs for <paramref name="rows"/> rows and <paramref name="panels"/>.</summary>
    internal static int ScratchFloats(CodebookPanels panels, int rows)
    {
        int padded = (rows + G - 1) / G * G;
        return padded * (panels.D + CodebookPanels.LaneMinStride) + panels.PaddedK + AlignSlack;
    }

    /// <summary>Ints of scratch <see cref="Search"/> needs for <paramref name="rows"/> rows.</summary>
    internal static int ScratchInts(int rows) => (rows + G - 1) / G * G * CodebookPanels.PanelWidth + AlignSlack;

    // Elements of slack so the lane state can start on a 64-byte boundary: every kernel step loads and
    // stores it as whole 512-bit vectors, and a state that straddles cache lines splits each of them
    // (with the codeword norms also aligned, the SNAC shape, D = 8, went from 2.1–3.9 ms to 1.5–2.6 ms).
    private const int AlignSlack = 16;

    /// <summary>
    /// Nearest codeword for each of <paramref name="rows"/> rows of <paramref name="x"/> [rows, dim];
    /// <paramref name="scratch"/> holds at least <see cref="ScratchFloats"/> values, <paramref name="intScratch"/> <see cref="ScratchInts"/>.
    /// </summary>
    internal static void Search(ReadOnlySpan<float> x, int rows, CodebookPanels panels, ReadOnlySpan<float> codebook,
        Span<float> scratch, Span<int> intScratch, Span<int> best)
    {
        int dim = panels.D, w = CodebookPanels.PanelWidth, ms = CodebookPanels.LaneMinStride;
        if (rows < 0 || x.Length < rows * dim || best.Length < rows || codebook.Length < panels.K * dim)
            throw new ArgumentException("NearestCodeword.Search: buffer too small");
        int padded = (rows + G - 1) / G * G;
        var packed = scratch[..(padded * dim)];
        var rest = scratch[(padded * dim)..];
        int at = CacheLine.Offset(rest);
        var laneMin = rest.Slice(at, padded * ms);
        var scores = rest.Slice(at + padded * ms, panels.PaddedK);
        var laneIndex = intScratch.Slice(CacheLine.Offset(intScratch), padded * w);
        PanelMatrix.PackRows(x, rows, dim, packed);
        laneMin.Fill(float.PositiveInfinity);
        laneIndex.Clear();
        panels.Scan(packed, rows, laneMin, laneIndex);
        ref float lm = ref MemoryMarshal.GetReference(laneMin);
        ref int li = ref MemoryMarshal.GetReference(laneIndex);
        double factor = BandFactor(dim), c = panels.MaxNorm;
        for (int r = 0; r < rows; r++)
        {
            var (b, bestScore, second) = CodebookPanels.ReduceLanes(ref Unsafe.Add(ref lm, r * ms), ref Unsafe.Add(ref li, r * w));
            // Within float32 rounding of the best, a candidate may be the true nearest: re-check those
            // rows exactly. NaN (and overflowed) scores fail the comparison and take the re-check too.
            var xr = x.Slice(r * dim, dim);
            float band = (float)(factor * (c * c + 2 * Math.Sqrt(TensorPrimitives.Dot(xr, xr)) * c) + 1e-30);
            if (!(second > bestScore + band))
            {
                // The packed block is free once the scan is done: pack the row into it.
                panels.Distances(xr, 1, scores, packed);
                b = ReRank(xr, scores[..panels.K], codebook, dim, band);
            }
            best[r] = b;
        }
    }

    /// <summary>
    /// How far above the smallest score a codeword's score may lie and still be the true nearest, per
    /// unit of (||c||²max + 2·||x||·||c||max): twice the float32 rounding bound of one score. A score is
    /// ||c||² − 2·x·c accumulated with D (fused or separate) multiply-adds, so its error is at most
    /// γ(D + 1)·(||c||² + 2·||x||·||c||) with γ(n) = n·u / (1 − n·u), u = 2⁻²⁴; with the largest codeword
    /// norm that bounds every candidate. (Measured against ||x||·||c||, not ||x||², so a small codebook far
    /// from x — late RVQ levels — does not widen the band.)
    /// </summary>
    internal static double BandFactor(int dim)
    {
        double nu = (dim + 1) * Math.ScaleB(1.0, -24);
        return Math.Max(2e-5, 2.0 * nu / Math.Max(1e-3, 1 - nu));
    }

    /// <summary>The reference rule on one row's scores: smallest score, then exact float64 re-ranking of everything within <paramref name="band"/> of it.</summary>
    private static int ReRank(ReadOnlySpan<float> xr, ReadOnlySpan<float> row, ReadOnlySpan<float> codebook, int dim, float band)
    {
        int k = row.Length;
        int b = TensorPrimitives.IndexOfMin(row);
        float limit = row[b] + band;
        if (!(CountAtMost(row, limit) == 1))
        {
            double bestD = Exact(xr, codebook.Slice(b * dim, dim));
            for (int j = 0; j < k; j++)
            {
                if (j == b || row[j] > limit) continue;
                double dj = Exact(xr, codebook.Slice(j * dim, dim));
                if (dj < bestD || (dj == bestD && j < b))
                {
                    b = j;
                    bestD = dj;
                }
            }
        }
        return b;
    }

    private static int CountAtMost(ReadOnlySpan<float> row, float limit)
    {
        int n = 0, i = 0;
        ref float p = ref MemoryMarshal.GetReference(row);
        if (Vector256.IsHardwareAccelerated)
        {
            var l = Vector256.Create(limit);
            for (; i + 8 <= row.Length; i += 8)
                n += System.Numerics.BitOperations.PopCount(Vector256.LessThanOrEqual(Vector256.LoadUnsafe(ref p, (nuint)i), l).ExtractMostSignificantBits());
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            var l = Vector128.Create(limit);
            for (; i + 4 <= row.Length; i += 4)
                n += System.Numerics.BitOperations.PopCount(Vector128.LessThanOrEqual(Vector128.LoadUnsafe(ref p, (nuint)i), l).ExtractMostSignificantBits());
        }
        for (; i < row.Length; i++) if (row[i] <= limit) n++;
        return n;
    }

    /// <summary>||x − c||² in float64 (the reference distance).</summary>
    internal static double Exact(ReadOnlySpan<float> x, ReadOnlySpan<float> c)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double d = (double)x[i] - c[i];
            s += d * d;
        }
        return s;
    }

    /// <summary>Throws <see cref="StatusCode.InvalidArgument"/> naming the first NaN or infinity.</summary>
    internal static void RequireFinite(ReadOnlySpan<float> values, string what)
    {
        if (TensorPrimitives.IsFiniteAll(values)) return;
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i]))
                throw EdgeTokException.Argument($"{what} holds a non-finite value ({values[i]}) at index {i}");
    }
}
