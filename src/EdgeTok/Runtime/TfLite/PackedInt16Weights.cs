using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeTok.Runtime.TfLite;

/// <summary>
/// An int8 weight matrix W[N, K] widened to int16 and packed for the multiply-add-adjacent instruction
/// (pmaddwd: two int16 products summed into an int32 lane): panels of <see cref="PackedWeights.Panel"/>
/// columns, each k-pair stored as (w[j,k], w[j,k+1]) per column. Integer accumulation is exact for any
/// length, and the weights take half the memory of floats (these layers are bandwidth-bound at 1–4 rows).
/// </summary>
internal sealed class PackedInt16Weights
{
    private readonly short[] _data;
    private readonly int _kPairs;

    /// <summary>Output columns.</summary>
    public int N { get; }
    /// <summary>Reduction length (even).</summary>
    public int K { get; }

    /// <summary>True when this machine has the instructions the packed kernel uses.</summary>
    public static bool IsSupported => Avx512BW.IsSupported || Avx2.IsSupported;

    private static int Panel => Avx512BW.IsSupported ? 64 : 32;

    /// <summary>Packs <paramref name="w"/>[N, K] (row-major int8); K must be even.</summary>
    public PackedInt16Weights(ReadOnlySpan<sbyte> w, int n, int k)
    {
        if ((k & 1) != 0) throw new ArgumentException("K must be even", nameof(k));
        N = n; K = k; _kPairs = k / 2;
        int panels = (n + Panel - 1) / Panel;
        _data = new short[panels * k * Panel];
        for (int p = 0; p < panels; p++)
            for (int kp = 0; kp < _kPairs; kp++)
                for (int j = 0; j < Panel; j++)
                {
                    int col = p * Panel + j;
                    if (col >= n) continue;
                    int o = ((p * _kPairs + kp) * Panel + j) * 2;
                    _data[o] = w[col * k + 2 * kp];
                    _data[o + 1] = w[col * k + 2 * kp + 1];
                }
    }

    /// <summary>
    /// C[r·ldc + colOffset + j] = Σ_k A[aOffset + r·lda + k] · W[j, k] for r &lt; <paramref name="m"/>
    /// (int32, exact). <paramref name="aOffset"/> and <paramref name="lda"/> must be even.
    /// </summary>
    public void Multiply(ReadOnlySpan<short> a, int aOffset, int lda, int m, Span<int> c, int ldc, int colOffset)
    {
        if (m <= 0) return;
        if (((aOffset | lda) & 1) != 0) throw new ArgumentException("A offsets must be even");
        if (aOffset + (long)(m - 1) * lda + K > a.Length) throw new ArgumentException("A too small");
        if ((long)(m - 1) * ldc + colOffset + N > c.Length) throw new ArgumentException("C too small");
        ref int pa = ref Unsafe.As<short, int>(ref Unsafe.Add(ref MemoryMarshal.GetReference(a), aOffset));
        ref short pw = ref MemoryMarshal.GetArrayDataReference(_data);
        Span<int> tile = stackalloc int[4 * 64];
        int panel = Panel, panels = (N + panel - 1) / panel, ldaPairs = lda / 2;
        for (int r = 0; r < m; r += 4)
        {
            int rows = Math.Min(4, m - r);
            ref int a0 = ref Unsafe.Add(ref pa, r * ldaPairs);
            ref int a1 = ref Unsafe.Add(ref pa, (rows > 1 ? r + 1 : r) * ldaPairs);
            ref int a2 = ref Unsafe.Add(ref pa, (rows > 2 ? r + 2 : r) * ldaPairs);
            ref int a3 = ref Unsafe.Add(ref pa, (rows > 3 ? r + 3 : r) * ldaPairs);
            for (int p = 0; p < panels; p++)
            {
                ref short wp = ref Unsafe.Add(ref pw, p * _kPairs * panel * 2);
                if (panel == 64) Tile512(ref a0, ref a1, ref a2, ref a3, ref wp, _kPairs, tile);
                else Tile256(ref a0, ref a1, ref a2, ref a3, ref wp, _kPairs, tile);
                int cols = Math.Min(panel, N - p * panel);
                for (int i = 0; i < rows; i++)
                    tile.Slice(i * panel, cols).CopyTo(c.Slice((r + i) * ldc + colOffset + p * panel, cols));
            }
        }
    }

