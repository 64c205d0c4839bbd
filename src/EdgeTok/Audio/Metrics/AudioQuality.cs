namespace EdgeTok.Audio.Metrics;

/// <summary>
/// Computes STOI, SI-SNR, log-spectral distance and mel-cepstral distortion for a reference/degraded
/// pair, optionally compensating a known delay, and estimates that delay by cross-correlation.
/// </summary>
public static class AudioQuality
{
    /// <summary>
    /// All four metrics. <paramref name="delaySamples"/> is how late <paramref name="degraded"/> is
    /// (negative: early): reference[i] is compared with degraded[i + delay] over the overlapping part.
    /// </summary>
    /// <exception cref="EdgeTokException">
    /// Empty, different lengths, non-finite samples, a bad rate, a delay leaving too little overlap, or too little speech for STOI.
    /// </exception>
    public static AudioQualityReport Compute(ReadOnlySpan<float> reference, ReadOnlySpan<float> degraded, int sampleRate, int delaySamples = 0)
    {
        MetricInput.Check(reference, degraded, "audio quality");
        MetricInput.CheckRate(sampleRate, "audio quality");
        int n = reference.Length - Math.Abs(delaySamples);
        if (n <= 0) throw EdgeTokException.Argument($"audio quality: delay {delaySamples} leaves no overlap in {reference.Length} samples");
        var r = delaySamples >= 0 ? reference[..n] : reference[(-delaySamples)..];
        var d = delaySamples >= 0 ? degraded[delaySamples..] : degraded[..n];
        return new AudioQualityReport(
            Stoi.Compute(r, d, sampleRate),
            SiSnr.Compute(r, d),
            LogSpectralDistance.Compute(r, d, sampleRate),
            MelCepstralDistortion.Compute(r, d, sampleRate),
            delaySamples, n);
    }

    /// <summary>
    /// The lag in −<paramref name="maxLag"/>..<paramref name="maxLag"/> maximising the normalised
    /// cross-correlation Σ reference[i]·degraded[i + lag] (over the overlap) — the delay to pass to
    /// <see cref="Compute"/>. Ties go to the smaller |lag|.
    /// </summary>
    /// <exception cref="EdgeTokException">Empty, different lengths, non-finite samples, or a negative or too large <paramref name="maxLag"/>.</exception>
    public static int EstimateDelay(ReadOnlySpan<float> reference, ReadOnlySpan<float> degraded, int maxLag)
        => EstimateDelay(reference, degraded, maxLag, out _);

    /// <summary>As <see cref="EstimateDelay(ReadOnlySpan{float}, ReadOnlySpan{float}, int)"/>, also returning the peak normalised correlation.</summary>
    /// <exception cref="EdgeTokException">As the other overload.</exception>
    public static int EstimateDelay(ReadOnlySpan<float> reference, ReadOnlySpan<float> degraded, int maxLag, out double peak)
    {
        MetricInput.Check(reference, degraded, "delay estimate");
        if (maxLag < 0 || maxLag >= reference.Length) throw EdgeTokException.Argument($"delay estimate: max lag {maxLag} out of range (0..{reference.Length - 1})");
        int best = 0;
        peak = double.NegativeInfinity;
        // Lags in order 0, −1, +1, −2, +2, … so that a strict '>' keeps the smaller |lag| on ties.
        for (int a = 0; a <= maxLag; a++)
        {
            for (int sign = a == 0 ? 1 : -1; sign <= 1; sign += 2)
            {
                int lag = sign * a;
                int n = reference.Length - a;
                var r = lag >= 0 ? reference[..n] : reference[a..];
                var d = lag >= 0 ? degraded[lag..] : degraded[..n];
                double rd = 0, rr = 0, dd = 0;
                for (int i = 0; i < n; i++) { rd += (double)r[i] * d[i]; rr += (double)r[i] * r[i]; dd += (double)d[i] * d[i]; }
                double c = rr > 0 && dd > 0 ? rd / Math.Sqrt(rr * dd) : 0;
                if (c > peak) { peak = c; best = lag; }
            }
        }
        return best;
    }
}
