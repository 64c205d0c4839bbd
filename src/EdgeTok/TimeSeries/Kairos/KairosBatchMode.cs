namespace EdgeTok.TimeSeries.Kairos;

/// <summary>How the series of a batch call are combined.</summary>
public enum KairosBatchMode
{
    /// <summary>
    /// Each series is forecast on its own, exactly as a batch of one: results do not depend on the
    /// batch-mates and series may have different lengths. The default.
    /// </summary>
    Independent = 0,

    /// <summary>
    /// Reproduces the reference's batched forward: equal-length rows, token sequences right-padded to the
    /// longest row, and the [REG] token appended after the padding at position N_max. A series' forecast
    /// then changes with its batch-mates (≈1 % with the golden weights), and in
    /// <see cref="KairosGateBiasMode.ReferenceDrift"/> the bias update counts the whole batch.
    /// </summary>
    ReferenceJoint = 1,
}
