using EdgeTok.IO.Audio;
using EdgeTok.Numerics;

namespace EdgeTok.Audio.Metrics;

/// <summary>
/// Short-time objective intelligibility (STOI), implemented from its published definition (Taal,
/// Hendriks, Heusdens, Jensen, IEEE TASLP 19(7), 2011). Score in about [0, 1]; higher is more intelligible.
/// </summary>
/// <remarks>
/// Steps: (1) resample both signals to 10 kHz (<see cref="SincResampler"/>); (2) remove silent frames:
/// 256-sample frames, 50 % overlap, Hann window 0.5(1 − cos(2πn/257)), n = 1..256; frames whose reference
/// energy is more than 40 dB below the loudest reference frame are dropped from both signals, the rest
/// overlap-added back; (3) STFT with the same frames zero-padded to 512 points; (4) 15 one-third-octave
/// bands, centres 150·2^(j/3) Hz, each summing |X|² over bins from the one nearest 150·2^((2j−1)/6) up to
/// (excluding) the one nearest 150·2^((2j+1)/6), amplitude = √sum; (5) for each band and each 384 ms
/// segment of N = 30 consecutive frames ending at frame m = N−1 … M−1: scale the degraded envelope to the
/// reference's norm, clip it to at most (1 + 10^(−β/20)) × the reference envelope with β = −15 dB,
/// and take the correlation coefficient of the two mean-removed envelopes; (6) average over bands and segments.
/// Frame starts follow the reference MATLAB definition (0, 128, … while start &lt; length − 256).
/// </remarks>
public static class Stoi
{
    /// <summary>Internal sample rate of the measure (10 kHz).</summary>
    public const int SampleRate = 10000;
    /// <summary>Frame length in samples at 10 kHz (25.6 ms).</summary>
    public const int FrameLength = 256;
    /// <summary>FFT size.</summary>
    public const int FftSize = 512;
    /// <summary>Number of one-third-octave bands.</summary>
    public const int Bands = 15;
    /// <summary>Centre frequency of the lowest band in Hz.</summary>
    public const double LowestCentreHz = 150;
    /// <summary>Frames per analysis segment (N = 30, 384 ms).</summary>
    public const int SegmentFrames = 30;
    /// <summary>Lower signal-to-distortion bound β in dB used for clipping.</summary>
    public const double BetaDb = -15;
    /// <summary>Dynamic range in dB kept by silent-frame removal.</summary>
    public const double DynamicRangeDb = 40;

    private const int Hop = FrameLength / 2;

    /// <summary>
    /// STOI of <paramref name="degraded"/> against the clean <paramref name="reference"/>, both at
    /// <paramref name="sampleRate"/> (equal lengths, time aligned).
    /// </summary>
    /// <exception cref="EdgeTokException">
    /// Empty, different lengths, non-finite samples, a bad rate, or fewer than 30 active frames (about 0.4 s of speech).
    /// </exception>
    public static double Compute(ReadOnlySpan<float> reference, ReadOnlySpan<float> degraded, int sampleRate)
    {
        MetricInput.Check(reference, degraded, "STOI");
        MetricInput.CheckRate(sampleRate, "STOI");
        double[] x = To10k(reference, sampleRate), y = To10k(degraded, sampleRate);
        var window = MetricInput.Hann(FrameLength);
        RemoveSilentFrames(ref x, ref y, window);

        var fft = new RealFft(FftSize);
        int frames = FrameCount(x.Length);
        if (frames < SegmentFrames)
            throw EdgeTokException.Argument($"STOI: only {frames} active 25.6 ms frames, at least {SegmentFrames} (about 0.4 s of speech) are needed");
        var (lo, hi) = BandEdges();
        double[] xb = BandEnvelopes(x, frames, window, fft, lo, hi), yb = BandEnvelopes(y, frames, window, fft, lo, hi);

        double clip = 1 + Math.Pow(10, -BetaDb / 20);
        var yc = new double[SegmentFrames];
        double sum = 0;
        long count = 0;
        for (int m = SegmentFrames - 1; m < frames; m++)
        {
            int s0 = m - SegmentFrames + 1;
            for (int j = 0; j < Bands; j++)
            {
                var xs = xb.AsSpan(j * frames + s0, SegmentFrames);
                var ys = yb.AsSpan(j * frames + s0, SegmentFrames);
                double nx = 0, ny = 0;
                for (int n = 0; n < SegmentFrames; n++) { nx += xs[n] * xs[n]; ny += ys[n] * ys[n]; }
                // Scale the degraded envelope to the reference energy, then bound its distortion by β.
                double alpha = Math.Sqrt(nx / Math.Max(ny, 1e-300));
                for (int n = 0; n < SegmentFrames; n++) yc[n] = Math.Min(alpha * ys[n], clip * xs[n]);
                sum += Correlation(xs, yc);
                count++;
            }
        }
        return sum / count;
    }

