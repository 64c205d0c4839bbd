using System.Numerics.Tensors;
using EdgeTok.IO.TfLite;
using Op = EdgeTok.IO.TfLite.TfLiteBuiltinOperator;

namespace EdgeTok.Runtime.TfLite;

/// <summary>
/// ADD / SUB / MUL on float32 with NumPy-style broadcasting (index maps built at plan time when shapes
/// differ), and int8 ADD with TFLite's fixed-point rescaling of both operands to a common scale.
/// </summary>
internal sealed class BinaryKernel : TfLiteKernel
{
    private int _a, _b, _out, _n, _code;
    private int[]? _mapA, _mapB;
    private float _actMin, _actMax;
    private bool _quant;
    private int _aOff, _bOff, _outZp, _aMult, _aShift, _bMult, _bShift, _outMult, _outShift, _qMin, _qMax;
    private const int LeftShift = 20;

    public static BinaryKernel Create(TfLiteGraph g, TfLiteOperator op, int act)
    {
        int a = op.Inputs[0], b = op.Inputs[1], o = op.Outputs[0];
        var k = new BinaryKernel { OpName = op.OpName, _a = a, _b = b, _out = o, _code = op.BuiltinCode, _n = g.ElementCount[o] };
        var outShape = g.T(o).Shape;
        k._mapA = Map(g.T(a).Shape, outShape, op);
        k._mapB = Map(g.T(b).Shape, outShape, op);
        var ta = g.T(a).Type;
        if (ta == TfLiteTensorType.Float32 && g.T(b).Type == ta && g.T(o).Type == ta)
        {
            (k._actMin, k._actMax) = TfLiteActivation.FloatRange(act, op.OpName);
            return k;
        }
        if (ta == TfLiteTensorType.Int8 && g.T(b).Type == ta && g.T(o).Type == ta && op.BuiltinCode == Op.Add)
        {
            k._quant = true;
            float sa = TfLiteKernels.Scale(g, op, a), sb = TfLiteKernels.Scale(g, op, b), so = TfLiteKernels.Scale(g, op, o);
            k._aOff = -TfLiteKernels.ZeroPoint(g, op, a);
            k._bOff = -TfLiteKernels.ZeroPoint(g, op, b);
            k._outZp = TfLiteKernels.ZeroPoint(g, op, o);
            double twiceMax = 2 * Math.Max(sa, sb);
            QuantizedMath.QuantizeMultiplier(sa / twiceMax, out k._aMult, out k._aShift);
            QuantizedMath.QuantizeMultiplier(sb / twiceMax, out k._bMult, out k._bShift);
            QuantizedMath.QuantizeMultiplier(twiceMax / ((1 << LeftShift) * (double)so), out k._outMult, out k._outShift);
            (k._qMin, k._qMax) = TfLiteActivation.Int8Range(act, so, k._outZp, op.OpName);
            return k;
        }
        throw EdgeTokException.Unsupported($"TFLite op {op.OpName} (operator {op.Index}): operand types {ta}/{g.T(b).Type} → {g.T(o).Type} not supported");
    }

    /// <summary>Index of the operand element for each output element, or null when the shapes are equal.</summary>
    private static int[]? Map(int[] s, int[] outShape, TfLiteOperator op)
    {
        if (s.AsSpan().SequenceEqual(outShape)) return null;
        int r = outShape.Length;
        if (s.Length > r) throw TfLiteGraph.Bad(op, "operand has higher rank than the output");
        var padded = new int[r];
        for (int i = 0; i < r; i++) padded[i] = i < r - s.Length ? 1 : s[i - (r - s.Length)];
        for (int i = 0; i < r; i++)
            if (padded[i] != 1 && padded[i] != outShape[i]) throw TfLiteGraph.Bad(op, "operand shape does not broadcast to the output shape");
        long total = 1;
        foreach (int d in outShape) total *= d;
        var map = new int[total];
        var idx = new int[r];
        for (int e = 0; e < total; e++)
        {
            int src = 0;
            for (int i = 0; i < r; i++) src = src * padded[i] + (padded[i] == 1 ? 0 : idx[i]);
            map[e] = src;
            for (int i = r - 1; i >= 0; i--) { if (++idx[i] < outShape[i]) break; idx[i] = 0; }
        }
        return map;
    }

    public override void Run(TfLiteExecution ex)
    {
        if (_quant) { RunInt8(ex); return; }
        var a = ex.F[_a]!;
        var b = ex.F[_b]!;
        var y = ex.F[_out]!.AsSpan(0, _n);
        if (_mapA is null && _mapB is null)
        {
            var sa = a.AsSpan(0, _n);
            var sb = b.AsSpan(0, _n);
            switch (_code)
            {
                case Op.Add: TensorPrimitives.Add(sa, sb, y); break;
                case Op.Sub: TensorPrimitives.Subtract(sa, sb, y); break;
                default: TensorPrimitives.Multiply(sa, sb, y); break;
            }
        }
        else
        {
            for (int i = 0; i < _n; i++)
            {
                float va = a[_mapA is null ? i : _mapA[i]], vb = b[_mapB is null ? i : _mapB[i]];
                y[i] = _code == Op.Add ? va + vb : _code == Op.Sub ? va - vb : va * vb;
            }
        }
        TfLiteActivation.Apply(y, _actMin, _actMax);
    }

    private void RunInt8(TfLiteExecution ex)
    {
        var a = ex.Q[_a]!;
        var b = ex.Q[_b]!;
        var y = ex.Q[_out]!;
        for (int i = 0; i < _n; i++)
        {
            int va = (a[_mapA is null ? i : _mapA[i]] + _aOff) * (1 << LeftShift);
            int vb = (b[_mapB is null ? i : _mapB[i]] + _bOff) * (1 << LeftShift);
            int sa = QuantizedMath.MultiplyByQuantizedMultiplierSmallerThanOneExp(va, _aMult, _aShift);
            int sb = QuantizedMath.MultiplyByQuantizedMultiplierSmallerThanOneExp(vb, _bMult, _bShift);
            int raw = QuantizedMath.MultiplyByQuantizedMultiplierSmallerThanOneExp(sa + sb, _outMult, _outShift) + _outZp;
            y[i] = TfLiteKernels.Clamp8(raw, _qMin, _qMax);
        }
    }
}
