using EdgeTok.IO.TfLite;
using EdgeTok.Numerics;

namespace EdgeTok.Runtime.TfLite;

/// <summary>
/// CONV_2D (float32, or int8 with per-channel weights and int32 bias), with groups (input channels a
/// multiple of the filter's), stride, dilation and SAME/VALID padding. Patches are gathered (im2col)
/// into scratch and multiplied with the weights by <see cref="Gemm"/>. Int8 operands enter the GEMM as
/// their exact integer values (input minus zero point), so the float accumulator is exact while it stays
/// below 2^24 — checked at plan time.
/// </summary>
internal sealed class ConvKernel : TfLiteKernel
{
    private int _in, _out, _h, _w, _cin, _oh, _ow, _cout, _kh, _kw, _sh, _sw, _dh, _dw, _padT, _padL, _groups, _cinG, _coutG, _k;
    private float[][] _wg = [];
    private float[]? _biasF;
    private int[]? _biasI;
    private bool _quant;
    private int _inZp;
    private Requantizer? _rq;
    private float _actMin, _actMax;
    private bool _direct;

    public override (int A, int B, int C) Scratch => (_direct ? 0 : _oh * _ow * _k, _oh * _ow * _coutG, 0);

    public static ConvKernel Create(TfLiteGraph g, TfLiteOperator op, int padding, int sh, int sw, int dh, int dw, int act)
    {
        int inT = op.Inputs[0], wT = op.Inputs[1], bT = op.Inputs.Length > 2 ? op.Inputs[2] : -1, outT = op.Outputs[0];
        var s = TfLiteKernels.Shape4(g, op, inT);
        var ws = g.T(wT).Shape;
        if (ws.Length != 4) throw TfLiteGraph.Bad(op, "filter must be 4-D [out, kh, kw, in]");
        var k = new ConvKernel { OpName = op.OpName, _in = inT, _out = outT };
        k._h = s[1]; k._w = s[2]; k._cin = s[3];
        k._cout = ws[0]; k._kh = ws[1]; k._kw = ws[2]; k._cinG = ws[3];
        if (k._cinG <= 0 || k._cin % k._cinG != 0) throw TfLiteGraph.Bad(op, $"input channels {k._cin} not a multiple of filter channels {k._cinG}");
        k._groups = k._cin / k._cinG;
        if (k._cout % k._groups != 0) throw TfLiteGraph.Bad(op, $"output channels {k._cout} not divisible by {k._groups} groups");
        k._coutG = k._cout / k._groups;
        k._sh = sh; k._sw = sw; k._dh = dh; k._dw = dw;
        (k._oh, k._padT) = TfLiteKernels.OutSizeAndPad(padding, k._h, k._kh, sh, dh);
        (k._ow, k._padL) = TfLiteKernels.OutSizeAndPad(padding, k._w, k._kw, sw, dw);
        TfLiteKernels.CheckShape(op, g.T(outT), 1, k._oh, k._ow, k._cout);
        k._k = k._kh * k._kw * k._cinG;

        var inType = g.T(inT).Type;
        k._quant = inType == TfLiteTensorType.Int8;
        if (k._quant)
        {
            if (g.T(wT).Type != TfLiteTensorType.Int8 || g.T(outT).Type != TfLiteTensorType.Int8)
                throw EdgeTokException.Unsupported($"TFLite op {op.OpName} (operator {op.Index}): int8 input needs int8 filter and output");
            k._inZp = TfLiteKernels.ZeroPoint(g, op, inT);
            k._rq = Requantizer.Create(g, op, inT, wT, outT, k._cout, act);
            k._biasI = bT >= 0 ? g.ConstI[bT] ?? throw TfLiteGraph.Bad(op, "bias must be a constant int32") : new int[k._cout];
            var wq = g.ConstQ[wT] ?? throw TfLiteGraph.Bad(op, "filter must be constant");
            TfLiteKernels.CheckExactInt8Sum(op, wq, k._cout, k._k);
            k._wg = Split(wq.Select(v => (float)v).ToArray(), k._groups, k._coutG * k._k);
        }
        else if (inType == TfLiteTensorType.Float32)
        {
            var wf = g.ConstF[wT] ?? throw EdgeTokException.Unsupported($"TFLite op {op.OpName} (operator {op.Index}): filter must be a constant float32 (hybrid weights not supported)");
            k._wg = Split(wf, k._groups, k._coutG * k._k);
            k._biasF = bT >= 0 ? g.ConstF[bT] ?? throw TfLiteGraph.Bad(op, "bias must be a constant float32") : new float[k._cout];
            (k._actMin, k._actMax) = TfLiteActivation.FloatRange(act, op.OpName);
            k._direct = k._groups == 1 && k._kh == 1 && k._kw == 1 && sh == 1 && sw == 1 && k._padT == 0 && k._padL == 0;
        }
        else throw EdgeTokException.Unsupported($"TFLite op {op.OpName} (operator {op.Index}): input type {inType} not supported");
        return k;
    }

