using EdgeTok.Numerics;

namespace EdgeTok.Audio.Metrics;

/// <summary>
/// Framed power spectra of a reference/degraded pair with the reference's active-frame mask
/// (internal; shared by <see cref="LogSpectralDistance"/> and <see cref="MelCepstralDistortion"/>).
/// Frame = FFT size = smallest power of two ≥ 32 ms, hop = half a frame, Hann window; frames start at
/// 0, hop, … while they fit. A frame is active when its reference energy is within 40 dB of the
/// loudest reference frame (silence would otherwise dominate log-domain distances).
/// </summary>
internal sealed class PowerSpectrogram
{
    public const double ActiveRangeDb = 40;

    public int FrameLength { get; }
    public int Frames { get; }
    public int Bins { get; }
    public double[] Reference { get; }
    public double[] Degraded { get; }
    public bool[] Active { get; }

    public static int FrameLengthFor(int sampleRate) => MetricInput.NextPow2((int)Math.Ceiling(0.032 * sampleRate));

    public PowerSpectrogram(ReadOnlySpan<float> reference, ReadOnlySpan<float> degraded, int sampleRate, string metric)
    {
        MetricInput.Check(reference, degraded, metric);
        MetricInput.CheckRate(sampleRate, metric);
        FrameLength = FrameLengthFor(sampleRate);
        int hop = FrameLength / 2;
        if (reference.Length < FrameLength) throw EdgeTokException.Argument($"{metric}: signal of {reference.Length} samples is shorter than one {FrameLength}-sample frame");
        Frames = (reference.Length - FrameLength) / hop + 1;
        var fft = new RealFft(FrameLength);
        Bins = fft.Bins;
        Reference = new double[Frames * Bins];
        Degraded = new double[Frames * Bins];
        Active = new bool[Frames];
        var w = MetricInput.Hann(FrameLength);
        var buf = new double[FrameLength];
        var energy = new double[Frames];
        double maxDb = double.NegativeInfinity;
        for (int f = 0; f < Frames; f++)
        {
            int o = f * hop;
            double e = 0;
            for (int i = 0; i < FrameLength; i++) { buf[i] = w[i] * reference[o + i]; e += buf[i] * buf[i]; }
            fft.PowerSpectrum(buf, Reference.AsSpan(f * Bins, Bins));
            for (int i = 0; i < FrameLength; i++) buf[i] = w[i] * degraded[o + i];
            fft.PowerSpectrum(buf, Degraded.AsSpan(f * Bins, Bins));
            energy[f] = 10 * Math.Log10(e + 1e-20);
            maxDb = Math.Max(maxDb, energy[f]);
        }
        for (int f = 0; f < Frames; f++) Active[f] = energy[f] > maxDb - ActiveRangeDb;
    }
}
