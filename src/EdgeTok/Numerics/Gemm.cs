using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeTok.Numerics;

/// <summary>
/// Dense matrix products in the layout neural-network weights come in. <see cref="MultiplyTransposed"/>
/// computes C[M,N] = A[M,K] · B[N,K]ᵀ (+ C when accumulating): a linear layer <c>y = x Wᵀ</c> with W
/// stored [out, in], and the cross term of the RVQ distance search (frames × codewords).
/// Both operands are read along K contiguously, so the kernel is a register-blocked set of dot
/// products: 4 rows of A against 4 rows of B per pass, 16 vector accumulators, one horizontal sum
/// each at the end. Any width (AVX-512, AVX2, SSE/NEON) via <see cref="Vector512"/>/<see cref="Vector256"/>/<see cref="Vector128"/>; scalar tails.
/// </summary>
public static class Gemm
{
    /// <summary>C[M,N] = A[M,K]·B[N,K]ᵀ, or C += A·Bᵀ when <paramref name="accumulate"/> is true. All row-major, dense.</summary>
    public static void MultiplyTransposed(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate = false)
    {
        if (m < 0 || n < 0 || k < 0) throw new ArgumentOutOfRangeException(nameof(m), "negative dimension");
        if (a.Length < (long)m * k) throw new ArgumentException($"A holds {a.Length} elements, {(long)m * k} needed", nameof(a));
        if (b.Length < (long)n * k) throw new ArgumentException($"B holds {b.Length} elements, {(long)n * k} needed", nameof(b));
        if (c.Length < (long)m * n) throw new ArgumentException($"C holds {c.Length} elements, {(long)m * n} needed", nameof(c));
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            if (!accumulate) c[..(m * n)].Clear();
            return;
        }
        ref float pa = ref MemoryMarshal.GetReference(a);
        ref float pb = ref MemoryMarshal.GetReference(b);
        ref float pc = ref MemoryMarshal.GetReference(c);

