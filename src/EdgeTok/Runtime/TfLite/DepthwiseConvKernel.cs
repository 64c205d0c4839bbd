using System.Numerics.Tensors;
using EdgeTok.IO.TfLite;

namespace EdgeTok.Runtime.TfLite;

/// <summary>
/// DEPTHWISE_CONV_2D (float32, or int8 with per-channel weights): each output position is a short sum of
/// input rows times filter rows, vectorised across channels. Int8 inputs are first widened to exact
/// integer floats (value minus zero point).
/// </summary>
internal sealed class DepthwiseConvKernel : TfLiteKernel
{
    private int _in, _out, _h, _w, _c, _oh, _ow, _kh, _kw, _sh, _sw, _dh, _dw, _padT, _padL, _mult, _cout;
    private float[] _wf = [];
    private float[]? _biasF;
    private int[]? _biasI;
    private bool _quant;
    private int _inZp;
    private Requantizer? _rq;
    private float _actMin, _actMax;

    public override (int A, int B, int C) Scratch => (_quant ? _h * _w * _c : 0, _cout, _mult > 1 ? _cout : 0);

    public static DepthwiseConvKernel Create(TfLiteGraph g, TfLiteOperator op, int padding, int sh, int sw, int dh, int dw, int act)
    {
        int inT = op.Inputs[0], wT = op.Inputs[1], bT = op.Inputs.Length > 2 ? op.Inputs[2] : -1, outT = op.Outputs[0];
        var s = TfLiteKernels.Shape4(g, op, inT);
        var ws = g.T(wT).Shape;
        if (ws.Length != 4 || ws[0] != 1) throw TfLiteGraph.Bad(op, "filter must be [1, kh, kw, channels]");
        var k = new DepthwiseConvKernel { OpName = op.OpName, _in = inT, _out = outT };
        k._h = s[1]; k._w = s[2]; k._c = s[3];
        k._kh = ws[1]; k._kw = ws[2]; k._cout = ws[3];
        if (k._cout % k._c != 0) throw TfLiteGraph.Bad(op, $"filter channels {k._cout} not a multiple of input channels {k._c}");
        k._mult = k._cout / k._c;
        k._sh = sh; k._sw = sw; k._dh = dh; k._dw = dw;
        (k._oh, k._padT) = TfLiteKernels.OutSizeAndPad(padding, k._h, k._kh, sh, dh);
        (k._ow, k._padL) = TfLiteKernels.OutSizeAndPad(padding, k._w, k._kw, sw, dw);
        TfLiteKernels.CheckShape(op, g.T(outT), 1, k._oh, k._ow, k._cout);
        var inType = g.T(inT).Type;
        k._quant = inType == TfLiteTensorType.Int8;
        if (k._quant)
        {
            if (g.T(wT).Type != TfLiteTensorType.Int8 || g.T(outT).Type != TfLiteTensorType.Int8)
                throw EdgeTokException.Unsupported($"TFLite op {op.OpName} (operator {op.Index}): int8 input needs int8 filter and output");
            k._inZp = TfLiteKernels.ZeroPoint(g, op, inT);
            k._rq = Requantizer.Create(g, op, inT, wT, outT, k._cout, act);
            k._biasI = bT >= 0 ? g.ConstI[bT] ?? throw TfLiteGraph.Bad(op, "bias must be a constant int32") : new int[k._cout];
            k._wf = (g.ConstQ[wT] ?? throw TfLiteGraph.Bad(op, "filter must be constant")).Select(v => (float)v).ToArray();
        }
        else if (inType == TfLiteTensorType.Float32)
        {
            if (g.T(outT).Type != TfLiteTensorType.Float32) throw EdgeTokException.Unsupported($"TFLite op {op.OpName} (operator {op.Index}): float32 input needs a float32 output");
            k._wf = g.ConstF[wT] ?? throw EdgeTokException.Unsupported($"TFLite op {op.OpName} (operator {op.Index}): filter must be a constant float32");
            k._biasF = bT >= 0 ? g.ConstF[bT] ?? throw TfLiteGraph.Bad(op, "bias must be a constant float32") : new float[k._cout];
            (k._actMin, k._actMax) = TfLiteActivation.FloatRange(act, op.OpName);
        }
        else throw EdgeTokException.Unsupported($"TFLite op {op.OpName} (operator {op.Index}): input type {inType} not supported");
        return k;
    }

    public override void Run(TfLiteExecution ex)
    {
        float[] x;
        if (_quant)
        {
            x = ex.ScratchA;
            var q = ex.Q[_in]!;
            int n = _h * _w * _c;
            TfLiteKernels.Widen(q.AsSpan(0, n), _inZp, x.AsSpan(0, n));
        }
        else x = ex.F[_in]!;
        var acc = ex.ScratchB.AsSpan(0, _cout);
        for (int oy = 0; oy < _oh; oy++)
            for (int ox = 0; ox < _ow; ox++)
            {
                acc.Clear();
                for (int ky = 0; ky < _kh; ky++)
                {
                    int iy = oy * _sh - _padT + ky * _dh;
                    if (iy < 0 || iy >= _h) continue;
                    for (int kx = 0; kx < _kw; kx++)
                    {
                        int ix = ox * _sw - _padL + kx * _dw;
                        if (ix < 0 || ix >= _w) continue;
                        var wrow = _wf.AsSpan((ky * _kw + kx) * _cout, _cout);
                        var xrow = x.AsSpan((iy * _w + ix) * _c, _c);
                        if (_mult == 1) TensorPrimitives.MultiplyAdd(xrow, wrow, acc, acc);
                        else
                        {
                            var wide = ex.ScratchC.AsSpan(0, _cout);
                            for (int c = 0; c < _cout; c++) wide[c] = xrow[c / _mult];
                            TensorPrimitives.MultiplyAdd(wide, wrow, acc, acc);
                        }
                    }
                }
                int o = (oy * _ow + ox) * _cout;
                if (_quant)
                {
                    var y = ex.Q[_out]!;
                    for (int c = 0; c < _cout; c++) y[o + c] = _rq!.Apply((int)acc[c] + _biasI![c], c);
                }
                else
                {
                    var dst = ex.F[_out]!.AsSpan(o, _cout);
                    TensorPrimitives.Add(acc, _biasF!, dst);
                    TfLiteActivation.Apply(dst, _actMin, _actMax);
                }
            }
    }
}
