using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeTok.Audio.Quantization;

/// <summary>
/// The AVX-512 form of the small-codebook search, with 16 frames in the lanes of a vector instead of
/// 16 codewords: the residuals of a group of 16 frames are kept transposed, [D][16], so
/// <list type="bullet">
/// <item>a level's scores are 16 accumulators (one per codeword, lanes = frames), each FMA taking a
/// residual row and one codebook value broadcast from memory;</item>
/// <item>the argmin, the second smallest score and the rounding band are lane-wise (vertical) operations,
/// with no horizontal reduction per frame;</item>
/// <item>the residual update r −= c of the level before is a register permute folded into the first
/// panel's pass: row i of a level's transposed codebook holds component i of every codeword, and the
/// 16 frames' codes index it (vpermps for 16 codewords, vpermt2ps for 32, two of them for 64).</item>
/// </list>
/// The scores go to a small block too, so a group with a near-tie re-ranks only that frame's candidates.
/// </summary>
internal sealed partial class SmallCodebookSearch
{
    private const int LaneFrames = 16;

    private static bool UseFrameLanes => Vector512.IsHardwareAccelerated && Avx512F.IsSupported;

    // Compiled optimised from the first call: a benchmark or a short stream would otherwise run these
    // loops in tier-0/OSR code for its first hundreds of milliseconds.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void EncodeFrameLanes(ReadOnlySpan<float> latent, int frames, Span<int> codes, int levels, int rowStride, int column, QuantizerWorkspace ws)
    {
        int d = D, kp = PaddedK, block = BlockFrames;
        var residual = ws.Floats(0, block * d);                 // [group][D][16]
        var scratch = ws.Floats(1, (kp + 2) * LaneFrames + d);  // scores [kp][16], limits [16], bands [16], one row
        var state = ws.Ints(0, block);                          // each frame's code at the last level searched
        ref float r0 = ref MemoryMarshal.GetReference(residual);
        ref int c0 = ref MemoryMarshal.GetReference(state);
        // Encode checked that the last frame's codes fit.
        ref int out0 = ref MemoryMarshal.GetReference(codes);
        for (int t0 = 0; t0 < frames; t0 += block)
        {
            int rows = Math.Min(block, frames - t0), groups = (rows + LaneFrames - 1) / LaneFrames;
            Transpose(latent.Slice(t0 * d, rows * d), rows, d, residual);
            for (int q = 0; q < levels; q++)
            {
                for (int g = 0; g < groups; g++)
                {
                    ref int code = ref Unsafe.Add(ref c0, g * LaneFrames);
                    int n = Math.Min(LaneFrames, rows - g * LaneFrames);
                    SearchGroup(q, ref Unsafe.Add(ref r0, g * LaneFrames * d), n, scratch, ref code);
                    ref int dst = ref Unsafe.Add(ref out0, (t0 + g * LaneFrames) * rowStride + column + q);
                    for (int f = 0; f < n; f++) Unsafe.Add(ref dst, f * rowStride) = Unsafe.Add(ref code, f);
                }
            }
        }
    }

    // latent rows [rows, d] → [group][d][16]; lanes past the last frame are zero.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Transpose(ReadOnlySpan<float> x, int rows, int d, Span<float> t)
    {
        int groups = (rows + LaneFrames - 1) / LaneFrames;
        if (x.Length < rows * d || t.Length < groups * LaneFrames * d) throw new ArgumentException("SmallCodebookSearch.Transpose: buffer too small");
        if (groups * LaneFrames > rows) t[((groups - 1) * LaneFrames * d)..(groups * LaneFrames * d)].Clear();
        ref float src = ref MemoryMarshal.GetReference(x);
        ref float t0 = ref MemoryMarshal.GetReference(t);
        for (int f = 0; f < rows; f++)
        {
            ref float dst = ref Unsafe.Add(ref t0, f / LaneFrames * LaneFrames * d + f % LaneFrames);
            for (int i = 0; i < d; i++)
            {
                dst = src;
                src = ref Unsafe.Add(ref src, 1);
                dst = ref Unsafe.Add(ref dst, LaneFrames);
            }
        }
    }