    private static float[][] Split(float[] w, int groups, int per)
    {
        var r = new float[groups][];
        for (int g = 0; g < groups; g++) r[g] = w.AsSpan(g * per, per).ToArray();
        return r;
    }

    public override void Run(TfLiteExecution ex)
    {
        int p = _oh * _ow;
        if (_direct)
        {
            var x = ex.F[_in]!;
            var y = ex.F[_out]!;
            Gemm.MultiplyTransposed(x, _wg[0], y, p, _cout, _k);
            for (int i = 0; i < p; i++)
            {
                var row = y.AsSpan(i * _cout, _cout);
                System.Numerics.Tensors.TensorPrimitives.Add(row, _biasF!, row);
                TfLiteActivation.Apply(row, _actMin, _actMax);
            }
            return;
        }
        var patch = ex.ScratchA;
        var gout = ex.ScratchB;
        for (int grp = 0; grp < _groups; grp++)
        {
            Im2Col(ex, grp, patch);
            Gemm.MultiplyTransposed(patch, _wg[grp], gout, p, _coutG, _k);
            int c0 = grp * _coutG;
            if (_quant)
            {
                var y = ex.Q[_out]!;
                for (int i = 0; i < p; i++)
                    for (int c = 0; c < _coutG; c++)
                        y[i * _cout + c0 + c] = _rq!.Apply((int)gout[i * _coutG + c] + _biasI![c0 + c], c0 + c);
            }
            else
            {
                var y = ex.F[_out]!;
                for (int i = 0; i < p; i++)
                {
                    var dst = y.AsSpan(i * _cout + c0, _coutG);
                    System.Numerics.Tensors.TensorPrimitives.Add(gout.AsSpan(i * _coutG, _coutG), _biasF.AsSpan(c0, _coutG), dst);
                    TfLiteActivation.Apply(dst, _actMin, _actMax);
                }
            }
        }
    }

    private void Im2Col(TfLiteExecution ex, int grp, float[] patch)
    {
        int ci0 = grp * _cinG;
        int row = 0;
        for (int oy = 0; oy < _oh; oy++)
            for (int ox = 0; ox < _ow; ox++, row++)
            {
                int dst = row * _k;
                for (int ky = 0; ky < _kh; ky++)
                {
                    int iy = oy * _sh - _padT + ky * _dh;
                    for (int kx = 0; kx < _kw; kx++, dst += _cinG)
                    {
                        int ix = ox * _sw - _padL + kx * _dw;
                        var d = patch.AsSpan(dst, _cinG);
                        if (iy < 0 || iy >= _h || ix < 0 || ix >= _w) { d.Clear(); continue; }
                        int src = (iy * _w + ix) * _cin + ci0;
                        if (_quant)
                        {
                            var q = ex.Q[_in]!;
                            for (int c = 0; c < _cinG; c++) d[c] = q[src + c] - _inZp;
                        }
                        else ex.F[_in]!.AsSpan(src, _cinG).CopyTo(d);
                    }
                }
            }
    }
}
