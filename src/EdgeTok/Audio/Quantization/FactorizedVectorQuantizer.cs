using System.Numerics.Tensors;
using EdgeTok.Numerics;

namespace EdgeTok.Audio.Quantization;

/// <summary>
/// Factorized, L2-normalised residual VQ (DAC; SNAC with per-level temporal strides). Per level:
/// average-pool the residual by the level's stride, project it to the code space (in_proj), pick the
/// codeword with the highest cosine similarity (argmin of the distance between L2-normalised
/// vectors), map the <em>raw</em> codeword back with out_proj, repeat it stride times along time and
/// subtract it from the residual. Decoding sums the levels' out_proj(codeword) contributions.
/// <para>Layouts are frame-major: latent [T, LatentDimension], codes [T, L]. A level with stride s
/// has T / s codes; in the [T, L] layout each of them is repeated over its s frames (decode reads the
/// first frame of each group). <see cref="GetLevelCodes"/> and <see cref="SetLevelCodes"/> convert to
/// and from the compact per-level form. T must be a multiple of every stride.</para>
/// Immutable and thread-safe; the workspace is per thread.
/// </summary>
public sealed class FactorizedVectorQuantizer
{
    private const float NormEpsilon = 1e-12f; // F.normalize's default eps
    private readonly FactorizedLevel[] _levels;
    private readonly float[][] _unitCodebooks;
    private readonly CodebookPanels[] _panels;
    private readonly int[] _strides;

    /// <summary>Creates the quantizer and precomputes the normalised codebooks.</summary>
    /// <exception cref="EdgeTokException">A weight of the wrong size, a stride below 1, or non-finite weights (<see cref="StatusCode.InvalidArgument"/>).</exception>
    public FactorizedVectorQuantizer(IReadOnlyList<FactorizedLevel> levels, int latentDimension, int codebookSize, int codeDimension)
    {
        if (levels is null || levels.Count == 0) throw EdgeTokException.Argument("a factorized quantizer needs at least one level");
        if (latentDimension < 1 || codebookSize < 1 || codeDimension < 1)
            throw EdgeTokException.Argument($"latent dimension, codebook size and code dimension must be ≥ 1 (got {latentDimension}, {codebookSize}, {codeDimension})");
        LatentDimension = latentDimension;
        CodebookSize = codebookSize;
        CodeDimension = codeDimension;
        _levels = levels.ToArray();
        _unitCodebooks = new float[_levels.Length][];
        _panels = new CodebookPanels[_levels.Length];
        _strides = new int[_levels.Length];
        long frameMultiple = 1;
        for (int l = 0; l < _levels.Length; l++)
        {
            var lv = _levels[l];
            Expect(lv.Codebook, (long)codebookSize * codeDimension, l, "codebook", $"[{codebookSize}, {codeDimension}]");
            Expect(lv.InProjWeight, (long)codeDimension * latentDimension, l, "in_proj weight", $"[{codeDimension}, {latentDimension}]");
            Expect(lv.OutProjWeight, (long)latentDimension * codeDimension, l, "out_proj weight", $"[{latentDimension}, {codeDimension}]");
            if (lv.InProjBias.Length != 0) Expect(lv.InProjBias, codeDimension, l, "in_proj bias", $"[{codeDimension}]");
            if (lv.OutProjBias.Length != 0) Expect(lv.OutProjBias, latentDimension, l, "out_proj bias", $"[{latentDimension}]");
            if (lv.Stride < 1) throw EdgeTokException.Argument($"level {l}: stride {lv.Stride} must be ≥ 1");
            _strides[l] = lv.Stride;
            frameMultiple = Lcm(frameMultiple, lv.Stride);
            var unit = (float[])lv.Codebook.Clone();
            for (int k = 0; k < codebookSize; k++) NormalizeRow(unit.AsSpan(k * codeDimension, codeDimension));
            _unitCodebooks[l] = unit;
            _panels[l] = new CodebookPanels(unit, NearestCodeword.RowNorms(unit, codebookSize, codeDimension), codebookSize, codeDimension);
        }
        if (frameMultiple > 1 << 20) throw EdgeTokException.Argument($"strides have a least common multiple of {frameMultiple}, too large");
        FrameMultiple = (int)frameMultiple;
    }

