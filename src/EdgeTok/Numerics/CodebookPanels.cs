using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeTok.Numerics;

/// <summary>
/// A codebook [K, D] repacked for the RVQ distance search: columns (codewords) in panels of 16, each
/// panel stored [D][16] contiguously, plus the squared codeword norms. <see cref="Distances"/> then
/// computes ||c_k||² − 2·x·c_k for a block of rows with broadcast-FMA over D into vector accumulators
/// (no horizontal sums, one streamed panel per 16 codewords), which is the GEMM shape the search
/// needs with a far smaller fixed cost per (row, codeword) than a dot-product kernel.
/// </summary>
internal sealed class CodebookPanels
{
    internal const int PanelWidth = 16;

    private readonly float[] _panels; // [panelCount][D][16]
    private readonly float[] _norms;  // [panelCount * 16], padding columns 0

    public CodebookPanels(ReadOnlySpan<float> codebook, ReadOnlySpan<float> norms, int k, int d)
    {
        K = k;
        D = d;
        PanelCount = (k + PanelWidth - 1) / PanelWidth;
        _panels = new float[PanelCount * d * PanelWidth];
        _norms = new float[PanelCount * PanelWidth];
        norms[..k].CopyTo(_norms);
        for (int j = 0; j < k; j++)
        {
            int p = j / PanelWidth, c = j % PanelWidth;
            for (int i = 0; i < d; i++) _panels[(p * d + i) * PanelWidth + c] = codebook[j * d + i];
        }
    }

    public int K { get; }

    public int D { get; }

    public int PanelCount { get; }

    /// <summary>Row stride of the distance block: K rounded up to a multiple of 16.</summary>
    public int PaddedK => PanelCount * PanelWidth;

    /// <summary>dist[r, k] = ||c_k||² − 2·x_r·c_k for rows of x [rows, D]; dist is [rows, PaddedK].</summary>
    public void Distances(ReadOnlySpan<float> x, int rows, Span<float> dist)
    {
        if (x.Length < rows * D || dist.Length < rows * PaddedK) throw new ArgumentException("CodebookPanels.Distances: buffer too small");
        ref float px = ref MemoryMarshal.GetReference(x);
        ref float pd = ref MemoryMarshal.GetReference(dist);
        ref float pp = ref MemoryMarshal.GetArrayDataReference(_panels);
        ref float pn = ref MemoryMarshal.GetArrayDataReference(_norms);
        for (int p = 0; p < PanelCount; p++)
        {
            ref float panel = ref Unsafe.Add(ref pp, p * D * PanelWidth);
            ref float norm = ref Unsafe.Add(ref pn, p * PanelWidth);
            int col = p * PanelWidth;
            int r = 0;
            if (Vector512.IsHardwareAccelerated && p + 1 < PanelCount)
            {
                // Two panels per pass: 16 accumulators, each broadcast of x feeds two FMAs.
                ref float panel2 = ref Unsafe.Add(ref panel, D * PanelWidth);
                for (; r + 8 <= rows; r += 8) Rows8x512Pair(ref px, r, ref panel, ref panel2, ref norm, ref pd, col);
                for (; r < rows; r++)
                {
                    Row512(ref px, r, ref panel, ref norm, ref pd, col);
                    Row512(ref px, r, ref panel2, ref Unsafe.Add(ref norm, PanelWidth), ref pd, col + PanelWidth);
                }
                p++;
            }
            else if (Vector512.IsHardwareAccelerated)
            {
                for (; r + 8 <= rows; r += 8) Rows8x512(ref px, r, ref panel, ref norm, ref pd, col);
                for (; r < rows; r++) Row512(ref px, r, ref panel, ref norm, ref pd, col);
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                for (; r + 4 <= rows; r += 4) Rows4x256(ref px, r, ref panel, ref norm, ref pd, col);
                for (; r < rows; r++) Row256(ref px, r, ref panel, ref norm, ref pd, col);
            }
            else if (Vector128.IsHardwareAccelerated)
            {
                for (; r < rows; r++) Row128(ref px, r, ref panel, ref norm, ref pd, col);
            }
            else
            {
                for (; r < rows; r++) RowScalar(ref px, r, ref panel, ref norm, ref pd, col);
            }
        }
    }

