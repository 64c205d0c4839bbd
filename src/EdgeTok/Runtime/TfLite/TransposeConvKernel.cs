using System.Numerics.Tensors;
using EdgeTok.IO.TfLite;

namespace EdgeTok.Runtime.TfLite;

/// <summary>
/// TRANSPOSE_CONV (float32, or int8 with int32 bias): every input position contributes a kh×kw×Cout
/// block (one GEMM over all positions with the filter rearranged to [(kh, kw, out), in]), scattered and
/// summed into the output (col2im), then bias and activation or requantisation.
/// </summary>
internal sealed class TransposeConvKernel : TfLiteKernel
{
    private int _in, _out, _h, _w, _cin, _oh, _ow, _cout, _kh, _kw, _sh, _sw, _padT, _padL;
    private PackedWeights? _packed;
    private PackedInt16Weights? _packed16;
    private float[]? _biasF;
    private int[]? _biasI;
    private bool _quant;
    private int _inZp;
    private Requantizer? _rq;
    private float _actMin, _actMax;

    public override (int A, int B, int C) Scratch => _packed16 is null ? (_quant ? _h * _w * _cin : 0, _h * _w * _kh * _kw * _cout, _oh * _ow * _cout) : (0, 0, 0);

    public override (int S, int S2, int I, int I2) IntScratch => _packed16 is null ? (0, 0, 0, 0) : (_h * _w * _cin, 0, _h * _w * _kh * _kw * _cout, _oh * _ow * _cout);

    public static TransposeConvKernel Create(TfLiteGraph g, TfLiteOperator op, int padding, int sh, int sw, int act)
    {
        int shapeT = op.Inputs[0], wT = op.Inputs[1], inT = op.Inputs[2], bT = op.Inputs.Length > 3 ? op.Inputs[3] : -1, outT = op.Outputs[0];
        var s = TfLiteKernels.Shape4(g, op, inT);
        var ws = g.T(wT).Shape;
        if (ws.Length != 4) throw TfLiteGraph.Bad(op, "filter must be 4-D [out, kh, kw, in]");
        var k = new TransposeConvKernel { OpName = op.OpName, _in = inT, _out = outT };
        k._h = s[1]; k._w = s[2]; k._cin = s[3];
        k._cout = ws[0]; k._kh = ws[1]; k._kw = ws[2];
        if (ws[3] != k._cin) throw TfLiteGraph.Bad(op, $"filter input channels {ws[3]} differ from input channels {k._cin}");
        k._oh = TfLiteKernels.ConstInt(g, op, shapeT, 1);
        k._ow = TfLiteKernels.ConstInt(g, op, shapeT, 2);
        if (TfLiteKernels.ConstInt(g, op, shapeT, 3) != k._cout) throw TfLiteGraph.Bad(op, "output_shape channels differ from the filter's");
        TfLiteKernels.CheckShape(op, g.T(outT), 1, k._oh, k._ow, k._cout);
        k._sh = sh; k._sw = sw;
        // Padding is computed as for a forward conv from the output back to the input.
        k._padT = padding == 0 ? Math.Max(0, ((k._h - 1) * sh + k._kh - k._oh) / 2) : 0;
        k._padL = padding == 0 ? Math.Max(0, ((k._w - 1) * sw + k._kw - k._ow) / 2) : 0;
        var inType = g.T(inT).Type;
        k._quant = inType == TfLiteTensorType.Int8;
        float[] wsrc;
        if (k._quant)
        {
            if (g.T(wT).Type != TfLiteTensorType.Int8 || g.T(outT).Type != TfLiteTensorType.Int8)
                throw EdgeTokException.Unsupported($"TFLite op {op.OpName} (operator {op.Index}): int8 input needs int8 filter and output");
            if (!g.UseInt16Kernels || (k._cin & 1) != 0)
                TfLiteKernels.CheckExactInt8Sum(op, g.ConstQ[wT] ?? throw TfLiteGraph.Bad(op, "filter must be constant"), k._cout, k._kh * k._kw * k._cin);
            k._inZp = TfLiteKernels.ZeroPoint(g, op, inT);
            k._rq = Requantizer.Create(g, op, inT, wT, outT, k._cout, act);
            k._biasI = bT >= 0 ? g.ConstI[bT] ?? throw TfLiteGraph.Bad(op, "bias must be a constant int32") : new int[k._cout];
            wsrc = (g.ConstQ[wT] ?? throw TfLiteGraph.Bad(op, "filter must be constant")).Select(v => (float)v).ToArray();
        }
        else if (inType == TfLiteTensorType.Float32)
        {
            if (g.T(outT).Type != TfLiteTensorType.Float32) throw EdgeTokException.Unsupported($"TFLite op {op.OpName} (operator {op.Index}): float32 input needs a float32 output");
            wsrc = g.ConstF[wT] ?? throw EdgeTokException.Unsupported($"TFLite op {op.OpName} (operator {op.Index}): filter must be a constant float32");
            k._biasF = bT >= 0 ? g.ConstF[bT] ?? throw TfLiteGraph.Bad(op, "bias must be a constant float32") : new float[k._cout];
            (k._actMin, k._actMax) = TfLiteActivation.FloatRange(act, op.OpName);
        }
        else throw EdgeTokException.Unsupported($"TFLite op {op.OpName} (operator {op.Index}): input type {inType} not supported");
        // [out, kh, kw, in] → [(kh, kw, out), in]
        var wt = new float[wsrc.Length];
        for (int co = 0; co < k._cout; co++)
            for (int kk = 0; kk < k._kh * k._kw; kk++)
                wsrc.AsSpan((co * k._kh * k._kw + kk) * k._cin, k._cin).CopyTo(wt.AsSpan((kk * k._cout + co) * k._cin, k._cin));
        if (k._quant && g.UseInt16Kernels && (k._cin & 1) == 0)
        {
            var wq = new sbyte[wt.Length];
            for (int i = 0; i < wq.Length; i++) wq[i] = (sbyte)wt[i];
            k._packed16 = new PackedInt16Weights(wq, k._kh * k._kw * k._cout, k._cin);
        }
        else k._packed = new PackedWeights(wt, k._kh * k._kw * k._cout, k._cin, integerSums: k._quant);
        return k;
    }