    /// <summary>Number of levels.</summary>
    public int Levels => _levels.Length;

    /// <summary>Latent dimension (e.g. 1024 for DAC, 768 for SNAC 24 kHz).</summary>
    public int LatentDimension { get; }

    /// <summary>Codewords per level.</summary>
    public int CodebookSize { get; }

    /// <summary>Dimension of the code space (8 for DAC and SNAC).</summary>
    public int CodeDimension { get; }

    /// <summary>Temporal stride of each level.</summary>
    public IReadOnlyList<int> Strides => _strides;

    /// <summary>The frame count must be a multiple of this (the least common multiple of the strides).</summary>
    public int FrameMultiple { get; }

    /// <summary>
    /// Encodes latent [frames, LatentDimension] with the first <paramref name="levels"/> levels into
    /// codes [frames, levels] (strided levels repeated over their frames).
    /// </summary>
    /// <exception cref="EdgeTokException">Bad sizes, a frame count that is not a multiple of the strides, or NaN/infinite values (<see cref="StatusCode.InvalidArgument"/>).</exception>
    public void Encode(ReadOnlySpan<float> latent, int frames, Span<int> codes, int levels, QuantizerWorkspace? workspace = null)
    {
        CheckArgs(latent.Length, frames, codes.Length, levels);
        NearestCodeword.RequireFinite(latent[..(frames * LatentDimension)], "latent");
        var ws = workspace ?? QuantizerWorkspace.ForCurrentThread;
        int dl = LatentDimension, dc = CodeDimension, k = CodebookSize, block = NearestCodeword.BlockRows;
        var residual = ws.Floats(0, frames * dl);
        latent[..(frames * dl)].CopyTo(residual);
        for (int l = 0; l < levels; l++)
        {
            var lv = _levels[l];
            int s = _strides[l], tp = frames / s;
            ReadOnlySpan<float> src = residual;
            if (s > 1)
            {
                var pooled = ws.Floats(1, tp * dl);
                Pool(residual, pooled, tp, s, dl);
                src = pooled;
            }
            var ze = ws.Floats(2, tp * dc);
            Project(src, tp, dl, lv.InProjWeight, lv.InProjBias, dc, ze);
            for (int t = 0; t < tp; t++) NormalizeRow(ze.Slice(t * dc, dc));
            var best = ws.Ints(0, tp);
            var scratch = ws.Floats(3, NearestCodeword.ScratchFloats(_panels[l], block));
            var intScratch = ws.Ints(2, NearestCodeword.ScratchInts(block));
            for (int t0 = 0; t0 < tp; t0 += block)
            {
                int rows = Math.Min(block, tp - t0);
                NearestCodeword.Search(ze.Slice(t0 * dc, rows * dc), rows, _panels[l], _unitCodebooks[l], scratch, intScratch, best.Slice(t0, rows));
            }
            for (int t = 0; t < frames; t++) codes[t * levels + l] = best[t / s];
            if (l + 1 < levels)
            {
                var zq = ws.Floats(4, tp * dl);
                LevelContribution(l, best, tp, ws, zq);
                for (int t = 0; t < frames; t++)
                {
                    var r = residual.Slice(t * dl, dl);
                    TensorPrimitives.Subtract(r, zq.Slice(t / s * dl, dl), r);
                }
            }
        }
    }