    private void Rows8x512(ref float px, int r, ref float panel, ref float norm, ref float pd, int col)
    {
        int d = D;
        ref float x0 = ref Unsafe.Add(ref px, r * d);
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        for (int i = 0; i < d; i++)
        {
            var c = Vector512.LoadUnsafe(ref panel, (nuint)(i * PanelWidth));
            a0 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x0, i)), c, a0);
            a1 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x0, d + i)), c, a1);
            a2 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x0, 2 * d + i)), c, a2);
            a3 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x0, 3 * d + i)), c, a3);
            a4 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x0, 4 * d + i)), c, a4);
            a5 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x0, 5 * d + i)), c, a5);
            a6 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x0, 6 * d + i)), c, a6);
            a7 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x0, 7 * d + i)), c, a7);
        }
        var n = Vector512.LoadUnsafe(ref norm);
        var m2 = Vector512.Create(-2f);
        int stride = PaddedK;
        ref float o = ref Unsafe.Add(ref pd, r * stride + col);
        Vector512.FusedMultiplyAdd(a0, m2, n).StoreUnsafe(ref o);
        Vector512.FusedMultiplyAdd(a1, m2, n).StoreUnsafe(ref o, (nuint)stride);
        Vector512.FusedMultiplyAdd(a2, m2, n).StoreUnsafe(ref o, (nuint)(2 * stride));
        Vector512.FusedMultiplyAdd(a3, m2, n).StoreUnsafe(ref o, (nuint)(3 * stride));
        Vector512.FusedMultiplyAdd(a4, m2, n).StoreUnsafe(ref o, (nuint)(4 * stride));
        Vector512.FusedMultiplyAdd(a5, m2, n).StoreUnsafe(ref o, (nuint)(5 * stride));
        Vector512.FusedMultiplyAdd(a6, m2, n).StoreUnsafe(ref o, (nuint)(6 * stride));
        Vector512.FusedMultiplyAdd(a7, m2, n).StoreUnsafe(ref o, (nuint)(7 * stride));
    }

    private void Rows8x512Pair(ref float px, int r, ref float panelA, ref float panelB, ref float norm, ref float pd, int col)
    {
        int d = D;
        ref float x0 = ref Unsafe.Add(ref px, r * d);
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        Vector512<float> b0 = default, b1 = default, b2 = default, b3 = default, b4 = default, b5 = default, b6 = default, b7 = default;
        for (int i = 0; i < d; i++)
        {
            var c = Vector512.LoadUnsafe(ref panelA, (nuint)(i * PanelWidth));
            var e = Vector512.LoadUnsafe(ref panelB, (nuint)(i * PanelWidth));
            var v = Vector512.Create(Unsafe.Add(ref x0, i));
            a0 = Vector512.FusedMultiplyAdd(v, c, a0); b0 = Vector512.FusedMultiplyAdd(v, e, b0);
            v = Vector512.Create(Unsafe.Add(ref x0, d + i));
            a1 = Vector512.FusedMultiplyAdd(v, c, a1); b1 = Vector512.FusedMultiplyAdd(v, e, b1);
            v = Vector512.Create(Unsafe.Add(ref x0, 2 * d + i));
            a2 = Vector512.FusedMultiplyAdd(v, c, a2); b2 = Vector512.FusedMultiplyAdd(v, e, b2);
            v = Vector512.Create(Unsafe.Add(ref x0, 3 * d + i));
            a3 = Vector512.FusedMultiplyAdd(v, c, a3); b3 = Vector512.FusedMultiplyAdd(v, e, b3);
            v = Vector512.Create(Unsafe.Add(ref x0, 4 * d + i));
            a4 = Vector512.FusedMultiplyAdd(v, c, a4); b4 = Vector512.FusedMultiplyAdd(v, e, b4);
            v = Vector512.Create(Unsafe.Add(ref x0, 5 * d + i));
            a5 = Vector512.FusedMultiplyAdd(v, c, a5); b5 = Vector512.FusedMultiplyAdd(v, e, b5);
            v = Vector512.Create(Unsafe.Add(ref x0, 6 * d + i));
            a6 = Vector512.FusedMultiplyAdd(v, c, a6); b6 = Vector512.FusedMultiplyAdd(v, e, b6);
            v = Vector512.Create(Unsafe.Add(ref x0, 7 * d + i));
            a7 = Vector512.FusedMultiplyAdd(v, c, a7); b7 = Vector512.FusedMultiplyAdd(v, e, b7);
        }
        var na = Vector512.LoadUnsafe(ref norm);
        var nb = Vector512.LoadUnsafe(ref norm, PanelWidth);
        var m2 = Vector512.Create(-2f);
        nuint s = (nuint)PaddedK;
        ref float o = ref Unsafe.Add(ref pd, r * PaddedK + col);
        Vector512.FusedMultiplyAdd(a0, m2, na).StoreUnsafe(ref o); Vector512.FusedMultiplyAdd(b0, m2, nb).StoreUnsafe(ref o, 16);
        Vector512.FusedMultiplyAdd(a1, m2, na).StoreUnsafe(ref o, s); Vector512.FusedMultiplyAdd(b1, m2, nb).StoreUnsafe(ref o, s + 16);
        Vector512.FusedMultiplyAdd(a2, m2, na).StoreUnsafe(ref o, 2 * s); Vector512.FusedMultiplyAdd(b2, m2, nb).StoreUnsafe(ref o, 2 * s + 16);
        Vector512.FusedMultiplyAdd(a3, m2, na).StoreUnsafe(ref o, 3 * s); Vector512.FusedMultiplyAdd(b3, m2, nb).StoreUnsafe(ref o, 3 * s + 16);
        Vector512.FusedMultiplyAdd(a4, m2, na).StoreUnsafe(ref o, 4 * s); Vector512.FusedMultiplyAdd(b4, m2, nb).StoreUnsafe(ref o, 4 * s + 16);
        Vector512.FusedMultiplyAdd(a5, m2, na).StoreUnsafe(ref o, 5 * s); Vector512.FusedMultiplyAdd(b5, m2, nb).StoreUnsafe(ref o, 5 * s + 16);
        Vector512.FusedMultiplyAdd(a6, m2, na).StoreUnsafe(ref o, 6 * s); Vector512.FusedMultiplyAdd(b6, m2, nb).StoreUnsafe(ref o, 6 * s + 16);
        Vector512.FusedMultiplyAdd(a7, m2, na).StoreUnsafe(ref o, 7 * s); Vector512.FusedMultiplyAdd(b7, m2, nb).StoreUnsafe(ref o, 7 * s + 16);
    }

    private void Row512(ref float px, int r, ref float panel, ref float norm, ref float pd, int col)
    {
        ref float x0 = ref Unsafe.Add(ref px, r * D);
        Vector512<float> a = default;
        for (int i = 0; i < D; i++)
            a = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x0, i)), Vector512.LoadUnsafe(ref panel, (nuint)(i * PanelWidth)), a);
        Vector512.FusedMultiplyAdd(a, Vector512.Create(-2f), Vector512.LoadUnsafe(ref norm)).StoreUnsafe(ref Unsafe.Add(ref pd, r * PaddedK + col));
    }

    private void Rows4x256(ref float px, int r, ref float panel, ref float norm, ref float pd, int col)
    {
        int d = D;
        ref float x0 = ref Unsafe.Add(ref px, r * d);
        Vector256<float> a0 = default, b0 = default, a1 = default, b1 = default, a2 = default, b2 = default, a3 = default, b3 = default;
        for (int i = 0; i < d; i++)
        {
            var c = Vector256.LoadUnsafe(ref panel, (nuint)(i * PanelWidth));
            var e = Vector256.LoadUnsafe(ref panel, (nuint)(i * PanelWidth + 8));
            var v = Vector256.Create(Unsafe.Add(ref x0, i));
            a0 = Vector256.FusedMultiplyAdd(v, c, a0); b0 = Vector256.FusedMultiplyAdd(v, e, b0);
            v = Vector256.Create(Unsafe.Add(ref x0, d + i));
            a1 = Vector256.FusedMultiplyAdd(v, c, a1); b1 = Vector256.FusedMultiplyAdd(v, e, b1);
            v = Vector256.Create(Unsafe.Add(ref x0, 2 * d + i));
            a2 = Vector256.FusedMultiplyAdd(v, c, a2); b2 = Vector256.FusedMultiplyAdd(v, e, b2);
            v = Vector256.Create(Unsafe.Add(ref x0, 3 * d + i));
            a3 = Vector256.FusedMultiplyAdd(v, c, a3); b3 = Vector256.FusedMultiplyAdd(v, e, b3);
        }
        var n0 = Vector256.LoadUnsafe(ref norm);
        var n1 = Vector256.LoadUnsafe(ref norm, 8);
        var m2 = Vector256.Create(-2f);
        int stride = PaddedK;
        ref float o = ref Unsafe.Add(ref pd, r * stride + col);
        Vector256.FusedMultiplyAdd(a0, m2, n0).StoreUnsafe(ref o); Vector256.FusedMultiplyAdd(b0, m2, n1).StoreUnsafe(ref o, 8);
        Vector256.FusedMultiplyAdd(a1, m2, n0).StoreUnsafe(ref o, (nuint)stride); Vector256.FusedMultiplyAdd(b1, m2, n1).StoreUnsafe(ref o, (nuint)stride + 8);
        Vector256.FusedMultiplyAdd(a2, m2, n0).StoreUnsafe(ref o, (nuint)(2 * stride)); Vector256.FusedMultiplyAdd(b2, m2, n1).StoreUnsafe(ref o, (nuint)(2 * stride) + 8);
        Vector256.FusedMultiplyAdd(a3, m2, n0).StoreUnsafe(ref o, (nuint)(3 * stride)); Vector256.FusedMultiplyAdd(b3, m2, n1).StoreUnsafe(ref o, (nuint)(3 * stride) + 8);
    }

    private void Row256(ref float px, int r, ref float panel, ref float norm, ref float pd, int col)
    {
        ref float x0 = ref Unsafe.Add(ref px, r * D);
        Vector256<float> a = default, b = default;
        for (int i = 0; i < D; i++)
        {
            var v = Vector256.Create(Unsafe.Add(ref x0, i));
            a = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref panel, (nuint)(i * PanelWidth)), a);
            b = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref panel, (nuint)(i * PanelWidth + 8)), b);
        }
        ref float o = ref Unsafe.Add(ref pd, r * PaddedK + col);
        var m2 = Vector256.Create(-2f);
        Vector256.FusedMultiplyAdd(a, m2, Vector256.LoadUnsafe(ref norm)).StoreUnsafe(ref o);
        Vector256.FusedMultiplyAdd(b, m2, Vector256.LoadUnsafe(ref norm, 8)).StoreUnsafe(ref o, 8);
    }

    private void Row128(ref float px, int r, ref float panel, ref float norm, ref float pd, int col)
    {
        ref float x0 = ref Unsafe.Add(ref px, r * D);
        Vector128<float> a = default, b = default, c = default, e = default;
        for (int i = 0; i < D; i++)
        {
            var v = Vector128.Create(Unsafe.Add(ref x0, i));
            nuint at = (nuint)(i * PanelWidth);
            a = Vector128.FusedMultiplyAdd(v, Vector128.LoadUnsafe(ref panel, at), a);
            b = Vector128.FusedMultiplyAdd(v, Vector128.LoadUnsafe(ref panel, at + 4), b);
            c = Vector128.FusedMultiplyAdd(v, Vector128.LoadUnsafe(ref panel, at + 8), c);
            e = Vector128.FusedMultiplyAdd(v, Vector128.LoadUnsafe(ref panel, at + 12), e);
        }
        ref float o = ref Unsafe.Add(ref pd, r * PaddedK + col);
        var m2 = Vector128.Create(-2f);
        Vector128.FusedMultiplyAdd(a, m2, Vector128.LoadUnsafe(ref norm)).StoreUnsafe(ref o);
        Vector128.FusedMultiplyAdd(b, m2, Vector128.LoadUnsafe(ref norm, 4)).StoreUnsafe(ref o, 4);
        Vector128.FusedMultiplyAdd(c, m2, Vector128.LoadUnsafe(ref norm, 8)).StoreUnsafe(ref o, 8);
        Vector128.FusedMultiplyAdd(e, m2, Vector128.LoadUnsafe(ref norm, 12)).StoreUnsafe(ref o, 12);
    }

    private void RowScalar(ref float px, int r, ref float panel, ref float norm, ref float pd, int col)
    {
        ref float x0 = ref Unsafe.Add(ref px, r * D);
        ref float o = ref Unsafe.Add(ref pd, r * PaddedK + col);
        for (int j = 0; j < PanelWidth; j++)
        {
            float s = 0;
            for (int i = 0; i < D; i++) s = MathF.FusedMultiplyAdd(Unsafe.Add(ref x0, i), Unsafe.Add(ref panel, i * PanelWidth + j), s);
            Unsafe.Add(ref o, j) = MathF.FusedMultiplyAdd(s, -2f, Unsafe.Add(ref norm, j));
        }
    }
}
