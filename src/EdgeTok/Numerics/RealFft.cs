namespace EdgeTok.Numerics;

/// <summary>
/// Discrete Fourier transform of real frames of a power-of-two size (iterative radix-2
/// Cooley–Tukey on a complex buffer, float64). Frames shorter than <see cref="Size"/> are
/// zero-padded. An instance holds scratch buffers: use one per thread.
/// </summary>
public sealed class RealFft
{
    private readonly double[] _re, _im, _cos, _sin;
    private readonly int[] _bitReverse;

    /// <summary>Transform size (a power of two, 2..2²⁰).</summary>
    public int Size { get; }

    /// <summary>Number of non-negative frequency bins, <see cref="Size"/>/2 + 1.</summary>
    public int Bins => Size / 2 + 1;

    /// <summary>Creates a transform of <paramref name="size"/> points.</summary>
    /// <exception cref="EdgeTokException">The size is not a power of two in 2..2²⁰.</exception>
    public RealFft(int size)
    {
        if (size < 2 || size > 1 << 20 || (size & (size - 1)) != 0) throw EdgeTokException.Argument($"FFT size {size} is not a power of two in 2..1048576");
        Size = size;
        _re = new double[size];
        _im = new double[size];
        _cos = new double[size / 2];
        _sin = new double[size / 2];
        for (int k = 0; k < size / 2; k++)
        {
            double a = -2 * Math.PI * k / size;
            _cos[k] = Math.Cos(a);
            _sin[k] = Math.Sin(a);
        }
        _bitReverse = new int[size];
        int bits = System.Numerics.BitOperations.Log2((uint)size);
        for (int i = 0; i < size; i++)
        {
            int r = 0;
            for (int b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
            _bitReverse[i] = r;
        }
    }

    /// <summary>
    /// X[k] = Σₙ x[n]·e^(−2πikn/N) for k = 0..N/2 into <paramref name="real"/> and <paramref name="imag"/>
    /// (each at least <see cref="Bins"/> long); <paramref name="input"/> holds at most <see cref="Size"/> samples.
    /// </summary>
    /// <exception cref="EdgeTokException">The input is longer than the transform or an output is too short.</exception>
    public void Forward(ReadOnlySpan<double> input, Span<double> real, Span<double> imag)
    {
        Transform(input);
        int bins = Bins;
        if (real.Length < bins || imag.Length < bins) throw EdgeTokException.Argument($"FFT output needs {bins} bins");
        _re.AsSpan(0, bins).CopyTo(real);
        _im.AsSpan(0, bins).CopyTo(imag);
    }

    /// <summary>|X[k]|² for k = 0..N/2 into <paramref name="power"/> (at least <see cref="Bins"/> long).</summary>
    /// <exception cref="EdgeTokException">The input is longer than the transform or the output is too short.</exception>
    public void PowerSpectrum(ReadOnlySpan<double> input, Span<double> power)
    {
        Transform(input);
        int bins = Bins;
        if (power.Length < bins) throw EdgeTokException.Argument($"FFT output needs {bins} bins");
        for (int k = 0; k < bins; k++) power[k] = _re[k] * _re[k] + _im[k] * _im[k];
    }

    private void Transform(ReadOnlySpan<double> input)
    {
        int n = Size;
        if (input.Length > n) throw EdgeTokException.Argument($"FFT input of {input.Length} samples exceeds size {n}");
        Array.Clear(_re);
        Array.Clear(_im);
        for (int i = 0; i < input.Length; i++) _re[_bitReverse[i]] = input[i];
        for (int len = 2; len <= n; len <<= 1)
        {
            int half = len >> 1, step = n / len;
            for (int start = 0; start < n; start += len)
            {
                for (int j = 0; j < half; j++)
                {
                    double wr = _cos[j * step], wi = _sin[j * step];
                    int a = start + j, b = a + half;
                    double tr = _re[b] * wr - _im[b] * wi;
                    double ti = _re[b] * wi + _im[b] * wr;
                    _re[b] = _re[a] - tr;
                    _im[b] = _im[a] - ti;
                    _re[a] += tr;
                    _im[a] += ti;
                }
            }
        }
    }
}