    /// <summary>
    /// Decodes codes [frames, levels] into latent [frames, LatentDimension]: Σ over levels of
    /// out_proj(codeword), each repeated over its stride.
    /// </summary>
    /// <exception cref="EdgeTokException">Bad sizes or a code outside 0..CodebookSize−1 (<see cref="StatusCode.InvalidArgument"/>).</exception>
    public void Decode(ReadOnlySpan<int> codes, int frames, int levels, Span<float> latent, QuantizerWorkspace? workspace = null)
    {
        CheckArgs(latent.Length, frames, codes.Length, levels);
        CheckCodes(codes[..(frames * levels)], levels);
        var ws = workspace ?? QuantizerWorkspace.ForCurrentThread;
        int dl = LatentDimension;
        var dst = latent[..(frames * dl)];
        dst.Clear();
        for (int l = 0; l < levels; l++) AddLevel(codes, frames, levels, l, ws, dst);
    }

    /// <summary>
    /// The contribution of one level to the decoded latent (out_proj(codeword) repeated over the
    /// stride), written to latent [frames, LatentDimension]. Codes are [frames, levels] as from <see cref="Encode"/>.
    /// </summary>
    public void DecodeLevel(ReadOnlySpan<int> codes, int frames, int levels, int level, Span<float> latent, QuantizerWorkspace? workspace = null)
    {
        CheckArgs(latent.Length, frames, codes.Length, levels);
        if ((uint)level >= (uint)levels) throw EdgeTokException.Argument($"level {level} is outside 0..{levels - 1}");
        CheckCodes(codes[..(frames * levels)], levels);
        var dst = latent[..(frames * LatentDimension)];
        dst.Clear();
        AddLevel(codes, frames, levels, level, workspace ?? QuantizerWorkspace.ForCurrentThread, dst);
    }

    /// <summary>The compact codes of one level (frames / stride values) from codes [frames, levels].</summary>
    public void GetLevelCodes(ReadOnlySpan<int> codes, int frames, int levels, int level, Span<int> destination)
    {
        CheckLevelLayout(codes.Length, frames, levels, level);
        int s = _strides[level];
        if (destination.Length < frames / s) throw EdgeTokException.Argument($"destination holds {destination.Length} codes, level {level} has {frames / s}");
        for (int t = 0; t < frames / s; t++) destination[t] = codes[t * s * levels + level];
    }

    /// <summary>Writes the compact codes of one level (frames / stride values) into codes [frames, levels], repeating each over its stride.</summary>
    public void SetLevelCodes(ReadOnlySpan<int> levelCodes, int frames, int levels, int level, Span<int> codes)
    {
        CheckLevelLayout(codes.Length, frames, levels, level);
        int s = _strides[level];
        if (levelCodes.Length < frames / s) throw EdgeTokException.Argument($"level {level} needs {frames / s} codes, got {levelCodes.Length}");
        for (int t = 0; t < frames; t++) codes[t * levels + level] = levelCodes[t / s];
    }

    private void CheckLevelLayout(int codesLength, int frames, int levels, int level)
    {
        if (levels < 1 || levels > Levels || (uint)level >= (uint)levels)
            throw EdgeTokException.Argument($"level {level} of {levels} is outside this quantizer's {Levels} levels");
        if (frames < 0 || frames % _strides[level] != 0)
            throw EdgeTokException.Argument($"frame count {frames} is not a multiple of level {level}'s stride {_strides[level]}");
        if (codesLength < (long)frames * levels)
            throw EdgeTokException.Argument($"codes hold {codesLength} values; {frames} frames × {levels} levels need {(long)frames * levels}");
    }

    private void AddLevel(ReadOnlySpan<int> codes, int frames, int levels, int l, QuantizerWorkspace ws, Span<float> dst)
    {
        int s = _strides[l], tp = frames / s, dl = LatentDimension;
        var idx = ws.Ints(1, tp);
        for (int t = 0; t < tp; t++) idx[t] = codes[t * s * levels + l];
        var zq = ws.Floats(4, tp * dl);
        LevelContribution(l, idx, tp, ws, zq);
        for (int t = 0; t < frames; t++)
        {
            var row = dst.Slice(t * dl, dl);
            TensorPrimitives.Add(row, zq.Slice(t / s * dl, dl), row);
        }
    }

