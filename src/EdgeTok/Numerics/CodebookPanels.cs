using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeTok.Numerics;

/// <summary>
/// A codebook [K, D] prepared for the RVQ distance search: the codewords as a <see cref="PanelMatrix"/>
/// (16 per [D][16] panel) plus their squared norms. The score of codeword k for a row x is
/// ||c_k||² − 2·x·c_k (the ||x||² term is constant per row).
/// <para>
/// <see cref="Scan"/> is the search itself: it keeps, per row and per lane (codewords ≡ lane mod 16),
/// the smallest and second smallest score and the index of the smallest, instead of writing a
/// [rows, K] score block, so the distance block never leaves the registers. <see cref="Distances(ReadOnlySpan{float}, int, Span{float}, Span{float})"/>
/// writes the scores of single rows (the exact re-ranking of near-ties needs them); both run the same
/// kernels and turn the products into scores the same way (·(−2) + norm, one FMA), so their scores are
/// bit-identical.
/// </para>
/// </summary>
internal sealed class CodebookPanels
{
    internal const int PanelWidth = PanelMatrix.Width;

    /// <summary>Rows per packed group (<see cref="PanelMatrix.PackRows"/>).</summary>
    internal const int GroupRows = PanelMatrix.GroupRows;

    /// <summary>Floats of lane state per row: smallest score per lane, then second smallest per lane.</summary>
    internal const int LaneMinStride = 2 * PanelWidth;

    private readonly PanelMatrix _matrix;
    // [panelCount * 16] from _normOffset, padding columns +∞ so they never win. Pinned and 64-byte aligned:
    // every kernel step loads a 512-bit row of it, and a row straddling two cache lines (wherever the heap
    // happened to put the array) made whole processes of the D = 8 SNAC search 1.7× slower.
    private readonly float[] _norms;
    private readonly int _normOffset;

    public CodebookPanels(ReadOnlySpan<float> codebook, ReadOnlySpan<float> norms, int k, int d)
    {
        K = k;
        D = d;
        _matrix = new PanelMatrix(codebook, k, d);
        PanelCount = _matrix.PanelCount;
        _norms = GC.AllocateArray<float>(PanelCount * PanelWidth + PanelWidth, pinned: true);
        _normOffset = CacheLine.Offset(_norms);
        Norms.Fill(float.PositiveInfinity);
        norms[..k].CopyTo(Norms);
        float maxNorm2 = 0;
        foreach (float n in norms[..k]) maxNorm2 = MathF.Max(maxNorm2, n);
        MaxNorm = Math.Sqrt(maxNorm2);
    }

    public int K { get; }

    private Span<float> Norms => _norms.AsSpan(_normOffset, PanelCount * PanelWidth);

    public int D { get; }

    public int PanelCount { get; }

    /// <summary>Largest codeword L2 norm (bounds the rounding of every score).</summary>
    public double MaxNorm { get; }

    /// <summary>Row stride of the distance block: K rounded up to a multiple of 16.</summary>
    public int PaddedK => PanelCount * PanelWidth;

    /// <summary>
    /// dist[r, k] = ||c_k||² − 2·x_r·c_k for rows of x [rows, D]; dist is [rows, PaddedK] (padding
    /// columns +∞). The reference for tests; the search re-checks near-ties with the overload below.
    /// </summary>
    public void Distances(ReadOnlySpan<float> x, int rows, Span<float> dist)
    {
        var packed = new float[PanelMatrix.PackedLength(rows, D)];
        Distances(x, rows, dist, packed);
    }

    /// <summary>As <see cref="Distances(ReadOnlySpan{float}, int, Span{float})"/>, packing the rows into <paramref name="packScratch"/> (at least <see cref="PanelMatrix.PackedLength"/> floats).</summary>
    public void Distances(ReadOnlySpan<float> x, int rows, Span<float> dist, Span<float> packScratch)
    {
        if (rows < 0 || x.Length < rows * D || dist.Length < rows * PaddedK || packScratch.Length < PanelMatrix.PackedLength(rows, D))
            throw new ArgumentException("CodebookPanels.Distances: buffer too small");
        if (rows == 0) return;
        PanelMatrix.PackRows(x, rows, D, packScratch);
        var sink = new ScoreSink(Norms, dist, rows, PaddedK);
        _matrix.Run(packScratch, rows, ref sink);
    }

