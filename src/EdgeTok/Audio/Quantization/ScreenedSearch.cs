using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using EdgeTok.Numerics;

namespace EdgeTok.Audio.Quantization;

/// <summary>
/// Nearest-codeword search for large codebooks in two stages, with the same answer as a float64 brute
/// force. Screening: each row x is rounded to 8 bits (x ≈ s_x·q_x, s_x = max|x|/127) and scored against
/// the 8-bit codebook (<see cref="QuantizedCodebook"/>) with integer dot products — on AVX-VNNI twice the
/// multiply-adds per instruction of float32 FMA. Every screened score lies within
/// E = 2·(||e_x||·max||c|| + ||s_x·q_x||·max||e_c||) (+ float rounding) of the exact ||c||² − 2·x·c, where
/// e_x, e_c are the rounding errors, so only codewords screened within 2E of the smallest can be the
/// nearest. The kernel keeps per row and lane the two smallest scores, which yields that candidate set
/// exactly (a lane whose second smallest is also inside contributes all its codewords). Candidates are then
/// scored in float32 and near-ties re-ranked in float64, as <see cref="NearestCodeword"/> does.
/// </summary>
internal static class ScreenedSearch
{
    /// <summary>Smallest codebook screened: the candidate stage is a fixed cost per row, and smaller codebooks take the other searches.</summary>
    internal const int MinCodewords = 128;

    /// <summary>Dimension range: from 16 (shorter rows were not measured to gain; SNAC's 8 takes the float32 search), up to 1024 (integer sums stay exact in float32).</summary>
    internal const int MinDimension = 16, MaxDimension = 1024;

    // Rows or codewords beyond this magnitude take the float32 search: scores then stay far from overflow.
    private const float MaxMagnitude = 1e15f;

    /// <summary>Whether a [K, D] codebook is screened on this CPU (AVX-VNNI; elsewhere the float32 search is faster).</summary>
    internal static bool Applies(int k, int d) => QuantizedCodebook.IsAccelerated && k >= MinCodewords && d >= MinDimension && d <= MaxDimension;

    /// <summary>Bytes of scratch for <paramref name="rows"/> rows: packed 8-bit rows.</summary>
    internal static int ScratchBytes(QuantizedCodebook qc, int rows) => qc.PackedBytes(rows);

    /// <summary>Floats of scratch for <paramref name="rows"/> rows: lane state, three per-row values and one row of candidate scores.</summary>
    internal static int ScratchFloats(QuantizedCodebook qc, int rows)
    {
        int padded = (rows + QuantizedCodebook.GroupRows - 1) / QuantizedCodebook.GroupRows * QuantizedCodebook.GroupRows;
        return padded * (QuantizedCodebook.StateStride + 3) + qc.K + 16;
    }

    /// <summary>
    /// Rows between finding a row's candidates (and prefetching their float32 codewords) and re-ranking
    /// them: those codewords lie in memory the screening never touches, so the re-rank would otherwise
    /// wait on each cache miss in turn.
    /// </summary>
    private const int PrefetchRows = 3;

    /// <summary>Ints of scratch: the candidate lists of the rows in flight.</summary>
    internal static int ScratchInts(QuantizedCodebook qc) => (PrefetchRows + 1) * qc.K;