    // zq[tp, latent] = out_proj(raw codewords of idx).
    private void LevelContribution(int l, ReadOnlySpan<int> idx, int tp, QuantizerWorkspace ws, Span<float> zq)
    {
        var lv = _levels[l];
        int dc = CodeDimension;
        var cw = ws.Floats(5, tp * dc);
        for (int t = 0; t < tp; t++) lv.Codebook.AsSpan(idx[t] * dc, dc).CopyTo(cw.Slice(t * dc, dc));
        Project(cw, tp, dc, lv.OutProjWeight, lv.OutProjBias, LatentDimension, zq);
    }

    // y[rows, outDim] = x[rows, inDim] · Wᵀ + b, W [outDim, inDim].
    private static void Project(ReadOnlySpan<float> x, int rows, int inDim, float[] w, float[] bias, int outDim, Span<float> y)
    {
        Gemm.MultiplyTransposed(x, w, y, rows, outDim, inDim);
        if (bias.Length == 0) return;
        for (int t = 0; t < rows; t++)
        {
            var row = y.Slice(t * outDim, outDim);
            TensorPrimitives.Add(row, bias, row);
        }
    }

    private static void Pool(ReadOnlySpan<float> x, Span<float> y, int tp, int s, int d)
    {
        float inv = 1f / s;
        for (int t = 0; t < tp; t++)
        {
            var dst = y.Slice(t * d, d);
            x.Slice(t * s * d, d).CopyTo(dst);
            for (int j = 1; j < s; j++) TensorPrimitives.Add(dst, x.Slice((t * s + j) * d, d), dst);
            if ((s & (s - 1)) == 0) TensorPrimitives.Multiply(dst, inv, dst); // exact for powers of two
            else TensorPrimitives.Divide(dst, (float)s, dst);
        }
    }

    private static void NormalizeRow(Span<float> row)
    {
        float n = TensorPrimitives.Norm(row);
        TensorPrimitives.Divide(row, MathF.Max(n, NormEpsilon), row);
    }

    private void CheckArgs(int latentLength, int frames, int codesLength, int levels)
    {
        if (levels < 1 || levels > Levels) throw EdgeTokException.Argument($"level count {levels} is outside 1..{Levels}");
        if (frames < 0) throw EdgeTokException.Argument($"frame count {frames} is negative");
        for (int l = 0; l < levels; l++)
            if (frames % _strides[l] != 0)
                throw EdgeTokException.Argument($"frame count {frames} is not a multiple of level {l}'s stride {_strides[l]} (pad the latent to a multiple of {FrameMultiple})");
        if (latentLength < (long)frames * LatentDimension)
            throw EdgeTokException.Argument($"latent holds {latentLength} values; {frames} frames × {LatentDimension} need {(long)frames * LatentDimension}");
        if (codesLength < (long)frames * levels)
            throw EdgeTokException.Argument($"codes hold {codesLength} values; {frames} frames × {levels} levels need {(long)frames * levels}");
    }

    private void CheckCodes(ReadOnlySpan<int> codes, int levels)
    {
        for (int i = 0; i < codes.Length; i++)
            if ((uint)codes[i] >= (uint)CodebookSize)
                throw EdgeTokException.Argument($"code {codes[i]} at frame {i / levels}, codebook {i % levels} is outside 0..{CodebookSize - 1}");
    }

    private static void Expect(float[] a, long n, int level, string what, string shape)
    {
        if (a is null || a.Length != n) throw EdgeTokException.Argument($"level {level}: {what} has {a?.Length ?? 0} values, expected {shape} = {n}");
        NearestCodeword.RequireFinite(a, $"level {level} {what}");
    }

    private static long Lcm(long a, long b)
    {
        long x = a, y = b;
        while (y != 0) (x, y) = (y, x % y);
        return a / x * b;
    }
}
