namespace EdgeTok.TimeSeries.Kairos;

/// <summary>T5 DenseReluDense: wo·relu(wi·x), no biases (non-gated).</summary>
internal sealed class T5FeedForward
{
    public Linear Wi { get; }
    public Linear Wo { get; }

    public T5FeedForward(KairosTensorReader r, string prefix, KairosConfig c)
    {
        Wi = r.Linear(prefix + ".wi", c.DFf, c.DModel, bias: false);
        Wo = r.Linear(prefix + ".wo", c.DModel, c.DFf, bias: false);
    }

    /// <summary>residual += wo·relu(wi·x) for <paramref name="rows"/> rows; <paramref name="hidden"/> holds rows·d_ff.</summary>
    public void Forward(ReadOnlySpan<float> x, Span<float> residual, int rows, Span<float> hidden)
    {
        var h = hidden[..(rows * Wi.Out)];
        Wi.Forward(x, h, rows);
        Numerics.Activations.Relu(h);
        Wo.Forward(h, residual, rows, accumulate: true);
    }
}
