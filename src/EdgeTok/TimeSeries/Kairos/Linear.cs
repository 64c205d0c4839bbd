using System.Buffers;
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
        // The GEMM's register kernel works on 4 rows at a time and falls back to one dot product per
        // element for the last rows % 4, which re-reads the weights for every such row. Those rows
        // (and the 2 decoder rows) are run as one zero-padded 4-row block instead.
        int main = rows & ~3, rest = rows - main;
        if (main > 0) Gemm.MultiplyTransposed(x[..(main * In)], Weight, y[..(main * Out)], main, Out, In, accumulate);
        if (rest > 0)
        {
            var pool = ArrayPool<float>.Shared;
            var xa = pool.Rent(4 * In);
            var ya = pool.Rent(4 * Out);
            try
            {
                var xt = xa.AsSpan(0, 4 * In);
                var yt = ya.AsSpan(0, 4 * Out);
                xt.Clear();
                x.Slice(main * In, rest * In).CopyTo(xt);
                if (accumulate) y.Slice(main * Out, rest * Out).CopyTo(yt);
                Gemm.MultiplyTransposed(xt, Weight, yt, 4, Out, In, accumulate);
                yt[..(rest * Out)].CopyTo(y.Slice(main * Out, rest * Out));
            }
            finally
            {
                pool.Return(xa);
                pool.Return(ya);
            }
        }
        if (Bias is { } b)
            for (int r = 0; r < rows; r++)
            {
                var yr = y.Slice(r * Out, Out);
                TensorPrimitives.Add(yr, b, yr);
            }
    }
}