        // Block over B rows so a panel of B stays in L2 while all rows of A stream past it.
        int nBlock = Math.Max(4, (192 * 1024 / 4) / Math.Max(k, 1) / 4 * 4);
        bool wide = (Vector512.IsHardwareAccelerated && k >= 16) || (Vector256.IsHardwareAccelerated && k >= 8);
        for (int j0 = 0; j0 < n; j0 += nBlock)
        {
            int j1 = Math.Min(n, j0 + nBlock);
            for (int i = 0; i < m; i += 4)
            {
                int mr = Math.Min(4, m - i);
                for (int j = j0; j < j1; j += 4)
                {
                    int nr = Math.Min(4, j1 - j);
                    if (wide && mr == 1) Kernel1x4(ref pa, ref pb, ref pc, i, j, nr, n, k, accumulate);
                    else if (wide) Kernel4x4(ref pa, ref pb, ref pc, i, j, mr, nr, n, k, accumulate);
                    else
                        for (int ii = i; ii < i + mr; ii++)
                            for (int jj = j; jj < j + nr; jj++) Store(ref pc, ii * n + jj, Dot(ref pa, ii * k, ref pb, jj * k, k), accumulate);
                }
            }
        }
    }

    /// <summary>y[N] = W[N,K]·x[K] (+ bias), the single-row case of <see cref="MultiplyTransposed"/>.</summary>
    public static void MatVec(ReadOnlySpan<float> w, ReadOnlySpan<float> x, Span<float> y, int n, int k, ReadOnlySpan<float> bias = default)
    {
        if (w.Length < (long)n * k || x.Length < k || y.Length < n) throw new ArgumentException("MatVec: operand too small");
        for (int j = 0; j < n; j++) y[j] = TensorPrimitives.Dot(w.Slice(j * k, k), x[..k]) + (bias.IsEmpty ? 0f : bias[j]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(ref float pc, int idx, float v, bool accumulate)
    {
        ref float dst = ref Unsafe.Add(ref pc, idx);
        dst = accumulate ? dst + v : v;
    }

    private static float Dot(ref float pa, int aOff, ref float pb, int bOff, int k) =>
        TensorPrimitives.Dot(MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref pa, aOff), k),
                             MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref pb, bOff), k));

    // Edge blocks (mr or nr < 4: the last rows of A or of B) run the same 4×4 kernel with the missing
    // rows aliased to the last valid one and their results dropped. The aliased loads hit L1, so an
    // edge block costs about what a full one does instead of falling back to one dot product (and one
    // full pass over a B row) per output element.
    private static void Kernel4x4(ref float pa, ref float pb, ref float pc, int i, int j, int mr, int nr, int n, int k, bool accumulate)
    {
        if (Vector512.IsHardwareAccelerated && k >= 16) Kernel4x4V512(ref pa, ref pb, ref pc, i, j, mr, nr, n, k, accumulate);
        else Kernel4x4V256(ref pa, ref pb, ref pc, i, j, mr, nr, n, k, accumulate);
    }

    private static void Kernel4x4V512(ref float pa, ref float pb, ref float pc, int i, int j, int mr, int nr, int n, int k, bool accumulate)
    {
        ref float a0 = ref Unsafe.Add(ref pa, i * k);
        ref float a1 = ref Unsafe.Add(ref a0, Math.Min(1, mr - 1) * k);
        ref float a2 = ref Unsafe.Add(ref a0, Math.Min(2, mr - 1) * k);
        ref float a3 = ref Unsafe.Add(ref a0, Math.Min(3, mr - 1) * k);
        ref float b0 = ref Unsafe.Add(ref pb, j * k);
        ref float b1 = ref Unsafe.Add(ref b0, Math.Min(1, nr - 1) * k);
        ref float b2 = ref Unsafe.Add(ref b0, Math.Min(2, nr - 1) * k);
        ref float b3 = ref Unsafe.Add(ref b0, Math.Min(3, nr - 1) * k);
        Vector512<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector512<float> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector512<float> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector512<float> c30 = default, c31 = default, c32 = default, c33 = default;
        int p = 0;
        for (; p + 16 <= k; p += 16)
        {
            var vb0 = Vector512.LoadUnsafe(ref b0, (nuint)p);
            var vb1 = Vector512.LoadUnsafe(ref b1, (nuint)p);
            var vb2 = Vector512.LoadUnsafe(ref b2, (nuint)p);
            var vb3 = Vector512.LoadUnsafe(ref b3, (nuint)p);
            var va = Vector512.LoadUnsafe(ref a0, (nuint)p);
            c00 = Vector512.FusedMultiplyAdd(va, vb0, c00); c01 = Vector512.FusedMultiplyAdd(va, vb1, c01);
            c02 = Vector512.FusedMultiplyAdd(va, vb2, c02); c03 = Vector512.FusedMultiplyAdd(va, vb3, c03);
            va = Vector512.LoadUnsafe(ref a1, (nuint)p);
            c10 = Vector512.FusedMultiplyAdd(va, vb0, c10); c11 = Vector512.FusedMultiplyAdd(va, vb1, c11);
            c12 = Vector512.FusedMultiplyAdd(va, vb2, c12); c13 = Vector512.FusedMultiplyAdd(va, vb3, c13);
            va = Vector512.LoadUnsafe(ref a2, (nuint)p);
            c20 = Vector512.FusedMultiplyAdd(va, vb0, c20); c21 = Vector512.FusedMultiplyAdd(va, vb1, c21);
            c22 = Vector512.FusedMultiplyAdd(va, vb2, c22); c23 = Vector512.FusedMultiplyAdd(va, vb3, c23);
            va = Vector512.LoadUnsafe(ref a3, (nuint)p);
            c30 = Vector512.FusedMultiplyAdd(va, vb0, c30); c31 = Vector512.FusedMultiplyAdd(va, vb1, c31);
            c32 = Vector512.FusedMultiplyAdd(va, vb2, c32); c33 = Vector512.FusedMultiplyAdd(va, vb3, c33);
        }
        Span<float> acc = stackalloc float[16];
        acc[0] = Vector512.Sum(c00); acc[1] = Vector512.Sum(c01); acc[2] = Vector512.Sum(c02); acc[3] = Vector512.Sum(c03);
        acc[4] = Vector512.Sum(c10); acc[5] = Vector512.Sum(c11); acc[6] = Vector512.Sum(c12); acc[7] = Vector512.Sum(c13);
        acc[8] = Vector512.Sum(c20); acc[9] = Vector512.Sum(c21); acc[10] = Vector512.Sum(c22); acc[11] = Vector512.Sum(c23);
        acc[12] = Vector512.Sum(c30); acc[13] = Vector512.Sum(c31); acc[14] = Vector512.Sum(c32); acc[15] = Vector512.Sum(c33);
        Finish(ref pa, ref pb, ref pc, i, j, mr, nr, n, k, p, acc, accumulate);
    }

    private static void Kernel4x4V256(ref float pa, ref float pb, ref float pc, int i, int j, int mr, int nr, int n, int k, bool accumulate)
    {
        ref float a0 = ref Unsafe.Add(ref pa, i * k);
        ref float a1 = ref Unsafe.Add(ref a0, Math.Min(1, mr - 1) * k);
        ref float a2 = ref Unsafe.Add(ref a0, Math.Min(2, mr - 1) * k);
        ref float a3 = ref Unsafe.Add(ref a0, Math.Min(3, mr - 1) * k);
        ref float b0 = ref Unsafe.Add(ref pb, j * k);
        ref float b1 = ref Unsafe.Add(ref b0, Math.Min(1, nr - 1) * k);
        ref float b2 = ref Unsafe.Add(ref b0, Math.Min(2, nr - 1) * k);
        ref float b3 = ref Unsafe.Add(ref b0, Math.Min(3, nr - 1) * k);
        Vector256<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector256<float> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector256<float> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector256<float> c30 = default, c31 = default, c32 = default, c33 = default;
        int p = 0;
        for (; p + 8 <= k; p += 8)
        {
            var vb0 = Vector256.LoadUnsafe(ref b0, (nuint)p);
            var vb1 = Vector256.LoadUnsafe(ref b1, (nuint)p);
            var vb2 = Vector256.LoadUnsafe(ref b2, (nuint)p);
            var vb3 = Vector256.LoadUnsafe(ref b3, (nuint)p);
            var va = Vector256.LoadUnsafe(ref a0, (nuint)p);
            c00 = Vector256.FusedMultiplyAdd(va, vb0, c00); c01 = Vector256.FusedMultiplyAdd(va, vb1, c01);
            c02 = Vector256.FusedMultiplyAdd(va, vb2, c02); c03 = Vector256.FusedMultiplyAdd(va, vb3, c03);
            va = Vector256.LoadUnsafe(ref a1, (nuint)p);
            c10 = Vector256.FusedMultiplyAdd(va, vb0, c10); c11 = Vector256.FusedMultiplyAdd(va, vb1, c11);
            c12 = Vector256.FusedMultiplyAdd(va, vb2, c12); c13 = Vector256.FusedMultiplyAdd(va, vb3, c13);
            va = Vector256.LoadUnsafe(ref a2, (nuint)p);
            c20 = Vector256.FusedMultiplyAdd(va, vb0, c20); c21 = Vector256.FusedMultiplyAdd(va, vb1, c21);
            c22 = Vector256.FusedMultiplyAdd(va, vb2, c22); c23 = Vector256.FusedMultiplyAdd(va, vb3, c23);
            va = Vector256.LoadUnsafe(ref a3, (nuint)p);
            c30 = Vector256.FusedMultiplyAdd(va, vb0, c30); c31 = Vector256.FusedMultiplyAdd(va, vb1, c31);
            c32 = Vector256.FusedMultiplyAdd(va, vb2, c32); c33 = Vector256.FusedMultiplyAdd(va, vb3, c33);
        }
        Span<float> acc = stackalloc float[16];
        acc[0] = Vector256.Sum(c00); acc[1] = Vector256.Sum(c01); acc[2] = Vector256.Sum(c02); acc[3] = Vector256.Sum(c03);
        acc[4] = Vector256.Sum(c10); acc[5] = Vector256.Sum(c11); acc[6] = Vector256.Sum(c12); acc[7] = Vector256.Sum(c13);
        acc[8] = Vector256.Sum(c20); acc[9] = Vector256.Sum(c21); acc[10] = Vector256.Sum(c22); acc[11] = Vector256.Sum(c23);
        acc[12] = Vector256.Sum(c30); acc[13] = Vector256.Sum(c31); acc[14] = Vector256.Sum(c32); acc[15] = Vector256.Sum(c33);
        Finish(ref pa, ref pb, ref pc, i, j, mr, nr, n, k, p, acc, accumulate);
    }

    // A single row of A (a matrix-vector product, or the last row of an odd M): the 4×4 kernel would
    // alias three more rows onto it and do four times the FMAs. Each output accumulates exactly as in
    // the 4×4 kernel (same lanes, same horizontal sum, same tail), so results do not depend on M.
    private static void Kernel1x4(ref float pa, ref float pb, ref float pc, int i, int j, int nr, int n, int k, bool accumulate)
    {
        ref float a0 = ref Unsafe.Add(ref pa, i * k);
        ref float b0 = ref Unsafe.Add(ref pb, j * k);
        ref float b1 = ref Unsafe.Add(ref b0, Math.Min(1, nr - 1) * k);
        ref float b2 = ref Unsafe.Add(ref b0, Math.Min(2, nr - 1) * k);
        ref float b3 = ref Unsafe.Add(ref b0, Math.Min(3, nr - 1) * k);
        Span<float> acc = stackalloc float[16];
        int p = 0;
        if (Vector512.IsHardwareAccelerated && k >= 16)
        {
            Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default;
            for (; p + 16 <= k; p += 16)
            {
                var va = Vector512.LoadUnsafe(ref a0, (nuint)p);
                c0 = Vector512.FusedMultiplyAdd(va, Vector512.LoadUnsafe(ref b0, (nuint)p), c0);
                c1 = Vector512.FusedMultiplyAdd(va, Vector512.LoadUnsafe(ref b1, (nuint)p), c1);
                c2 = Vector512.FusedMultiplyAdd(va, Vector512.LoadUnsafe(ref b2, (nuint)p), c2);
                c3 = Vector512.FusedMultiplyAdd(va, Vector512.LoadUnsafe(ref b3, (nuint)p), c3);
            }
            acc[0] = Vector512.Sum(c0); acc[1] = Vector512.Sum(c1); acc[2] = Vector512.Sum(c2); acc[3] = Vector512.Sum(c3);
        }
        else
        {
            Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default;
            for (; p + 8 <= k; p += 8)
            {
                var va = Vector256.LoadUnsafe(ref a0, (nuint)p);
                c0 = Vector256.FusedMultiplyAdd(va, Vector256.LoadUnsafe(ref b0, (nuint)p), c0);
                c1 = Vector256.FusedMultiplyAdd(va, Vector256.LoadUnsafe(ref b1, (nuint)p), c1);
                c2 = Vector256.FusedMultiplyAdd(va, Vector256.LoadUnsafe(ref b2, (nuint)p), c2);
                c3 = Vector256.FusedMultiplyAdd(va, Vector256.LoadUnsafe(ref b3, (nuint)p), c3);
            }
            acc[0] = Vector256.Sum(c0); acc[1] = Vector256.Sum(c1); acc[2] = Vector256.Sum(c2); acc[3] = Vector256.Sum(c3);
        }
        Finish(ref pa, ref pb, ref pc, i, j, 1, nr, n, k, p, acc, accumulate);
    }

    // Adds the K tail (p..k) in scalar code and stores the valid mr×nr part of the 4×4 block.
    private static void Finish(ref float pa, ref float pb, ref float pc, int i, int j, int mr, int nr, int n, int k, int p, Span<float> acc, bool accumulate)
    {
        for (int ii = 0; ii < mr; ii++)
        {
            for (int jj = 0; jj < nr; jj++)
            {
                float s = acc[ii * 4 + jj];
                for (int q = p; q < k; q++)
                    s = float.MultiplyAddEstimate(Unsafe.Add(ref pa, (i + ii) * k + q), Unsafe.Add(ref pb, (j + jj) * k + q), s);
                Store(ref pc, (i + ii) * n + j + jj, s, accumulate);
            }
        }
    }
}
