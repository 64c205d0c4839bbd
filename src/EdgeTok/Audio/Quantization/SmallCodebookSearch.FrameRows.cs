using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeTok.Audio.Quantization;

/// <summary>
/// The small-codebook search without AVX-512 (256-bit, 128-bit vectors and scalar), frames kept as
/// rows: 8 frames are scored together, codewords in the lanes — per dimension one codebook load feeds 8
/// broadcast multiply-adds into independent accumulators — then each frame takes a horizontal minimum,
/// its candidates within the band, and the residual update with its new ||r||².
/// </summary>
internal sealed partial class SmallCodebookSearch
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void EncodeFrameRows(ReadOnlySpan<float> latent, int frames, Span<int> codes, int levels, int rowStride, int column, QuantizerWorkspace ws)
    {
        int d = D, block = BlockFrames, kp = PaddedK;
        var residual = ws.Floats(0, block * d);
        var scratch = ws.Floats(1, block + GroupFrames * (kp + 1));
        var norm2 = scratch[..block];
        var bands = scratch.Slice(block, GroupFrames);
        var scores = scratch.Slice(block + GroupFrames, GroupFrames * kp);
        ref float s0 = ref MemoryMarshal.GetReference(scores);
        ref float cb0 = ref MemoryMarshal.GetArrayDataReference(_codebooks);
        for (int t0 = 0; t0 < frames; t0 += block)
        {
            int rows = Math.Min(block, frames - t0), padded = (rows + GroupFrames - 1) / GroupFrames * GroupFrames;
            latent.Slice(t0 * d, rows * d).CopyTo(residual);
            // Whole groups of 8 are scored: the rows past the end are zeros, scored and ignored.
            residual[(rows * d)..(padded * d)].Clear();
            ref float r0 = ref MemoryMarshal.GetReference(residual);
            for (int f = 0; f < padded; f++)
            {
                var row = residual.Slice(f * d, d);
                norm2[f] = TensorPrimitives.Dot(row, row);
            }
            for (int q = 0; q < levels; q++)
            {
                bool last = q + 1 == levels;
                ref float level = ref Unsafe.Add(ref cb0, q * K * d);
                for (int g0 = 0; g0 < rows; g0 += GroupFrames)
                {
                    int n = Math.Min(GroupFrames, rows - g0);
                    ref float x = ref Unsafe.Add(ref r0, g0 * d);
                    Score(q, ref x, ref s0);
                    Bands(q, norm2.Slice(g0, GroupFrames), bands);
                    for (int f = 0; f < n; f++)
                    {
                        ref float xf = ref Unsafe.Add(ref x, f * d);
                        int c = Pick(ref Unsafe.Add(ref s0, f * kp), bands[f], q, ref xf);
                        codes[(t0 + g0 + f) * rowStride + column + q] = c;
                        // The last level's residual is not needed.
                        if (!last) norm2[g0 + f] = SubtractAndNorm(ref xf, ref Unsafe.Add(ref level, c * d), d);
                    }
                }
            }
        }
    }

    /// <summary>
    /// The rounding band of each of 8 frames from its ||x||²: factor·(c² + 2·||x||·c) + 1e-30
    /// (<see cref="NearestCodeword.BandFactor"/>, c the level's largest codeword norm).
    /// </summary>
    private void Bands(int q, ReadOnlySpan<float> norm2, Span<float> bands)
    {
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256.MultiplyAddEstimate(Vector256.Sqrt(Vector256.Create(norm2)), Vector256.Create(_bandCross[q]), Vector256.Create(_bandConst[q])).CopyTo(bands);
            return;
        }
        for (int f = 0; f < GroupFrames; f++) bands[f] = _bandConst[q] + _bandCross[q] * MathF.Sqrt(norm2[f]);
    }

    /// <summary>
    /// Scores [8][PaddedK] of level <paramref name="q"/> for the 8 frames at <paramref name="x"/>
    /// [8, D]. Each score is accumulated over i = 0..D−1 from zero, then ·(−2) + ||c||² — the
    /// rounding the band assumes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Score(int q, ref float x, ref float scores)
    {
        int d = D, kp = PaddedK;
        ref float panel = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_store), _offset + q * kp * d);
        ref float norms = ref _norms[q * kp];
        if (!Vector128.IsHardwareAccelerated)
        {
            ScoreScalar(q, ref x, ref scores);
            return;
        }
        for (int p = 0; p < kp; p += Lanes)
        {
            if (Vector256.IsHardwareAccelerated)
            {
                Panel256(ref x, d, ref panel, ref Unsafe.Add(ref norms, p), ref Unsafe.Add(ref scores, p), kp);
                Panel256(ref Unsafe.Add(ref x, 4 * d), d, ref panel, ref Unsafe.Add(ref norms, p), ref Unsafe.Add(ref scores, 4 * kp + p), kp);
            }
            else
            {
                for (int f = 0; f < GroupFrames; f += 2)
                    Panel128(ref Unsafe.Add(ref x, f * d), d, ref panel, ref Unsafe.Add(ref norms, p), ref Unsafe.Add(ref scores, f * kp + p), kp);
            }
            panel = ref Unsafe.Add(ref panel, d * Lanes);
        }
    }

    // AVX2: 4 frames × both halves of a panel = 8 ymm accumulators (of 16 registers).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Panel256(ref float x, int d, ref float panel, ref float norms, ref float scores, int kp)
    {
        ref float x0 = ref x;
        ref float x1 = ref Unsafe.Add(ref x0, d);
        ref float x2 = ref Unsafe.Add(ref x1, d);
        ref float x3 = ref Unsafe.Add(ref x2, d);
        Vector256<float> a0 = default, b0 = default, a1 = default, b1 = default;
        Vector256<float> a2 = default, b2 = default, a3 = default, b3 = default;
        for (nint i = 0; i < d; i++)
        {
            var c = Vector256.LoadUnsafe(ref panel);
            var e = Vector256.LoadUnsafe(ref panel, 8);
            var v = Vector256.Create(Unsafe.Add(ref x0, i));
            a0 = Vector256.MultiplyAddEstimate(v, c, a0);
            b0 = Vector256.MultiplyAddEstimate(v, e, b0);
            v = Vector256.Create(Unsafe.Add(ref x1, i));
            a1 = Vector256.MultiplyAddEstimate(v, c, a1);
            b1 = Vector256.MultiplyAddEstimate(v, e, b1);
            v = Vector256.Create(Unsafe.Add(ref x2, i));
            a2 = Vector256.MultiplyAddEstimate(v, c, a2);
            b2 = Vector256.MultiplyAddEstimate(v, e, b2);
            v = Vector256.Create(Unsafe.Add(ref x3, i));
            a3 = Vector256.MultiplyAddEstimate(v, c, a3);
            b3 = Vector256.MultiplyAddEstimate(v, e, b3);
            panel = ref Unsafe.Add(ref panel, Lanes);
        }
        var m2 = Vector256.Create(-2f);
        var nc = Vector256.LoadUnsafe(ref norms);
        var ne = Vector256.LoadUnsafe(ref norms, 8);
        Vector256.MultiplyAddEstimate(a0, m2, nc).StoreUnsafe(ref scores);
        Vector256.MultiplyAddEstimate(b0, m2, ne).StoreUnsafe(ref scores, 8);
        Vector256.MultiplyAddEstimate(a1, m2, nc).StoreUnsafe(ref scores, (nuint)kp);
        Vector256.MultiplyAddEstimate(b1, m2, ne).StoreUnsafe(ref scores, (nuint)(kp + 8));
        Vector256.MultiplyAddEstimate(a2, m2, nc).StoreUnsafe(ref scores, (nuint)(2 * kp));
        Vector256.MultiplyAddEstimate(b2, m2, ne).StoreUnsafe(ref scores, (nuint)(2 * kp + 8));
        Vector256.MultiplyAddEstimate(a3, m2, nc).StoreUnsafe(ref scores, (nuint)(3 * kp));
        Vector256.MultiplyAddEstimate(b3, m2, ne).StoreUnsafe(ref scores, (nuint)(3 * kp + 8));
    }

    // 128-bit (SSE, NEON): 2 frames × the four quarters of a panel = 8 accumulators.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Panel128(ref float x, int d, ref float panel, ref float norms, ref float scores, int kp)
    {
        ref float x0 = ref x;
        ref float x1 = ref Unsafe.Add(ref x0, d);
        Vector128<float> a0 = default, b0 = default, c0 = default, e0 = default;
        Vector128<float> a1 = default, b1 = default, c1 = default, e1 = default;
        for (nint i = 0; i < d; i++)
        {
            var wa = Vector128.LoadUnsafe(ref panel);
            var wb = Vector128.LoadUnsafe(ref panel, 4);
            var wc = Vector128.LoadUnsafe(ref panel, 8);
            var we = Vector128.LoadUnsafe(ref panel, 12);
            var v = Vector128.Create(Unsafe.Add(ref x0, i));
            a0 = Vector128.MultiplyAddEstimate(v, wa, a0);
            b0 = Vector128.MultiplyAddEstimate(v, wb, b0);
            c0 = Vector128.MultiplyAddEstimate(v, wc, c0);
            e0 = Vector128.MultiplyAddEstimate(v, we, e0);
            v = Vector128.Create(Unsafe.Add(ref x1, i));
            a1 = Vector128.MultiplyAddEstimate(v, wa, a1);
            b1 = Vector128.MultiplyAddEstimate(v, wb, b1);
            c1 = Vector128.MultiplyAddEstimate(v, wc, c1);
            e1 = Vector128.MultiplyAddEstimate(v, we, e1);
            panel = ref Unsafe.Add(ref panel, Lanes);
        }
        var m2 = Vector128.Create(-2f);
        var na = Vector128.LoadUnsafe(ref norms);
        var nb = Vector128.LoadUnsafe(ref norms, 4);
        var nc = Vector128.LoadUnsafe(ref norms, 8);
        var ne = Vector128.LoadUnsafe(ref norms, 12);
        ref float o1 = ref Unsafe.Add(ref scores, kp);
        Vector128.MultiplyAddEstimate(a0, m2, na).StoreUnsafe(ref scores);
        Vector128.MultiplyAddEstimate(b0, m2, nb).StoreUnsafe(ref scores, 4);
        Vector128.MultiplyAddEstimate(c0, m2, nc).StoreUnsafe(ref scores, 8);
        Vector128.MultiplyAddEstimate(e0, m2, ne).StoreUnsafe(ref scores, 12);
        Vector128.MultiplyAddEstimate(a1, m2, na).StoreUnsafe(ref o1);
        Vector128.MultiplyAddEstimate(b1, m2, nb).StoreUnsafe(ref o1, 4);
        Vector128.MultiplyAddEstimate(c1, m2, nc).StoreUnsafe(ref o1, 8);
        Vector128.MultiplyAddEstimate(e1, m2, ne).StoreUnsafe(ref o1, 12);
    }

    private void ScoreScalar(int q, ref float x, ref float scores)
    {
        int d = D, kp = PaddedK;
        ref float level = ref MemoryMarshal.GetArrayDataReference(_codebooks);
        level = ref Unsafe.Add(ref level, q * K * d);
        for (int f = 0; f < GroupFrames; f++)
        {
            ref float xf = ref Unsafe.Add(ref x, f * d);
            for (int j = 0; j < K; j++)
            {
                ref float c = ref Unsafe.Add(ref level, j * d);
                float acc = 0;
                for (int i = 0; i < d; i++) acc += Unsafe.Add(ref xf, i) * Unsafe.Add(ref c, i);
                Unsafe.Add(ref scores, f * kp + j) = -2f * acc + _norms[q * kp + j];
            }
            for (int j = K; j < kp; j++) Unsafe.Add(ref scores, f * kp + j) = float.PositiveInfinity;
        }
    }

    /// <summary>
    /// The code for one frame from its score row: the lanes within the band of the smallest score are
    /// the candidates (a NaN score is one too: it fails "greater than the limit"); a single candidate is
    /// the answer, several are re-ranked in float64.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Pick(ref float s, float band, int q, ref float x)
    {
        // A score may have overflowed (−2·x·c without a fused multiply-add): rank this frame in float64.
        if (!(band < BandOverflow)) return ReRank(q, ref x, _valid);
        ulong candidates = 0;
        int kp = PaddedK;
        if (Vector256.IsHardwareAccelerated)
        {
            var m = Vector256.LoadUnsafe(ref s);
            for (int p = 8; p < kp; p += 8) m = Vector256.MinNative(m, Vector256.LoadUnsafe(ref s, (nuint)p));
            var limit = Vector256.Create(Min4(Vector128.MinNative(m.GetLower(), m.GetUpper())) + band);
            for (int p = 0; p < kp; p += 8)
                candidates |= (ulong)(~Vector256.GreaterThan(Vector256.LoadUnsafe(ref s, (nuint)p), limit).ExtractMostSignificantBits() & 0xFFu) << p;
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            var m = Vector128.LoadUnsafe(ref s);
            for (int p = 4; p < kp; p += 4) m = Vector128.MinNative(m, Vector128.LoadUnsafe(ref s, (nuint)p));
            var limit = Vector128.Create(Min4(m) + band);
            for (int p = 0; p < kp; p += 4)
                candidates |= (ulong)(~Vector128.GreaterThan(Vector128.LoadUnsafe(ref s, (nuint)p), limit).ExtractMostSignificantBits() & 0xFu) << p;
        }
        else
        {
            float best = s;
            for (int j = 1; j < K; j++) best = MathF.Min(best, Unsafe.Add(ref s, j));
            float limit = best + band;
            for (int j = 0; j < K; j++)
                if (!(Unsafe.Add(ref s, j) > limit)) candidates |= 1UL << j;
        }
        candidates &= _valid;
        if (candidates != 0 && (candidates & (candidates - 1)) == 0) return BitOperations.TrailingZeroCount(candidates);
        return ReRank(q, ref x, candidates == 0 ? _valid : candidates);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Min4(Vector128<float> v)
    {
        v = Vector128.MinNative(v, Vector128.Shuffle(v, Vector128.Create(2, 3, 0, 1)));
        return Vector128.MinNative(v, Vector128.Shuffle(v, Vector128.Create(1, 0, 3, 2))).ToScalar();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Sum4(Vector128<float> v)
    {
        v += Vector128.Shuffle(v, Vector128.Create(2, 3, 0, 1));
        return (v + Vector128.Shuffle(v, Vector128.Create(1, 0, 3, 2))).ToScalar();
    }

    /// <summary>r −= c (float32, element by element: the same residual as every other path) and the new ||r||².</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float SubtractAndNorm(ref float r, ref float c, int d)
    {
        int i = 0;
        float sum = 0;
        if (Vector256.IsHardwareAccelerated && i + 8 <= d)
        {
            var acc = Vector256<float>.Zero;
            for (; i + 8 <= d; i += 8)
            {
                var v = Vector256.LoadUnsafe(ref r, (nuint)i) - Vector256.LoadUnsafe(ref c, (nuint)i);
                v.StoreUnsafe(ref r, (nuint)i);
                acc = Vector256.MultiplyAddEstimate(v, v, acc);
            }
            sum += Sum4(acc.GetLower() + acc.GetUpper());
        }
        if (Vector128.IsHardwareAccelerated && i + 4 <= d)
        {
            var acc = Vector128<float>.Zero;
            for (; i + 4 <= d; i += 4)
            {
                var v = Vector128.LoadUnsafe(ref r, (nuint)i) - Vector128.LoadUnsafe(ref c, (nuint)i);
                v.StoreUnsafe(ref r, (nuint)i);
                acc = Vector128.MultiplyAddEstimate(v, v, acc);
            }
            sum += Sum4(acc);
        }
        for (; i < d; i++)
        {
            float v = Unsafe.Add(ref r, i) - Unsafe.Add(ref c, i);
            Unsafe.Add(ref r, i) = v;
            sum += v * v;
        }
        return sum;
    }
}
