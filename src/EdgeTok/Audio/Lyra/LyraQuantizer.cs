using System.Runtime.Intrinsics;
using EdgeTok.IO.TfLite;
using Op = EdgeTok.IO.TfLite.TfLiteBuiltinOperator;

namespace EdgeTok.Audio.Lyra;

/// <summary>
/// Lyra v2's residual vector quantizer (46 levels × 16 codewords × 64 dims, Euclidean), run natively
/// with codebooks read from <c>quantizer.tflite</c>. The level order and the decoder's summation order
/// are recovered by tracing the graph (not from tensor names), and the float operations follow the graph
/// exactly — squared differences summed over the 64 dims in order, the residual updated as
/// r − (r + (q − r)) — so codes and dequantized features are bit-identical to the TFLite runtime.
/// Unused levels carry the code −1. Immutable and thread-safe.
/// </summary>
public sealed class LyraQuantizer
{
    /// <summary>Bits per level: 16 codewords.</summary>
    public const int BitsPerLevel = 4;

    private readonly float[][] _searchT;   // per level, [dim][codeword] for the distance search
    private readonly float[][] _lookup;    // per level, [codeword][dim] for the residual update
    private readonly float[][] _decode;    // per level, [codeword][dim] as the decode graph gathers them
    private readonly int[] _program;       // postfix: level ≥ 0 pushes its masked codeword, −1 adds the top two
    private readonly int _stackDepth;

    /// <summary>Number of levels the model has (46).</summary>
    public int Levels { get; }

    /// <summary>Codewords per level (16).</summary>
    public int CodebookSize { get; }

    /// <summary>Feature dimension (64).</summary>
    public int Dimension { get; }

    private LyraQuantizer(float[][] searchT, float[][] lookup, float[][] decode, int[] program, int depth, int size, int dim)
    {
        _searchT = searchT; _lookup = lookup; _decode = decode; _program = program; _stackDepth = depth;
        Levels = searchT.Length; CodebookSize = size; Dimension = dim;
    }

    /// <summary>Reads the quantizer from Lyra's <c>quantizer.tflite</c>.</summary>
    /// <exception cref="EdgeTokException">The file is missing, not TFLite, or its graphs are not the Lyra RVQ layout.</exception>
    public static LyraQuantizer Load(string path) => FromModel(TfLiteModel.Load(path));

    internal static LyraQuantizer FromModel(TfLiteModel model)
    {
        var (search, lookup, size, dim) = TraceEncode(model, model.Signature("encode"));
        var (decode, program, depth) = TraceDecode(model, model.Signature("decode"), search.Length);
        var searchT = new float[search.Length][];
        for (int l = 0; l < search.Length; l++)
        {
            if (search[l].Length != size * dim || lookup[l].Length != size * dim || decode[l].Length != size * dim)
                throw Layout($"level {l} codebooks differ in size");
            // Decode's level index comes from the code slices, encode's from the residual chain: they must agree.
            if (!decode[l].AsSpan().SequenceEqual(lookup[l])) throw Layout($"level {l}: encode and decode codebooks differ");
            searchT[l] = new float[size * dim];
            for (int k = 0; k < size; k++)
                for (int d = 0; d < dim; d++) searchT[l][d * size + k] = search[l][k * dim + d];
        }
        return new LyraQuantizer(searchT, lookup, decode, program, depth, size, dim);
    }

    /// <summary>Levels used at a bitrate: kbps·1000 / (50 frames/s × 4 bits) — 3.2 → 16, 6.0 → 30, 9.2 → 46.</summary>
    /// <exception cref="EdgeTokException">The bitrate does not correspond to a whole number of levels in 1…46.</exception>
    public static int LevelsForBitrate(double kbps)
    {
        double levels = kbps * 1000.0 / (LyraCodec.FramesPerSecond * BitsPerLevel);
        int n = (int)Math.Round(levels);
        if (!(Math.Abs(levels - n) < 1e-6) || n < 1 || n > 46)
            throw EdgeTokException.Argument($"Lyra bitrate {kbps} kbps is not a whole number of 200 bit/s levels in 1..46 (Lyra's operating points: 3.2, 6.0, 9.2 kbps)");
        return n;
    }

