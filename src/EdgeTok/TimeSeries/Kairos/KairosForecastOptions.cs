namespace EdgeTok.TimeSeries.Kairos;

/// <summary>Options of <see cref="KairosModel.Forecast(ReadOnlySpan{float}, int, KairosForecastOptions?)"/>; the defaults are the reproducible ones.</summary>
public sealed class KairosForecastOptions
{
    /// <summary>Frozen (default) or the reference's drifting router bias.</summary>
    public KairosGateBiasMode GateBiasMode { get; init; } = KairosGateBiasMode.Frozen;

    /// <summary>
    /// Optional bias to route with instead of the checkpoint's. In <see cref="KairosGateBiasMode.ReferenceDrift"/>
    /// mode it receives the drifted bias at the end of the call. Its length must equal the expert count.
    /// </summary>
    public KairosGateBias? GateBias { get; init; }

    /// <summary>
    /// The reference's <c>infer_is_positive</c>: if the input has no negative value (NaN ignored), every
    /// output is clamped at ≥ 0 (after flip averaging).
    /// </summary>
    public bool InferIsPositive { get; init; }

    /// <summary>
    /// The reference's <c>force_flip_invariance</c>: also forecasts −x and returns
    /// (P(x) − reverse_quantiles(P(−x)))/2. Doubles the cost.
    /// </summary>
    public bool ForceFlipInvariance { get; init; }

    /// <summary>
    /// Opt-in: sort each step's quantiles so they never cross. Off by default because the reference returns
    /// the head's quantiles as they are (crossings possible); sorting is applied last, after the clamp.
    /// </summary>
    public bool SortQuantiles { get; init; }

    /// <summary>How the series of a batch overload are combined (ignored for a single series).</summary>
    public KairosBatchMode BatchMode { get; init; } = KairosBatchMode.Independent;

    /// <summary>The defaults: frozen bias, no positivity clamp, no flip, independent series.</summary>
    public static KairosForecastOptions Default { get; } = new();
}
