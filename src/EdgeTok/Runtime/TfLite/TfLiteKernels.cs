using System.Runtime.Intrinsics;
using EdgeTok.IO.TfLite;
using Op = EdgeTok.IO.TfLite.TfLiteBuiltinOperator;

namespace EdgeTok.Runtime.TfLite;

/// <summary>Builds the prepared kernel for one operator, checking types and shapes at plan time.</summary>
internal static class TfLiteKernels
{
    public static TfLiteKernel Create(TfLiteGraph g, TfLiteOperator op)
    {
        var opts = op.Options;
        switch (op.BuiltinCode)
        {
            case Op.Conv2D:
                g.Need(op, 2, 1);
                // Conv2DOptions: padding 0, stride_w 1, stride_h 2, fused_activation 3, dilation_w 4, dilation_h 5.
                return ConvKernel.Create(g, op, opts.GetByte(0), opts.GetInt32(2, 1), opts.GetInt32(1, 1),
                    opts.GetInt32(5, 1), opts.GetInt32(4, 1), opts.GetByte(3));
            case Op.DepthwiseConv2D:
                g.Need(op, 2, 1);
                // DepthwiseConv2DOptions: padding 0, stride_w 1, stride_h 2, depth_multiplier 3, fused_activation 4, dilation_w 5, dilation_h 6.
                return DepthwiseConvKernel.Create(g, op, opts.GetByte(0), opts.GetInt32(2, 1), opts.GetInt32(1, 1),
                    opts.GetInt32(6, 1), opts.GetInt32(5, 1), opts.GetByte(4));
            case Op.TransposeConv:
                g.Need(op, 3, 1);
                // TransposeConvOptions: padding 0, stride_w 1, stride_h 2, fused_activation 3.
                return TransposeConvKernel.Create(g, op, opts.GetByte(0), opts.GetInt32(2, 1), opts.GetInt32(1, 1), opts.GetByte(3));
            case Op.Add:
            case Op.Sub:
            case Op.Mul:
                g.Need(op, 2, 1);
                return BinaryKernel.Create(g, op, opts.Exists ? opts.GetByte(0) : (byte)0);
            case Op.LeakyRelu:
                g.Need(op, 1, 1);
                return LeakyReluKernel.Create(g, op, opts.Exists ? opts.GetFloat(0) : 0.2f);
            case Op.Quantize:
            case Op.Dequantize:
                g.Need(op, 1, 1);
                return QuantizeKernel.Create(g, op);
            case Op.Concatenation:
                g.Need(op, 1, 1);
                return CopyKernels.Concatenation(g, op, opts.GetInt32(0), opts.GetByte(1));
            case Op.StridedSlice:
                g.Need(op, 4, 1);
                // StridedSliceOptions: begin_mask 0, end_mask 1, ellipsis_mask 2, new_axis_mask 3, shrink_axis_mask 4, offset 5.
                return CopyKernels.StridedSlice(g, op, opts.GetInt32(0), opts.GetInt32(1), opts.GetInt32(2), opts.GetInt32(3), opts.GetInt32(4), opts.GetByte(5) != 0);
            case Op.Split:
                g.Need(op, 2, 1);
                return CopyKernels.Split(g, op);
            default:
                throw EdgeTokException.Unsupported($"TFLite op {op.OpName} (operator {op.Index} of subgraph '{g.SubGraph.Name}') is not supported by the EdgeTok TFLite executor (supported: {string.Join(", ", TfLiteGraph.SupportedOps)})");
        }
    }

    internal static int ConstInt(TfLiteGraph g, TfLiteOperator op, int tensor, int i = 0)
    {
        var c = g.ConstI[tensor] ?? throw EdgeTokException.Unsupported($"TFLite op {op.OpName} (operator {op.Index}): input tensor {tensor} must be a constant int32");
        if (i >= c.Length) throw TfLiteGraph.Bad(op, $"constant tensor {tensor} has {c.Length} elements, element {i} needed");
        return c[i];
    }

    internal static float Scale(TfLiteGraph g, TfLiteOperator op, int t)
    {
        var ts = g.T(t);
        if (ts.Scale.Length == 0) throw TfLiteGraph.Bad(op, $"int8 tensor {ts} has no quantization parameters");
        return ts.Scale[0];
    }