    private static void Tile512(ref int a0, ref int a1, ref int a2, ref int a3, ref short w, int kPairs, Span<int> tile)
    {
        Vector512<int> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector512<int> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector512<int> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector512<int> c30 = default, c31 = default, c32 = default, c33 = default;
        for (int kp = 0; kp < kPairs; kp++)
        {
            ref short wr = ref Unsafe.Add(ref w, kp * 128);
            var w0 = Vector512.LoadUnsafe(ref wr);
            var w1 = Vector512.LoadUnsafe(ref wr, 32);
            var w2 = Vector512.LoadUnsafe(ref wr, 64);
            var w3 = Vector512.LoadUnsafe(ref wr, 96);
            var x = Vector512.Create(Unsafe.Add(ref a0, kp)).AsInt16();
            c00 += Avx512BW.MultiplyAddAdjacent(x, w0); c01 += Avx512BW.MultiplyAddAdjacent(x, w1);
            c02 += Avx512BW.MultiplyAddAdjacent(x, w2); c03 += Avx512BW.MultiplyAddAdjacent(x, w3);
            x = Vector512.Create(Unsafe.Add(ref a1, kp)).AsInt16();
            c10 += Avx512BW.MultiplyAddAdjacent(x, w0); c11 += Avx512BW.MultiplyAddAdjacent(x, w1);
            c12 += Avx512BW.MultiplyAddAdjacent(x, w2); c13 += Avx512BW.MultiplyAddAdjacent(x, w3);
            x = Vector512.Create(Unsafe.Add(ref a2, kp)).AsInt16();
            c20 += Avx512BW.MultiplyAddAdjacent(x, w0); c21 += Avx512BW.MultiplyAddAdjacent(x, w1);
            c22 += Avx512BW.MultiplyAddAdjacent(x, w2); c23 += Avx512BW.MultiplyAddAdjacent(x, w3);
            x = Vector512.Create(Unsafe.Add(ref a3, kp)).AsInt16();
            c30 += Avx512BW.MultiplyAddAdjacent(x, w0); c31 += Avx512BW.MultiplyAddAdjacent(x, w1);
            c32 += Avx512BW.MultiplyAddAdjacent(x, w2); c33 += Avx512BW.MultiplyAddAdjacent(x, w3);
        }
        ref int t = ref MemoryMarshal.GetReference(tile);
        c00.StoreUnsafe(ref t, 0); c01.StoreUnsafe(ref t, 16); c02.StoreUnsafe(ref t, 32); c03.StoreUnsafe(ref t, 48);
        c10.StoreUnsafe(ref t, 64); c11.StoreUnsafe(ref t, 80); c12.StoreUnsafe(ref t, 96); c13.StoreUnsafe(ref t, 112);
        c20.StoreUnsafe(ref t, 128); c21.StoreUnsafe(ref t, 144); c22.StoreUnsafe(ref t, 160); c23.StoreUnsafe(ref t, 176);
        c30.StoreUnsafe(ref t, 192); c31.StoreUnsafe(ref t, 208); c32.StoreUnsafe(ref t, 224); c33.StoreUnsafe(ref t, 240);
    }

    private static void Tile256(ref int a0, ref int a1, ref int a2, ref int a3, ref short w, int kPairs, Span<int> tile)
    {
        Vector256<int> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector256<int> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector256<int> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector256<int> c30 = default, c31 = default, c32 = default, c33 = default;
        for (int kp = 0; kp < kPairs; kp++)
        {
            ref short wr = ref Unsafe.Add(ref w, kp * 64);
            var w0 = Vector256.LoadUnsafe(ref wr);
            var w1 = Vector256.LoadUnsafe(ref wr, 16);
            var w2 = Vector256.LoadUnsafe(ref wr, 32);
            var w3 = Vector256.LoadUnsafe(ref wr, 48);
            var x = Vector256.Create(Unsafe.Add(ref a0, kp)).AsInt16();
            c00 += Avx2.MultiplyAddAdjacent(x, w0); c01 += Avx2.MultiplyAddAdjacent(x, w1);
            c02 += Avx2.MultiplyAddAdjacent(x, w2); c03 += Avx2.MultiplyAddAdjacent(x, w3);
            x = Vector256.Create(Unsafe.Add(ref a1, kp)).AsInt16();
            c10 += Avx2.MultiplyAddAdjacent(x, w0); c11 += Avx2.MultiplyAddAdjacent(x, w1);
            c12 += Avx2.MultiplyAddAdjacent(x, w2); c13 += Avx2.MultiplyAddAdjacent(x, w3);
            x = Vector256.Create(Unsafe.Add(ref a2, kp)).AsInt16();
            c20 += Avx2.MultiplyAddAdjacent(x, w0); c21 += Avx2.MultiplyAddAdjacent(x, w1);
            c22 += Avx2.MultiplyAddAdjacent(x, w2); c23 += Avx2.MultiplyAddAdjacent(x, w3);
            x = Vector256.Create(Unsafe.Add(ref a3, kp)).AsInt16();
            c30 += Avx2.MultiplyAddAdjacent(x, w0); c31 += Avx2.MultiplyAddAdjacent(x, w1);
            c32 += Avx2.MultiplyAddAdjacent(x, w2); c33 += Avx2.MultiplyAddAdjacent(x, w3);
        }
        ref int t = ref MemoryMarshal.GetReference(tile);
        c00.StoreUnsafe(ref t, 0); c01.StoreUnsafe(ref t, 8); c02.StoreUnsafe(ref t, 16); c03.StoreUnsafe(ref t, 24);
        c10.StoreUnsafe(ref t, 32); c11.StoreUnsafe(ref t, 40); c12.StoreUnsafe(ref t, 48); c13.StoreUnsafe(ref t, 56);
        c20.StoreUnsafe(ref t, 64); c21.StoreUnsafe(ref t, 72); c22.StoreUnsafe(ref t, 80); c23.StoreUnsafe(ref t, 88);
        c30.StoreUnsafe(ref t, 96); c31.StoreUnsafe(ref t, 104); c32.StoreUnsafe(ref t, 112); c33.StoreUnsafe(ref t, 120);
    }
}
