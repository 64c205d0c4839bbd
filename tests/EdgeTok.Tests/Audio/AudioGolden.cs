using System.Runtime.InteropServices;

namespace EdgeTok.Tests.Audio;

/// <summary>Readers for the raw little-endian golden files and the layout conversions the tests need.</summary>
internal static class AudioGolden
{
    public static string Encodec(string name) => TestPaths.SharedPath("golden", "encodec-24k-tiny", name);

    public static string Snac(params string[] parts) => TestPaths.SharedPath(["models", "snac-24k-quantizer", .. parts]);

    public static float[] F32(string path) => MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(path)).ToArray();

    public static int[] I32(string path) => MemoryMarshal.Cast<byte, int>(File.ReadAllBytes(path)).ToArray();

    /// <summary>[rows, cols] → [cols, rows].</summary>
    public static T[] Transpose<T>(ReadOnlySpan<T> a, int rows, int cols)
    {
        var b = new T[a.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) b[c * rows + r] = a[r * cols + c];
        return b;
    }

    public static (double MaxAbs, int Index) MaxAbsDiff(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(b.Length, a.Length);
        double m = 0;
        int at = -1;
        for (int i = 0; i < a.Length; i++)
        {
            double d = Math.Abs((double)a[i] - b[i]);
            if (d > m || double.IsNaN(d)) { m = d; at = i; }
        }
        return (m, at);
    }

    /// <summary>
    /// The tie-aware code comparison of the golden README (§5): level by level with teacher forcing
    /// (the residual at level q comes from the golden codes of levels &lt; q); a differing index is
    /// accepted only when its squared distance is within 1e-4 relative of the golden one. Returns
    /// (exact mismatches, accepted near-ties); fails on any other difference.
    /// </summary>
    public static (int Mismatches, int NearTies) CompareRvqCodes(ReadOnlySpan<float> latent, int frames, int dim,
        ReadOnlySpan<float> codebooks, int codebookSize, ReadOnlySpan<int> golden, ReadOnlySpan<int> mine, int levels)
    {
        int mismatches = 0, ties = 0;
        var r = new double[dim];
        for (int t = 0; t < frames; t++)
        {
            for (int i = 0; i < dim; i++) r[i] = latent[t * dim + i];
            for (int q = 0; q < levels; q++)
            {
                int g = golden[t * levels + q], m = mine[t * levels + q];
                var cb = codebooks.Slice(q * codebookSize * dim, codebookSize * dim);
                if (g != m)
                {
                    mismatches++;
                    double dg = Dist(r, cb.Slice(g * dim, dim)), dm = Dist(r, cb.Slice(m * dim, dim));
                    Assert.True(Math.Abs(dg - dm) / dg < 1e-4, $"frame {t} level {q}: golden {g} (d={dg:R}) vs mine {m} (d={dm:R}) is not a near-tie");
                    ties++;
                }
                for (int i = 0; i < dim; i++) r[i] -= cb[g * dim + i];
            }
        }
        return (mismatches, ties);
    }

    public static double Dist(ReadOnlySpan<double> r, ReadOnlySpan<float> c)
    {
        double s = 0;
        for (int i = 0; i < r.Length; i++)
        {
            double d = r[i] - c[i];
            s += d * d;
        }
        return s;
    }
}