    internal static int ZeroPoint(TfLiteGraph g, TfLiteOperator op, int t)
    {
        var ts = g.T(t);
        return ts.ZeroPoint.Length == 0 ? 0 : (int)ts.ZeroPoint[0];
    }

    internal static int[] Shape4(TfLiteGraph g, TfLiteOperator op, int t)
    {
        var s = g.T(t).Shape;
        if (s.Length != 4) throw EdgeTokException.Unsupported($"TFLite op {op.OpName} (operator {op.Index}): tensor {g.T(t)} must be 4-D (NHWC)");
        if (s[0] != 1) throw EdgeTokException.Unsupported($"TFLite op {op.OpName} (operator {op.Index}): batch {s[0]} not supported (1 only)");
        return s;
    }

    internal static void CheckShape(TfLiteOperator op, TfLiteTensor t, params int[] expected)
    {
        if (!t.Shape.AsSpan().SequenceEqual(expected))
            throw TfLiteGraph.Bad(op, $"output {t} should have shape [{string.Join(",", expected)}]");
    }

    /// <summary>TFLite's output size for SAME (ceil) and VALID (floor after the dilated kernel) padding.</summary>
    internal static (int Out, int Pad) OutSizeAndPad(int padding, int inSize, int kernel, int stride, int dilation)
    {
        int eff = (kernel - 1) * dilation + 1;
        int outSize = padding == 0 ? (inSize + stride - 1) / stride : (inSize - eff + stride) / stride;
        int pad = Math.Max(0, ((outSize - 1) * stride + eff - inSize) / 2);
        return (outSize, padding == 0 ? pad : 0);
    }

    /// <summary>
    /// Int8 products summed in float32 are exact while every partial sum stays below 2^24: with
    /// |x − z| ≤ 255 that holds when 255·Σ|w| &lt; 2^24 for every output channel.
    /// </summary>
    internal static void CheckExactInt8Sum(TfLiteOperator op, sbyte[] w, int channels, int perChannel)
    {
        for (int c = 0; c < channels; c++)
        {
            long s = 0;
            for (int i = 0; i < perChannel; i++) s += Math.Abs((int)w[c * perChannel + i]);
            if (255 * s >= 1 << 24)
                throw EdgeTokException.Unsupported($"TFLite op {op.OpName} (operator {op.Index}): int8 reduction too long for the exact float path");
        }
    }

    /// <summary>dst[i] = q[i] − zp as int16 (vectorised widening).</summary>
    internal static void Widen(ReadOnlySpan<sbyte> q, int zp, Span<short> dst)
    {
        int i = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            var z = Vector128.Create((short)zp);
            for (; i + 16 <= q.Length; i += 16)
            {
                var (lo, hi) = Vector128.Widen(Vector128.Create(q.Slice(i, 16)));
                (lo - z).CopyTo(dst.Slice(i, 8));
                (hi - z).CopyTo(dst.Slice(i + 8, 8));
            }
        }
        for (; i < q.Length; i++) dst[i] = (short)(q[i] - zp);
    }

    /// <summary>dst[i] = q[i] − zp as float (exact; vectorised widening).</summary>
    internal static void Widen(ReadOnlySpan<sbyte> q, int zp, Span<float> dst)
    {
        int i = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            var z = Vector128.Create(zp);
            for (; i + 16 <= q.Length; i += 16)
            {
                var (lo, hi) = Vector128.Widen(Vector128.Create(q.Slice(i, 16)));
                var (a, b) = Vector128.Widen(lo);
                var (c, d) = Vector128.Widen(hi);
                Vector128.ConvertToSingle(a - z).CopyTo(dst.Slice(i, 4));
                Vector128.ConvertToSingle(b - z).CopyTo(dst.Slice(i + 4, 4));
                Vector128.ConvertToSingle(c - z).CopyTo(dst.Slice(i + 8, 4));
                Vector128.ConvertToSingle(d - z).CopyTo(dst.Slice(i + 12, 4));
            }
        }
        for (; i < q.Length; i++) dst[i] = q[i] - zp;
    }

    internal static sbyte Clamp8(int v, int min, int max) => (sbyte)(v < min ? min : v > max ? max : v);
}
