using System.Numerics.Tensors;
using EdgeTok.Numerics;

namespace EdgeTok.Audio.Quantization;

/// <summary>
/// The shared search kernel: for a block of rows x, argmin_k ||x − c_k||² computed as
/// argmin_k (||c_k||² − 2 x·c_k) with one GEMM per block (the ||x||² term is constant per row).
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
    /// Nearest codeword for each of <paramref name="rows"/> rows of <paramref name="x"/> [rows, dim]
    /// (rows ≤ <see cref="BlockRows"/> is not required but bounds <paramref name="scores"/>: [rows, k]).
    /// </summary>
    internal static void Search(ReadOnlySpan<float> x, int rows, int dim, ReadOnlySpan<float> codebook, ReadOnlySpan<float> norms, int k,
        Span<float> scores, Span<int> best)
    {
        Gemm.MultiplyTransposed(x, codebook, scores, rows, k, dim);
        for (int r = 0; r < rows; r++)
        {
            var row = scores.Slice(r * k, k);
            TensorPrimitives.MultiplyAdd(row, -2f, norms, row);
            int b = TensorPrimitives.IndexOfMin(row);
            var xr = x.Slice(r * dim, dim);
            float v = row[b];
            float xx = TensorPrimitives.Dot(xr, xr);
            // Rounding in the expanded form is bounded by a few ulps of ||x||² + ||c||²; anything
            // within that band may be the true nearest and is re-checked exactly.
            float tol = 2e-5f * (xx + norms[b]) + 1e-30f;
            float limit = v + tol;
            double bestD = -1;
            for (int j = 0; j < k; j++)
            {
                if (j == b || row[j] > limit) continue;
                if (bestD < 0) bestD = Exact(xr, codebook.Slice(b * dim, dim));
                double dj = Exact(xr, codebook.Slice(j * dim, dim));
                if (dj < bestD || (dj == bestD && j < b))
                {
                    b = j;
                    bestD = dj;
                }
            }
            best[r] = b;
        }
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
