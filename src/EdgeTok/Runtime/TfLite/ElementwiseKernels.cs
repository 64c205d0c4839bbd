using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
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
    private float[]? _table;

    public static QuantizeKernel Create(TfLiteGraph g, TfLiteOperator op)
    {
        int i = op.Inputs[0], o = op.Outputs[0];
        bool deq = op.BuiltinCode == Op.Dequantize;
        var (qt, ft) = deq ? (g.T(i), g.T(o)) : (g.T(o), g.T(i));
        if (qt.Type != TfLiteTensorType.Int8 || ft.Type != TfLiteTensorType.Float32)
            throw EdgeTokException.Unsupported($"TFLite op {op.OpName} (operator {op.Index}): {g.T(i).Type} → {g.T(o).Type} not supported (int8 ↔ float32 only)");
        if (qt.Scale.Length != 1) throw EdgeTokException.Unsupported($"TFLite op {op.OpName} (operator {op.Index}): per-channel activation quantization not supported");
        var k = new QuantizeKernel
        {
            OpName = op.OpName, _in = i, _out = o, _n = g.ElementCount[o], _dequant = deq,
            _scale = qt.Scale[0], _zp = qt.ZeroPoint.Length > 0 ? (int)qt.ZeroPoint[0] : 0,
            _fp32 = g.Requantization == TfLiteRequantization.Float32,
        };
        if (deq)
        {
            // 256 possible inputs: a table of (q − z)·s, the same float product the kernel would compute.
            k._table = new float[256];
            for (int q = -128; q < 128; q++) k._table[q + 128] = (q - k._zp) * k._scale;
        }
        return k;
    }

    public override void Run(TfLiteExecution ex)
    {
        if (_dequant)
        {
            var tab = _table!;
            var q = ex.Q[_in]!;
            var y = ex.F[_out]!;
            for (int i = 0; i < _n; i++) y[i] = tab[q[i] + 128];
            return;
        }
        var x = ex.F[_in]!;
        var o = ex.Q[_out]!;
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var scale = Vector256.Create(_scale);
            var inv = Vector256.Create(1f / _scale);
            var zp = Vector256.Create((float)_zp);
            var lo = Vector256.Create(-128f);
            var hi = Vector256.Create(127f);
            var half = Vector256.Create(0.5f);
            Span<int> lanes = stackalloc int[8];
            for (; j + 8 <= _n; j += 8)
            {
                var v = Vector256.LoadUnsafe(ref x[j]);
                Vector256<float> r;
                if (_fp32) r = Vector256.Round(v * inv);
                else
                {
                    // round(v / s) with ties away from zero, exactly: truncate, then step by the sign
                    // when the (exact) fractional part is at least one half.
                    v /= scale;
                    var t = Vector256.Truncate(v);
                    var step = Vector256.ConditionalSelect(Vector256.LessThan(v, Vector256<float>.Zero), -Vector256<float>.One, Vector256<float>.One);
                    r = t + Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(Vector256.Abs(v - t), half), step, Vector256<float>.Zero);
                }
                r = Vector256.Min(Vector256.Max(r + zp, lo), hi);
                Vector256.ConvertToInt32(r).CopyTo(lanes);
                for (int k = 0; k < 8; k++) o[j + k] = (sbyte)lanes[k];
            }
        }
        for (; j < _n; j++)
        {
            float r = _fp32 ? MathF.Round(x[j] * (1f / _scale), MidpointRounding.ToEven) : MathF.Round(x[j] / _scale, MidpointRounding.AwayFromZero);
            o[j] = TfLiteKernels.Clamp8((int)Math.Clamp(r + _zp, -1e6f, 1e6f), -128, 127);
        }
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
