namespace EdgeTok.Audio.Metrics;

/// <summary>
/// Log-spectral distance (LSD) in dB: per frame √(mean over bins k of (10·log10((P_ref[k] + ε)/(P_deg[k] + ε)))²),
/// averaged over the reference's active frames.
/// </summary>
/// <remarks>
/// Frames: FFT size = window = smallest power of two ≥ 32 ms (512 at 16 kHz), hop = half a frame (50 %
/// overlap), Hann window, all N/2 + 1 bins from 0 Hz to Nyquist, ε = 10⁻¹⁰ (samples in [−1, 1]).
/// Active frames: reference frame energy within 40 dB of the loudest reference frame. Identical signals give 0.
/// </remarks>
public static class LogSpectralDistance
{
    /// <summary>Power floor ε added to every bin before the logarithm.</summary>
    public const double Epsilon = 1e-10;

    /// <summary>Frame (and FFT) length used at <paramref name="sampleRate"/>: the smallest power of two ≥ 32 ms.</summary>
    public static int FrameLength(int sampleRate) => PowerSpectrogram.FrameLengthFor(sampleRate);

    /// <summary>LSD in dB of <paramref name="degraded"/> against <paramref name="reference"/> (equal lengths, aligned).</summary>
    /// <exception cref="EdgeTokException">Empty, different lengths, non-finite samples, a bad rate, or shorter than one frame.</exception>
    public static double Compute(ReadOnlySpan<float> reference, ReadOnlySpan<float> degraded, int sampleRate)
    {
        var s = new PowerSpectrogram(reference, degraded, sampleRate, "LSD");
        double sum = 0;
        int used = 0;
        for (int f = 0; f < s.Frames; f++)
        {
            if (!s.Active[f]) continue;
            double acc = 0;
            for (int k = 0; k < s.Bins; k++)
            {
                double d = 10 * Math.Log10((s.Reference[f * s.Bins + k] + Epsilon) / (s.Degraded[f * s.Bins + k] + Epsilon));
                acc += d * d;
            }
            sum += Math.Sqrt(acc / s.Bins);
            used++;
        }
        return sum / used;
    }
}
