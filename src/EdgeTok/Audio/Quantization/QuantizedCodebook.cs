using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using EdgeTok.Numerics;

namespace EdgeTok.Audio.Quantization;

/// <summary>
/// One RVQ level's codebook [K, D] rounded to 8-bit integers for a screening pass of the nearest-codeword
/// search (<see cref="ScreenedSearch"/>): codeword k becomes s_k·q_k with s_k = max|c_k|/127 and q_k in
/// −127..127. Dot products of 8-bit rows with it run on AVX-VNNI (32 multiply-adds per instruction
/// against 16 for a float32 FMA), and the rounding errors are bounded exactly enough that the screened
/// candidates always contain the true nearest codeword.
/// <para>
/// Layout: panels of 8 codewords × 4 dimensions (one 32-byte vector per step: codeword-major, 4 bytes per
/// codeword), 3 panels per step of the kernel; K is padded to a multiple of 24 with zero codewords whose
/// norm is +∞, D to a multiple of 4 with zeros. Rows arrive as unsigned bytes q + 128, so each
/// accumulator starts at −128·Σq_k (<see cref="Scan(ReadOnlySpan{byte}, int, ReadOnlySpan{float}, Span{float})"/>).
/// </para>
/// </summary>
internal sealed class QuantizedCodebook
{
    /// <summary>Codewords per panel (one 256-bit vector of int32 lanes).</summary>
    internal const int PanelWidth = 8;

    /// <summary>Codewords per kernel step: 3 panels, so 4 rows × 3 panels = 12 of the 16 VEX registers accumulate.</summary>
    internal const int StepWidth = 3 * PanelWidth;

    /// <summary>Rows per packed group.</summary>
    internal const int GroupRows = 4;

    /// <summary>
    /// Steps rotate over this many sets of lanes: lane L holds codewords k ≡ L mod 24 of steps t ≡ L / 24
    /// mod 4, so a lane covers K/96 codewords and rarely holds two candidates (which makes the whole lane one).
    /// </summary>
    internal const int Phases = 4;  // a power of two

    /// <summary>Lanes of state per row.</summary>
    internal const int StateLanes = Phases * StepWidth;

    /// <summary>Lane state per row: per lane, smallest score, second smallest, index of the smallest.</summary>
    internal const int StateStride = 3 * StateLanes;

    private readonly sbyte[] _store;  // pinned; panels from _offset, 64-byte aligned
    private readonly int _offset;
    private readonly int[] _bias;     // [PaddedK] −128·Σ q_k: the accumulator's start (rows are offset by +128)
    private readonly float[] _scale;  // [PaddedK] −2·s_k
    private readonly float[] _norms;  // [PaddedK] ||c_k||² (rounded once from float64); padding +∞

    public QuantizedCodebook(ReadOnlySpan<float> codebook, int k, int d)
    {
        if (k < 1 || d < 1 || codebook.Length < (long)k * d) throw new ArgumentException($"QuantizedCodebook: {k}x{d} needs {(long)k * d} values");
        K = k;
        D = d;
        Steps4 = (d + 3) / 4;
        StepCount = (k + StepWidth - 1) / StepWidth;
        int panelBytes = Steps4 * 32;
        _store = GC.AllocateArray<sbyte>(StepCount * 3 * panelBytes + 64, pinned: true);
        _offset = CacheLine.Offset(_store);
        _bias = new int[PaddedK];
        _scale = new float[PaddedK];
        _norms = new float[PaddedK];
        _norms.AsSpan().Fill(float.PositiveInfinity);
        var panels = _store.AsSpan(_offset);
        double maxNorm = 0, maxError = 0, maxSquared = 0;
        for (int j = 0; j < k; j++)
        {
            var c = codebook.Slice(j * d, d);
            float maxAbs = 0;
            foreach (float v in c) maxAbs = MathF.Max(maxAbs, MathF.Abs(v));
            float s = maxAbs / 127f;
            double inv = s > 0 ? 1.0 / s : 0;
            double norm2 = 0, err2 = 0;
            int sum = 0;
            int panel = j / PanelWidth, lane = j % PanelWidth;
            for (int i = 0; i < d; i++)
            {
                int q = (int)Math.Clamp(Math.Round(c[i] * inv), -127, 127);
                panels[panel * panelBytes + (i / 4) * 32 + lane * 4 + i % 4] = (sbyte)q;
                sum += q;
                double e = (double)c[i] - (double)s * q;
                err2 += e * e;
                norm2 += (double)c[i] * c[i];
            }
            _bias[j] = -128 * sum;
            _scale[j] = -2f * s;
            _norms[j] = (float)norm2;
            maxNorm = Math.Max(maxNorm, Math.Sqrt(norm2));
            maxError = Math.Max(maxError, Math.Sqrt(err2));
            maxSquared = Math.Max(maxSquared, norm2);
        }
        MaxNorm = maxNorm;
        MaxError = maxError;
        MaxSquaredNorm = maxSquared;
    }

