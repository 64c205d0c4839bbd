using System.Numerics.Tensors;
using EdgeTok.Numerics;

namespace EdgeTok.TimeSeries.Kairos;

/// <summary>A dense layer y = x·Wᵀ (+ b) with PyTorch's [out, in] weight layout.</summary>
internal sealed class Linear
{
    public float[] Weight { get; }
    public float[]? Bias { get; }
    public int In { get; }
    public int Out { get; }

    public Linear(float[] weight, float[]? bias, int outFeatures, int inFeatures)
    {
        Weight = weight;
        Bias = bias;
        Out = outFeatures;
        In = inFeatures;
    }

    /// <summary>y[rows, Out] = x[rows, In]·Wᵀ + b, or y += ... when accumulating.</summary>
    public void Forward(ReadOnlySpan<float> x, Span<float> y, int rows, bool accumulate = false)
    {
        if (rows == 0) return;
        // The GEMM handles the rows % 4 (and Out % 4) edge blocks itself with the register kernel.
        Gemm.MultiplyTransposed(x[..(rows * In)], Weight, y[..(rows * Out)], rows, Out, In, accumulate);
        if (Bias is { } b)
            for (int r = 0; r < rows; r++)
            {
                var yr = y.Slice(r * Out, Out);
                TensorPrimitives.Add(yr, b, yr);
            }
    }
}
