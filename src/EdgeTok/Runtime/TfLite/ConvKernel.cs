using EdgeTok.IO.TfLite;

namespace EdgeTok.Runtime.TfLite;

/// <summary>
/// CONV_2D (float32, or int8 with per-channel weights and int32 bias), with groups (input channels a
/// multiple of the filter's), stride, dilation and SAME/VALID padding. Patches are gathered (im2col)
/// into scratch, or read in place for 1-D VALID convs (output row y starts at input row y·stride), and
/// multiplied with packed weights. Int8 layers accumulate exactly in int32 (int16 pairs, pmaddwd) when the
/// CPU has AVX2, else as exact integer values in float (bounded below 2^24 at plan time).
/// </summary>
internal sealed class ConvKernel : TfLiteKernel
{
    private int _in, _out, _h, _w, _cin, _oh, _ow, _cout, _kh, _kw, _sh, _sw, _dh, _dw, _padT, _padL, _groups, _cinG, _coutG, _k;
    private float[]? _biasF;
    private int[]? _biasI;
    private bool _quant, _int16, _rowsInPlace;
    private int _inZp;
    private Requantizer? _rq;
    private float _actMin, _actMax;
    private PackedWeights[] _packed = [];
    private PackedInt16Weights[] _packed16 = [];

    public override (int A, int B, int C) Scratch => _int16
        ? (0, 0, 0)
        : (_quant ? _h * _w * _cin : 0, _rowsInPlace ? 0 : _oh * _ow * _k, _quant ? _oh * _ow * _cout : 0);

    public override (int S, int S2, int I, int I2) IntScratch => _int16
        ? (_h * _w * _cin, _rowsInPlace ? 0 : _oh * _ow * _k, _oh * _ow * _cout, 0)
        : (0, 0, 0, 0);

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
        k._rowsInPlace = k._w == 1 && k._kw == 1 && k._dh == 1 && k._padT == 0 && (k._kh == 1 || k._groups == 1) && k._oh * k._ow > 0;

        var inType = g.T(inT).Type;
        k._quant = inType == TfLiteTensorType.Int8;
        int per = k._coutG * k._k;
        if (k._quant)
        {
            if (g.T(wT).Type != TfLiteTensorType.Int8 || g.T(outT).Type != TfLiteTensorType.Int8)
                throw EdgeTokException.Unsupported($"TFLite op {op.OpName} (operator {op.Index}): int8 input needs int8 filter and output");
            k._inZp = TfLiteKernels.ZeroPoint(g, op, inT);
            k._rq = Requantizer.Create(g, op, inT, wT, outT, k._cout, act);
            k._biasI = bT >= 0 ? g.ConstI[bT] ?? throw TfLiteGraph.Bad(op, "bias must be a constant int32") : new int[k._cout];
            var wq = g.ConstQ[wT] ?? throw TfLiteGraph.Bad(op, "filter must be constant");
            bool evenOffsets = (k._k & 1) == 0 && (!k._rowsInPlace || ((k._cinG | (sh * k._cin)) & 1) == 0);
            k._int16 = g.UseInt16Kernels && evenOffsets;
            if (k._int16)
                k._packed16 = Enumerable.Range(0, k._groups).Select(gi => new PackedInt16Weights(wq.AsSpan(gi * per, per), k._coutG, k._k)).ToArray();
            else
            {
                TfLiteKernels.CheckExactInt8Sum(op, wq, k._cout, k._k);
                var wf = wq.Select(v => (float)v).ToArray();
                k._packed = Enumerable.Range(0, k._groups).Select(gi => new PackedWeights(wf.AsSpan(gi * per, per), k._coutG, k._k, integerSums: true)).ToArray();
            }
        }
        else if (inType == TfLiteTensorType.Float32)
        {
            if (g.T(outT).Type != TfLiteTensorType.Float32) throw EdgeTokException.Unsupported($"TFLite op {op.OpName} (operator {op.Index}): float32 input needs a float32 output");
            var wf = g.ConstF[wT] ?? throw EdgeTokException.Unsupported($"TFLite op {op.OpName} (operator {op.Index}): filter must be a constant float32 (hybrid weights not supported)");
            k._packed = Enumerable.Range(0, k._groups).Select(gi => new PackedWeights(wf.AsSpan(gi * per, per), k._coutG, k._k, integerSums: false)).ToArray();
            k._biasF = bT >= 0 ? g.ConstF[bT] ?? throw TfLiteGraph.Bad(op, "bias must be a constant float32") : new float[k._cout];
            (k._actMin, k._actMax) = TfLiteActivation.FloatRange(act, op.OpName);
        }
        else throw EdgeTokException.Unsupported($"TFLite op {op.OpName} (operator {op.Index}): input type {inType} not supported");
        return k;
    }

    public override void Run(TfLiteExecution ex)
    {
        if (_int16) { RunInt16(ex); return; }
        int p = _oh * _ow;
        float[] src;
        if (_quant)
        {
            // Exact integer values (x − z) as floats; padding contributes 0 like the reference kernel.
            src = ex.ScratchA;
            var q = ex.Q[_in]!;
            int n = _h * _w * _cin;
            TfLiteKernels.Widen(q.AsSpan(0, n), _inZp, src.AsSpan(0, n));
        }
        else src = ex.F[_in]!;
        float[] dst = _quant ? ex.ScratchC : ex.F[_out]!;
        for (int grp = 0; grp < _groups; grp++)
        {
            if (_rowsInPlace) _packed[grp].Multiply(src, grp * _cinG, _sh * _cin, p, dst, _cout, grp * _coutG);
            else
            {
                Im2Col<float>(src, grp, ex.ScratchB);
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

    private void RunInt16(TfLiteExecution ex)
    {
        int p = _oh * _ow;
        var src = ex.ScratchS;
        var q = ex.Q[_in]!;
        int n = _h * _w * _cin;
        TfLiteKernels.Widen(q.AsSpan(0, n), _inZp, src.AsSpan(0, n));
        var acc = ex.ScratchI;
        for (int grp = 0; grp < _groups; grp++)
        {
            if (_rowsInPlace) _packed16[grp].Multiply(src, grp * _cinG, _sh * _cin, p, acc, _cout, grp * _coutG);
            else
            {
                Im2Col<short>(src, grp, ex.ScratchS2);
                _packed16[grp].Multiply(ex.ScratchS2, 0, _k, p, acc, _cout, grp * _coutG);
            }
        }
        var y = ex.Q[_out]!;
        for (int i = 0; i < p; i++)
            for (int c = 0; c < _cout; c++)
                y[i * _cout + c] = _rq!.Apply(acc[i * _cout + c] + _biasI![c], c);
    }

    private void Im2Col<T>(T[] src, int grp, T[] patch) where T : unmanaged
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
