using EdgeTok.Numerics;

namespace EdgeTok.TimeSeries.Kairos;

/// <summary>
/// A dense layer y = x·Wᵀ (+ b) with PyTorch's [out, in] weight layout. The weight is kept only as a
/// <see cref="PanelMatrix"/> (packed once at load), so every product runs the broadcast-FMA kernels.
/// </summary>
internal sealed class Linear
{
    private readonly PanelMatrix _weight;

    public float[]? Bias { get; }
    public int In { get; }
    public int Out { get; }

    public Linear(float[] weight, float[]? bias, int outFeatures, int inFeatures)
    {
        _weight = new PanelMatrix(weight, outFeatures, inFeatures);
        Bias = bias;
        Out = outFeatures;
        In = inFeatures;
    }

    /// <summary>y[rows, Out] = x[rows, In]·Wᵀ + b, or y += ... when accumulating.</summary>
    public void Forward(ReadOnlySpan<float> x, Span<float> y, int rows, bool accumulate = false)
    {
        if (rows == 0) return;
        if (rows == 1)
        {
            _weight.MultiplyRow(x[..In], y[..Out], accumulate, Bias);
            return;
        }
        // The packed copy of x is a pooled temporary, so a forward allocates nothing here.
        var pool = System.Buffers.ArrayPool<float>.Shared;
        var packed = pool.Rent(PanelMatrix.PackedLength(rows, In));
        PanelMatrix.PackRows(x[..(rows * In)], rows, In, packed);
        _weight.Multiply(packed, rows, y[..(rows * Out)], Out, accumulate, Bias);
        pool.Return(packed);
    }
}