    /// <summary>
    /// Nearest codeword of each of <paramref name="rows"/> rows of <paramref name="x"/> [rows, D].
    /// <paramref name="codebook"/> is the float32 codebook [K, D]; rows that cannot be screened (huge or
    /// non-finite scores) take <see cref="NearestCodeword.Search"/> over <paramref name="panels"/> with
    /// <paramref name="fallbackFloats"/> / <paramref name="fallbackInts"/> (sized for one row).
    /// </summary>
    internal static void Search(ReadOnlySpan<float> x, int rows, QuantizedCodebook qc, ReadOnlySpan<float> codebook, CodebookPanels panels,
        Span<byte> bytes, Span<float> floats, Span<int> ints, Span<float> fallbackFloats, Span<int> fallbackInts, Span<int> best)
    {
        int d = qc.D, k = qc.K, g = QuantizedCodebook.GroupRows;
        int padded = (rows + g - 1) / g * g;
        if (rows < 0 || x.Length < rows * d || best.Length < rows || codebook.Length < k * d
            || bytes.Length < ScratchBytes(qc, rows) || floats.Length < ScratchFloats(qc, rows) || ints.Length < ScratchInts(qc))
            throw new ArgumentException("ScreenedSearch.Search: buffer too small");
        // The lane state is loaded and stored as whole vectors at every step: start it on a cache line.
        floats = floats[CacheLine.Offset(floats)..];
        var state = floats[..(padded * QuantizedCodebook.StateStride)];
        var rowScale = floats.Slice(padded * QuantizedCodebook.StateStride, padded);
        var window = floats.Slice(padded * (QuantizedCodebook.StateStride + 1), padded);
        var rowNorm = floats.Slice(padded * (QuantizedCodebook.StateStride + 2), padded);
        var scores = floats.Slice(padded * (QuantizedCodebook.StateStride + 3), k);
        Quantize(x, rows, qc, bytes, rowScale, window, rowNorm);
        qc.Scan(bytes, rows, rowScale, state);
        double band = NearestCodeword.BandFactor(d);
        const int ring = PrefetchRows + 1;
        Span<int> counts = stackalloc int[ring];
        for (int r = 0; r < rows + PrefetchRows; r++)
        {
            if (r < rows)
            {
                var st = state.Slice(r * QuantizedCodebook.StateStride, QuantizedCodebook.StateStride);
                var list = ints.Slice(r % ring * k, k);
                int n = counts[r % ring] = window[r] >= 0 ? Candidates(st, window[r], k, qc.StepCount, list) : -1;
                if (n > 1) Prefetch(codebook, d, list[..n]);
            }
            int rr = r - PrefetchRows;
            if (rr < 0) continue;
            var xr = x.Slice(rr * d, d);
            int m = counts[rr % ring];
            var cands = ints.Slice(rr % ring * k, Math.Max(m, 0));
            if (m < 1)
            {
                // Not screenable (huge magnitudes) or an overflowed score: the float32 search decides.
                NearestCodeword.Search(xr, 1, panels, codebook, fallbackFloats, fallbackInts, best.Slice(rr, 1));
                continue;
            }
            best[rr] = m == 1 ? cands[0]
                : ReRank(xr, cands, qc, codebook, scores, (float)(band * (qc.MaxSquaredNorm + 2 * rowNorm[rr] * qc.MaxNorm) + 1e-30));
        }
    }

    // Asks for the cache lines of the candidates' float32 codewords.
    private static unsafe void Prefetch(ReadOnlySpan<float> codebook, int d, ReadOnlySpan<int> candidates)
    {
        if (!Sse.IsSupported) return;
        fixed (float* cb = codebook)
        {
            foreach (int j in candidates)
            {
                float* row = cb + (nint)j * d;
                for (int i = 0; i < d; i += 16) Sse.Prefetch0(row + i);
                Sse.Prefetch0(row + d - 1);
            }
        }
    }