    /// <summary>
    /// Quantizes one 64-d feature vector with the first <paramref name="levels"/> levels; writes
    /// <see cref="Levels"/> codes (−1 for unused levels).
    /// </summary>
    /// <exception cref="EdgeTokException">Wrong span lengths or level count.</exception>
    public void Encode(ReadOnlySpan<float> features, int levels, Span<int> codes)
    {
        if (features.Length != Dimension) throw EdgeTokException.Argument($"Lyra quantizer: a feature frame has {Dimension} values, got {features.Length}");
        if (codes.Length != Levels) throw EdgeTokException.Argument($"Lyra quantizer: a code frame has {Levels} levels, got {codes.Length}");
        if (levels < 1 || levels > Levels) throw EdgeTokException.Argument($"Lyra quantizer: levels must be in 1..{Levels}, got {levels}");
        Span<float> r = stackalloc float[Dimension];
        Span<float> dist = stackalloc float[CodebookSize];
        features.CopyTo(r);
        for (int l = 0; l < levels; l++)
        {
            Distances(_searchT[l], r, dist);
            int best = 0;
            for (int k = 1; k < dist.Length; k++) if (dist[k] < dist[best]) best = k;
            codes[l] = best;
            // The graph's straight-through form: r − (r + (q − r)), which is not always r − q in float.
            var q = _lookup[l].AsSpan(best * Dimension, Dimension);
            for (int d = 0; d < r.Length; d++)
            {
                float t = q[d] - r[d];
                float u = r[d] + t;
                r[d] = r[d] - u;
            }
        }
        codes[levels..].Fill(-1);
    }

    private void Distances(float[] cbT, ReadOnlySpan<float> r, Span<float> dist)
    {
        int k = CodebookSize;
        if (k == 16 && Vector256.IsHardwareAccelerated)
        {
            // Lanes are codewords; dims are summed in order, so each lane equals the scalar sequential sum.
            var a0 = Vector256<float>.Zero;
            var a1 = Vector256<float>.Zero;
            for (int d = 0; d < r.Length; d++)
            {
                var rv = Vector256.Create(r[d]);
                var d0 = rv - Vector256.Create(cbT, d * 16);
                var d1 = rv - Vector256.Create(cbT, d * 16 + 8);
                a0 += d0 * d0;
                a1 += d1 * d1;
            }
            a0.CopyTo(dist);
            a1.CopyTo(dist[8..]);
            return;
        }
        dist.Clear();
        for (int d = 0; d < r.Length; d++)
            for (int j = 0; j < k; j++)
            {
                float diff = r[d] - cbT[d * k + j];
                dist[j] += diff * diff;
            }
    }

    /// <summary>
    /// Dequantizes one frame of <see cref="Levels"/> codes (each 0..15, or −1 for an unused level) into a
    /// 64-d feature vector, summing the codewords in the order the decode graph does.
    /// </summary>
    /// <exception cref="EdgeTokException">Wrong span lengths or a code outside −1..15.</exception>
    public void Decode(ReadOnlySpan<int> codes, Span<float> features)
    {
        if (codes.Length != Levels) throw EdgeTokException.Argument($"Lyra quantizer: a code frame has {Levels} levels, got {codes.Length}");
        if (features.Length != Dimension) throw EdgeTokException.Argument($"Lyra quantizer: a feature frame has {Dimension} values, got {features.Length}");
        foreach (int c in codes)
            if (c < -1 || c >= CodebookSize) throw EdgeTokException.Argument($"Lyra quantizer: code {c} outside -1..{CodebookSize - 1}");
        int dim = Dimension;
        Span<float> stack = stackalloc float[_stackDepth * dim];
        int sp = 0;
        foreach (int ins in _program)
        {
            if (ins >= 0)
            {
                int c = codes[ins];
                // Graph: gather(codebook, max(c, 0)) · float(c != −1).
                float mask = c != -1 ? 1f : 0f;
                var cw = _decode[ins].AsSpan(Math.Max(c, 0) * dim, dim);
                var dst = stack.Slice(sp * dim, dim);
                for (int d = 0; d < dim; d++) dst[d] = cw[d] * mask;
                sp++;
            }
            else
            {
                var a = stack.Slice((sp - 2) * dim, dim);
                var b = stack.Slice((sp - 1) * dim, dim);
                for (int d = 0; d < dim; d++) a[d] += b[d];
                sp--;
            }
        }
        stack[..dim].CopyTo(features);
    }

    private static EdgeTokException Layout(string detail) =>
        EdgeTokException.Unsupported($"quantizer.tflite: graph layout not recognised as Lyra's residual VQ: {detail}");

