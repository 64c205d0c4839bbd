using EdgeTok.IO.TfLite;

namespace EdgeTok.Runtime.TfLite;

/// <summary>
/// CONCATENATION, STRIDED_SLICE and SPLIT as prepared lists of contiguous block copies (all offsets are
/// fixed by the static shapes), for any storage type.
/// </summary>
internal static class CopyKernels
{
    public static TfLiteKernel Concatenation(TfLiteGraph g, TfLiteOperator op, int axis, int act)
    {
        if (act != 0) throw EdgeTokException.Unsupported($"TFLite op {op.OpName} (operator {op.Index}): fused activation {act} not supported");
        int o = op.Outputs[0];
        var os = g.T(o).Shape;
        if (axis < 0) axis += os.Length;
        if (axis < 0 || axis >= os.Length) throw TfLiteGraph.Bad(op, $"axis {axis} out of range");
        CheckSameQuant(g, op, op.Inputs, o);
        int outer = 1;
        for (int i = 0; i < axis; i++) outer *= os[i];
        var runs = new List<CopyRun>();
        int outInner = g.ElementCount[o] / Math.Max(outer, 1);
        int dstCol = 0, total = 0;
        foreach (int t in op.Inputs)
        {
            var s = g.T(t).Shape;
            if (s.Length != os.Length) throw TfLiteGraph.Bad(op, $"input {g.T(t)} rank differs from the output's");
            for (int d = 0; d < s.Length; d++)
                if (d != axis && s[d] != os[d]) throw TfLiteGraph.Bad(op, $"input {g.T(t)} does not match the output outside the axis");
            total += s[axis];
            int inner = g.ElementCount[t] / Math.Max(outer, 1);
            for (int r = 0; r < outer; r++) runs.Add(new CopyRun(t, o, r * inner, r * outInner + dstCol, inner));
            dstCol += inner;
        }
        if (total != os[axis]) throw TfLiteGraph.Bad(op, $"inputs sum to {total} along axis {axis}, output has {os[axis]}");
        return new CopyKernel { OpName = op.OpName, Runs = Merge(runs), Storage = g.Storage[o] };
    }

    public static TfLiteKernel Split(TfLiteGraph g, TfLiteOperator op)
    {
        int axis = TfLiteKernels.ConstInt(g, op, op.Inputs[0]);
        int x = op.Inputs[1];
        var s = g.T(x).Shape;
        if (axis < 0) axis += s.Length;
        if (axis < 0 || axis >= s.Length) throw TfLiteGraph.Bad(op, $"axis {axis} out of range");
        int parts = op.Outputs.Length;
        if (s[axis] % parts != 0) throw TfLiteGraph.Bad(op, $"dimension {s[axis]} does not split into {parts}");
        CheckSameQuant(g, op, op.Outputs, x);
        int outer = 1;
        for (int i = 0; i < axis; i++) outer *= s[i];
        int inInner = g.ElementCount[x] / outer, partInner = inInner / parts;
        var runs = new List<CopyRun>();
        for (int p = 0; p < parts; p++)
        {
            int o = op.Outputs[p];
            if (g.ElementCount[o] != outer * partInner) throw TfLiteGraph.Bad(op, $"output {g.T(o)} has the wrong size");
            for (int r = 0; r < outer; r++) runs.Add(new CopyRun(x, o, r * inInner + p * partInner, r * partInner, partInner));
        }
        return new CopyKernel { OpName = op.OpName, Runs = Merge(runs), Storage = g.Storage[x] };
    }

