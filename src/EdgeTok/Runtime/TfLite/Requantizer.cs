using EdgeTok.IO.TfLite;

namespace EdgeTok.Runtime.TfLite;

/// <summary>
/// Per-output-channel rescaling of an int32 accumulator to int8: effective scale
/// s_in · s_w[c] / s_out, applied either as TFLite's fixed-point multiplier or as XNNPack's float scale.
/// </summary>
internal sealed class Requantizer
{
    private readonly int[] _mult, _shift;
    private readonly float[] _scale;
    private readonly int _zp, _min, _max;
    private readonly bool _fp32;

    private Requantizer(int channels, int zp, int min, int max, bool fp32)
    {
        _mult = new int[channels];
        _shift = new int[channels];
        _scale = new float[channels];
        _zp = zp; _min = min; _max = max; _fp32 = fp32;
    }

    public static Requantizer Create(TfLiteGraph g, TfLiteOperator op, int input, int weights, int output, int channels, int activation)
    {
        var w = g.T(weights);
        if (w.Scale.Length != 1 && w.Scale.Length != channels)
            throw TfLiteGraph.Bad(op, $"weights {w} have {w.Scale.Length} scales for {channels} output channels");
        foreach (long z in w.ZeroPoint)
            if (z != 0) throw EdgeTokException.Unsupported($"TFLite op {op.OpName} (operator {op.Index}): asymmetric int8 weights (zero point {z}) not supported");
        double sIn = TfLiteKernels.Scale(g, op, input), sOut = TfLiteKernels.Scale(g, op, output);
        int zp = TfLiteKernels.ZeroPoint(g, op, output);
        var (min, max) = TfLiteActivation.Int8Range(activation, (float)sOut, zp, op.OpName);
        var r = new Requantizer(channels, zp, min, max, g.Requantization == TfLiteRequantization.Float32);
        for (int c = 0; c < channels; c++)
        {
            double sw = w.Scale[w.Scale.Length == 1 ? 0 : c];
            QuantizedMath.QuantizeMultiplier(sIn * sw / sOut, out r._mult[c], out r._shift[c]);
            r._scale[c] = (float)sIn * (float)sw / (float)sOut;
        }
        return r;
    }

    /// <summary>int8 output for accumulator <paramref name="acc"/> (bias included) of channel <paramref name="c"/>.</summary>
    public sbyte Apply(int acc, int c)
    {
        int v;
        if (_fp32)
        {
            float f = acc * _scale[c];
            v = (int)MathF.Round(Math.Clamp(f, _min - _zp, _max - _zp), MidpointRounding.ToEven) + _zp;
        }
        else v = QuantizedMath.MultiplyByQuantizedMultiplier(acc, _mult[c], _shift[c]) + _zp;
        return TfLiteKernels.Clamp8(v, _min, _max);
    }
}
