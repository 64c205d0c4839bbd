using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeTok.Runtime.TfLite;

/// <summary>
/// A weight matrix W[N, K] repacked at load for products with few rows (the 1–20 time steps of a 20 ms
/// Lyra frame): panels of <see cref="Panel"/> output columns stored k-major, so the kernel streams each
/// weight once per four rows and keeps 4 rows × 4 vectors of accumulators in registers. The general
/// GEMM's dot-product form needs many rows to amortise its horizontal sums; these layers have 1–4.
/// The 512/256-bit tiles accumulate with fused multiply-add. The 16-column tile (128-bit and scalar
/// builds, arm64) sums float layers in float64 instead: float32 multiply-then-add rounds twice and
/// drifts from the reference kernels far enough to flip an int8 rounding downstream, while fused
/// multiply-add is slow without FMA hardware. Int8 layers stay in float32 there — their products and
/// partial sums are integers below 2^24, exact in any order.
/// </summary>
internal sealed class PackedWeights
{
    private readonly float[] _data = [];
    private readonly double[] _data64 = [];

    /// <summary>Output columns.</summary>
    public int N { get; }
    /// <summary>Reduction length.</summary>
    public int K { get; }
    /// <summary>Columns per panel: four vectors.</summary>
    public static int Panel { get; } = Vector512.IsHardwareAccelerated ? 64 : Vector256.IsHardwareAccelerated ? 32 : 16;

    /// <summary>
    /// Packs <paramref name="w"/>[<paramref name="n"/>, <paramref name="k"/>] (row-major).
    /// <paramref name="integerSums"/>: every product and partial sum is an integer below 2^24 (int8 layers), so float32 is exact.
    /// </summary>
    public PackedWeights(ReadOnlySpan<float> w, int n, int k, bool integerSums)
    {
        N = n; K = k;
        int panels = (n + Panel - 1) / Panel;
        var data = new float[panels * k * Panel];
        for (int p = 0; p < panels; p++)
            for (int kk = 0; kk < k; kk++)
                for (int j = 0; j < Panel; j++)
                {
                    int col = p * Panel + j;
                    if (col < n) data[(p * k + kk) * Panel + j] = w[col * k + kk];
                }
        if (Panel == 16 && !integerSums) _data64 = Array.ConvertAll(data, v => (double)v);
        else _data = data;
    }

