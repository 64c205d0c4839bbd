using System.Numerics.Tensors;
using EdgeTok.IO.TfLite;
using Op = EdgeTok.IO.TfLite.TfLiteBuiltinOperator;

namespace EdgeTok.Runtime.TfLite;

/// <summary>LEAKY_RELU: float as max(x, αx) (α in (0,1)); int8 as a 256-entry table built with TFLite's requantisation.</summary>
internal sealed class LeakyReluKernel : TfLiteKernel
{
    private int _in, _out, _n;
    private float _alpha;
    private sbyte[]? _table;

    public static LeakyReluKernel Create(TfLiteGraph g, TfLiteOperator op, float alpha)
    {
        int i = op.Inputs[0], o = op.Outputs[0];
        var k = new LeakyReluKernel { OpName = op.OpName, _in = i, _out = o, _n = g.ElementCount[o], _alpha = alpha };
        var t = g.T(i).Type;
        if (t == TfLiteTensorType.Float32 && g.T(o).Type == t)
        {
            if (!(alpha >= 0f && alpha <= 1f)) throw EdgeTokException.Unsupported($"TFLite op {op.OpName} (operator {op.Index}): alpha {alpha} outside [0, 1]");
            return k;
        }
        if (t == TfLiteTensorType.Int8 && g.T(o).Type == t)
        {
            float si = TfLiteKernels.Scale(g, op, i), so = TfLiteKernels.Scale(g, op, o);
            int zi = TfLiteKernels.ZeroPoint(g, op, i), zo = TfLiteKernels.ZeroPoint(g, op, o);
            // The reference kernel derives both multipliers in float precision.
            float identity = si / so, alphaMult = si * alpha / so;
            QuantizedMath.QuantizeMultiplier(identity, out int mi, out int shi);
            QuantizedMath.QuantizeMultiplier(alphaMult, out int ma, out int sha);
            k._table = new sbyte[256];
            for (int q = -128; q < 128; q++)
            {
                int v = q - zi;
                int r = zo + (v >= 0 ? QuantizedMath.MultiplyByQuantizedMultiplier(v, mi, shi) : QuantizedMath.MultiplyByQuantizedMultiplier(v, ma, sha));
                k._table[q + 128] = TfLiteKernels.Clamp8(r, -128, 127);
            }
            return k;
        }
        throw EdgeTokException.Unsupported($"TFLite op {op.OpName} (operator {op.Index}): type {t} not supported");
    }

    public override void Run(TfLiteExecution ex)
    {
        if (_table is { } tab)
        {
            var x = ex.Q[_in]!;
            var y = ex.Q[_out]!;
            for (int i = 0; i < _n; i++) y[i] = tab[x[i] + 128];
            return;
        }
        var xf = ex.F[_in]!.AsSpan(0, _n);
        var yf = ex.F[_out]!.AsSpan(0, _n);
        TensorPrimitives.Multiply(xf, _alpha, yf);
        TensorPrimitives.Max(xf, yf, yf);
    }
}

/// <summary>QUANTIZE (float32 → int8, round(x / s) + z, clamped) and DEQUANTIZE (int8 → float32, (q − z)·s).</summary>
internal sealed class QuantizeKernel : TfLiteKernel
{
    private int _in, _out, _n, _zp;
    private float _scale;
    private bool _dequant, _fp32;

    public static QuantizeKernel Create(TfLiteGraph g, TfLiteOperator op)
    {
        int i = op.Inputs[0], o = op.Outputs[0];
        bool deq = op.BuiltinCode == Op.Dequantize;
        var (qt, ft) = deq ? (g.T(i), g.T(o)) : (g.T(o), g.T(i));
        if (qt.Type != TfLiteTensorType.Int8 || ft.Type != TfLiteTensorType.Float32)
            throw EdgeTokException.Unsupported($"TFLite op {op.OpName} (operator {op.Index}): {g.T(i).Type} → {g.T(o).Type} not supported (int8 ↔ float32 only)");
        if (qt.Scale.Length != 1) throw EdgeTokException.Unsupported($"TFLite op {op.OpName} (operator {op.Index}): per-channel activation quantization not supported");
        return new QuantizeKernel
        {
            OpName = op.OpName, _in = i, _out = o, _n = g.ElementCount[o], _dequant = deq,
            _scale = qt.Scale[0], _zp = qt.ZeroPoint.Length > 0 ? (int)qt.ZeroPoint[0] : 0,
            _fp32 = g.Requantization == TfLiteRequantization.Float32,
        };
    }

    public override void Run(TfLiteExecution ex)
    {
        if (_dequant)
        {
            var q = ex.Q[_in]!;
            var y = ex.F[_out]!;
            for (int i = 0; i < _n; i++) y[i] = (q[i] - _zp) * _scale;
            return;
        }
        var x = ex.F[_in]!;
        var o = ex.Q[_out]!;
        if (_fp32)
        {
            float inv = 1f / _scale;
            for (int i = 0; i < _n; i++)
                o[i] = TfLiteKernels.Clamp8((int)Math.Clamp(MathF.Round(x[i] * inv, MidpointRounding.ToEven), -1e6f, 1e6f) + _zp, -128, 127);
        }
        else
            for (int i = 0; i < _n; i++)
                o[i] = TfLiteKernels.Clamp8((int)Math.Clamp(MathF.Round(x[i] / _scale, MidpointRounding.AwayFromZero), -1e6f, 1e6f) + _zp, -128, 127);
    }
}

/// <summary>READ_VARIABLE: copies a resource variable into a tensor.</summary>
internal sealed class ReadVariableKernel : TfLiteKernel
{
    public int Slot { get; init; }
    public int Out { get; init; }
    public int Count { get; init; }

    public override void Run(TfLiteExecution ex) => ex.Vars[Slot].AsSpan().CopyTo(ex.F[Out]!);
}

/// <summary>ASSIGN_VARIABLE: stores a tensor into a resource variable (the streaming state).</summary>
internal sealed class AssignVariableKernel : TfLiteKernel
{
    public int Slot { get; init; }
    public int In { get; init; }
    public int Count { get; init; }

    public override void Run(TfLiteExecution ex) => ex.F[In]!.AsSpan(0, Count).CopyTo(ex.Vars[Slot]);
}