    public int K { get; }

    public int D { get; }

    /// <summary>Groups of 4 dimensions (D rounded up to a multiple of 4, over 4).</summary>
    public int Steps4 { get; }

    /// <summary>Steps of 24 codewords.</summary>
    public int StepCount { get; }

    /// <summary>K rounded up to a multiple of 24.</summary>
    public int PaddedK => StepCount * StepWidth;

    /// <summary>Largest codeword L2 norm.</summary>
    public double MaxNorm { get; }

    /// <summary>Largest L2 norm of a codeword's rounding error c_k − s_k·q_k.</summary>
    public double MaxError { get; }

    /// <summary>Largest squared codeword norm.</summary>
    public double MaxSquaredNorm { get; }

    /// <summary>Squared norm of codeword <paramref name="k"/> as used in the scores.</summary>
    public float Norm(int k) => _norms[k];

    /// <summary>Bytes of a packed block of <paramref name="rows"/> rows (<see cref="ScreenedSearch"/> packs them).</summary>
    public int PackedBytes(int rows) => (rows + GroupRows - 1) / GroupRows * Steps4 * GroupRows * 4;

    /// <summary>Whether <see cref="Scan(ReadOnlySpan{byte}, int, ReadOnlySpan{float}, Span{float})"/> runs on AVX-VNNI here (otherwise a scalar loop with the same results).</summary>
    public static bool IsAccelerated => AvxVnni.IsSupported;

    /// <summary>
    /// Screens <paramref name="rows"/> rows packed as groups of 4 ([Steps4][4 rows][4 bytes] per group,
    /// bytes q + 128) with per-row scales <paramref name="rowScale"/> (padded to whole groups): for every
    /// codeword the score ||c_k||² − 2·s_row·s_k·(q_row·q_k), kept per row and lane as the smallest, second smallest and index of the smallest in <paramref name="state"/>
    /// ([row][<see cref="StateStride"/>]: 96 smallest, 96 second smallest, 96 indices as int bits; lanes as in <see cref="Phases"/>).
    /// The state is initialised here. Scores are bit-identical on every path.
    /// </summary>
    public void Scan(ReadOnlySpan<byte> packed, int rows, ReadOnlySpan<float> rowScale, Span<float> state) => Scan(packed, rows, rowScale, state, scalar: false);

    /// <summary>As <see cref="Scan(ReadOnlySpan{byte}, int, ReadOnlySpan{float}, Span{float})"/>; <paramref name="scalar"/> forces the scalar loop (tests compare the paths).</summary>
    internal void Scan(ReadOnlySpan<byte> packed, int rows, ReadOnlySpan<float> rowScale, Span<float> state, bool scalar)
    {
        int groups = (rows + GroupRows - 1) / GroupRows;
        if (rows < 0 || packed.Length < PackedBytes(rows) || rowScale.Length < groups * GroupRows || state.Length < groups * GroupRows * StateStride)
            throw new ArgumentException("QuantizedCodebook.Scan: buffer too small");
        for (int r = 0; r < groups * GroupRows; r++)
        {
            var st = state.Slice(r * StateStride, StateStride);
            st[..(2 * StateLanes)].Fill(float.PositiveInfinity);
            MemoryMarshal.Cast<float, int>(st[(2 * StateLanes)..]).Clear();
        }
        if (AvxVnni.IsSupported && !scalar) ScanVnni(packed, groups, rowScale, state);
        else ScanScalar(packed, groups, rowScale, state);
    }

