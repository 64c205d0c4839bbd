namespace EdgeTok.Audio.Soak;

/// <summary>One memory figure over the readings after warm-up.</summary>
/// <param name="Start">Reading before the first push (before warm-up).</param>
/// <param name="Baseline">First reading after warm-up: the reference the tolerance applies to.</param>
/// <param name="End">Reading after the final flush.</param>
/// <param name="Min">Smallest reading from the baseline on.</param>
/// <param name="Max">Largest reading from the baseline on.</param>
public sealed record MemoryRange(long Start, long Baseline, long End, long Min, long Max)
{
    /// <summary>Largest relative distance of a post-warm-up reading from the baseline: max(Max − Baseline, Baseline − Min) / Baseline.</summary>
    public double MaxDeviation => Baseline <= 0 ? 0 : Math.Max(Max - Baseline, Baseline - Min) / (double)Baseline;

    /// <summary>(End − Baseline) / Baseline: the drift over the run.</summary>
    public double Drift => Baseline <= 0 ? 0 : (End - Baseline) / (double)Baseline;

    /// <summary>The range of <paramref name="select"/> over <paramref name="samples"/>, baseline at index <paramref name="baseline"/>.</summary>
    internal static MemoryRange Of(IReadOnlyList<StreamSoakSample> samples, int baseline, Func<StreamSoakSample, long> select)
    {
        long min = long.MaxValue, max = long.MinValue;
        for (int i = baseline; i < samples.Count; i++)
        {
            long v = select(samples[i]);
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        return new MemoryRange(select(samples[0]), select(samples[baseline]), select(samples[^1]), min, max);
    }
}