    // Every codeword whose screened score may be within `window` of the smallest: a lane's smallest if
    // inside; if its second smallest is inside too, every codeword of the lane (the kernel kept no more
    // about it). −1 when the smallest score or the limit is not finite.
    private static int Candidates(ReadOnlySpan<float> st, float window, int k, int steps, Span<int> list)
    {
        const int w = QuantizedCodebook.StateLanes;
        ref float m = ref MemoryMarshal.GetReference(st);
        float bmin;
        if (Vector256.IsHardwareAccelerated)
        {
            var v = Vector256.LoadUnsafe(ref m);
            for (int i = 8; i < w; i += 8) v = Vector256.MinNative(v, Vector256.LoadUnsafe(ref m, (nuint)i));
            var h = Vector128.MinNative(v.GetLower(), v.GetUpper());
            bmin = MathF.Min(MathF.Min(h[0], h[1]), MathF.Min(h[2], h[3]));
        }
        else bmin = TensorPrimitives.Min(st[..w]);
        float limit = bmin + window;
        if (!float.IsFinite(limit)) return -1;
        int n = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var lv = Vector256.Create(limit);
            for (int i = 0; i < w; i += 8)
            {
                uint mask = Vector256.LessThanOrEqual(Vector256.LoadUnsafe(ref m, (nuint)i), lv).ExtractMostSignificantBits();
                while (mask != 0)
                {
                    n = AddLane(st, i + BitOperations.TrailingZeroCount(mask), limit, k, steps, list, n);
                    mask &= mask - 1;
                }
            }
        }
        else
        {
            for (int lane = 0; lane < w; lane++)
                if (st[lane] <= limit) n = AddLane(st, lane, limit, k, steps, list, n);
        }
        return n;
    }

    private static int AddLane(ReadOnlySpan<float> st, int lane, float limit, int k, int steps, Span<int> list, int n)
    {
        const int w = QuantizedCodebook.StateLanes, sw = QuantizedCodebook.StepWidth, phases = QuantizedCodebook.Phases;
        if (st[w + lane] <= limit)
        {
            // Lane = phase·24 + column: codewords 24·t + column of the steps t ≡ phase (mod 4).
            for (int t = lane / sw; t < steps; t += phases)
                if (t * sw + lane % sw < k) list[n++] = t * sw + lane % sw;
        }
        else
            list[n++] = MemoryMarshal.Cast<float, int>(st)[2 * w + lane];
        return n;
    }

    // Float32 scores of the candidates, then float64 distances for those within rounding of the best
    // (ties: lowest index) — the rule of NearestCodeword, restricted to a set that holds the nearest.
    private static int ReRank(ReadOnlySpan<float> xr, ReadOnlySpan<int> candidates, QuantizedCodebook qc, ReadOnlySpan<float> codebook, Span<float> scores, float band)
    {
        int d = qc.D;
        float b32 = float.PositiveInfinity;
        int at = -1;
        for (int i = 0; i < candidates.Length; i++)
        {
            int j = candidates[i];
            scores[i] = MathF.FusedMultiplyAdd(Dot(xr, codebook.Slice(j * d, d)), -2f, qc.Norm(j));
            if (scores[i] < b32 || at < 0)
            {
                b32 = scores[i];
                at = i;
            }
        }
        float cut = b32 + band;
        int near = 0;
        for (int i = 0; i < candidates.Length; i++) if (scores[i] <= cut) near++;
        if (near == 1) return candidates[at];
        int b = -1;
        double bestD = double.PositiveInfinity;
        for (int i = 0; i < candidates.Length; i++)
        {
            if (!(scores[i] <= cut)) continue;
            int j = candidates[i];
            double dj = NearestCodeword.Exact(xr, codebook.Slice(j * d, d));
            if (b < 0 || dj < bestD || (dj == bestD && j < b))
            {
                b = j;
                bestD = dj;
            }
        }
        return b;
    }

    // x·c with two vector accumulators (the candidates' scores; their rounding is covered by the band).
    private static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> c)
    {
        if (!Vector512.IsHardwareAccelerated || x.Length < 32) return TensorPrimitives.Dot(x, c);
        ref float xp = ref MemoryMarshal.GetReference(x);
        ref float cp = ref MemoryMarshal.GetReference(c);
        Vector512<float> a = default, b = default;
        int i = 0;
        for (; i + 32 <= x.Length; i += 32)
        {
            a = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xp, (nuint)i), Vector512.LoadUnsafe(ref cp, (nuint)i), a);
            b = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xp, (nuint)i + 16), Vector512.LoadUnsafe(ref cp, (nuint)i + 16), b);
        }
        float s = Vector512.Sum(a + b);
        for (; i < x.Length; i++) s = MathF.FusedMultiplyAdd(x[i], c[i], s);
        return s;
    }

    /// <summary>
    /// Rounds rows to bytes q + 128 in groups of 4 ([Steps4][4 rows][4 bytes]; padding dimensions and rows
    /// are q = 0) and writes per row the scale s_x, the window 2E (negative: not screenable) and ||x||.
    /// </summary>
    internal static void Quantize(ReadOnlySpan<float> x, int rows, QuantizedCodebook qc, Span<byte> packed,
        Span<float> rowScale, Span<float> window, Span<float> rowNorm)
    {
        int d = qc.D, s4 = qc.Steps4, g = QuantizedCodebook.GroupRows;
        int padded = (rows + g - 1) / g * g;
        var words = MemoryMarshal.Cast<byte, int>(packed[..qc.PackedBytes(rows)]);
        // One row of words q + 128 at a time, then 4 rows interleaved into the group layout.
        Span<int> row = stackalloc int[4 * s4];
        double cn = qc.MaxNorm, ce = qc.MaxError;
        for (int r0 = 0; r0 < padded; r0 += g)
        {
            for (int i = 0; i < g; i++)
            {
                int r = r0 + i;
                var dst = MemoryMarshal.AsBytes(row.Slice(i * s4, s4));
                if (r >= rows)
                {
                    dst.Fill(0x80);
                    rowScale[r] = 0;
                    window[r] = 0;
                    rowNorm[r] = 0;
                    continue;
                }
                var xr = x.Slice(r * d, d);
                float maxAbs = MaxAbs(xr);
                if (!(maxAbs <= MaxMagnitude) || !(cn <= MaxMagnitude))
                {
                    dst.Fill(0x80);
                    rowScale[r] = 0;
                    window[r] = -1;
                    rowNorm[r] = 0;
                    continue;
                }
                float sx = maxAbs / 127f;
                float inv = maxAbs > 0 ? 1f / sx : 0f;
                var (e2, q2, x2) = QuantizeRow(xr, sx, inv, dst);
                double exn = Math.Sqrt(e2), xqn = sx * Math.Sqrt(q2);
                // Screening error of one score (Cauchy–Schwarz on both rounding errors), with margin for the
                // float32 sums of e² and q² (relative error ≤ D·2⁻²⁴ ≤ 2⁻¹⁴) and for the kernel's float32
                // score arithmetic and norm rounding (a few ulps of the terms).
                double e = (1 + 1e-3) * 2 * (exn * cn + xqn * ce) + Math.ScaleB(1.0, -20) * (2 * xqn * (cn + ce) + qc.MaxSquaredNorm) + 1e-30;
                rowScale[r] = sx;
                window[r] = (float)(2 * e * (1 + 1e-6));
                rowNorm[r] = MathF.Sqrt(x2);
            }
            Interleave(row, s4, words.Slice(r0 / g * s4 * g, s4 * g));
        }
    }

    // words[s·4 + i] = row i's word s: a 4 × 4 transpose of 32-bit words per 4 steps.
    private static void Interleave(ReadOnlySpan<int> rows, int s4, Span<int> words)
    {
        int s = 0;
        if (Sse2.IsSupported)
        {
            ref int src = ref MemoryMarshal.GetReference(rows);
            ref int dst = ref MemoryMarshal.GetReference(words);
            for (; s + 4 <= s4; s += 4)
            {
                var a = Vector128.LoadUnsafe(ref src, (nuint)s);
                var b = Vector128.LoadUnsafe(ref src, (nuint)(s4 + s));
                var c = Vector128.LoadUnsafe(ref src, (nuint)(2 * s4 + s));
                var e = Vector128.LoadUnsafe(ref src, (nuint)(3 * s4 + s));
                var ab0 = Sse2.UnpackLow(a, b).AsInt64();   // a0 b0 a1 b1
                var ab1 = Sse2.UnpackHigh(a, b).AsInt64();  // a2 b2 a3 b3
                var ce0 = Sse2.UnpackLow(c, e).AsInt64();
                var ce1 = Sse2.UnpackHigh(c, e).AsInt64();
                Sse2.UnpackLow(ab0, ce0).AsInt32().StoreUnsafe(ref dst, (nuint)(s * 4));
                Sse2.UnpackHigh(ab0, ce0).AsInt32().StoreUnsafe(ref dst, (nuint)(s * 4 + 4));
                Sse2.UnpackLow(ab1, ce1).AsInt32().StoreUnsafe(ref dst, (nuint)(s * 4 + 8));
                Sse2.UnpackHigh(ab1, ce1).AsInt32().StoreUnsafe(ref dst, (nuint)(s * 4 + 12));
            }
        }
        for (; s < s4; s++)
            for (int i = 0; i < 4; i++) words[s * 4 + i] = rows[i * s4 + s];
    }

    private static float MaxAbs(ReadOnlySpan<float> xr)
    {
        int i = 0;
        float m = 0;
        ref float xp = ref MemoryMarshal.GetReference(xr);
        if (Vector256.IsHardwareAccelerated && xr.Length >= 8)
        {
            var v = Vector256<float>.Zero;
            for (; i + 8 <= xr.Length; i += 8) v = Vector256.MaxNative(v, Vector256.Abs(Vector256.LoadUnsafe(ref xp, (nuint)i)));
            var h = Vector128.MaxNative(v.GetLower(), v.GetUpper());
            m = MathF.Max(MathF.Max(h[0], h[1]), MathF.Max(h[2], h[3]));
        }
        for (; i < xr.Length; i++) m = MathF.Max(m, MathF.Abs(xr[i]));
        return m;
    }

    // Rounds one row into bytes q + 128 (dst: Steps4·4 bytes; padding dimensions 128) and returns
    // (Σ e², Σ q², Σ x²) with e = x − s·q.
    private static (float E2, float Q2, float X2) QuantizeRow(ReadOnlySpan<float> xr, float sx, float inv, Span<byte> dst)
    {
        int d = xr.Length, i = 0;
        float e2 = 0, q2 = 0, x2 = 0;
        ref float xp = ref MemoryMarshal.GetReference(xr);
        ref byte bp = ref MemoryMarshal.GetReference(dst);
        if (Vector256.IsHardwareAccelerated && d >= 32)
        {
            Vector256<float> ve = default, vq = default, vx = default;
            var vinv = Vector256.Create(inv);
            var vs = Vector256.Create(sx);
            var off = Vector256.Create(128);
            for (; i + 32 <= d; i += 32)
            {
                var q0 = Round(Vector256.LoadUnsafe(ref xp, (nuint)i), vinv, vs, ref ve, ref vq, ref vx);
                var q1 = Round(Vector256.LoadUnsafe(ref xp, (nuint)i + 8), vinv, vs, ref ve, ref vq, ref vx);
                var q2v = Round(Vector256.LoadUnsafe(ref xp, (nuint)i + 16), vinv, vs, ref ve, ref vq, ref vx);
                var q3 = Round(Vector256.LoadUnsafe(ref xp, (nuint)i + 24), vinv, vs, ref ve, ref vq, ref vx);
                Vector256.Narrow(Vector256.Narrow(q0 + off, q1 + off), Vector256.Narrow(q2v + off, q3 + off)).AsByte().StoreUnsafe(ref bp, (nuint)i);
            }
            e2 = Vector256.Sum(ve);
            q2 = Vector256.Sum(vq);
            x2 = Vector256.Sum(vx);
        }
        for (; i < d; i++)
        {
            float v = xr[i];
            float q = Math.Clamp(MathF.Round(v * inv), -127f, 127f);
            float e = MathF.FusedMultiplyAdd(-sx, q, v);
            e2 += e * e;
            q2 += q * q;
            x2 += v * v;
            dst[i] = (byte)((int)q + 128);
        }
        for (; i < dst.Length; i++) dst[i] = 0x80;
        return (e2, q2, x2);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Round(Vector256<float> v, Vector256<float> inv, Vector256<float> s,
        ref Vector256<float> e2, ref Vector256<float> q2, ref Vector256<float> x2)
    {
        // |v·inv| ≤ 127 up to rounding, so the rounded value needs no clamp beyond ±127.
        var q = Vector256.MinNative(Vector256.MaxNative(Vector256.Round(v * inv), Vector256.Create(-127f)), Vector256.Create(127f));
        var e = Vector256.FusedMultiplyAdd(-s, q, v);
        e2 = Vector256.FusedMultiplyAdd(e, e, e2);
        q2 = Vector256.FusedMultiplyAdd(q, q, q2);
        x2 = Vector256.FusedMultiplyAdd(v, v, x2);
        return Vector256.ConvertToInt32(q);
    }
}