    private static double[] To10k(ReadOnlySpan<float> s, int rate)
    {
        float[] r;
        if (rate == SampleRate) r = s.ToArray();
        else
        {
            var rs = new SincResampler(rate, SampleRate);
            r = new float[rs.OutputLength(s.Length)];
            rs.Process(s, r);
        }
        var d = new double[r.Length];
        for (int i = 0; i < r.Length; i++) d[i] = r[i];
        return d;
    }

    // Frames start at 0, 128, … while start < length − 256 (the MATLAB definition's 1:K/2:length−N).
    private static int FrameCount(int length) => length <= FrameLength ? 0 : (length - FrameLength - 1) / Hop + 1;

    private static void RemoveSilentFrames(ref double[] x, ref double[] y, double[] w)
    {
        int frames = FrameCount(x.Length);
        var energy = new double[frames];
        double max = double.NegativeInfinity;
        for (int f = 0; f < frames; f++)
        {
            double e = 0;
            for (int i = 0; i < FrameLength; i++) { double v = w[i] * x[f * Hop + i]; e += v * v; }
            energy[f] = 20 * Math.Log10(Math.Sqrt(e / FrameLength) + 1e-300);
            max = Math.Max(max, energy[f]);
        }
        int kept = 0;
        for (int f = 0; f < frames; f++) if (energy[f] - max + DynamicRangeDb > 0) kept++;
        int len = kept == 0 ? 0 : (kept - 1) * Hop + FrameLength;
        var xo = new double[len];
        var yo = new double[len];
        int k = 0;
        for (int f = 0; f < frames; f++)
        {
            if (!(energy[f] - max + DynamicRangeDb > 0)) continue;
            // Windowed frames overlap-add back into a signal without the silent stretches.
            for (int i = 0; i < FrameLength; i++)
            {
                xo[k * Hop + i] += w[i] * x[f * Hop + i];
                yo[k * Hop + i] += w[i] * y[f * Hop + i];
            }
            k++;
        }
        x = xo;
        y = yo;
    }

    private static (int[] Lo, int[] Hi) BandEdges()
    {
        int bins = FftSize / 2 + 1;
        var lo = new int[Bands];
        var hi = new int[Bands];
        for (int j = 0; j < Bands; j++)
        {
            lo[j] = Nearest(LowestCentreHz * Math.Pow(2, (2.0 * j - 1) / 6), bins);
            hi[j] = Nearest(LowestCentreHz * Math.Pow(2, (2.0 * j + 1) / 6), bins);
        }
        return (lo, hi);
    }

    private static int Nearest(double hz, int bins)
    {
        int best = 0;
        double bestD = double.MaxValue;
        for (int k = 0; k < bins; k++)
        {
            double d = Math.Abs((double)k * SampleRate / FftSize - hz);
            if (d < bestD) { bestD = d; best = k; }
        }
        return best;
    }

    private static double[] BandEnvelopes(double[] x, int frames, double[] w, RealFft fft, int[] lo, int[] hi)
    {
        var env = new double[Bands * frames];
        var buf = new double[FrameLength];
        var power = new double[fft.Bins];
        for (int f = 0; f < frames; f++)
        {
            for (int i = 0; i < FrameLength; i++) buf[i] = w[i] * x[f * Hop + i];
            fft.PowerSpectrum(buf, power);
            for (int j = 0; j < Bands; j++)
            {
                double e = 0;
                for (int k = lo[j]; k < hi[j]; k++) e += power[k];
                env[j * frames + f] = Math.Sqrt(e);
            }
        }
        return env;
    }

    private static double Correlation(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double ma = 0, mb = 0;
        for (int i = 0; i < a.Length; i++) { ma += a[i]; mb += b[i]; }
        ma /= a.Length; mb /= b.Length;
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double da = a[i] - ma, db = b[i] - mb;
            ab += da * db; aa += da * da; bb += db * db;
        }
        // A flat envelope has no defined correlation; count it as 0 rather than NaN.
        double den = Math.Sqrt(aa * bb);
        return den > 0 ? ab / den : 0;
    }
}
