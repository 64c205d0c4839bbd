using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeTok.Numerics;

/// <summary>
/// A codebook [K, D] repacked for the RVQ distance search: columns (codewords) in panels of 16, each
/// panel stored [D][16] contiguously, plus the squared codeword norms. The score of codeword k for a
/// row x is ||c_k||² − 2·x·c_k (the ||x||² term is constant per row), computed with broadcast-FMA over
/// D into vector accumulators: no horizontal sums, one streamed panel per 16 codewords.
/// <para>
/// <see cref="Scan"/> is the search itself: it keeps, per row and per lane (codewords ≡ lane mod 16),
/// the smallest and second smallest score and the index of the smallest, instead of writing a
/// [rows, K] score block, so the distance block never leaves the registers. <see cref="Distances"/>
/// writes the scores of single rows (the exact re-ranking of near-ties needs them); both accumulate
/// every lane in the same order (FMA over d = 0..D−1, then ·(−2) + norm), so their scores are bit-identical.
/// </para>
/// </summary>
internal sealed class CodebookPanels
{
    internal const int PanelWidth = 16;

    /// <summary>Rows per <see cref="Scan"/> call; x comes packed [D][GroupRows].</summary>
    internal const int GroupRows = 12;

    /// <summary>Floats of lane state per row: smallest score per lane, then second smallest per lane.</summary>
    internal const int LaneMinStride = 2 * PanelWidth;

    // [panelCount][D][16] from _panelStore[_panelOffset]: pinned and 64-byte aligned, so no 64-byte
    // panel load straddles two cache lines (an unaligned zmm load costs two L1 accesses).
    private readonly float[] _panelStore;
    private readonly int _panelOffset;
    private readonly float[] _norms;  // [panelCount * 16], padding columns +∞ so they never win

    public CodebookPanels(ReadOnlySpan<float> codebook, ReadOnlySpan<float> norms, int k, int d)
    {
        K = k;
        D = d;
        PanelCount = (k + PanelWidth - 1) / PanelWidth;
        _panelStore = GC.AllocateArray<float>(PanelCount * d * PanelWidth + PanelWidth, pinned: true);
        _panelOffset = AlignmentOffset(_panelStore);
        var panels = _panelStore.AsSpan(_panelOffset, PanelCount * d * PanelWidth);
        _norms = new float[PanelCount * PanelWidth];
        _norms.AsSpan().Fill(float.PositiveInfinity);
        norms[..k].CopyTo(_norms);
        float maxNorm2 = 0;
        foreach (float n in norms[..k]) maxNorm2 = MathF.Max(maxNorm2, n);
        MaxNorm = Math.Sqrt(maxNorm2);
        for (int j = 0; j < k; j++)
        {
            int p = j / PanelWidth, c = j % PanelWidth;
            for (int i = 0; i < d; i++) panels[(p * d + i) * PanelWidth + c] = codebook[j * d + i];
        }
    }