    private unsafe void ScanVnni(ReadOnlySpan<byte> packed, int groups, ReadOnlySpan<float> rowScale, Span<float> state)
    {
        int s4 = Steps4, panelBytes = s4 * 32, groupBytes = s4 * 16;
        fixed (byte* xBase = packed)
        fixed (float* stBase = state)
        fixed (float* scaleBase = rowScale)
        fixed (int* biasBase = _bias)
        fixed (float* kScaleBase = _scale)
        fixed (float* normBase = _norms)
        fixed (sbyte* storeBase = _store)
        {
            sbyte* cbBase = storeBase + _offset;
            for (int g = 0; g < groups; g++)
            {
                byte* xg = xBase + (nint)g * groupBytes;
                byte* xEnd = xg + groupBytes;
                float* st = stBase + (nint)g * GroupRows * StateStride;
                var sx0 = Vector256.Create(scaleBase[g * 4]);
                var sx1 = Vector256.Create(scaleBase[g * 4 + 1]);
                var sx2 = Vector256.Create(scaleBase[g * 4 + 2]);
                var sx3 = Vector256.Create(scaleBase[g * 4 + 3]);
                for (int t = 0; t < StepCount; t++)
                {
                    sbyte* p = cbBase + (nint)t * 3 * panelBytes;
                    int k0 = t * StepWidth;
                    var b0 = Vector256.Load(biasBase + k0);
                    var b1 = Vector256.Load(biasBase + k0 + 8);
                    var b2 = Vector256.Load(biasBase + k0 + 16);
                    Vector256<int> a0 = b0, a1 = b1, a2 = b2, c0 = b0, c1 = b1, c2 = b2, e0 = b0, e1 = b1, e2 = b2, f0 = b0, f1 = b1, f2 = b2;
                    for (byte* x = xg; x < xEnd; x += 16, p += 32)
                    {
                        var p0 = Vector256.LoadAligned(p);
                        var p1 = Vector256.LoadAligned(p + panelBytes);
                        var p2 = Vector256.LoadAligned(p + 2 * panelBytes);
                        var x0 = Vector256.Create(*(int*)x).AsByte();
                        a0 = AvxVnni.MultiplyWideningAndAdd(a0, x0, p0);
                        a1 = AvxVnni.MultiplyWideningAndAdd(a1, x0, p1);
                        a2 = AvxVnni.MultiplyWideningAndAdd(a2, x0, p2);
                        var x1 = Vector256.Create(*(int*)(x + 4)).AsByte();
                        c0 = AvxVnni.MultiplyWideningAndAdd(c0, x1, p0);
                        c1 = AvxVnni.MultiplyWideningAndAdd(c1, x1, p1);
                        c2 = AvxVnni.MultiplyWideningAndAdd(c2, x1, p2);
                        var x2 = Vector256.Create(*(int*)(x + 8)).AsByte();
                        e0 = AvxVnni.MultiplyWideningAndAdd(e0, x2, p0);
                        e1 = AvxVnni.MultiplyWideningAndAdd(e1, x2, p1);
                        e2 = AvxVnni.MultiplyWideningAndAdd(e2, x2, p2);
                        var x3 = Vector256.Create(*(int*)(x + 12)).AsByte();
                        f0 = AvxVnni.MultiplyWideningAndAdd(f0, x3, p0);
                        f1 = AvxVnni.MultiplyWideningAndAdd(f1, x3, p1);
                        f2 = AvxVnni.MultiplyWideningAndAdd(f2, x3, p2);
                    }
                    var ks0 = Vector256.Load(kScaleBase + k0);
                    var ks1 = Vector256.Load(kScaleBase + k0 + 8);
                    var ks2 = Vector256.Load(kScaleBase + k0 + 16);
                    var n0 = Vector256.Load(normBase + k0);
                    var n1 = Vector256.Load(normBase + k0 + 8);
                    var n2 = Vector256.Load(normBase + k0 + 16);
                    var id = Vector256.Create(k0) + Vector256<int>.Indices;
                    float* sp = st + (t & (Phases - 1)) * StepWidth;
                    Update3(sp, a0, a1, a2, ks0, ks1, ks2, n0, n1, n2, sx0, id);
                    Update3(sp + StateStride, c0, c1, c2, ks0, ks1, ks2, n0, n1, n2, sx1, id);
                    Update3(sp + 2 * StateStride, e0, e1, e2, ks0, ks1, ks2, n0, n1, n2, sx2, id);
                    Update3(sp + 3 * StateStride, f0, f1, f2, ks0, ks1, ks2, n0, n1, n2, sx3, id);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Update3(float* st, Vector256<int> a0, Vector256<int> a1, Vector256<int> a2,
        Vector256<float> ks0, Vector256<float> ks1, Vector256<float> ks2, Vector256<float> n0, Vector256<float> n1, Vector256<float> n2,
        Vector256<float> sx, Vector256<int> id)
    {
        Update(st, Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(a0) * ks0, sx, n0), id);
        Update(st + 8, Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(a1) * ks1, sx, n1), id + Vector256.Create(8));
        Update(st + 16, Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(a2) * ks2, sx, n2), id + Vector256.Create(16));
    }

    // Smallest, second smallest (min(second, max(smallest, s)): equal scores count, so ties are seen)
    // and index of the smallest; a strictly smaller score replaces it, so the lowest index wins ties.
    // Scores are never NaN here, so the native min/max (one instruction each) are exact.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Update(float* m, Vector256<float> s, Vector256<int> ids)
    {
        var m1 = Vector256.Load(m);
        var lt = Vector256.LessThan(s, m1);
        Vector256.Store(Vector256.MinNative(Vector256.Load(m + StateLanes), Vector256.MaxNative(m1, s)), m + StateLanes);
        Vector256.Store(Vector256.ConditionalSelect(lt, s, m1), m);
        int* ix = (int*)(m + 2 * StateLanes);
        Vector256.Store(Vector256.ConditionalSelect(lt.AsInt32(), ids, Vector256.Load(ix)), ix);
    }

    /// <summary>
    /// The screened score of codeword <paramref name="k"/> for row <paramref name="row"/> of a packed block
    /// with scale <paramref name="sx"/>: ||c_k||² − 2·sx·s_k·(q_row·q_k), computed as every path computes it.
    /// </summary>
    internal float ScreenedScore(ReadOnlySpan<byte> packed, int row, float sx, int k)
    {
        int s4 = Steps4, panelBytes = s4 * 32, groupBytes = s4 * 16;
        int g = row / GroupRows, r = row % GroupRows;
        int t = k / StepWidth, lane = k % StepWidth, panel = t * 3 + lane / PanelWidth, c = lane % PanelWidth;
        var cb = _store.AsSpan(_offset);
        int acc = _bias[k];
        for (int s = 0; s < s4; s++)
            for (int b = 0; b < 4; b++)
                acc += packed[g * groupBytes + s * 16 + r * 4 + b] * cb[panel * panelBytes + s * 32 + c * 4 + b];
        return MathF.FusedMultiplyAdd((float)acc * _scale[k], sx, _norms[k]);
    }

    // The same integer sums and the same float operations one codeword at a time (tests, CPUs without AVX-VNNI).
    private void ScanScalar(ReadOnlySpan<byte> packed, int groups, ReadOnlySpan<float> rowScale, Span<float> state)
    {
        for (int row = 0; row < groups * GroupRows; row++)
        {
            var st = state.Slice(row * StateStride, StateStride);
            var ix = MemoryMarshal.Cast<float, int>(st[(2 * StateLanes)..]);
            float sx = rowScale[row];
            for (int k = 0; k < PaddedK; k++)
            {
                float score = ScreenedScore(packed, row, sx, k);
                int lane = k / StepWidth % Phases * StepWidth + k % StepWidth;
                float m1 = st[lane];
                float hi = m1 > score ? m1 : score;
                if (hi < st[StateLanes + lane]) st[StateLanes + lane] = hi;
                if (score < m1)
                {
                    st[lane] = score;
                    ix[lane] = k;
                }
            }
        }
    }
}
