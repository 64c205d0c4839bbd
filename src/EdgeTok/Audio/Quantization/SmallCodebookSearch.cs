using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using EdgeTok.Numerics;

namespace EdgeTok.Audio.Quantization;

/// <summary>
/// The RVQ encode for small codebooks (K ≤ <see cref="MaxCodebookSize"/>, e.g. Lyra v2's 46 levels of
/// 16 codewords). A level costs only K·D multiply-adds per frame there, so the panel search's fixed
/// per-row work (packing rows into 12-row groups, lane state, lane reduction, a norm per row) would
/// dominate. Instead a block of frames (≤ 16 KB of residuals, in L1) goes through all levels, each level's
/// codebook stored transposed, [D][16] per panel of 16 codewords, and the scores ||c||² − 2·x·c are
/// computed for several frames at once:
/// <list type="bullet">
/// <item>AVX-512 (SmallCodebookSearch.FrameLanes.cs): 16 frames in the lanes, 16 codewords as
/// accumulators; argmin, band and residual update are lane-wise, with no per-frame reduction;</item>
/// <item>256-bit, 128-bit and scalar (SmallCodebookSearch.FrameRows.cs): 8 frames, codewords in the lanes — per dimension one
/// codebook load feeds 8 broadcast multiply-adds into independent accumulators — then per frame a
/// horizontal minimum and the update.</item>
/// </list>
/// <para>
/// Exactness: the codewords whose score lies within the float32 rounding band of the smallest
/// (<see cref="NearestCodeword.BandFactor"/>, the same band as the panel search) are the candidates;
/// one candidate is the answer, several (near-ties, duplicates, NaN) are re-ranked with float64
/// distances, ties to the lowest index — the codes of a float64 brute-force greedy search. The residual
/// update is the float32 subtraction r −= c, as in the panel search, so every path gives the same
/// residuals and codes.
/// </para>
/// </summary>
internal sealed partial class SmallCodebookSearch
{
    /// <summary>
    /// Largest codebook taken by this search: candidates fit a 64-bit mask, and at K = 64 it is still
    /// 1.4–4× faster than the panel search for D = 8…256 (16 levels × 500 frames; docs/benchmarks.md).
    /// </summary>
    internal const int MaxCodebookSize = 64;

    private const int Lanes = 16;        // codewords per panel
    private const int GroupFrames = 8;   // frames scored together: 8 FMA chains cover 2 ports × 4 cycles
    private const int BlockBytes = 16 * 1024;

    // Band ≥ 2e-5·(c² + 2·||x||·c), and every score lies within c² + 2·||x||·c of zero: below this band
    // no score can have overflowed. Above it (or NaN) the frame is ranked in float64 outright.
    private const float BandOverflow = 1e33f;

    private readonly float[] _codebooks; // [levels, K, D] row-major, the quantizer's own array
    private readonly float[] _store;     // panels [levels][P][D][16], pinned
    private readonly int _offset;        // first 64-byte aligned element of _store
    private readonly float[] _norms;     // [levels][PaddedK], padding +∞ so it never wins
    private readonly float[] _bandConst, _bandCross; // per level: band = const + cross·||x||
    private readonly ulong _valid;       // the K real lanes of a score row

    /// <summary>Prepares the search over <paramref name="codebooks"/> [levels, k, d] (kept by reference, not copied).</summary>
    public SmallCodebookSearch(float[] codebooks, int levels, int k, int d)
    {
        if (k < 1 || k > MaxCodebookSize || d < 1 || levels < 1 || codebooks.Length != (long)levels * k * d)
            throw new ArgumentException($"SmallCodebookSearch: [{levels}, {k}, {d}] does not fit");
        _codebooks = codebooks;
        Levels = levels;
        K = k;
        D = d;
        PaddedK = (k + Lanes - 1) / Lanes * Lanes;
        _store = GC.AllocateArray<float>(levels * PaddedK * d + Lanes, pinned: true);
        _offset = CacheLine.Offset(_store);
        _norms = new float[levels * PaddedK];
        _norms.AsSpan().Fill(float.PositiveInfinity);
        _bandConst = new float[levels];
        _bandCross = new float[levels];
        double factor = NearestCodeword.BandFactor(d);
        for (int q = 0; q < levels; q++)
        {
            var cb = codebooks.AsSpan(q * k * d, k * d);
            var norms = NearestCodeword.RowNorms(cb, k, d);
            norms.CopyTo(_norms, q * PaddedK);
            float maxNorm2 = 0;
            foreach (float n in norms) maxNorm2 = MathF.Max(maxNorm2, n);
            // NearestCodeword's band: factor·(c² + 2·||x||·c) + 1e-30 with c the largest codeword norm,
            // widened by 1e-6 to cover evaluating it in float32 per frame (a few roundings).
            double c = Math.Sqrt(maxNorm2), f = factor * (1 + 1e-6);
            _bandConst[q] = (float)(f * c * c + 1e-30);
            _bandCross[q] = (float)(f * 2 * c);
            var store = _store.AsSpan(_offset + q * PaddedK * d, PaddedK * d);
            for (int j = 0; j < k; j++)
            {
                int p = j / Lanes, lane = j % Lanes;
                for (int i = 0; i < d; i++) store[(p * d + i) * Lanes + lane] = cb[j * d + i];
            }
        }
        _valid = k == 64 ? ulong.MaxValue : (1UL << k) - 1;
        BlockFrames = Math.Clamp(BlockBytes / (4 * d) / 16 * 16, 16, 256);
    }

    /// <summary>Whether a codebook of <paramref name="k"/> codewords takes this search.</summary>
    internal static bool Suits(int k) => k <= MaxCodebookSize;

    public int Levels { get; }

    public int K { get; }

    public int D { get; }

    /// <summary>K rounded up to whole panels of 16.</summary>
    public int PaddedK { get; }

    /// <summary>Frames per block: their residuals (BlockFrames × D floats, ≤ 16 KB) stay in L1 across the levels.</summary>
    public int BlockFrames { get; }

    /// <summary>
    /// Encodes <paramref name="frames"/> rows of <paramref name="latent"/> [frames, D] with the first
    /// <paramref name="levels"/> levels; code (t, q) goes to codes[t·rowStride + column + q]. Inputs are
    /// validated by the caller (finite latent, sizes).
    /// </summary>
    internal void Encode(ReadOnlySpan<float> latent, int frames, Span<int> codes, int levels, int rowStride, int column, QuantizerWorkspace ws)
    {
        if (frames <= 0) return;
        if (latent.Length < frames * D || levels > Levels || column + levels > rowStride || codes.Length < (long)(frames - 1) * rowStride + column + levels)
            throw new ArgumentException("SmallCodebookSearch.Encode: buffers too small");
        if (UseFrameLanes)
        {
            EncodeFrameLanes(latent, frames, codes, levels, rowStride, column, ws);
            return;
        }
        EncodeFrameRows(latent, frames, codes, levels, rowStride, column, ws);
    }

    // Float64 distances of the candidates, in index order, the first of equal distances kept.
    private int ReRank(int q, ref float x, ulong candidates)
    {
        int d = D;
        var xr = MemoryMarshal.CreateReadOnlySpan(ref x, d);
        int best = -1;
        double bestD = 0;
        for (; candidates != 0; candidates &= candidates - 1)
        {
            int j = BitOperations.TrailingZeroCount(candidates);
            double dj = NearestCodeword.Exact(xr, _codebooks.AsSpan((q * K + j) * d, d));
            if (best < 0 || dj < bestD)
            {
                best = j;
                bestD = dj;
            }
        }
        return best;
    }
}