    private static unsafe int AlignmentOffset(float[] pinned)
    {
        nuint address = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned));
        return (int)((64 - address % 64) % 64 / sizeof(float));
    }

    private ref float Panels => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_panelStore), _panelOffset);

    public int K { get; }

    public int D { get; }

    public int PanelCount { get; }

    /// <summary>Largest codeword L2 norm (bounds the rounding of every score).</summary>
    public double MaxNorm { get; }

    /// <summary>Row stride of the distance block: K rounded up to a multiple of 16.</summary>
    public int PaddedK => PanelCount * PanelWidth;

    /// <summary>
    /// dist[r, k] = ||c_k||² − 2·x_r·c_k for rows of x [rows, D]; dist is [rows, PaddedK] (padding
    /// columns +∞). One row at a time: the near-tie re-check of single rows, and the reference for tests.
    /// </summary>
    public void Distances(ReadOnlySpan<float> x, int rows, Span<float> dist)
    {
        if (x.Length < rows * D || dist.Length < rows * PaddedK) throw new ArgumentException("CodebookPanels.Distances: buffer too small");
        ref float px = ref MemoryMarshal.GetReference(x);
        ref float pd = ref MemoryMarshal.GetReference(dist);
        ref float pp = ref Panels;
        ref float pn = ref MemoryMarshal.GetArrayDataReference(_norms);
        for (int r = 0; r < rows; r++)
        {
            ref float xr = ref Unsafe.Add(ref px, r * D);
            for (int p = 0; p < PanelCount; p++)
            {
                ref float panel = ref Unsafe.Add(ref pp, p * D * PanelWidth);
                ref float norm = ref Unsafe.Add(ref pn, p * PanelWidth);
                ref float o = ref Unsafe.Add(ref pd, r * PaddedK + p * PanelWidth);
                if (Vector512.IsHardwareAccelerated) Row512(ref xr, 1, ref panel, ref norm).StoreUnsafe(ref o);
                else if (Vector256.IsHardwareAccelerated)
                {
                    var (a, b) = Row256(ref xr, 1, ref panel, ref norm);
                    a.StoreUnsafe(ref o);
                    b.StoreUnsafe(ref o, 8);
                }
                else if (Vector128.IsHardwareAccelerated)
                {
                    var (a, b, c, e) = Row128(ref xr, 1, ref panel, ref norm);
                    a.StoreUnsafe(ref o);
                    b.StoreUnsafe(ref o, 4);
                    c.StoreUnsafe(ref o, 8);
                    e.StoreUnsafe(ref o, 12);
                }
                else RowScalar(ref xr, 1, ref panel, ref norm, ref o);
            }
        }
    }

    /// <summary>
    /// Scores every codeword for <paramref name="rows"/> rows packed in groups of <see cref="GroupRows"/>,
    /// each group [D][GroupRows] (x[12g + r, i] at (g·D + i)·GroupRows + r; rows past
    /// <paramref name="rows"/> in the last group may be read, so pad them with zeros), and updates their
    /// lane state: laneMin [row][32] (per lane the smallest, then the second smallest score seen),
    /// laneIndex [row][16] (codeword of the smallest). Start from +∞, +∞, 0.
    /// Panels are the outer loop, so one panel pair stays in L1 while every group uses it and the
    /// codebook streams through the cache once per call. Panels are visited in order and only a
    /// strictly smaller score replaces the minimum, so each lane keeps the lowest index among equal scores.
    /// </summary>
    public void Scan(ReadOnlySpan<float> packed, int rows, Span<float> laneMin, Span<int> laneIndex)
    {
        int groups = (rows + GroupRows - 1) / GroupRows;
        if (rows < 0 || packed.Length < groups * D * GroupRows || laneMin.Length < groups * GroupRows * LaneMinStride || laneIndex.Length < groups * GroupRows * PanelWidth)
            throw new ArgumentException("CodebookPanels.Scan: buffer too small");
        ref float xp0 = ref MemoryMarshal.GetReference(packed);
        ref float lm0 = ref MemoryMarshal.GetReference(laneMin);
        ref int li0 = ref MemoryMarshal.GetReference(laneIndex);
        int groupFloats = D * GroupRows;
        if (Vector512.IsHardwareAccelerated)
        {
            // 12 rows × 2 panels = 24 accumulators of the 32 zmm registers: each panel load feeds 12 FMAs,
            // each broadcast 2. Short groups (the tail of a block, streaming) use 4-row slices.
            int p = 0;
            int nextLines = 2 * D * PanelWidth * sizeof(float) / 64, perGroup = (nextLines + groups - 1) / groups;
            for (; p + 1 < PanelCount; p += 2)
                for (int g = 0; g < groups; g++)
                {
                    // Pull the next panel pair towards L2 a slice per group: the codebook of each RVQ level
                    // arrives from L3/DRAM once per block, and the hardware prefetcher alone leaves the
                    // first group of every pair waiting on it.
                    if (Sse.IsSupported && p + 3 < PanelCount) PrefetchSlice(p + 2, g * perGroup, Math.Min(nextLines, (g + 1) * perGroup));
                    int n = Math.Min(GroupRows, rows - g * GroupRows);
                    ref float xp = ref Unsafe.Add(ref xp0, g * groupFloats);
                    ref float lm = ref Unsafe.Add(ref lm0, g * GroupRows * LaneMinStride);
                    ref int li = ref Unsafe.Add(ref li0, g * GroupRows * PanelWidth);
                    if (n > 8) Pair12x512(ref xp, p, ref lm, ref li);
                    else
                        for (int r0 = 0; r0 < n; r0 += 4) Pair4x512(ref xp, r0, p, ref lm, ref li);
                }
            if (p < PanelCount)
                for (int g = 0; g < groups; g++)
                {
                    int n = Math.Min(GroupRows, rows - g * GroupRows);
                    ref float xp = ref Unsafe.Add(ref xp0, g * groupFloats);
                    ref float lm = ref Unsafe.Add(ref lm0, g * GroupRows * LaneMinStride);
                    ref int li = ref Unsafe.Add(ref li0, g * GroupRows * PanelWidth);
                    if (n > 8) One12x512(ref xp, p, ref lm, ref li);
                    else
                        for (int r0 = 0; r0 < n; r0 += 4) One4x512(ref xp, r0, p, ref lm, ref li);
                }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            // 16 ymm registers: 6 rows × one panel (2 vectors) = 12 accumulators.
            for (int p = 0; p < PanelCount; p++)
                for (int g = 0; g < groups; g++)
                {
                    int n = Math.Min(GroupRows, rows - g * GroupRows);
                    for (int r0 = 0; r0 < n; r0 += 6)
                        Panel6x256(ref Unsafe.Add(ref xp0, g * groupFloats), r0, p, ref Unsafe.Add(ref lm0, g * GroupRows * LaneMinStride), ref Unsafe.Add(ref li0, g * GroupRows * PanelWidth));
                }
        }
        else
        {
            ref float pp = ref Panels;
            ref float pn = ref MemoryMarshal.GetArrayDataReference(_norms);
            Span<float> s = stackalloc float[PanelWidth];
            ref float ps = ref MemoryMarshal.GetReference(s);
            for (int p = 0; p < PanelCount; p++)
            {
                ref float panel = ref Unsafe.Add(ref pp, p * D * PanelWidth);
                ref float norm = ref Unsafe.Add(ref pn, p * PanelWidth);
                for (int r = 0; r < rows; r++)
                {
                    ref float xr = ref Unsafe.Add(ref xp0, r / GroupRows * groupFloats + r % GroupRows);
                    ref float m = ref Unsafe.Add(ref lm0, r * LaneMinStride);
                    ref int ix = ref Unsafe.Add(ref li0, r * PanelWidth);
                    if (Vector128.IsHardwareAccelerated)
                    {
                        var (a, b, c, e) = Row128(ref xr, GroupRows, ref panel, ref norm);
                        var ids = Vector128.Create(p * PanelWidth) + Vector128<int>.Indices;
                        var four = Vector128.Create(4);
                        Update128(ref m, ref ix, a, ids);
                        Update128(ref Unsafe.Add(ref m, 4), ref Unsafe.Add(ref ix, 4), b, ids + four);
                        Update128(ref Unsafe.Add(ref m, 8), ref Unsafe.Add(ref ix, 8), c, ids + four + four);
                        Update128(ref Unsafe.Add(ref m, 12), ref Unsafe.Add(ref ix, 12), e, ids + four + four + four);
                    }
                    else
                    {
                        RowScalar(ref xr, GroupRows, ref panel, ref norm, ref ps);
                        for (int l = 0; l < PanelWidth; l++) UpdateScalar(ref Unsafe.Add(ref m, l), ref Unsafe.Add(ref ix, l), Unsafe.Add(ref ps, l), p * PanelWidth + l);
                    }
                }
            }
        }
    }

    private unsafe void PrefetchSlice(int panel, int fromLine, int toLine)
    {
        byte* b = (byte*)Unsafe.AsPointer(ref Unsafe.Add(ref Panels, panel * D * PanelWidth));
        for (int l = fromLine; l < toLine; l++) Sse.Prefetch1(b + l * 64);
    }

    /// <summary>
    /// Reads one row's lane state (<see cref="Scan"/>): the smallest score over the lanes with its
    /// codeword (the lowest index among equal scores), and the second smallest score of the row (the
    /// other lanes' smallest and every lane's second smallest; NaN if any lane saw a NaN).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (int Index, float Best, float Second) ReduceLanes(ref float laneMin, ref int laneIndex)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            var m1 = Vector512.LoadUnsafe(ref laneMin);
            var m2 = Vector512.LoadUnsafe(ref laneMin, PanelWidth);
            var ix = Vector512.LoadUnsafe(ref laneIndex);
            var best = HorizontalMin(m1);
            var at = Vector512.Equals(m1, best).AsInt32();
            var index = HorizontalMin(Vector512.ConditionalSelect(at, ix, Vector512.Create(int.MaxValue)));
            // Every lane except the winner's smallest, and every second smallest.
            var others = Vector512.ConditionalSelect((at & Vector512.Equals(ix, index)).AsSingle(), Vector512.Create(float.PositiveInfinity), m1);
            var second = HorizontalMin(Vector512.MinNative(m2, others)).ToScalar();
            if (Vector512.EqualsAll(m2, m2)) return (index.ToScalar(), best.ToScalar(), second);
            return (index.ToScalar(), best.ToScalar(), float.NaN);
        }
        int lane = 0, b = laneIndex;
        float bestScore = laneMin;
        for (int l = 1; l < PanelWidth; l++)
        {
            float v = Unsafe.Add(ref laneMin, l);
            if (v < bestScore || (v == bestScore && Unsafe.Add(ref laneIndex, l) < b))
            {
                bestScore = v;
                b = Unsafe.Add(ref laneIndex, l);
                lane = l;
            }
        }
        float secondScore = float.PositiveInfinity;
        for (int l = 0; l < PanelWidth; l++)
        {
            float v2 = Unsafe.Add(ref laneMin, PanelWidth + l);
            if (float.IsNaN(v2)) return (b, bestScore, float.NaN);
            if (v2 < secondScore) secondScore = v2;
            float v1 = Unsafe.Add(ref laneMin, l);
            if (l != lane && v1 < secondScore) secondScore = v1;
        }
        return (b, bestScore, secondScore);
    }

    // Minimum of the 16 lanes, in every lane (log-step butterfly; the inputs are not NaN).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> HorizontalMin(Vector512<float> v)
    {
        v = Vector512.MinNative(v, Vector512.Shuffle(v, Vector512.Create(8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7)));
        v = Vector512.MinNative(v, Vector512.Shuffle(v, Vector512.Create(4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11)));
        v = Vector512.MinNative(v, Vector512.Shuffle(v, Vector512.Create(2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13)));
        return Vector512.MinNative(v, Vector512.Shuffle(v, Vector512.Create(1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> HorizontalMin(Vector512<int> v)
    {
        v = Vector512.Min(v, Vector512.Shuffle(v, Vector512.Create(8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7)));
        v = Vector512.Min(v, Vector512.Shuffle(v, Vector512.Create(4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11)));
        v = Vector512.Min(v, Vector512.Shuffle(v, Vector512.Create(2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13)));
        return Vector512.Min(v, Vector512.Shuffle(v, Vector512.Create(1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14)));
    }

    // ---- AVX-512 ----

    private void Pair12x512(ref float xp, int p, ref float lm, ref int li)
    {
        int d = D;
        ref float pa = ref Unsafe.Add(ref Panels, p * d * PanelWidth);
        ref float pb = ref Unsafe.Add(ref pa, d * PanelWidth);
        ref float xi = ref xp;
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default;
        Vector512<float> a6 = default, a7 = default, a8 = default, a9 = default, a10 = default, a11 = default;
        Vector512<float> b0 = default, b1 = default, b2 = default, b3 = default, b4 = default, b5 = default;
        Vector512<float> b6 = default, b7 = default, b8 = default, b9 = default, b10 = default, b11 = default;
        for (int i = 0; i < d; i++)
        {
            var c = Vector512.LoadUnsafe(ref pa);
            var e = Vector512.LoadUnsafe(ref pb);
            var v = Vector512.Create(xi);
            a0 = Vector512.FusedMultiplyAdd(v, c, a0); b0 = Vector512.FusedMultiplyAdd(v, e, b0);
            v = Vector512.Create(Unsafe.Add(ref xi, 1));
            a1 = Vector512.FusedMultiplyAdd(v, c, a1); b1 = Vector512.FusedMultiplyAdd(v, e, b1);
            v = Vector512.Create(Unsafe.Add(ref xi, 2));
            a2 = Vector512.FusedMultiplyAdd(v, c, a2); b2 = Vector512.FusedMultiplyAdd(v, e, b2);
            v = Vector512.Create(Unsafe.Add(ref xi, 3));
            a3 = Vector512.FusedMultiplyAdd(v, c, a3); b3 = Vector512.FusedMultiplyAdd(v, e, b3);
            v = Vector512.Create(Unsafe.Add(ref xi, 4));
            a4 = Vector512.FusedMultiplyAdd(v, c, a4); b4 = Vector512.FusedMultiplyAdd(v, e, b4);
            v = Vector512.Create(Unsafe.Add(ref xi, 5));
            a5 = Vector512.FusedMultiplyAdd(v, c, a5); b5 = Vector512.FusedMultiplyAdd(v, e, b5);
            v = Vector512.Create(Unsafe.Add(ref xi, 6));
            a6 = Vector512.FusedMultiplyAdd(v, c, a6); b6 = Vector512.FusedMultiplyAdd(v, e, b6);
            v = Vector512.Create(Unsafe.Add(ref xi, 7));
            a7 = Vector512.FusedMultiplyAdd(v, c, a7); b7 = Vector512.FusedMultiplyAdd(v, e, b7);
            v = Vector512.Create(Unsafe.Add(ref xi, 8));
            a8 = Vector512.FusedMultiplyAdd(v, c, a8); b8 = Vector512.FusedMultiplyAdd(v, e, b8);
            v = Vector512.Create(Unsafe.Add(ref xi, 9));
            a9 = Vector512.FusedMultiplyAdd(v, c, a9); b9 = Vector512.FusedMultiplyAdd(v, e, b9);
            v = Vector512.Create(Unsafe.Add(ref xi, 10));
            a10 = Vector512.FusedMultiplyAdd(v, c, a10); b10 = Vector512.FusedMultiplyAdd(v, e, b10);
            v = Vector512.Create(Unsafe.Add(ref xi, 11));
            a11 = Vector512.FusedMultiplyAdd(v, c, a11); b11 = Vector512.FusedMultiplyAdd(v, e, b11);
            xi = ref Unsafe.Add(ref xi, GroupRows);
            pa = ref Unsafe.Add(ref pa, PanelWidth);
            pb = ref Unsafe.Add(ref pb, PanelWidth);
        }
        ref float pn = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_norms), p * PanelWidth);
        var na = Vector512.LoadUnsafe(ref pn);
        var nb = Vector512.LoadUnsafe(ref pn, PanelWidth);
        var ia = Vector512.Create(p * PanelWidth) + Vector512<int>.Indices;
        var ib = ia + Vector512.Create(PanelWidth);
        var m2 = Vector512.Create(-2f);
        // Lower codeword indices first (a before b), so strict "<" keeps the lowest index on ties.
        Update512(ref lm, ref li, 0, Vector512.FusedMultiplyAdd(a0, m2, na), ia); Update512(ref lm, ref li, 0, Vector512.FusedMultiplyAdd(b0, m2, nb), ib);
        Update512(ref lm, ref li, 1, Vector512.FusedMultiplyAdd(a1, m2, na), ia); Update512(ref lm, ref li, 1, Vector512.FusedMultiplyAdd(b1, m2, nb), ib);
        Update512(ref lm, ref li, 2, Vector512.FusedMultiplyAdd(a2, m2, na), ia); Update512(ref lm, ref li, 2, Vector512.FusedMultiplyAdd(b2, m2, nb), ib);
        Update512(ref lm, ref li, 3, Vector512.FusedMultiplyAdd(a3, m2, na), ia); Update512(ref lm, ref li, 3, Vector512.FusedMultiplyAdd(b3, m2, nb), ib);
        Update512(ref lm, ref li, 4, Vector512.FusedMultiplyAdd(a4, m2, na), ia); Update512(ref lm, ref li, 4, Vector512.FusedMultiplyAdd(b4, m2, nb), ib);
        Update512(ref lm, ref li, 5, Vector512.FusedMultiplyAdd(a5, m2, na), ia); Update512(ref lm, ref li, 5, Vector512.FusedMultiplyAdd(b5, m2, nb), ib);
        Update512(ref lm, ref li, 6, Vector512.FusedMultiplyAdd(a6, m2, na), ia); Update512(ref lm, ref li, 6, Vector512.FusedMultiplyAdd(b6, m2, nb), ib);
        Update512(ref lm, ref li, 7, Vector512.FusedMultiplyAdd(a7, m2, na), ia); Update512(ref lm, ref li, 7, Vector512.FusedMultiplyAdd(b7, m2, nb), ib);
        Update512(ref lm, ref li, 8, Vector512.FusedMultiplyAdd(a8, m2, na), ia); Update512(ref lm, ref li, 8, Vector512.FusedMultiplyAdd(b8, m2, nb), ib);
        Update512(ref lm, ref li, 9, Vector512.FusedMultiplyAdd(a9, m2, na), ia); Update512(ref lm, ref li, 9, Vector512.FusedMultiplyAdd(b9, m2, nb), ib);
        Update512(ref lm, ref li, 10, Vector512.FusedMultiplyAdd(a10, m2, na), ia); Update512(ref lm, ref li, 10, Vector512.FusedMultiplyAdd(b10, m2, nb), ib);
        Update512(ref lm, ref li, 11, Vector512.FusedMultiplyAdd(a11, m2, na), ia); Update512(ref lm, ref li, 11, Vector512.FusedMultiplyAdd(b11, m2, nb), ib);
    }

    private void Pair4x512(ref float xp, int r0, int p, ref float lm, ref int li)
    {
        int d = D;
        ref float pa = ref Unsafe.Add(ref Panels, p * d * PanelWidth);
        ref float pb = ref Unsafe.Add(ref pa, d * PanelWidth);
        ref float xi = ref Unsafe.Add(ref xp, r0);
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
        for (int i = 0; i < d; i++)
        {
            var c = Vector512.LoadUnsafe(ref pa);
            var e = Vector512.LoadUnsafe(ref pb);
            var v = Vector512.Create(xi);
            a0 = Vector512.FusedMultiplyAdd(v, c, a0); b0 = Vector512.FusedMultiplyAdd(v, e, b0);
            v = Vector512.Create(Unsafe.Add(ref xi, 1));
            a1 = Vector512.FusedMultiplyAdd(v, c, a1); b1 = Vector512.FusedMultiplyAdd(v, e, b1);
            v = Vector512.Create(Unsafe.Add(ref xi, 2));
            a2 = Vector512.FusedMultiplyAdd(v, c, a2); b2 = Vector512.FusedMultiplyAdd(v, e, b2);
            v = Vector512.Create(Unsafe.Add(ref xi, 3));
            a3 = Vector512.FusedMultiplyAdd(v, c, a3); b3 = Vector512.FusedMultiplyAdd(v, e, b3);
            xi = ref Unsafe.Add(ref xi, GroupRows);
            pa = ref Unsafe.Add(ref pa, PanelWidth);
            pb = ref Unsafe.Add(ref pb, PanelWidth);
        }
        ref float pn = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_norms), p * PanelWidth);
        var na = Vector512.LoadUnsafe(ref pn);
        var nb = Vector512.LoadUnsafe(ref pn, PanelWidth);
        var ia = Vector512.Create(p * PanelWidth) + Vector512<int>.Indices;
        var ib = ia + Vector512.Create(PanelWidth);
        var m2 = Vector512.Create(-2f);
        Update512(ref lm, ref li, r0, Vector512.FusedMultiplyAdd(a0, m2, na), ia); Update512(ref lm, ref li, r0, Vector512.FusedMultiplyAdd(b0, m2, nb), ib);
        Update512(ref lm, ref li, r0 + 1, Vector512.FusedMultiplyAdd(a1, m2, na), ia); Update512(ref lm, ref li, r0 + 1, Vector512.FusedMultiplyAdd(b1, m2, nb), ib);
        Update512(ref lm, ref li, r0 + 2, Vector512.FusedMultiplyAdd(a2, m2, na), ia); Update512(ref lm, ref li, r0 + 2, Vector512.FusedMultiplyAdd(b2, m2, nb), ib);
        Update512(ref lm, ref li, r0 + 3, Vector512.FusedMultiplyAdd(a3, m2, na), ia); Update512(ref lm, ref li, r0 + 3, Vector512.FusedMultiplyAdd(b3, m2, nb), ib);
    }

    // The last panel when the count is odd (K ≤ 16: the only one), 12 rows × 1 panel = 12 accumulators.
    private void One12x512(ref float xp, int p, ref float lm, ref int li)
    {
        int d = D;
        ref float pa = ref Unsafe.Add(ref Panels, p * d * PanelWidth);
        ref float xi = ref xp;
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default;
        Vector512<float> a6 = default, a7 = default, a8 = default, a9 = default, a10 = default, a11 = default;
        for (int i = 0; i < d; i++)
        {
            var c = Vector512.LoadUnsafe(ref pa);
            a0 = Vector512.FusedMultiplyAdd(Vector512.Create(xi), c, a0);
            a1 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref xi, 1)), c, a1);
            a2 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref xi, 2)), c, a2);
            a3 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref xi, 3)), c, a3);
            a4 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref xi, 4)), c, a4);
            a5 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref xi, 5)), c, a5);
            a6 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref xi, 6)), c, a6);
            a7 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref xi, 7)), c, a7);
            a8 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref xi, 8)), c, a8);
            a9 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref xi, 9)), c, a9);
            a10 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref xi, 10)), c, a10);
            a11 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref xi, 11)), c, a11);
            xi = ref Unsafe.Add(ref xi, GroupRows);
            pa = ref Unsafe.Add(ref pa, PanelWidth);
        }
        var na = Vector512.LoadUnsafe(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_norms), p * PanelWidth));
        var ia = Vector512.Create(p * PanelWidth) + Vector512<int>.Indices;
        var m2 = Vector512.Create(-2f);
        Update512(ref lm, ref li, 0, Vector512.FusedMultiplyAdd(a0, m2, na), ia);
        Update512(ref lm, ref li, 1, Vector512.FusedMultiplyAdd(a1, m2, na), ia);
        Update512(ref lm, ref li, 2, Vector512.FusedMultiplyAdd(a2, m2, na), ia);
        Update512(ref lm, ref li, 3, Vector512.FusedMultiplyAdd(a3, m2, na), ia);
        Update512(ref lm, ref li, 4, Vector512.FusedMultiplyAdd(a4, m2, na), ia);
        Update512(ref lm, ref li, 5, Vector512.FusedMultiplyAdd(a5, m2, na), ia);
        Update512(ref lm, ref li, 6, Vector512.FusedMultiplyAdd(a6, m2, na), ia);
        Update512(ref lm, ref li, 7, Vector512.FusedMultiplyAdd(a7, m2, na), ia);
        Update512(ref lm, ref li, 8, Vector512.FusedMultiplyAdd(a8, m2, na), ia);
        Update512(ref lm, ref li, 9, Vector512.FusedMultiplyAdd(a9, m2, na), ia);
        Update512(ref lm, ref li, 10, Vector512.FusedMultiplyAdd(a10, m2, na), ia);
        Update512(ref lm, ref li, 11, Vector512.FusedMultiplyAdd(a11, m2, na), ia);
    }

    private void One4x512(ref float xp, int r0, int p, ref float lm, ref int li)
    {
        int d = D;
        ref float pa = ref Unsafe.Add(ref Panels, p * d * PanelWidth);
        ref float xi = ref Unsafe.Add(ref xp, r0);
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
        for (int i = 0; i < d; i++)
        {
            var c = Vector512.LoadUnsafe(ref pa);
            a0 = Vector512.FusedMultiplyAdd(Vector512.Create(xi), c, a0);
            a1 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref xi, 1)), c, a1);
            a2 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref xi, 2)), c, a2);
            a3 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref xi, 3)), c, a3);
            xi = ref Unsafe.Add(ref xi, GroupRows);
            pa = ref Unsafe.Add(ref pa, PanelWidth);
        }
        var na = Vector512.LoadUnsafe(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_norms), p * PanelWidth));
        var ia = Vector512.Create(p * PanelWidth) + Vector512<int>.Indices;
        var m2 = Vector512.Create(-2f);
        Update512(ref lm, ref li, r0, Vector512.FusedMultiplyAdd(a0, m2, na), ia);
        Update512(ref lm, ref li, r0 + 1, Vector512.FusedMultiplyAdd(a1, m2, na), ia);
        Update512(ref lm, ref li, r0 + 2, Vector512.FusedMultiplyAdd(a2, m2, na), ia);
        Update512(ref lm, ref li, r0 + 3, Vector512.FusedMultiplyAdd(a3, m2, na), ia);
    }

    /// <summary>Scores of one panel for one row whose elements lie <paramref name="xStride"/> apart.</summary>
    private Vector512<float> Row512(ref float x, int xStride, ref float panel, ref float norm)
    {
        Vector512<float> a = default;
        for (int i = 0; i < D; i++)
        {
            a = Vector512.FusedMultiplyAdd(Vector512.Create(x), Vector512.LoadUnsafe(ref panel), a);
            x = ref Unsafe.Add(ref x, xStride);
            panel = ref Unsafe.Add(ref panel, PanelWidth);
        }
        return Vector512.FusedMultiplyAdd(a, Vector512.Create(-2f), Vector512.LoadUnsafe(ref norm));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update512(ref float lm, ref int li, int row, Vector512<float> s, Vector512<int> ids)
    {
        ref float m = ref Unsafe.Add(ref lm, row * LaneMinStride);
        ref int ix = ref Unsafe.Add(ref li, row * PanelWidth);
        var m1 = Vector512.LoadUnsafe(ref m);
        var lt = Vector512.LessThan(s, m1);
        // Second smallest: min(second, max(smallest, s)); keeps equal scores so ties are seen.
        Vector512.MinNative(Vector512.LoadUnsafe(ref m, PanelWidth), Vector512.MaxNative(m1, s)).StoreUnsafe(ref m, PanelWidth);
        Vector512.ConditionalSelect(lt, s, m1).StoreUnsafe(ref m);
        Vector512.ConditionalSelect(lt.AsInt32(), ids, Vector512.LoadUnsafe(ref ix)).StoreUnsafe(ref ix);
    }

    // ---- AVX2 ----

    private void Panel6x256(ref float xp, int r0, int p, ref float lm, ref int li)
    {
        int d = D;
        ref float pa = ref Unsafe.Add(ref Panels, p * d * PanelWidth);
        ref float xi = ref Unsafe.Add(ref xp, r0);
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default;
        Vector256<float> b0 = default, b1 = default, b2 = default, b3 = default, b4 = default, b5 = default;
        for (int i = 0; i < d; i++)
        {
            var c = Vector256.LoadUnsafe(ref pa);
            var e = Vector256.LoadUnsafe(ref pa, 8);
            var v = Vector256.Create(xi);
            a0 = Vector256.FusedMultiplyAdd(v, c, a0); b0 = Vector256.FusedMultiplyAdd(v, e, b0);
            v = Vector256.Create(Unsafe.Add(ref xi, 1));
            a1 = Vector256.FusedMultiplyAdd(v, c, a1); b1 = Vector256.FusedMultiplyAdd(v, e, b1);
            v = Vector256.Create(Unsafe.Add(ref xi, 2));
            a2 = Vector256.FusedMultiplyAdd(v, c, a2); b2 = Vector256.FusedMultiplyAdd(v, e, b2);
            v = Vector256.Create(Unsafe.Add(ref xi, 3));
            a3 = Vector256.FusedMultiplyAdd(v, c, a3); b3 = Vector256.FusedMultiplyAdd(v, e, b3);
            v = Vector256.Create(Unsafe.Add(ref xi, 4));
            a4 = Vector256.FusedMultiplyAdd(v, c, a4); b4 = Vector256.FusedMultiplyAdd(v, e, b4);
            v = Vector256.Create(Unsafe.Add(ref xi, 5));
            a5 = Vector256.FusedMultiplyAdd(v, c, a5); b5 = Vector256.FusedMultiplyAdd(v, e, b5);
            xi = ref Unsafe.Add(ref xi, GroupRows);
            pa = ref Unsafe.Add(ref pa, PanelWidth);
        }
        ref float pn = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_norms), p * PanelWidth);
        var na = Vector256.LoadUnsafe(ref pn);
        var nb = Vector256.LoadUnsafe(ref pn, 8);
        var ia = Vector256.Create(p * PanelWidth) + Vector256<int>.Indices;
        var ib = ia + Vector256.Create(8);
        var m2 = Vector256.Create(-2f);
        Update256(ref lm, ref li, r0, 0, Vector256.FusedMultiplyAdd(a0, m2, na), ia); Update256(ref lm, ref li, r0, 8, Vector256.FusedMultiplyAdd(b0, m2, nb), ib);
        Update256(ref lm, ref li, r0 + 1, 0, Vector256.FusedMultiplyAdd(a1, m2, na), ia); Update256(ref lm, ref li, r0 + 1, 8, Vector256.FusedMultiplyAdd(b1, m2, nb), ib);
        Update256(ref lm, ref li, r0 + 2, 0, Vector256.FusedMultiplyAdd(a2, m2, na), ia); Update256(ref lm, ref li, r0 + 2, 8, Vector256.FusedMultiplyAdd(b2, m2, nb), ib);
        Update256(ref lm, ref li, r0 + 3, 0, Vector256.FusedMultiplyAdd(a3, m2, na), ia); Update256(ref lm, ref li, r0 + 3, 8, Vector256.FusedMultiplyAdd(b3, m2, nb), ib);
        Update256(ref lm, ref li, r0 + 4, 0, Vector256.FusedMultiplyAdd(a4, m2, na), ia); Update256(ref lm, ref li, r0 + 4, 8, Vector256.FusedMultiplyAdd(b4, m2, nb), ib);
        Update256(ref lm, ref li, r0 + 5, 0, Vector256.FusedMultiplyAdd(a5, m2, na), ia); Update256(ref lm, ref li, r0 + 5, 8, Vector256.FusedMultiplyAdd(b5, m2, nb), ib);
    }

    private (Vector256<float>, Vector256<float>) Row256(ref float x, int xStride, ref float panel, ref float norm)
    {
        Vector256<float> a = default, b = default;
        for (int i = 0; i < D; i++)
        {
            var v = Vector256.Create(x);
            a = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref panel), a);
            b = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref panel, 8), b);
            x = ref Unsafe.Add(ref x, xStride);
            panel = ref Unsafe.Add(ref panel, PanelWidth);
        }
        var m2 = Vector256.Create(-2f);
        return (Vector256.FusedMultiplyAdd(a, m2, Vector256.LoadUnsafe(ref norm)), Vector256.FusedMultiplyAdd(b, m2, Vector256.LoadUnsafe(ref norm, 8)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update256(ref float lm, ref int li, int row, int lane, Vector256<float> s, Vector256<int> ids)
    {
        ref float m = ref Unsafe.Add(ref lm, row * LaneMinStride + lane);
        ref int ix = ref Unsafe.Add(ref li, row * PanelWidth + lane);
        var m1 = Vector256.LoadUnsafe(ref m);
        var lt = Vector256.LessThan(s, m1);
        Vector256.MinNative(Vector256.LoadUnsafe(ref m, PanelWidth), Vector256.MaxNative(m1, s)).StoreUnsafe(ref m, PanelWidth);
        Vector256.ConditionalSelect(lt, s, m1).StoreUnsafe(ref m);
        Vector256.ConditionalSelect(lt.AsInt32(), ids, Vector256.LoadUnsafe(ref ix)).StoreUnsafe(ref ix);
    }

    // ---- 128-bit and scalar ----

    private (Vector128<float>, Vector128<float>, Vector128<float>, Vector128<float>) Row128(ref float x, int xStride, ref float panel, ref float norm)
    {
        Vector128<float> a = default, b = default, c = default, e = default;
        for (int i = 0; i < D; i++)
        {
            var v = Vector128.Create(x);
            a = Vector128.FusedMultiplyAdd(v, Vector128.LoadUnsafe(ref panel), a);
            b = Vector128.FusedMultiplyAdd(v, Vector128.LoadUnsafe(ref panel, 4), b);
            c = Vector128.FusedMultiplyAdd(v, Vector128.LoadUnsafe(ref panel, 8), c);
            e = Vector128.FusedMultiplyAdd(v, Vector128.LoadUnsafe(ref panel, 12), e);
            x = ref Unsafe.Add(ref x, xStride);
            panel = ref Unsafe.Add(ref panel, PanelWidth);
        }
        var m2 = Vector128.Create(-2f);
        return (Vector128.FusedMultiplyAdd(a, m2, Vector128.LoadUnsafe(ref norm)), Vector128.FusedMultiplyAdd(b, m2, Vector128.LoadUnsafe(ref norm, 4)),
            Vector128.FusedMultiplyAdd(c, m2, Vector128.LoadUnsafe(ref norm, 8)), Vector128.FusedMultiplyAdd(e, m2, Vector128.LoadUnsafe(ref norm, 12)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update128(ref float m, ref int ix, Vector128<float> s, Vector128<int> ids)
    {
        var m1 = Vector128.LoadUnsafe(ref m);
        var lt = Vector128.LessThan(s, m1);
        Vector128.MinNative(Vector128.LoadUnsafe(ref m, PanelWidth), Vector128.MaxNative(m1, s)).StoreUnsafe(ref m, PanelWidth);
        Vector128.ConditionalSelect(lt, s, m1).StoreUnsafe(ref m);
        Vector128.ConditionalSelect(lt.AsInt32(), ids, Vector128.LoadUnsafe(ref ix)).StoreUnsafe(ref ix);
    }

    private void RowScalar(ref float x, int xStride, ref float panel, ref float norm, ref float o)
    {
        for (int j = 0; j < PanelWidth; j++)
        {
            float s = 0;
            for (int i = 0; i < D; i++) s = MathF.FusedMultiplyAdd(Unsafe.Add(ref x, i * xStride), Unsafe.Add(ref panel, i * PanelWidth + j), s);
            Unsafe.Add(ref o, j) = MathF.FusedMultiplyAdd(s, -2f, Unsafe.Add(ref norm, j));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void UpdateScalar(ref float m, ref int ix, float s, int index)
    {
        float m1 = m;
        ref float m2 = ref Unsafe.Add(ref m, PanelWidth);
        float hi = s < m1 ? m1 : s;
        if (hi < m2 || float.IsNaN(hi)) m2 = hi;
        if (s < m1)
        {
            m = s;
            ix = index;
        }
    }
}
