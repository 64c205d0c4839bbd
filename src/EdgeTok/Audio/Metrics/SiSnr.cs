namespace EdgeTok.Audio.Metrics;

/// <summary>
/// Scale-invariant signal-to-noise ratio (SI-SNR, also called SI-SDR), in dB. Both signals are made
/// zero-mean; the degraded signal ŝ is projected on the reference s, s_t = (⟨ŝ,s⟩/‖s‖²)·s, e = ŝ − s_t,
/// SI-SNR = 10·log10(‖s_t‖² / ‖e‖²). Any gain on ŝ leaves it unchanged. Sums are in float64.
/// </summary>
public static class SiSnr
{
    /// <summary>
    /// SI-SNR of <paramref name="degraded"/> against <paramref name="reference"/> (equal lengths, sample aligned).
    /// Returns +∞ when the error is exactly zero and −∞ when the degraded signal is orthogonal to the reference or zero.
    /// </summary>
    /// <exception cref="EdgeTokException">Empty, different lengths, non-finite samples, or a constant (zero after mean removal) reference.</exception>
    public static double Compute(ReadOnlySpan<float> reference, ReadOnlySpan<float> degraded)
    {
        MetricInput.Check(reference, degraded, "SI-SNR");
        int n = reference.Length;
        double ms = 0, md = 0;
        for (int i = 0; i < n; i++) { ms += reference[i]; md += degraded[i]; }
        ms /= n; md /= n;
        double dot = 0, ss = 0;
        for (int i = 0; i < n; i++)
        {
            double s = reference[i] - ms;
            dot += s * (degraded[i] - md);
            ss += s * s;
        }
        if (ss == 0) throw EdgeTokException.Argument("SI-SNR: the reference is constant (no signal after removing the mean)");
        double alpha = dot / ss;
        double target = 0, noise = 0;
        for (int i = 0; i < n; i++)
        {
            double t = alpha * (reference[i] - ms);
            double e = (degraded[i] - md) - t;
            target += t * t;
            noise += e * e;
        }
        if (noise == 0) return double.PositiveInfinity;
        if (target == 0) return double.NegativeInfinity;
        return 10 * Math.Log10(target / noise);
    }
}