    public override void Run(TfLiteExecution ex)
    {
        if (_packed16 is not null) { RunInt16(ex); return; }
        int p = _h * _w, n = _kh * _kw * _cout;
        float[] x;
        if (_quant)
        {
            x = ex.ScratchA;
            var q = ex.Q[_in]!;
            TfLiteKernels.Widen(q.AsSpan(0, p * _cin), _inZp, x.AsSpan(0, p * _cin));
        }
        else x = ex.F[_in]!;
        var cols = ex.ScratchB;
        _packed!.Multiply(x, 0, _cin, p, cols, n, 0);
        var acc = ex.ScratchC.AsSpan(0, _oh * _ow * _cout);
        acc.Clear();
        ScatterAdd<float>(cols, acc, n);
        int positions = _oh * _ow;
        if (_quant)
        {
            var y = ex.Q[_out]!;
            for (int i = 0; i < positions; i++)
                for (int c = 0; c < _cout; c++)
                    y[i * _cout + c] = _rq!.Apply((int)acc[i * _cout + c] + _biasI![c], c);
        }
        else
        {
            var y = ex.F[_out]!;
            for (int i = 0; i < positions; i++)
            {
                var dst = y.AsSpan(i * _cout, _cout);
                TensorPrimitives.Add(acc.Slice(i * _cout, _cout), _biasF!, dst);
                TfLiteActivation.Apply(dst, _actMin, _actMax);
            }
        }
    }

    private void RunInt16(TfLiteExecution ex)
    {
        int p = _h * _w, n = _kh * _kw * _cout;
        var x = ex.ScratchS;
        var q = ex.Q[_in]!;
        TfLiteKernels.Widen(q.AsSpan(0, p * _cin), _inZp, x.AsSpan(0, p * _cin));
        var cols = ex.ScratchI;
        _packed16!.Multiply(x, 0, _cin, p, cols, n, 0);
        var acc = ex.ScratchI2.AsSpan(0, _oh * _ow * _cout);
        acc.Clear();
        ScatterAdd<int>(cols, acc, n);
        var y = ex.Q[_out]!;
        int positions = _oh * _ow;
        for (int i = 0; i < positions; i++)
            for (int c = 0; c < _cout; c++)
                y[i * _cout + c] = _rq!.Apply(acc[i * _cout + c] + _biasI![c], c);
    }

    // col2im: adds each input position's kh×kw×cout products into the output positions they land on
    // (stride and padding applied). Shared by the float and the exact int32 paths.
    private void ScatterAdd<T>(ReadOnlySpan<T> cols, Span<T> acc, int n) where T : System.Numerics.IAdditionOperators<T, T, T>, System.Numerics.IAdditiveIdentity<T, T>
    {
        for (int iy = 0; iy < _h; iy++)
            for (int ix = 0; ix < _w; ix++)
                for (int ky = 0; ky < _kh; ky++)
                {
                    int oy = iy * _sh + ky - _padT;
                    if (oy < 0 || oy >= _oh) continue;
                    for (int kx = 0; kx < _kw; kx++)
                    {
                        int ox = ix * _sw + kx - _padL;
                        if (ox < 0 || ox >= _ow) continue;
                        var src = cols.Slice((iy * _w + ix) * n + (ky * _kw + kx) * _cout, _cout);
                        var dst = acc.Slice((oy * _ow + ox) * _cout, _cout);
                        TensorPrimitives.Add(dst, src, dst);
                    }
                }
    }
}