    private static (float[][] Search, float[][] Lookup, int Size, int Dim) TraceEncode(TfLiteModel model, TfLiteSignature sig)
    {
        var sg = model.SubGraphs[sig.SubGraphIndex];
        var byInput = new Dictionary<int, List<TfLiteOperator>>();
        foreach (var op in sg.Operators)
            foreach (int i in op.Inputs)
                if (i >= 0) { if (!byInput.TryGetValue(i, out var l)) byInput[i] = l = []; l.Add(op); }
        TfLiteOperator? Consumer(int t, int code, int pos) =>
            byInput.TryGetValue(t, out var l) ? l.FirstOrDefault(o => o.BuiltinCode == code && o.Inputs.Length > pos && o.Inputs[pos] == t) : null;

        var search = new List<float[]>();
        int size = 0, dim = 0;
        var lookup = new List<float[]?>();
        int r = sig.Input("input_frames");
        while (true)
        {
            // A corrupt file could link the residual chain into a cycle.
            if (search.Count > 1024) throw Layout("residual chain does not end");
            var sq = Consumer(r, Op.SquaredDifference, 0);
            if (sq is null) break;
            var cb = sg.Tensors[sq.Inputs[1]];
            if (cb.Shape.Length < 2) throw Layout($"codebook {cb} is not a matrix");
            (size, dim) = (cb.Shape[^2], cb.Shape[^1]);
            if (size < 1 || dim < 1) throw Layout($"codebook {cb} is empty");
            search.Add(ConstFloats(cb));
            var sum = Consumer(sq.Outputs[0], Op.Sum, 0) ?? throw Layout("SQUARED_DIFFERENCE not followed by SUM");
            var arg = Consumer(sum.Outputs[0], Op.ArgMin, 0) ?? throw Layout("SUM not followed by ARG_MIN");
            var gather = Consumer(arg.Outputs[0], Op.Gather, 1);
            lookup.Add(gather is null ? null : ConstFloats(sg.Tensors[gather.Inputs[0]]));
            // Next residual: SUB(r, ADD(r, ·)).
            var next = byInput.TryGetValue(r, out var users)
                ? users.FirstOrDefault(o => o.BuiltinCode == Op.Sub && o.Inputs[0] == r && sg.Operators.Any(p => p.BuiltinCode == Op.Add && p.Outputs[0] == o.Inputs[1]))
                : null;
            if (next is null) break;
            r = next.Outputs[0];
        }
        if (search.Count == 0) throw Layout("no SQUARED_DIFFERENCE / SUM / ARG_MIN chain from input_frames");
        var codesShape = sg.Tensors[sig.Output("output_0")].Shape;
        if (codesShape.Length == 0 || codesShape[0] != search.Count) throw Layout($"{search.Count} levels traced, codes output has shape [{string.Join(",", codesShape)}]");
        // The last level needs no residual; its lookup equals its search codebook.
        var lk = new float[search.Count][];
        for (int l = 0; l < lk.Length; l++) lk[l] = lookup[l] ?? search[l];
        return ([.. search], lk, size, dim);
    }

    private static (float[][] Codebooks, int[] Program, int Depth) TraceDecode(TfLiteModel model, TfLiteSignature sig, int levels)
    {
        var sg = model.SubGraphs[sig.SubGraphIndex];
        var producer = new Dictionary<int, TfLiteOperator>();
        foreach (var op in sg.Operators) foreach (int o in op.Outputs) producer[o] = op;
        var books = new float[levels][];
        var program = new List<int>();
        int depth = 0, sp = 0;
        int visits = 0;
        void Visit(int t)
        {
            // Bounded: a valid sum has 2·levels − 1 nodes; a corrupt file could hold a cycle.
            if (++visits > 4 * levels) throw Layout("decode: codeword sum is not a tree over the levels");
            if (!producer.TryGetValue(t, out var op)) throw Layout($"decode: tensor {sg.Tensors[t]} is not computed");
            if (op.BuiltinCode == Op.Add)
            {
                Visit(op.Inputs[0]);
                Visit(op.Inputs[1]);
                program.Add(-1);
                sp--;
                return;
            }
            if (op.BuiltinCode != Op.Mul) throw Layout($"decode: unexpected {op.OpName} in the codeword sum");
            var gather = producer.GetValueOrDefault(op.Inputs[0]);
            if (gather is null || gather.BuiltinCode != Op.Gather) throw Layout("decode: MUL not fed by GATHER");
            var slice = producer.GetValueOrDefault(gather.Inputs[1]);
            if (slice is null || slice.BuiltinCode != Op.StridedSlice) throw Layout("decode: GATHER indices not a slice of the codes");
            var begin = sg.Tensors[slice.Inputs[1]];
            if (!begin.IsConstant || begin.Type != TfLiteTensorType.Int32 || begin.ElementCount < 1) throw Layout("decode: slice begin not a constant int32");
            int level = BitConverter.ToInt32(begin.Data.Span[..4]);
            if (level < 0 || level >= levels) throw Layout($"decode: level {level} out of range");
            books[level] = ConstFloats(sg.Tensors[gather.Inputs[0]]);
            program.Add(level);
            depth = Math.Max(depth, ++sp);
        }
        Visit(sig.Output("output_0"));
        for (int l = 0; l < levels; l++) if (books[l] is null) throw Layout($"decode: level {l} never used");
        return (books, [.. program], depth);
    }

    private static float[] ConstFloats(TfLiteTensor t)
    {
        if (!t.IsConstant || t.Type != TfLiteTensorType.Float32) throw Layout($"codebook {t} is not a constant float32");
        var f = new float[t.ElementCount];
        var s = t.Data.Span;
        for (int i = 0; i < f.Length; i++) f[i] = BitConverter.ToSingle(s.Slice(4 * i, 4));
        return f;
    }
}
