namespace EdgeTok.Runtime.TfLite;

/// <summary>Fused activation functions (schema.fbs <c>ActivationFunctionType</c>) as clamp bounds.</summary>
internal static class TfLiteActivation
{
    /// <summary>Float clamp bounds for a fused activation code, or throws for ones that are not a clamp.</summary>
    public static (float Min, float Max) FloatRange(int code, string op) => code switch
    {
        0 => (float.NegativeInfinity, float.PositiveInfinity),
        1 => (0f, float.PositiveInfinity),
        2 => (-1f, 1f),
        3 => (0f, 6f),
        _ => throw EdgeTokException.Unsupported($"TFLite op {op}: fused activation {code} is not supported"),
    };

    /// <summary>Int8 clamp bounds for a fused activation on an output with the given quantization.</summary>
    public static (int Min, int Max) Int8Range(int code, float scale, int zeroPoint, string op)
    {
        var (lo, hi) = FloatRange(code, op);
        int qmin = -128, qmax = 127;
        if (!float.IsInfinity(lo)) qmin = Math.Max(qmin, zeroPoint + (int)MathF.Round(lo / scale));
        if (!float.IsInfinity(hi)) qmax = Math.Min(qmax, zeroPoint + (int)MathF.Round(hi / scale));
        return (qmin, qmax);
    }

    /// <summary>Clamps a float span in place (no-op for NONE).</summary>
    public static void Apply(Span<float> x, float min, float max)
    {
        if (float.IsNegativeInfinity(min) && float.IsPositiveInfinity(max)) return;
        System.Numerics.Tensors.TensorPrimitives.Max(x, min, x);
        System.Numerics.Tensors.TensorPrimitives.Min(x, max, x);
    }
}
