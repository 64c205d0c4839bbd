namespace EdgeTok.TimeSeries.Kairos;

/// <summary>
/// A caller-owned copy of the router gate bias (one value per expert). Pass it in
/// <see cref="KairosForecastOptions.GateBias"/> to choose the bias a forecast routes with; in
/// <see cref="KairosGateBiasMode.ReferenceDrift"/> mode the forecast also writes the drifted bias back,
/// so a sequence of calls reproduces a long-running reference process. Not thread-safe: use one instance
/// per sequence of calls.
/// </summary>
public sealed class KairosGateBias
{
    /// <summary>The bias values, one per expert (levels real experts first, then the null experts).</summary>
    public float[] Values { get; }

    /// <summary>Creates a bias state from explicit values.</summary>
    public KairosGateBias(float[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        Values = values;
    }
}
