using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using EdgeTok.Numerics;

namespace EdgeTok.Audio.Quantization;

/// <summary>
/// The shared search kernel: for a block of rows x, argmin_k ||x − c_k||² computed as
/// argmin_k (||c_k||² − 2 x·c_k), GEMM-shaped per block of rows over a panel-packed codebook
/// (<see cref="CodebookPanels"/>; the ||x||² term is constant per row).
/// Candidates whose expanded-form distance lies within float32 rounding of the best are re-ranked
/// with exact float64 distances, so near-ties resolve as a direct float64 reference would; exact ties
/// go to the lowest index.
/// </summary>
internal static class NearestCodeword
{
    /// <summary>Rows per GEMM block: keeps the [rows, K] score block in L2 for K up to a few thousand.</summary>
    internal const int BlockRows = 64;

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

    /// <summary>
    /// Nearest codeword for each of <paramref name="rows"/> rows of <paramref name="x"/> [rows, dim];
    /// <paramref name="scores"/> holds at least rows × <see cref="CodebookPanels.PaddedK"/> values.
    /// </summary>
    internal static void Search(ReadOnlySpan<float> x, int rows, CodebookPanels panels, ReadOnlySpan<float> codebook, ReadOnlySpan<float> norms,
        Span<float> scores, Span<int> best)
    {
        panels.Distances(x, rows, scores);
        int k = panels.K, dim = panels.D, stride = panels.PaddedK;
        for (int r = 0; r < rows; r++)
        {
            var row = scores.Slice(r * stride, k);
            int b = TensorPrimitives.IndexOfMin(row);
            var xr = x.Slice(r * dim, dim);
            float xx = TensorPrimitives.Dot(xr, xr);
            // Rounding in the expanded form is bounded by a few ulps of ||x||² + ||c||²; anything
            // within that band may be the true nearest and is re-checked exactly.
            float limit = row[b] + (2e-5f * (xx + norms[b]) + 1e-30f);
            if (CountAtMost(row, limit) > 1)
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
            best[r] = b;
        }
    }

    private static int CountAtMost(ReadOnlySpan<float> row, float limit)
    {
        int n = 0, i = 0;
        ref float p = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(row);
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

    private static double Exact(ReadOnlySpan<float> x, ReadOnlySpan<float> c)
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