    /// <summary>
    /// Level <paramref name="q"/> for 16 transposed frames (the first <paramref name="n"/> real): applies
    /// the level before's codes (in <paramref name="code"/>) to the residual, then writes the nearest
    /// codewords of this level to <paramref name="code"/>[0..16).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SearchGroup(int q, ref float r, int n, Span<float> scratch, ref int code)
    {
        int d = D, kp = PaddedK;
        ref float scores = ref MemoryMarshal.GetReference(scratch);
        ref float store = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_store), _offset);
        ref float panel = ref Unsafe.Add(ref store, q * kp * d);
        ref float norms = ref _norms[q * kp];
        var best = Vector512.Create(float.PositiveInfinity);
        var second = best;
        var index = Vector512<int>.Zero;
        // The first panel's pass also updates the residual (from level 1 on) and yields ||r||².
        var previous = q == 0 ? Vector512<int>.Zero : Vector512.LoadUnsafe(ref code);
        ref float table = ref q == 0 ? ref store : ref Unsafe.Add(ref store, (q - 1) * kp * d);
        Vector512<float> norm2;
        if (q == 0) norm2 = ScorePanel<NoUpdate>(ref r, d, ref panel, ref table, previous, ref norms, 0, ref scores, ref best, ref second, ref index);
        else if (kp == Lanes) norm2 = ScorePanel<Subtract16>(ref r, d, ref panel, ref table, previous, ref norms, 0, ref scores, ref best, ref second, ref index);
        else if (kp == 2 * Lanes) norm2 = ScorePanel<Subtract32>(ref r, d, ref panel, ref table, previous, ref norms, 0, ref scores, ref best, ref second, ref index);
        else norm2 = ScorePanel<Subtract64>(ref r, d, ref panel, ref table, previous, ref norms, 0, ref scores, ref best, ref second, ref index);
        for (int p = Lanes; p < kp; p += Lanes)
        {
            panel = ref Unsafe.Add(ref panel, d * Lanes);
            ScorePanel<ReadOnly>(ref r, d, ref panel, ref table, previous, ref Unsafe.Add(ref norms, p), p, ref Unsafe.Add(ref scores, p * LaneFrames), ref best, ref second, ref index);
        }

        var band = Vector512.FusedMultiplyAdd(Vector512.Sqrt(norm2), Vector512.Create(_bandCross[q]), Vector512.Create(_bandConst[q]));
        var limit = best + band;
        // Unique: every other score lies beyond the band (NaN fails the comparison), and no score overflowed.
        var unique = Vector512.GreaterThan(second, limit) & Vector512.LessThan(band, Vector512.Create(BandOverflow));
        index.StoreUnsafe(ref code);
        ulong recheck = ~unique.ExtractMostSignificantBits() & ((1UL << n) - 1);
        if (recheck == 0) return;
        ref float limits = ref Unsafe.Add(ref scores, kp * LaneFrames);
        ref float bands = ref Unsafe.Add(ref limits, LaneFrames);
        limit.StoreUnsafe(ref limits);
        band.StoreUnsafe(ref bands);
        var row = scratch.Slice((kp + 2) * LaneFrames, d);
        for (; recheck != 0; recheck &= recheck - 1)
        {
            int f = BitOperations.TrailingZeroCount(recheck);
            for (int i = 0; i < d; i++) row[i] = Unsafe.Add(ref r, i * LaneFrames + f);
            float lim = Unsafe.Add(ref limits, f);
            ulong candidates = 0;
            if (Unsafe.Add(ref bands, f) < BandOverflow)
            {
                for (int j = 0; j < K; j++)
                    if (!(Unsafe.Add(ref scores, j * LaneFrames + f) > lim)) candidates |= 1UL << j;
            }
            Unsafe.Add(ref code, f) = ReRank(q, ref MemoryMarshal.GetReference(row), candidates == 0 ? _valid : candidates);
        }
    }

    /// <summary>
    /// Scores of the 16 codewords of one panel for 16 transposed frames (accumulated over i = 0..D−1
    /// from zero, then ·(−2) + ||c||²), stored [16][16] and folded into the running smallest, second
    /// smallest and index per frame; a strictly smaller score replaces the smallest, so ties keep the
    /// lower index. <typeparamref name="TRow"/> says how each residual row is read (and updated first);
    /// returns ||r||² per frame when it says so.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Vector512<float> ScorePanel<TRow>(ref float r, int d, ref float panel, ref float table, Vector512<int> code, ref float norms, int k0,
        ref float scores, ref Vector512<float> best, ref Vector512<float> second, ref Vector512<int> index) where TRow : struct, IResidualRow
    {
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        Vector512<float> a8 = default, a9 = default, a10 = default, a11 = default, a12 = default, a13 = default, a14 = default, a15 = default;
        Vector512<float> norm2 = default;
        nint tableStride = d * Lanes;
        var high = Vector512.GreaterThan(code, Vector512.Create(31)).AsSingle();
        for (nint i = 0; i < d; i++)
        {
            var v = TRow.Read(ref r, ref table, tableStride, code, high);
            if (TRow.Norm) norm2 = Vector512.FusedMultiplyAdd(v, v, norm2);
            a0 = Vector512.FusedMultiplyAdd(v, Vector512.Create(panel), a0);
            a1 = Vector512.FusedMultiplyAdd(v, Vector512.Create(Unsafe.Add(ref panel, 1)), a1);
            a2 = Vector512.FusedMultiplyAdd(v, Vector512.Create(Unsafe.Add(ref panel, 2)), a2);
            a3 = Vector512.FusedMultiplyAdd(v, Vector512.Create(Unsafe.Add(ref panel, 3)), a3);
            a4 = Vector512.FusedMultiplyAdd(v, Vector512.Create(Unsafe.Add(ref panel, 4)), a4);
            a5 = Vector512.FusedMultiplyAdd(v, Vector512.Create(Unsafe.Add(ref panel, 5)), a5);
            a6 = Vector512.FusedMultiplyAdd(v, Vector512.Create(Unsafe.Add(ref panel, 6)), a6);
            a7 = Vector512.FusedMultiplyAdd(v, Vector512.Create(Unsafe.Add(ref panel, 7)), a7);
            a8 = Vector512.FusedMultiplyAdd(v, Vector512.Create(Unsafe.Add(ref panel, 8)), a8);
            a9 = Vector512.FusedMultiplyAdd(v, Vector512.Create(Unsafe.Add(ref panel, 9)), a9);
            a10 = Vector512.FusedMultiplyAdd(v, Vector512.Create(Unsafe.Add(ref panel, 10)), a10);
            a11 = Vector512.FusedMultiplyAdd(v, Vector512.Create(Unsafe.Add(ref panel, 11)), a11);
            a12 = Vector512.FusedMultiplyAdd(v, Vector512.Create(Unsafe.Add(ref panel, 12)), a12);
            a13 = Vector512.FusedMultiplyAdd(v, Vector512.Create(Unsafe.Add(ref panel, 13)), a13);
            a14 = Vector512.FusedMultiplyAdd(v, Vector512.Create(Unsafe.Add(ref panel, 14)), a14);
            a15 = Vector512.FusedMultiplyAdd(v, Vector512.Create(Unsafe.Add(ref panel, 15)), a15);
            r = ref Unsafe.Add(ref r, LaneFrames);
            panel = ref Unsafe.Add(ref panel, Lanes);
            table = ref Unsafe.Add(ref table, Lanes);
        }
        var b = best;
        var s2 = second;
        var ix = index;
        Fold(a0, ref norms, 0, k0, ref scores, ref b, ref s2, ref ix);
        Fold(a1, ref norms, 1, k0, ref scores, ref b, ref s2, ref ix);
        Fold(a2, ref norms, 2, k0, ref scores, ref b, ref s2, ref ix);
        Fold(a3, ref norms, 3, k0, ref scores, ref b, ref s2, ref ix);
        Fold(a4, ref norms, 4, k0, ref scores, ref b, ref s2, ref ix);
        Fold(a5, ref norms, 5, k0, ref scores, ref b, ref s2, ref ix);
        Fold(a6, ref norms, 6, k0, ref scores, ref b, ref s2, ref ix);
        Fold(a7, ref norms, 7, k0, ref scores, ref b, ref s2, ref ix);
        Fold(a8, ref norms, 8, k0, ref scores, ref b, ref s2, ref ix);
        Fold(a9, ref norms, 9, k0, ref scores, ref b, ref s2, ref ix);
        Fold(a10, ref norms, 10, k0, ref scores, ref b, ref s2, ref ix);
        Fold(a11, ref norms, 11, k0, ref scores, ref b, ref s2, ref ix);
        Fold(a12, ref norms, 12, k0, ref scores, ref b, ref s2, ref ix);
        Fold(a13, ref norms, 13, k0, ref scores, ref b, ref s2, ref ix);
        Fold(a14, ref norms, 14, k0, ref scores, ref b, ref s2, ref ix);
        Fold(a15, ref norms, 15, k0, ref scores, ref b, ref s2, ref ix);
        best = b;
        second = s2;
        index = ix;
        return norm2;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Fold(Vector512<float> acc, ref float norms, int j, int k0, ref float scores,
        ref Vector512<float> best, ref Vector512<float> second, ref Vector512<int> index)
    {
        var s = Vector512.FusedMultiplyAdd(acc, Vector512.Create(-2f), Vector512.Create(Unsafe.Add(ref norms, j)));
        s.StoreUnsafe(ref scores, (nuint)(j * LaneFrames));
        // The compare feeds the masked index update directly (kept next to it, it stays a mask register).
        index = Avx512F.BlendVariable(index, Vector512.Create(k0 + j), Vector512.LessThan(s, best).AsInt32());
        // Second smallest: min(second, max(smallest, s)); equal scores count, so ties are seen.
        second = Vector512.MinNative(second, Vector512.MaxNative(best, s));
        best = Vector512.MinNative(best, s);
    }

    /// <summary>How <see cref="ScorePanel"/> reads residual row i (at <c>r</c>) of 16 transposed frames.</summary>
    private interface IResidualRow
    {
        /// <summary>Whether the pass also returns ||r||².</summary>
        static abstract bool Norm { get; }

        /// <summary>
        /// The row, after r −= (the level before's codeword, component i) where the row type updates:
        /// <paramref name="table"/> is row i of that level's first panel, the next panels follow
        /// <paramref name="tableStride"/> floats apart; <paramref name="high"/> marks codes ≥ 32.
        /// </summary>
        static abstract Vector512<float> Read(ref float r, ref float table, nint tableStride, Vector512<int> code, Vector512<float> high);
    }

    /// <summary>Later panels: the row as it is.</summary>
    private struct ReadOnly : IResidualRow
    {
        public static bool Norm => false;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Read(ref float r, ref float table, nint tableStride, Vector512<int> code, Vector512<float> high) => Vector512.LoadUnsafe(ref r);
    }

    /// <summary>Level 0's first panel: the latent as it is, and its ||r||².</summary>
    private struct NoUpdate : IResidualRow
    {
        public static bool Norm => true;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Read(ref float r, ref float table, nint tableStride, Vector512<int> code, Vector512<float> high) => Vector512.LoadUnsafe(ref r);
    }

    /// <summary>Up to 16 codewords: one permute of one panel row.</summary>
    private struct Subtract16 : IResidualRow
    {
        public static bool Norm => true;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Read(ref float r, ref float table, nint tableStride, Vector512<int> code, Vector512<float> high)
        {
            var v = Vector512.LoadUnsafe(ref r) - Avx512F.PermuteVar16x32(Vector512.LoadUnsafe(ref table), code);
            v.StoreUnsafe(ref r);
            return v;
        }
    }

    /// <summary>17–32 codewords: a two-table permute of two panel rows.</summary>
    private struct Subtract32 : IResidualRow
    {
        public static bool Norm => true;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Read(ref float r, ref float table, nint tableStride, Vector512<int> code, Vector512<float> high)
        {
            var c = Avx512F.PermuteVar16x32x2(Vector512.LoadUnsafe(ref table), code, Vector512.LoadUnsafe(ref Unsafe.Add(ref table, tableStride)));
            var v = Vector512.LoadUnsafe(ref r) - c;
            v.StoreUnsafe(ref r);
            return v;
        }
    }

    /// <summary>33–64 codewords: two two-table permutes, codes ≥ 32 taking the second pair (a fourth panel beyond K is never indexed).</summary>
    private struct Subtract64 : IResidualRow
    {
        public static bool Norm => true;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Read(ref float r, ref float table, nint tableStride, Vector512<int> code, Vector512<float> high)
        {
            var lo = Avx512F.PermuteVar16x32x2(Vector512.LoadUnsafe(ref table), code, Vector512.LoadUnsafe(ref Unsafe.Add(ref table, tableStride)));
            var hi = Avx512F.PermuteVar16x32x2(Vector512.LoadUnsafe(ref Unsafe.Add(ref table, 2 * tableStride)), code,
                Vector512.LoadUnsafe(ref Unsafe.Add(ref table, 3 * tableStride)));
            var v = Vector512.LoadUnsafe(ref r) - Vector512.ConditionalSelect(high, hi, lo);
            v.StoreUnsafe(ref r);
            return v;
        }
    }
}