    /// <summary>
    /// Scores every codeword for <paramref name="rows"/> rows packed by <see cref="PanelMatrix.PackRows"/>
    /// and updates their lane state: laneMin [row][32] (per lane the smallest, then the second smallest
    /// score seen), laneIndex [row][16] (codeword of the smallest); the buffers cover whole groups of 12
    /// rows. Start from +∞, +∞, 0. Panels are visited in order and only a strictly smaller score replaces
    /// the minimum, so each lane keeps the lowest index among equal scores.
    /// </summary>
    public void Scan(ReadOnlySpan<float> packed, int rows, Span<float> laneMin, Span<int> laneIndex)
    {
        int padded = (rows + GroupRows - 1) / GroupRows * GroupRows;
        if (rows < 0 || laneMin.Length < padded * LaneMinStride || laneIndex.Length < padded * PanelWidth)
            throw new ArgumentException("CodebookPanels.Scan: buffer too small");
        var sink = new ArgminSink(Norms, laneMin, laneIndex);
        // Each RVQ level's codebook arrives from memory once per block: prefetch the next panel pair.
        _matrix.Run(packed, rows, ref sink, prefetch: true);
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

    /// <summary>Scores (·(−2) + norm) kept as running per-lane minima: the search.</summary>
    private ref struct ArgminSink(Span<float> norms, Span<float> laneMin, Span<int> laneIndex) : IPanelSink
    {
        private readonly ref float _norms = ref MemoryMarshal.GetReference(norms);
        private readonly ref float _lm = ref MemoryMarshal.GetReference(laneMin);
        private readonly ref int _li = ref MemoryMarshal.GetReference(laneIndex);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Put(int row, int panel, Vector512<float> acc)
        {
            var s = Vector512.FusedMultiplyAdd(acc, Vector512.Create(-2f), Vector512.LoadUnsafe(ref _norms, (nuint)(panel * PanelWidth)));
            Update512(ref _lm, ref _li, row, s, Vector512.Create(panel * PanelWidth) + Vector512<int>.Indices);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Put(int row, int panel, int lane0, Vector256<float> acc)
        {
            var s = Vector256.FusedMultiplyAdd(acc, Vector256.Create(-2f), Vector256.LoadUnsafe(ref _norms, (nuint)(panel * PanelWidth + lane0)));
            Update256(ref _lm, ref _li, row, lane0, s, Vector256.Create(panel * PanelWidth + lane0) + Vector256<int>.Indices);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Put(int row, int panel, int lane0, Vector128<float> acc)
        {
            var s = Vector128.MultiplyAddEstimate(acc, Vector128.Create(-2f), Vector128.LoadUnsafe(ref _norms, (nuint)(panel * PanelWidth + lane0)));
            Update128(ref Unsafe.Add(ref _lm, row * LaneMinStride + lane0), ref Unsafe.Add(ref _li, row * PanelWidth + lane0), s,
                Vector128.Create(panel * PanelWidth + lane0) + Vector128<int>.Indices);
        }

        public void Put(int row, int panel, int lane, float acc)
        {
            float s = float.MultiplyAddEstimate(acc, -2f, Unsafe.Add(ref _norms, panel * PanelWidth + lane));
            UpdateScalar(ref Unsafe.Add(ref _lm, row * LaneMinStride + lane), ref Unsafe.Add(ref _li, row * PanelWidth + lane), s, panel * PanelWidth + lane);
        }
    }

    /// <summary>Scores (·(−2) + norm) written to a [rows, PaddedK] block.</summary>
    private ref struct ScoreSink(Span<float> norms, Span<float> dist, int rows, int stride) : IPanelSink
    {
        private readonly ref float _norms = ref MemoryMarshal.GetReference(norms);
        private readonly Span<float> _dist = dist;

        public void Put(int row, int panel, Vector512<float> acc)
        {
            if (row < rows)
                Vector512.FusedMultiplyAdd(acc, Vector512.Create(-2f), Vector512.LoadUnsafe(ref _norms, (nuint)(panel * PanelWidth)))
                    .CopyTo(_dist.Slice(row * stride + panel * PanelWidth, PanelWidth));
        }

        public void Put(int row, int panel, int lane0, Vector256<float> acc)
        {
            if (row < rows)
                Vector256.FusedMultiplyAdd(acc, Vector256.Create(-2f), Vector256.LoadUnsafe(ref _norms, (nuint)(panel * PanelWidth + lane0)))
                    .CopyTo(_dist.Slice(row * stride + panel * PanelWidth + lane0, 8));
        }

        public void Put(int row, int panel, int lane0, Vector128<float> acc)
        {
            if (row < rows)
                Vector128.MultiplyAddEstimate(acc, Vector128.Create(-2f), Vector128.LoadUnsafe(ref _norms, (nuint)(panel * PanelWidth + lane0)))
                    .CopyTo(_dist.Slice(row * stride + panel * PanelWidth + lane0, 4));
        }

        public void Put(int row, int panel, int lane, float acc)
        {
            if (row < rows) _dist[row * stride + panel * PanelWidth + lane] = float.MultiplyAddEstimate(acc, -2f, Unsafe.Add(ref _norms, panel * PanelWidth + lane));
        }
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update128(ref float m, ref int ix, Vector128<float> s, Vector128<int> ids)
    {
        var m1 = Vector128.LoadUnsafe(ref m);
        var lt = Vector128.LessThan(s, m1);
        Vector128.MinNative(Vector128.LoadUnsafe(ref m, PanelWidth), Vector128.MaxNative(m1, s)).StoreUnsafe(ref m, PanelWidth);
        Vector128.ConditionalSelect(lt, s, m1).StoreUnsafe(ref m);
        Vector128.ConditionalSelect(lt.AsInt32(), ids, Vector128.LoadUnsafe(ref ix)).StoreUnsafe(ref ix);
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
