using EdgeTok.IO.TfLite;

namespace EdgeTok.Runtime.TfLite;

/// <summary>
/// CONV_2D (float32, or int8 with per-channel weights and int32 bias), with groups (input channels a
/// multiple of the filter's), stride, dilation and SAME/VALID padding. Patches are gathered (im2col)
/// into scratch (or read in place for 1-D VALID convs) and multiplied with <see cref="PackedWeights"/>. Int8 operands enter the product as
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

    private PackedWeights[] _packed = [];
    private bool _rowsInPlace;

    public override (int A, int B, int C) Scratch =>
        (_quant ? _h * _w * _cin : 0, _rowsInPlace ? 0 : _oh * _ow * _k, _quant ? _oh * _ow * _cout : 0);

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
        }
        else throw EdgeTokException.Unsupported($"TFLite op {op.OpName} (operator {op.Index}): input type {inType} not supported");
        k._packed = k._wg.Select(w => new PackedWeights(w, k._coutG, k._k)).ToArray();
        // A 1-D (width 1) VALID conv over all channels reads its patches straight from the input:
        // output row y starts at input row y·stride and spans kh·Cin contiguous values.
        k._rowsInPlace = k._groups == 1 && k._w == 1 && k._kw == 1 && k._dh == 1 && k._padT == 0 && k._oh * k._ow > 0;
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
        float[] src;
        if (_quant)
        {
            // Exact integer values (x − z) as floats; padding contributes 0 like the reference kernel.
            src = ex.ScratchA;
            var q = ex.Q[_in]!;
            int n = _h * _w * _cin;
            for (int i = 0; i < n; i++) src[i] = q[i] - _inZp;
        }
        else src = ex.F[_in]!;
        float[] dst = _quant ? ex.ScratchC : ex.F[_out]!;
        for (int grp = 0; grp < _groups; grp++)
        {
            if (_rowsInPlace) _packed[grp].Multiply(src, 0, _sh * _cin, p, dst, _cout, grp * _coutG);
            else
            {
                Im2Col(src, grp, ex.ScratchB);
                _packed[grp].Multiply(ex.ScratchB, 0, _k, p, dst, _cout, grp * _coutG);
            }
        }
        if (_quant)
        {
            var y = ex.Q[_out]!;
            for (int i = 0; i < p; i++)
                for (int c = 0; c < _cout; c++)
                    y[i * _cout + c] = _rq!.Apply((int)dst[i * _cout + c] + _biasI![c], c);
        }
        else
        {
            for (int i = 0; i < p; i++)
            {
                var row = dst.AsSpan(i * _cout, _cout);
                System.Numerics.Tensors.TensorPrimitives.Add(row, _biasF!, row);
                TfLiteActivation.Apply(row, _actMin, _actMax);
            }
        }
    }

    private void Im2Col(float[] src, int grp, float[] patch)
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
                        src.AsSpan((iy * _w + ix) * _cin + ci0, _cinG).CopyTo(d);
                    }
                }
            }
    }
}