    public static TfLiteKernel StridedSlice(TfLiteGraph g, TfLiteOperator op, int beginMask, int endMask, int ellipsisMask, int newAxisMask, int shrinkMask, bool offset)
    {
        if (ellipsisMask != 0 || newAxisMask != 0)
            throw EdgeTokException.Unsupported($"TFLite op {op.OpName} (operator {op.Index}): ellipsis/new-axis masks not supported");
        int x = op.Inputs[0], o = op.Outputs[0];
        var s = g.T(x).Shape;
        int r = s.Length;
        var bc = g.ConstI[op.Inputs[1]];
        var ec = g.ConstI[op.Inputs[2]];
        var sc = g.ConstI[op.Inputs[3]];
        if (bc is null || ec is null || sc is null) throw EdgeTokException.Unsupported($"TFLite op {op.OpName} (operator {op.Index}): begin/end/strides must be constant");
        if (bc.Length != r || ec.Length != r || sc.Length != r) throw TfLiteGraph.Bad(op, "begin/end/strides length differs from the input rank");
        var start = new int[r];
        var count = new int[r];
        var stride = new int[r];
        for (int d = 0; d < r; d++)
        {
            int st = sc[d];
            if (st == 0) throw TfLiteGraph.Bad(op, "stride 0");
            int dim = s[d];
            int b = bc[d], e = offset ? bc[d] + ec[d] : ec[d];
            if ((beginMask >> d & 1) != 0) b = st > 0 ? 0 : dim - 1;
            else { if (b < 0) b += dim; b = st > 0 ? Math.Clamp(b, 0, dim) : Math.Clamp(b, -1, dim - 1); }
            if ((shrinkMask >> d & 1) != 0) { e = b + 1; st = 1; }
            else if ((endMask >> d & 1) != 0) e = st > 0 ? dim : -1;
            else { if (e < 0) e += dim; e = st > 0 ? Math.Clamp(e, 0, dim) : Math.Clamp(e, -1, dim - 1); }
            int n = st > 0 ? Math.Max(0, (e - b + st - 1) / st) : Math.Max(0, (b - e - st - 1) / -st);
            start[d] = b; count[d] = n; stride[d] = st;
        }
        long total = 1;
        foreach (int c in count) total *= c;
        if (total != g.ElementCount[o]) throw TfLiteGraph.Bad(op, $"slice has {total} elements, output {g.T(o)} has {g.ElementCount[o]}");
        CheckSameQuant(g, op, [x], o);
        var strides = new int[r];
        for (int d = r - 1, acc = 1; d >= 0; d--) { strides[d] = acc; acc *= s[d]; }
        var runs = new List<CopyRun>();
        var idx = new int[r];
        for (int e = 0; e < total; e++)
        {
            int src = 0;
            for (int d = 0; d < r; d++) src += (start[d] + idx[d] * stride[d]) * strides[d];
            runs.Add(new CopyRun(x, o, src, e, 1));
            for (int d = r - 1; d >= 0; d--) { if (++idx[d] < count[d]) break; idx[d] = 0; }
        }
        return new CopyKernel { OpName = op.OpName, Runs = Merge(runs), Storage = g.Storage[x] };
    }

    private static void CheckSameQuant(TfLiteGraph g, TfLiteOperator op, int[] tensors, int other)
    {
        var ot = g.T(other);
        if (g.Storage[other] == TfLiteStorage.None) throw EdgeTokException.Unsupported($"TFLite op {op.OpName} (operator {op.Index}): element type {ot.Type} not supported");
        foreach (int t in tensors)
        {
            var tt = g.T(t);
            if (tt.Type != ot.Type) throw TfLiteGraph.Bad(op, $"tensor {tt} and {ot} differ in type");
            if (tt.Type == TfLiteTensorType.Int8 &&
                (tt.Scale.Length != ot.Scale.Length || (tt.Scale.Length > 0 && (tt.Scale[0] != ot.Scale[0] || tt.ZeroPoint[0] != ot.ZeroPoint[0]))))
                throw EdgeTokException.Unsupported($"TFLite op {op.OpName} (operator {op.Index}): int8 operands with different quantization need requantisation, not supported");
        }
    }

    private static CopyRun[] Merge(List<CopyRun> runs)
    {
        var merged = new List<CopyRun>();
        foreach (var run in runs)
        {
            if (run.Length == 0) continue;
            if (merged.Count > 0)
            {
                var last = merged[^1];
                if (last.Src == run.Src && last.Dst == run.Dst && last.SrcOffset + last.Length == run.SrcOffset && last.DstOffset + last.Length == run.DstOffset)
                {
                    merged[^1] = last with { Length = last.Length + run.Length };
                    continue;
                }
            }
            merged.Add(run);
        }
        return [.. merged];
    }
}

/// <summary>One contiguous block copy between two tensors.</summary>
internal readonly record struct CopyRun(int Src, int Dst, int SrcOffset, int DstOffset, int Length);

/// <summary>Executes a prepared list of block copies.</summary>
internal sealed class CopyKernel : TfLiteKernel
{
    public required CopyRun[] Runs { get; init; }
    public required TfLiteStorage Storage { get; init; }

    public override void Run(TfLiteExecution ex)
    {
        foreach (var r in Runs)
        {
            switch (Storage)
            {
                case TfLiteStorage.Float: ex.F[r.Src].AsSpan(r.SrcOffset, r.Length).CopyTo(ex.F[r.Dst].AsSpan(r.DstOffset)); break;
                case TfLiteStorage.Int8: ex.Q[r.Src].AsSpan(r.SrcOffset, r.Length).CopyTo(ex.Q[r.Dst].AsSpan(r.DstOffset)); break;
                case TfLiteStorage.Int32: ex.I[r.Src].AsSpan(r.SrcOffset, r.Length).CopyTo(ex.I[r.Dst].AsSpan(r.DstOffset)); break;
            }
        }
    }
}
