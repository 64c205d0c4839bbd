namespace EdgeTok.IO.Audio;

/// <summary>
/// Band-limited sample-rate conversion with a Kaiser-windowed sinc kernel (16 zero crossings per
/// side at the lower of the two Nyquist rates, β = 8.6, about 80 dB stop-band). The kernel is
/// symmetric, so the output is time-aligned with the input (no delay): output sample n sits at
/// input time n × from / to. Signal edges are zero-padded. For rational ratios with up to 4096
/// phases the kernel is tabulated per phase; otherwise it is evaluated per output sample.
/// An instance is immutable and thread-safe.
/// </summary>
public sealed class SincResampler
{
    private const int ZeroCrossings = 16;
    private const double Beta = 8.6;
    private const int MaxTabulatedPhases = 4096;

    private readonly long _up, _down;     // ratio to/from reduced: L and M
    private readonly int _taps;           // kernel length (even)
    private readonly double _cutoff;      // relative to the input Nyquist rate
    private readonly float[]? _table;     // [L, taps] when tabulated

    /// <summary>Input rate in Hz.</summary>
    public int FromRate { get; }

    /// <summary>Output rate in Hz.</summary>
    public int ToRate { get; }

    /// <summary>Creates a resampler between two rates.</summary>
    public SincResampler(int fromRate, int toRate)
    {
        if (fromRate <= 0 || fromRate > AudioConvert.MaxSampleRate) throw EdgeTokException.Argument($"source sample rate {fromRate} is out of range (1..{AudioConvert.MaxSampleRate})");
        if (toRate <= 0 || toRate > AudioConvert.MaxSampleRate) throw EdgeTokException.Argument($"target sample rate {toRate} is out of range (1..{AudioConvert.MaxSampleRate})");
        FromRate = fromRate;
        ToRate = toRate;
        long g = Gcd(fromRate, toRate);
        _up = toRate / g;
        _down = fromRate / g;
        _cutoff = Math.Min(1.0, (double)toRate / fromRate);
        int half = (int)Math.Ceiling(ZeroCrossings / _cutoff);
        _taps = 2 * half;
        if (_up <= MaxTabulatedPhases)
        {
            _table = new float[_up * _taps];
            for (int p = 0; p < _up; p++) FillPhase((double)p / _up, _table.AsSpan(p * _taps, _taps));
        }
    }

    /// <summary>Output length for an input of <paramref name="frames"/> samples: round(frames × to / from).</summary>
    public long OutputLength(long frames) => AudioConvert.ResampledLength(frames, FromRate, ToRate);

    /// <summary>Resamples one channel. <paramref name="output"/> must hold <see cref="OutputLength"/> samples.</summary>
    public void Process(ReadOnlySpan<float> input, Span<float> output)
    {
        long outLen = OutputLength(input.Length);
        if (output.Length < outLen) throw EdgeTokException.Argument($"output holds {output.Length} samples, {outLen} needed");
        int half = _taps / 2;
        Span<float> kernel = _table is null ? new float[_taps] : default;
        Span<float> window = _taps <= 1024 ? stackalloc float[_taps] : new float[_taps];
        for (long n = 0; n < outLen; n++)
        {
            long num = n * _down;
            long baseIdx = num / _up;
            long phase = num % _up;
            var k = Kernel(phase, kernel);
            long start = baseIdx - half + 1;      // first input index the kernel touches
            long end = start + _taps;             // one past the last
            if (start >= 0 && end <= input.Length)
                output[(int)n] = Dot(k, input.Slice((int)start, _taps));
            else
            {
                // Edges: the same dot over a zero-padded window, so the streaming resampler (which
                // holds real zeros there) produces bit-identical samples.
                for (int j = 0; j < _taps; j++)
                {
                    long idx = start + j;
                    window[j] = idx >= 0 && idx < input.Length ? input[(int)idx] : 0f;
                }
                output[(int)n] = Dot(k, window);
            }
        }
    }

    /// <summary>Interpolation factor L of the reduced ratio.</summary>
    internal long Up => _up;

    /// <summary>Decimation factor M of the reduced ratio.</summary>
    internal long Down => _down;

    /// <summary>Kernel length (even).</summary>
    internal int Taps => _taps;

    /// <summary>The kernel of <paramref name="phase"/> (0..L−1): the table row, or computed into <paramref name="scratch"/>.</summary>
    internal ReadOnlySpan<float> Kernel(long phase, Span<float> scratch)
    {
        if (_table is not null) return _table.AsSpan((int)(phase * _taps), _taps);
        FillPhase((double)phase / _up, scratch);
        return scratch;
    }

    /// <summary>
    /// Dot product whose rounding depends only on the values, never on memory alignment (unlike
    /// TensorPrimitives.Dot, which peels to align its loads): offline and streaming resampling of the
    /// same samples must agree to the bit however the stream was chunked.
    /// </summary>
    /// Finite input gives finite output: a sum that overflows float (samples near ±3.4e38) is redone in
    /// double and clamped to ±<see cref="float.MaxValue"/>, so a codec downstream never sees an infinity
    /// or NaN that was not in the signal.
    internal static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int n = a.Length, i = 0;
        var acc = System.Numerics.Vector<float>.Zero;
        int w = System.Numerics.Vector<float>.Count;
        for (; i <= n - w; i += w)
            acc += new System.Numerics.Vector<float>(a.Slice(i, w)) * new System.Numerics.Vector<float>(b.Slice(i, w));
        float s = System.Numerics.Vector.Sum(acc);
        for (; i < n; i++) s += a[i] * b[i];
        return float.IsFinite(s) ? s : WideDot(a, b);
    }

    // The rare overflow path: |sum| ≤ Σ|a·b| < 1e3 · 3.4e38 fits a double; NaN stays NaN (it was in the input).
    private static float WideDot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += (double)a[i] * b[i];
        return double.IsNaN(s) ? float.NaN : (float)Math.Clamp(s, -float.MaxValue, float.MaxValue);
    }

    // Kernel taps for fractional position frac in [0,1): tap j multiplies input[base - half + 1 + j],
    // whose distance from the output instant is frac - (j - half + 1). Taps are normalised to sum 1
    // so DC passes with unit gain at every phase.
    private void FillPhase(double frac, Span<float> dst)
    {
        int half = _taps / 2;
        double sum = 0;
        for (int j = 0; j < _taps; j++)
        {
            double x = frac - (j - half + 1);
            sum += _cutoff * Sinc(_cutoff * x) * Kaiser(x / half);
        }
        for (int j = 0; j < _taps; j++)
        {
            double x = frac - (j - half + 1);
            dst[j] = (float)(_cutoff * Sinc(_cutoff * x) * Kaiser(x / half) / sum);
        }
    }

    private static double Sinc(double x) => Math.Abs(x) < 1e-12 ? 1.0 : Math.Sin(Math.PI * x) / (Math.PI * x);

    private static double Kaiser(double r)
    {
        if (Math.Abs(r) > 1) return 0;
        return BesselI0(Beta * Math.Sqrt(1 - r * r)) / BesselI0(Beta);
    }

    private static double BesselI0(double x)
    {
        double sum = 1, term = 1, q = x * x / 4;
        for (int k = 1; k < 64; k++)
        {
            term *= q / ((double)k * k);
            sum += term;
            if (term < sum * 1e-17) break;
        }
        return sum;
    }

    private static long Gcd(long a, long b)
    {
        while (b != 0) (a, b) = (b, a % b);
        return a;
    }
}
