namespace EdgeTok.TimeSeries.Kairos;

/// <summary>
/// Quantile forecasts [batch, quantiles, horizon], row-major, in the units of the input. Quantile rows
/// follow <see cref="QuantileLevels"/> (0.1 … 0.9 for the published models); as in the reference they are
/// not forced to be monotone.
/// </summary>
public sealed class KairosForecast
{
    /// <summary>The forecasts, [BatchSize, QuantileLevels.Count, Horizon] row-major.</summary>
    public float[] Values { get; }
    /// <summary>Number of series.</summary>
    public int BatchSize { get; }
    /// <summary>Forecast steps per series.</summary>
    public int Horizon { get; }
    /// <summary>The quantile level of each row.</summary>
    public IReadOnlyList<float> QuantileLevels { get; }
    /// <summary>Number of quantile rows.</summary>
    public int NumQuantiles => QuantileLevels.Count;
    /// <summary>The shape [BatchSize, NumQuantiles, Horizon].</summary>
    public int[] Shape => [BatchSize, NumQuantiles, Horizon];

    internal KairosForecast(float[] values, int batch, IReadOnlyList<float> levels, int horizon)
    {
        Values = values;
        BatchSize = batch;
        QuantileLevels = levels;
        Horizon = horizon;
    }

    /// <summary>Forecast of one quantile row of one series (a view into <see cref="Values"/>).</summary>
    public ReadOnlySpan<float> Row(int series, int quantile)
    {
        if ((uint)series >= (uint)BatchSize) throw new EdgeTokException(StatusCode.InvalidArgument, $"series {series} is outside the batch of {BatchSize}");
        if ((uint)quantile >= (uint)NumQuantiles) throw new EdgeTokException(StatusCode.InvalidArgument, $"quantile row {quantile} is outside [0, {NumQuantiles})");
        return Values.AsSpan((series * NumQuantiles + quantile) * Horizon, Horizon);
    }

    /// <summary>The [NumQuantiles, Horizon] block of one series (a view into <see cref="Values"/>).</summary>
    public ReadOnlySpan<float> Series(int series)
    {
        if ((uint)series >= (uint)BatchSize) throw new EdgeTokException(StatusCode.InvalidArgument, $"series {series} is outside the batch of {BatchSize}");
        return Values.AsSpan(series * NumQuantiles * Horizon, NumQuantiles * Horizon);
    }
}