    /// <summary>
    /// C[r, colOffset + j] = Σ_k A[aOffset + r·lda + k] · W[j, k] for r &lt; <paramref name="m"/>, j &lt; N
    /// (C row stride <paramref name="ldc"/>). A's rows may overlap (lda &lt; K) for strided convolutions.
    /// </summary>
    public void Multiply(ReadOnlySpan<float> a, int aOffset, int lda, int m, Span<float> c, int ldc, int colOffset)
    {
        if (m <= 0) return;
        if (aOffset + (long)(m - 1) * lda + K > a.Length) throw new ArgumentException("A too small");
        if ((long)(m - 1) * ldc + colOffset + N > c.Length) throw new ArgumentException("C too small");
        ref float pa = ref Unsafe.Add(ref MemoryMarshal.GetReference(a), aOffset);
        bool wide = _data64.Length == 0;
        Span<float> tile = stackalloc float[4 * 64];
        int panels = (N + Panel - 1) / Panel;
        for (int r = 0; r < m; r += 4)
        {
            int rows = Math.Min(4, m - r);
            // Missing rows of the last tile alias row r; their results are discarded.
            ref float a0 = ref Unsafe.Add(ref pa, r * lda);
            ref float a1 = ref Unsafe.Add(ref pa, (rows > 1 ? r + 1 : r) * lda);
            ref float a2 = ref Unsafe.Add(ref pa, (rows > 2 ? r + 2 : r) * lda);
            ref float a3 = ref Unsafe.Add(ref pa, (rows > 3 ? r + 3 : r) * lda);
            for (int p = 0; p < panels; p++)
            {
                int offset = p * K * Panel;
                if (!wide) TileScalar64(ref a0, ref a1, ref a2, ref a3, ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_data64), offset), K, tile);
                else
                {
                    ref float wp = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_data), offset);
                    if (Panel == 64) Tile512(ref a0, ref a1, ref a2, ref a3, ref wp, K, tile);
                    else if (Panel == 32) Tile256(ref a0, ref a1, ref a2, ref a3, ref wp, K, tile);
                    else TileScalar(ref a0, ref a1, ref a2, ref a3, ref wp, K, tile);
                }
                int cols = Math.Min(Panel, N - p * Panel);
                for (int i = 0; i < rows; i++)
                    tile.Slice(i * Panel, cols).CopyTo(c.Slice((r + i) * ldc + colOffset + p * Panel, cols));
            }
        }
    }

    private static void Tile512(ref float a0, ref float a1, ref float a2, ref float a3, ref float w, int k, Span<float> tile)
    {
        Vector512<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector512<float> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector512<float> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector512<float> c30 = default, c31 = default, c32 = default, c33 = default;
        for (int kk = 0; kk < k; kk++)
        {
            ref float wr = ref Unsafe.Add(ref w, kk * 64);
            var w0 = Vector512.LoadUnsafe(ref wr);
            var w1 = Vector512.LoadUnsafe(ref wr, 16);
            var w2 = Vector512.LoadUnsafe(ref wr, 32);
            var w3 = Vector512.LoadUnsafe(ref wr, 48);
            var x = Vector512.Create(Unsafe.Add(ref a0, kk));
            c00 = Vector512.FusedMultiplyAdd(x, w0, c00); c01 = Vector512.FusedMultiplyAdd(x, w1, c01);
            c02 = Vector512.FusedMultiplyAdd(x, w2, c02); c03 = Vector512.FusedMultiplyAdd(x, w3, c03);
            x = Vector512.Create(Unsafe.Add(ref a1, kk));
            c10 = Vector512.FusedMultiplyAdd(x, w0, c10); c11 = Vector512.FusedMultiplyAdd(x, w1, c11);
            c12 = Vector512.FusedMultiplyAdd(x, w2, c12); c13 = Vector512.FusedMultiplyAdd(x, w3, c13);
            x = Vector512.Create(Unsafe.Add(ref a2, kk));
            c20 = Vector512.FusedMultiplyAdd(x, w0, c20); c21 = Vector512.FusedMultiplyAdd(x, w1, c21);
            c22 = Vector512.FusedMultiplyAdd(x, w2, c22); c23 = Vector512.FusedMultiplyAdd(x, w3, c23);
            x = Vector512.Create(Unsafe.Add(ref a3, kk));
            c30 = Vector512.FusedMultiplyAdd(x, w0, c30); c31 = Vector512.FusedMultiplyAdd(x, w1, c31);
            c32 = Vector512.FusedMultiplyAdd(x, w2, c32); c33 = Vector512.FusedMultiplyAdd(x, w3, c33);
        }
        ref float t = ref MemoryMarshal.GetReference(tile);
        c00.StoreUnsafe(ref t, 0); c01.StoreUnsafe(ref t, 16); c02.StoreUnsafe(ref t, 32); c03.StoreUnsafe(ref t, 48);
        c10.StoreUnsafe(ref t, 64); c11.StoreUnsafe(ref t, 80); c12.StoreUnsafe(ref t, 96); c13.StoreUnsafe(ref t, 112);
        c20.StoreUnsafe(ref t, 128); c21.StoreUnsafe(ref t, 144); c22.StoreUnsafe(ref t, 160); c23.StoreUnsafe(ref t, 176);
        c30.StoreUnsafe(ref t, 192); c31.StoreUnsafe(ref t, 208); c32.StoreUnsafe(ref t, 224); c33.StoreUnsafe(ref t, 240);
    }

    private static void Tile256(ref float a0, ref float a1, ref float a2, ref float a3, ref float w, int k, Span<float> tile)
    {
        Vector256<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector256<float> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector256<float> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector256<float> c30 = default, c31 = default, c32 = default, c33 = default;
        for (int kk = 0; kk < k; kk++)
        {
            ref float wr = ref Unsafe.Add(ref w, kk * 32);
            var w0 = Vector256.LoadUnsafe(ref wr);
            var w1 = Vector256.LoadUnsafe(ref wr, 8);
            var w2 = Vector256.LoadUnsafe(ref wr, 16);
            var w3 = Vector256.LoadUnsafe(ref wr, 24);
            var x = Vector256.Create(Unsafe.Add(ref a0, kk));
            c00 = Vector256.FusedMultiplyAdd(x, w0, c00); c01 = Vector256.FusedMultiplyAdd(x, w1, c01);
            c02 = Vector256.FusedMultiplyAdd(x, w2, c02); c03 = Vector256.FusedMultiplyAdd(x, w3, c03);
            x = Vector256.Create(Unsafe.Add(ref a1, kk));
            c10 = Vector256.FusedMultiplyAdd(x, w0, c10); c11 = Vector256.FusedMultiplyAdd(x, w1, c11);
            c12 = Vector256.FusedMultiplyAdd(x, w2, c12); c13 = Vector256.FusedMultiplyAdd(x, w3, c13);
            x = Vector256.Create(Unsafe.Add(ref a2, kk));
            c20 = Vector256.FusedMultiplyAdd(x, w0, c20); c21 = Vector256.FusedMultiplyAdd(x, w1, c21);
            c22 = Vector256.FusedMultiplyAdd(x, w2, c22); c23 = Vector256.FusedMultiplyAdd(x, w3, c23);
            x = Vector256.Create(Unsafe.Add(ref a3, kk));
            c30 = Vector256.FusedMultiplyAdd(x, w0, c30); c31 = Vector256.FusedMultiplyAdd(x, w1, c31);
            c32 = Vector256.FusedMultiplyAdd(x, w2, c32); c33 = Vector256.FusedMultiplyAdd(x, w3, c33);
        }
        ref float t = ref MemoryMarshal.GetReference(tile);
        c00.StoreUnsafe(ref t, 0); c01.StoreUnsafe(ref t, 8); c02.StoreUnsafe(ref t, 16); c03.StoreUnsafe(ref t, 24);
        c10.StoreUnsafe(ref t, 32); c11.StoreUnsafe(ref t, 40); c12.StoreUnsafe(ref t, 48); c13.StoreUnsafe(ref t, 56);
        c20.StoreUnsafe(ref t, 64); c21.StoreUnsafe(ref t, 72); c22.StoreUnsafe(ref t, 80); c23.StoreUnsafe(ref t, 88);
        c30.StoreUnsafe(ref t, 96); c31.StoreUnsafe(ref t, 104); c32.StoreUnsafe(ref t, 112); c33.StoreUnsafe(ref t, 120);
    }

    private static void TileScalar(ref float a0, ref float a1, ref float a2, ref float a3, ref float w, int k, Span<float> tile)
    {
        tile[..64].Clear();
        for (int kk = 0; kk < k; kk++)
        {
            float x0 = Unsafe.Add(ref a0, kk), x1 = Unsafe.Add(ref a1, kk), x2 = Unsafe.Add(ref a2, kk), x3 = Unsafe.Add(ref a3, kk);
            for (int j = 0; j < 16; j++)
            {
                float wv = Unsafe.Add(ref w, kk * 16 + j);
                tile[j] += x0 * wv; tile[16 + j] += x1 * wv; tile[32 + j] += x2 * wv; tile[48 + j] += x3 * wv;
            }
        }
    }

    private static void TileScalar64(ref float a0, ref float a1, ref float a2, ref float a3, ref double w, int k, Span<float> tile)
    {
        Span<double> acc = stackalloc double[64];
        acc.Clear();
        for (int kk = 0; kk < k; kk++)
        {
            double x0 = Unsafe.Add(ref a0, kk), x1 = Unsafe.Add(ref a1, kk), x2 = Unsafe.Add(ref a2, kk), x3 = Unsafe.Add(ref a3, kk);
            for (int j = 0; j < 16; j++)
            {
                double wv = Unsafe.Add(ref w, kk * 16 + j);
                acc[j] += x0 * wv; acc[16 + j] += x1 * wv; acc[32 + j] += x2 * wv; acc[48 + j] += x3 * wv;
            }
        }
        for (int j = 0; j < 64; j++) tile[j] = (float)acc[j];
    }
}
