using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeTok.Numerics;

/// <summary>
/// A matrix B [N, K] (N rows of length K: weights [out, in], or codewords) repacked for products with
/// many rows x: its rows become the columns of panels of 16, each panel stored [K][16] contiguously
/// (pinned, 64-byte aligned, so no vector load straddles two cache lines). <see cref="Run"/> computes
/// x·Bᵀ for rows packed in groups of <see cref="GroupRows"/> ([K][12] each, <see cref="PackRows"/>) with
/// broadcast-FMA into vector accumulators — no horizontal sums, one streamed panel per 16 columns —
/// and hands every row × panel result to a sink (<see cref="IPanelSink"/>): the RVQ search turns them
/// into scores and keeps a running argmin (<see cref="CodebookPanels"/>).
/// <para>
/// Register blocking: AVX-512, 12 rows × 2 panels = 24 of the 32 zmm registers (each panel load feeds
/// 12 FMAs, each broadcast 2), 4-row slices for short groups, 12 × 1 / 4 × 1 for an odd last panel;
/// AVX2, 6 rows × 1 panel (2 ymm each) = 12 of 16 registers; 128-bit and scalar, one row at a time.
/// A single row (a matrix-vector product) gets its own kernels (4 panels per pass on AVX-512, 2 on AVX2).
/// Every lane accumulates in the same order in every path (FMA over i = 0..K−1 from zero), so results
/// do not depend on the blocking. On CPUs without FMA (x86-64-v2) the 128-bit and scalar rows multiply
/// and then add (<c>MultiplyAddEstimate</c>): a software-fused FMA costs hundreds of cycles, and the
/// search's rounding band covers the extra rounding.
/// </para>
/// </summary>
internal sealed class PanelMatrix
{
    /// <summary>Columns per panel (one zmm of floats).</summary>
    internal const int Width = 16;

    /// <summary>Rows per packed group.</summary>
    internal const int GroupRows = 12;

    private readonly float[] _store;
    private readonly int _offset;

    /// <summary>Packs <paramref name="b"/> [<paramref name="n"/>, <paramref name="k"/>] (row-major); columns past N are zero.</summary>
    public PanelMatrix(ReadOnlySpan<float> b, int n, int k)
    {
        if (n < 1 || k < 1 || b.Length < (long)n * k) throw new ArgumentException($"PanelMatrix: {n}x{k} needs {(long)n * k} values, got {b.Length}");
        N = n;
        K = k;
        PanelCount = (n + Width - 1) / Width;
        _store = GC.AllocateArray<float>(PanelCount * k * Width + Width, pinned: true);
        _offset = CacheLine.Offset(_store);
        var panels = _store.AsSpan(_offset, PanelCount * k * Width);
        for (int j = 0; j < n; j++)
        {
            int p = j / Width, c = j % Width;
            var row = b.Slice(j * k, k);
            for (int i = 0; i < k; i++) panels[(p * k + i) * Width + c] = row[i];
        }
    }

    /// <summary>Rows of B (columns of the product).</summary>
    public int N { get; }

    /// <summary>Inner dimension.</summary>
    public int K { get; }

    /// <summary>Panels of 16 columns (the last one zero-padded).</summary>
    public int PanelCount { get; }

