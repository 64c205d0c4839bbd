namespace EdgeTok.Audio.Metrics;

/// <summary>
/// Mel-cepstral distortion (MCD) in dB: (10/ln 10)·√(2·Σ_{d=1..24} (c_d − ĉ_d)²), averaged over the
/// reference's active frames, with the mel cepstrum taken from a mel filterbank (not SPTK all-pass warping).
/// </summary>
/// <remarks>
/// Per frame (same framing as <see cref="LogSpectralDistance"/>: FFT = window = smallest power of two ≥
/// 32 ms, 50 % overlap, Hann): the power spectrum goes through 40 triangular filters equally spaced on
/// the HTK mel scale (2595·log10(1 + f/700)) from 0 Hz to Nyquist; L_m = ½·ln(E_m + ε) is the log
/// amplitude of band m (ε = 10⁻¹⁰). The cepstrum is the cosine transform over the band midpoints,
/// c_d = (1/M)·Σ_m L_m·cos(π·d·(m + ½)/M), so that ln|H(ω)| ≈ c₀ + 2·Σ c_d·cos(dω) on the warped axis —
/// the convention the MCD constant 10√2/ln 10 assumes. c₀ (energy) is excluded; d = 1..24.
/// Identical signals give 0.
/// </remarks>
public static class MelCepstralDistortion
{
    /// <summary>Number of mel bands.</summary>
    public const int MelBands = 40;

    /// <summary>Highest cepstral coefficient compared (c₁..c₂₄).</summary>
    public const int Order = 24;

    /// <summary>MCD in dB of <paramref name="degraded"/> against <paramref name="reference"/> (equal lengths, aligned).</summary>
    /// <exception cref="EdgeTokException">Empty, different lengths, non-finite samples, a bad rate, or shorter than one frame.</exception>
    public static double Compute(ReadOnlySpan<float> reference, ReadOnlySpan<float> degraded, int sampleRate)
    {
        var s = new PowerSpectrogram(reference, degraded, sampleRate, "MCD");
        var fb = MelFilterbank(s.FrameLength, s.Bins, sampleRate);
        var cos = new double[(Order + 1) * MelBands];
        for (int d = 1; d <= Order; d++)
            for (int m = 0; m < MelBands; m++) cos[d * MelBands + m] = Math.Cos(Math.PI * d * (m + 0.5) / MelBands);
        var la = new double[MelBands];
        var lb = new double[MelBands];
        double sum = 0;
        int used = 0;
        for (int f = 0; f < s.Frames; f++)
        {
            if (!s.Active[f]) continue;
            LogBands(s.Reference.AsSpan(f * s.Bins, s.Bins), fb, s.Bins, la);
            LogBands(s.Degraded.AsSpan(f * s.Bins, s.Bins), fb, s.Bins, lb);
            double acc = 0;
            for (int d = 1; d <= Order; d++)
            {
                double c = 0;
                for (int m = 0; m < MelBands; m++) c += (la[m] - lb[m]) * cos[d * MelBands + m];
                c /= MelBands;
                acc += c * c;
            }
            sum += 10 / Math.Log(10) * Math.Sqrt(2 * acc);
            used++;
        }
        return sum / used;
    }

    private static void LogBands(ReadOnlySpan<double> power, double[] fb, int bins, double[] output)
    {
        for (int m = 0; m < MelBands; m++)
        {
            double e = 0;
            for (int k = 0; k < bins; k++) e += fb[m * bins + k] * power[k];
            output[m] = 0.5 * Math.Log(e + 1e-10);
        }
    }

    private static double Mel(double hz) => 2595 * Math.Log10(1 + hz / 700);
    private static double Hz(double mel) => 700 * (Math.Pow(10, mel / 2595) - 1);

    private static double[] MelFilterbank(int fftSize, int bins, int sampleRate)
    {
        var edges = new double[MelBands + 2];
        double top = Mel(sampleRate / 2.0);
        for (int i = 0; i < edges.Length; i++) edges[i] = Hz(top * i / (MelBands + 1));
        var fb = new double[MelBands * bins];
        for (int m = 0; m < MelBands; m++)
        {
            double lo = edges[m], mid = edges[m + 1], hi = edges[m + 2];
            for (int k = 0; k < bins; k++)
            {
                double f = (double)k * sampleRate / fftSize;
                double v = f <= lo || f >= hi ? 0 : f <= mid ? (f - lo) / (mid - lo) : (hi - f) / (hi - mid);
                fb[m * bins + k] = v;
            }
        }
        return fb;
    }
}
