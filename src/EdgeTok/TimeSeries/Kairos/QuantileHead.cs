namespace EdgeTok.TimeSeries.Kairos;

/// <summary>
/// The residual-MLP quantile head (<c>output_patch_embedding</c>): raw = Wo·relu(Wh·x + bh) + bo + (Wr·x + br),
/// [S, Q·PL] per series in normalised space.
/// </summary>
internal sealed class QuantileHead
{
    private readonly Linear _hidden, _output, _residual;

    public int OutFeatures => _output.Out;

    public QuantileHead(KairosTensorReader r, KairosConfig c)
    {
        int outF = c.NumQuantiles * c.PredictionLength;
        _hidden = r.Linear("output_patch_embedding.hidden_layer", c.DFf, c.DModel, bias: true);
        _output = r.Linear("output_patch_embedding.output_layer", outF, c.DFf, bias: true);
        _residual = r.Linear("output_patch_embedding.residual_layer", outF, c.DModel, bias: true);
    }

    public void Forward(ReadOnlySpan<float> x, Span<float> raw, int rows)
    {
        // Pooled temporaries (fully overwritten by the non-accumulating layers), so a forward allocates nothing here.
        var pool = System.Buffers.ArrayPool<float>.Shared;
        var ha = pool.Rent(rows * _hidden.Out);
        var ra = pool.Rent(rows * _residual.Out);
        try
        {
            var h = ha.AsSpan(0, rows * _hidden.Out);
            _hidden.Forward(x, h, rows);
            Numerics.Activations.Relu(h);
            var res = ra.AsSpan(0, rows * _residual.Out);
            _residual.Forward(x, res, rows);
            _output.Forward(h, raw, rows);
            System.Numerics.Tensors.TensorPrimitives.Add(raw[..res.Length], res, raw[..res.Length]);
        }
        finally
        {
            pool.Return(ha);
            pool.Return(ra);
        }
    }
}