    private ref float Panels => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_store), _offset);

    /// <summary>Floats <see cref="PackRows"/> writes for <paramref name="rows"/> rows of length <paramref name="k"/>.</summary>
    public static int PackedLength(int rows, int k) => (rows + GroupRows - 1) / GroupRows * GroupRows * k;

    /// <summary>
    /// Packs x [rows, k] into groups of 12 rows, each [k][12] (x[12g + r, i] at (g·k + i)·12 + r), so the
    /// kernels broadcast from one cache line per step; rows past the end of the last group are zero.
    /// </summary>
    public static void PackRows(ReadOnlySpan<float> x, int rows, int k, Span<float> packed)
    {
        if (rows < 0 || x.Length < (long)rows * k || packed.Length < PackedLength(rows, k)) throw new ArgumentException("PanelMatrix.PackRows: buffer too small");
        int padded = (rows + GroupRows - 1) / GroupRows * GroupRows;
        if (padded > rows) packed[((padded - GroupRows) * k)..(padded * k)].Clear();
        ref float px = ref MemoryMarshal.GetReference(x);
        for (int g0 = 0; g0 < rows; g0 += GroupRows)
        {
            int n = Math.Min(GroupRows, rows - g0);
            ref float group = ref MemoryMarshal.GetReference(packed[(g0 * k)..]);
            for (int c = 0; c < n; c++)
            {
                ref float src = ref Unsafe.Add(ref px, (g0 + c) * k);
                ref float dst = ref Unsafe.Add(ref group, c);
                for (int i = 0; i < k; i++)
                {
                    dst = src;
                    src = ref Unsafe.Add(ref src, 1);
                    dst = ref Unsafe.Add(ref dst, GroupRows);
                }
            }
        }
    }

    /// <summary>
    /// Computes x·Bᵀ for <paramref name="rows"/> rows packed by <see cref="PackRows"/> and delivers each
    /// row × panel block to <paramref name="sink"/>. Rows of the last group past <paramref name="rows"/>
    /// (zero padding) may be delivered too; sinks ignore them. Panels are the outer loop, so one panel
    /// pair stays in L1 while every group uses it and B streams through the cache once per call; with
    /// <paramref name="prefetch"/> the next pair is pulled towards L2 meanwhile (for a B that arrives
    /// from memory on every call, like the RVQ levels' codebooks).
    /// </summary>
    public void Run<TSink>(ReadOnlySpan<float> packed, int rows, ref TSink sink, bool prefetch = false) where TSink : IPanelSink, allows ref struct
    {
        int groups = (rows + GroupRows - 1) / GroupRows;
        if (rows < 0 || packed.Length < groups * K * GroupRows) throw new ArgumentException("PanelMatrix.Run: packed rows too short");
        ref float xp0 = ref MemoryMarshal.GetReference(packed);
        int groupFloats = K * GroupRows;
        if (rows == 1 && Vector512.IsHardwareAccelerated)
        {
            Row1x512(ref xp0, GroupRows, ref sink);
            return;
        }
        if (rows == 1 && Vector256.IsHardwareAccelerated)
        {
            Row1x256(ref xp0, GroupRows, ref sink);
            return;
        }
        if (Vector512.IsHardwareAccelerated)
        {
            int p = 0;
            int nextLines = 2 * K * Width * sizeof(float) / 64, perGroup = (nextLines + Math.Max(groups, 1) - 1) / Math.Max(groups, 1);
            for (; p + 1 < PanelCount; p += 2)
                for (int g = 0; g < groups; g++)
                {
                    if (prefetch && Sse.IsSupported && p + 3 < PanelCount) PrefetchSlice(p + 2, g * perGroup, Math.Min(nextLines, (g + 1) * perGroup));
                    int n = Math.Min(GroupRows, rows - g * GroupRows);
                    ref float xp = ref Unsafe.Add(ref xp0, g * groupFloats);
                    if (n > 8) Pair12x512(ref xp, g * GroupRows, 0, p, ref sink);
                    else
                        for (int r0 = 0; r0 < n; r0 += 4) Pair4x512(ref xp, g * GroupRows, r0, p, ref sink);
                }
            if (p < PanelCount)
                for (int g = 0; g < groups; g++)
                {
                    int n = Math.Min(GroupRows, rows - g * GroupRows);
                    ref float xp = ref Unsafe.Add(ref xp0, g * groupFloats);
                    if (n > 8) One12x512(ref xp, g * GroupRows, 0, p, ref sink);
                    else
                        for (int r0 = 0; r0 < n; r0 += 4) One4x512(ref xp, g * GroupRows, r0, p, ref sink);
                }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (int p = 0; p < PanelCount; p++)
                for (int g = 0; g < groups; g++)
                {
                    int n = Math.Min(GroupRows, rows - g * GroupRows);
                    for (int r0 = 0; r0 < n; r0 += 6) Panel6x256(ref Unsafe.Add(ref xp0, g * groupFloats), g * GroupRows, r0, p, ref sink);
                }
        }
        else
        {
            for (int p = 0; p < PanelCount; p++)
            {
                ref float panel = ref Unsafe.Add(ref Panels, p * K * Width);
                for (int r = 0; r < rows; r++)
                {
                    ref float xr = ref Unsafe.Add(ref xp0, r / GroupRows * groupFloats + r % GroupRows);
                    if (Vector128.IsHardwareAccelerated) Row128(ref xr, GroupRows, ref panel, r, p, ref sink);
                    else RowScalar(ref xr, GroupRows, ref panel, r, p, ref sink);
                }
            }
        }
    }

    /// <summary>
    /// C = x·Bᵀ (+ C when <paramref name="accumulate"/>) (+ <paramref name="bias"/> per column) for
    /// <paramref name="rows"/> rows packed by <see cref="PackRows"/>: C is [rows, N] with row stride
    /// <paramref name="ldc"/>. The dense-layer form of <see cref="Run"/>, for weights packed once at load.
    /// </summary>
    /// <exception cref="ArgumentException">A buffer too short for the shape.</exception>
    public void Multiply(ReadOnlySpan<float> packed, int rows, Span<float> c, int ldc, bool accumulate = false, ReadOnlySpan<float> bias = default)
    {
        if (rows == 0) return;
        if (rows < 0 || ldc < N || c.Length < (long)(rows - 1) * ldc + N || (!bias.IsEmpty && bias.Length < N))
            throw new ArgumentException($"PanelMatrix.Multiply: C or bias too short for {rows}x{N}");
        int full = N / Width;
        if (full == PanelCount)
        {
            var sink = new StoreSink(c, default, rows, ldc, full, accumulate, bias);
            Run(packed, rows, ref sink);
            return;
        }
        // A last panel narrower than 16 columns lands in a side block first and is added to C here, so the
        // kernels' stores never branch into a call (which would make the register allocator spill the
        // accumulators inside the K loop).
        var pool = System.Buffers.ArrayPool<float>.Shared;
        var tail = pool.Rent(rows * Width);
        var tailSink = new StoreSink(c, tail, rows, ldc, full, accumulate, bias);
        Run(packed, rows, ref tailSink);
        int col = full * Width;
        for (int r = 0; r < rows; r++)
            for (int j = col; j < N; j++)
            {
                ref float dst = ref c[r * ldc + j];
                float v = tail[r * Width + j - col];
                if (accumulate) v = dst + v;
                if (!bias.IsEmpty) v += bias[j];
                dst = v;
            }
        pool.Return(tail);
    }

    /// <summary>
    /// y = x·Bᵀ (+ y when <paramref name="accumulate"/>) (+ <paramref name="bias"/>) for one unpacked row x
    /// [K] (a matrix-vector product): the single-row kernels read x directly, so nothing is packed.
    /// Bit-identical to <see cref="Multiply"/> of the same row.
    /// </summary>
    /// <exception cref="ArgumentException">x, y or bias too short.</exception>
    public void MultiplyRow(ReadOnlySpan<float> x, Span<float> y, bool accumulate = false, ReadOnlySpan<float> bias = default)
    {
        if (x.Length < K || y.Length < N || (!bias.IsEmpty && bias.Length < N))
            throw new ArgumentException($"PanelMatrix.MultiplyRow: x, y or bias too short for {K} -> {N}");
        int full = N / Width;
        if (full != PanelCount || !(Vector256.IsHardwareAccelerated || Vector128.IsHardwareAccelerated))
        {
            var pool = System.Buffers.ArrayPool<float>.Shared;
            var packed = pool.Rent(PackedLength(1, K));
            PackRows(x, 1, K, packed);
            Multiply(packed, 1, y, N, accumulate, bias);
            pool.Return(packed);
            return;
        }
        var sink = new StoreSink(y, default, 1, N, full, accumulate, bias);
        ref float x0 = ref MemoryMarshal.GetReference(x);
        if (Vector512.IsHardwareAccelerated) Row1x512(ref x0, 1, ref sink);
        else if (Vector256.IsHardwareAccelerated) Row1x256(ref x0, 1, ref sink);
        else
            for (int p = 0; p < PanelCount; p++) Row128(ref x0, 1, ref Unsafe.Add(ref Panels, p * K * Width), 0, p, ref sink);
    }

    /// <summary>
    /// Writes each row × panel block into C (padding rows dropped); the blocks of a partial last panel go
    /// raw into the side block <c>tail</c> [rows, 16] instead (<see cref="Multiply"/> finishes them).
    /// </summary>
    private ref struct StoreSink(Span<float> c, Span<float> tail, int rows, int ldc, int fullPanels, bool accumulate, ReadOnlySpan<float> bias) : IPanelSink
    {
        private readonly ref float _c = ref MemoryMarshal.GetReference(c);
        private readonly ref float _tail = ref MemoryMarshal.GetReference(tail);
        private readonly ref float _bias = ref MemoryMarshal.GetReference(bias);
        private readonly bool _hasBias = !bias.IsEmpty;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Put(int row, int panel, Vector512<float> acc)
        {
            if (row >= rows) return;
            if (panel >= fullPanels) { acc.StoreUnsafe(ref _tail, (nuint)(row * Width)); return; }
            int col = panel * Width;
            ref float dst = ref Unsafe.Add(ref _c, row * ldc + col);
            if (accumulate) acc = Vector512.LoadUnsafe(ref dst) + acc;
            if (_hasBias) acc += Vector512.LoadUnsafe(ref _bias, (nuint)col);
            acc.StoreUnsafe(ref dst);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Put(int row, int panel, int lane0, Vector256<float> acc)
        {
            if (row >= rows) return;
            if (panel >= fullPanels) { acc.StoreUnsafe(ref _tail, (nuint)(row * Width + lane0)); return; }
            int col = panel * Width + lane0;
            ref float dst = ref Unsafe.Add(ref _c, row * ldc + col);
            if (accumulate) acc = Vector256.LoadUnsafe(ref dst) + acc;
            if (_hasBias) acc += Vector256.LoadUnsafe(ref _bias, (nuint)col);
            acc.StoreUnsafe(ref dst);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Put(int row, int panel, int lane0, Vector128<float> acc)
        {
            if (row >= rows) return;
            if (panel >= fullPanels) { acc.StoreUnsafe(ref _tail, (nuint)(row * Width + lane0)); return; }
            int col = panel * Width + lane0;
            ref float dst = ref Unsafe.Add(ref _c, row * ldc + col);
            if (accumulate) acc = Vector128.LoadUnsafe(ref dst) + acc;
            if (_hasBias) acc += Vector128.LoadUnsafe(ref _bias, (nuint)col);
            acc.StoreUnsafe(ref dst);
        }

        public void Put(int row, int panel, int lane, float acc)
        {
            if (row >= rows) return;
            if (panel >= fullPanels) { Unsafe.Add(ref _tail, row * Width + lane) = acc; return; }
            int col = panel * Width + lane;
            ref float dst = ref Unsafe.Add(ref _c, row * ldc + col);
            if (accumulate) acc = dst + acc;
            if (_hasBias) acc += Unsafe.Add(ref _bias, col);
            dst = acc;
        }
    }

    private unsafe void PrefetchSlice(int panel, int fromLine, int toLine)
    {
        byte* b = (byte*)Unsafe.AsPointer(ref Unsafe.Add(ref Panels, panel * K * Width));
        for (int l = fromLine; l < toLine; l++) Sse.Prefetch1(b + l * 64);
    }

    // ---- AVX-512 ----

    private void Pair12x512<TSink>(ref float xp, int rowBase, int r0, int p, ref TSink sink) where TSink : IPanelSink, allows ref struct
    {
        int k = K;
        ref float pa = ref Unsafe.Add(ref Panels, p * k * Width);
        ref float pb = ref Unsafe.Add(ref pa, k * Width);
        ref float xi = ref Unsafe.Add(ref xp, r0);
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default;
        Vector512<float> a6 = default, a7 = default, a8 = default, a9 = default, a10 = default, a11 = default;
        Vector512<float> b0 = default, b1 = default, b2 = default, b3 = default, b4 = default, b5 = default;
        Vector512<float> b6 = default, b7 = default, b8 = default, b9 = default, b10 = default, b11 = default;
        for (int i = 0; i < k; i++)
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
            pa = ref Unsafe.Add(ref pa, Width);
            pb = ref Unsafe.Add(ref pb, Width);
        }
        int row = rowBase + r0;
        sink.Put(row, p, a0); sink.Put(row, p + 1, b0);
        sink.Put(row + 1, p, a1); sink.Put(row + 1, p + 1, b1);
        sink.Put(row + 2, p, a2); sink.Put(row + 2, p + 1, b2);
        sink.Put(row + 3, p, a3); sink.Put(row + 3, p + 1, b3);
        sink.Put(row + 4, p, a4); sink.Put(row + 4, p + 1, b4);
        sink.Put(row + 5, p, a5); sink.Put(row + 5, p + 1, b5);
        sink.Put(row + 6, p, a6); sink.Put(row + 6, p + 1, b6);
        sink.Put(row + 7, p, a7); sink.Put(row + 7, p + 1, b7);
        sink.Put(row + 8, p, a8); sink.Put(row + 8, p + 1, b8);
        sink.Put(row + 9, p, a9); sink.Put(row + 9, p + 1, b9);
        sink.Put(row + 10, p, a10); sink.Put(row + 10, p + 1, b10);
        sink.Put(row + 11, p, a11); sink.Put(row + 11, p + 1, b11);
    }

    private void Pair4x512<TSink>(ref float xp, int rowBase, int r0, int p, ref TSink sink) where TSink : IPanelSink, allows ref struct
    {
        int k = K;
        ref float pa = ref Unsafe.Add(ref Panels, p * k * Width);
        ref float pb = ref Unsafe.Add(ref pa, k * Width);
        ref float xi = ref Unsafe.Add(ref xp, r0);
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
        Vector512<float> b0 = default, b1 = default, b2 = default, b3 = default;
        for (int i = 0; i < k; i++)
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
            pa = ref Unsafe.Add(ref pa, Width);
            pb = ref Unsafe.Add(ref pb, Width);
        }
        int row = rowBase + r0;
        sink.Put(row, p, a0); sink.Put(row, p + 1, b0);
        sink.Put(row + 1, p, a1); sink.Put(row + 1, p + 1, b1);
        sink.Put(row + 2, p, a2); sink.Put(row + 2, p + 1, b2);
        sink.Put(row + 3, p, a3); sink.Put(row + 3, p + 1, b3);
    }

    private void One12x512<TSink>(ref float xp, int rowBase, int r0, int p, ref TSink sink) where TSink : IPanelSink, allows ref struct
    {
        int k = K;
        ref float pa = ref Unsafe.Add(ref Panels, p * k * Width);
        ref float xi = ref Unsafe.Add(ref xp, r0);
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default;
        Vector512<float> a6 = default, a7 = default, a8 = default, a9 = default, a10 = default, a11 = default;
        for (int i = 0; i < k; i++)
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
            pa = ref Unsafe.Add(ref pa, Width);
        }
        int row = rowBase + r0;
        sink.Put(row, p, a0);
        sink.Put(row + 1, p, a1);
        sink.Put(row + 2, p, a2);
        sink.Put(row + 3, p, a3);
        sink.Put(row + 4, p, a4);
        sink.Put(row + 5, p, a5);
        sink.Put(row + 6, p, a6);
        sink.Put(row + 7, p, a7);
        sink.Put(row + 8, p, a8);
        sink.Put(row + 9, p, a9);
        sink.Put(row + 10, p, a10);
        sink.Put(row + 11, p, a11);
    }

    private void One4x512<TSink>(ref float xp, int rowBase, int r0, int p, ref TSink sink) where TSink : IPanelSink, allows ref struct
    {
        int k = K;
        ref float pa = ref Unsafe.Add(ref Panels, p * k * Width);
        ref float xi = ref Unsafe.Add(ref xp, r0);
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
        for (int i = 0; i < k; i++)
        {
            var c = Vector512.LoadUnsafe(ref pa);
            a0 = Vector512.FusedMultiplyAdd(Vector512.Create(xi), c, a0);
            a1 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref xi, 1)), c, a1);
            a2 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref xi, 2)), c, a2);
            a3 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref xi, 3)), c, a3);
            xi = ref Unsafe.Add(ref xi, GroupRows);
            pa = ref Unsafe.Add(ref pa, Width);
        }
        int row = rowBase + r0;
        sink.Put(row, p, a0);
        sink.Put(row + 1, p, a1);
        sink.Put(row + 2, p, a2);
        sink.Put(row + 3, p, a3);
    }

    // A single row (a matrix-vector product, e.g. the RoPE parameter nets): the 4-row kernels would do
    // four times the FMAs. Four panels per pass keep four independent FMA chains in flight; each lane
    // still accumulates over i = 0..K−1 from zero, so results equal those of the multi-row kernels.
    private void Row1x512<TSink>(ref float x, int xStride, ref TSink sink) where TSink : IPanelSink, allows ref struct
    {
        int k = K, p = 0, stride = k * Width;
        for (; p + 4 <= PanelCount; p += 4)
        {
            ref float w = ref Unsafe.Add(ref Panels, p * stride);
            ref float xi = ref x;
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (int i = 0; i < k; i++)
            {
                var v = Vector512.Create(xi);
                a0 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref w), a0);
                a1 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref w, (nuint)stride), a1);
                a2 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref w, (nuint)(2 * stride)), a2);
                a3 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref w, (nuint)(3 * stride)), a3);
                xi = ref Unsafe.Add(ref xi, xStride);
                w = ref Unsafe.Add(ref w, Width);
            }
            sink.Put(0, p, a0); sink.Put(0, p + 1, a1); sink.Put(0, p + 2, a2); sink.Put(0, p + 3, a3);
        }
        for (; p < PanelCount; p++)
        {
            ref float w = ref Unsafe.Add(ref Panels, p * stride);
            ref float xi = ref x;
            Vector512<float> a0 = default;
            for (int i = 0; i < k; i++)
            {
                a0 = Vector512.FusedMultiplyAdd(Vector512.Create(xi), Vector512.LoadUnsafe(ref w), a0);
                xi = ref Unsafe.Add(ref xi, xStride);
                w = ref Unsafe.Add(ref w, Width);
            }
            sink.Put(0, p, a0);
        }
    }

    // ---- AVX2 ----

    private void Panel6x256<TSink>(ref float xp, int rowBase, int r0, int p, ref TSink sink) where TSink : IPanelSink, allows ref struct
    {
        int k = K;
        ref float pa = ref Unsafe.Add(ref Panels, p * k * Width);
        ref float xi = ref Unsafe.Add(ref xp, r0);
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default;
        Vector256<float> b0 = default, b1 = default, b2 = default, b3 = default, b4 = default, b5 = default;
        for (int i = 0; i < k; i++)
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
            pa = ref Unsafe.Add(ref pa, Width);
        }
        int row = rowBase + r0;
        sink.Put(row, p, 0, a0); sink.Put(row, p, 8, b0);
        sink.Put(row + 1, p, 0, a1); sink.Put(row + 1, p, 8, b1);
        sink.Put(row + 2, p, 0, a2); sink.Put(row + 2, p, 8, b2);
        sink.Put(row + 3, p, 0, a3); sink.Put(row + 3, p, 8, b3);
        sink.Put(row + 4, p, 0, a4); sink.Put(row + 4, p, 8, b4);
        sink.Put(row + 5, p, 0, a5); sink.Put(row + 5, p, 8, b5);
    }

    // One row on AVX2: two panels (four ymm chains) per pass; same per-lane order as every other kernel.
    private void Row1x256<TSink>(ref float x, int xStride, ref TSink sink) where TSink : IPanelSink, allows ref struct
    {
        int k = K, p = 0, stride = k * Width;
        for (; p + 2 <= PanelCount; p += 2)
        {
            ref float w = ref Unsafe.Add(ref Panels, p * stride);
            ref float xi = ref x;
            Vector256<float> a0 = default, b0 = default, a1 = default, b1 = default;
            for (int i = 0; i < k; i++)
            {
                var v = Vector256.Create(xi);
                a0 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref w), a0);
                b0 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref w, 8), b0);
                a1 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref w, (nuint)stride), a1);
                b1 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref w, (nuint)stride + 8), b1);
                xi = ref Unsafe.Add(ref xi, xStride);
                w = ref Unsafe.Add(ref w, Width);
            }
            sink.Put(0, p, 0, a0); sink.Put(0, p, 8, b0);
            sink.Put(0, p + 1, 0, a1); sink.Put(0, p + 1, 8, b1);
        }
        if (p < PanelCount)
        {
            ref float w = ref Unsafe.Add(ref Panels, p * stride);
            ref float xi = ref x;
            Vector256<float> a0 = default, b0 = default;
            for (int i = 0; i < k; i++)
            {
                var v = Vector256.Create(xi);
                a0 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref w), a0);
                b0 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref w, 8), b0);
                xi = ref Unsafe.Add(ref xi, xStride);
                w = ref Unsafe.Add(ref w, Width);
            }
            sink.Put(0, p, 0, a0); sink.Put(0, p, 8, b0);
        }
    }

    // ---- 128-bit and scalar: one row (elements GroupRows apart) at a time ----

    private void Row128<TSink>(ref float x, int xStride, ref float panel, int row, int p, ref TSink sink) where TSink : IPanelSink, allows ref struct
    {
        Vector128<float> a = default, b = default, c = default, e = default;
        for (int i = 0; i < K; i++)
        {
            var v = Vector128.Create(x);
            a = Vector128.MultiplyAddEstimate(v, Vector128.LoadUnsafe(ref panel), a);
            b = Vector128.MultiplyAddEstimate(v, Vector128.LoadUnsafe(ref panel, 4), b);
            c = Vector128.MultiplyAddEstimate(v, Vector128.LoadUnsafe(ref panel, 8), c);
            e = Vector128.MultiplyAddEstimate(v, Vector128.LoadUnsafe(ref panel, 12), e);
            x = ref Unsafe.Add(ref x, xStride);
            panel = ref Unsafe.Add(ref panel, Width);
        }
        sink.Put(row, p, 0, a);
        sink.Put(row, p, 4, b);
        sink.Put(row, p, 8, c);
        sink.Put(row, p, 12, e);
    }

    private void RowScalar<TSink>(ref float x, int xStride, ref float panel, int row, int p, ref TSink sink) where TSink : IPanelSink, allows ref struct
    {
        for (int j = 0; j < Width; j++)
        {
            float s = 0;
            for (int i = 0; i < K; i++) s = float.MultiplyAddEstimate(Unsafe.Add(ref x, i * xStride), Unsafe.Add(ref panel, i * Width + j), s);
            sink.Put(row, p, j, s);
        }
    }
}
