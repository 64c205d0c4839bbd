using EdgeTok.IO.Audio;

namespace EdgeTok.Audio.Streaming;

/// <summary>
/// Streaming form of <see cref="SincResampler"/> for one channel: push input of any length, read the
/// output samples whose kernel window is complete, <see cref="Flush"/> at the end. The kernel history
/// is kept between pushes, so the concatenated output equals <see cref="SincResampler.Process"/> of
/// the whole signal bit for bit, however the input is chunked. Output sample n needs input up to
/// n·from/to + taps/2, so the look-ahead is <see cref="LookaheadInputSamples"/> input samples.
/// Steady state (pushes no larger than earlier ones) allocates nothing. Not thread-safe.
/// </summary>
public sealed class StreamingSincResampler
{
    private readonly SincResampler _rs;
    private readonly int _half, _taps;
    private readonly float[] _kernelScratch;
    private float[] _buf;          // input from absolute index _bufStart on
    private long _bufStart;
    private int _bufCount;
    private long _received;        // input samples pushed
    private long _next;            // next output index
    private long _finalLength = -1; // output length once flushed

    /// <summary>Creates a streaming resampler between two rates (each 1..768000 Hz).</summary>
    /// <exception cref="EdgeTokException">A rate out of range (<see cref="StatusCode.InvalidArgument"/>).</exception>
    public StreamingSincResampler(int fromRate, int toRate)
    {
        _rs = new SincResampler(fromRate, toRate);
        _taps = _rs.Taps;
        _half = _taps / 2;
        _kernelScratch = new float[_taps];
        _buf = new float[Math.Max(4096, 4 * _taps)];
        Reset();
    }

    /// <summary>Input rate in Hz.</summary>
    public int FromRate => _rs.FromRate;

    /// <summary>Output rate in Hz.</summary>
    public int ToRate => _rs.ToRate;

    /// <summary>Input samples beyond an output instant the kernel needs before that sample can be produced (half the kernel).</summary>
    public int LookaheadInputSamples => _half;

    /// <summary>True after <see cref="Flush"/>.</summary>
    public bool IsFlushed => _finalLength >= 0;

    /// <summary>Output samples produced so far (read or ready).</summary>
    public long OutputPosition => _next;

    /// <summary>Appends input samples.</summary>
    /// <exception cref="EdgeTokException">InvalidState after <see cref="Flush"/>.</exception>
    public void Push(ReadOnlySpan<float> input)
    {
        if (IsFlushed) throw new EdgeTokException(StatusCode.InvalidState, "resampler stream: push after flush (call Reset to start a new stream)");
        Append(input);
        _received += input.Length;
    }

    /// <summary>
    /// Writes up to <paramref name="output"/>.Length ready output samples; returns how many. Call until
    /// it returns less than the buffer length to drain.
    /// </summary>
    public int Read(Span<float> output)
    {
        int written = 0;
        while (written < output.Length)
        {
            if (IsFlushed && _next >= _finalLength) break;
            long num = _next * _rs.Down;
            long baseIdx = num / _rs.Up;
            long start = baseIdx - _half + 1;
            long end = start + _taps;
            if (!IsFlushed && end > _received) break;   // window not complete yet
            // After a flush the window may run past the input: the buffer holds the zero padding.
            var k = _rs.Kernel(num % _rs.Up, _kernelScratch);
            output[written++] = SincResampler.Dot(k, _buf.AsSpan((int)(start - _bufStart), _taps));
            _next++;
        }
        Compact();
        return written;
    }

    /// <summary>Ends the input: the tail is zero-padded as offline resampling does; read the rest with <see cref="Read"/>.</summary>
    public void Flush()
    {
        if (IsFlushed) return;
        _finalLength = _rs.OutputLength(_received);
        if (_finalLength > 0)
        {
            long lastStart = (_finalLength - 1) * _rs.Down / _rs.Up - _half + 1;
            long need = lastStart + _taps - (_bufStart + _bufCount);
            if (need > 0) AppendZeros(need);
        }
    }

    /// <summary>Back to the start: history cleared (the signal is preceded by zeros, as offline).</summary>
    public void Reset()
    {
        _received = 0;
        _next = 0;
        _finalLength = -1;
        // Indices −(half−1)..−1 are the zero padding before the signal that output 0 reads.
        _bufStart = -(_half - 1);
        _bufCount = _half - 1;
        _buf.AsSpan(0, _bufCount).Clear();
    }

    /// <summary>
    /// Output samples readable once <paramref name="inputSamples"/> input samples have been pushed, before
    /// a flush: those whose kernel window lies within the input so far (output n needs input up to
    /// floor(n·from/to) + <see cref="LookaheadInputSamples"/>). Lets a caller count exactly what a stream
    /// must have produced at any point.
    /// </summary>
    public long ReadyLength(long inputSamples)
    {
        // Output n is ready when floor(n·down/up) ≤ inputSamples − half − 1: n < (inputSamples − half)·up/down.
        long room = inputSamples - _half;
        return room <= 0 ? 0 : (room * _rs.Up + _rs.Down - 1) / _rs.Down;
    }

    /// <summary>Output samples a stream of <paramref name="inputSamples"/> samples yields in total after the flush.</summary>
    public long OutputLength(long inputSamples) => _rs.OutputLength(inputSamples);

    private void Append(ReadOnlySpan<float> input)
    {
        EnsureExtra(input.Length);
        input.CopyTo(_buf.AsSpan(_bufCount));
        _bufCount += input.Length;
    }

    private void AppendZeros(long count)
    {
        EnsureExtra((int)count);
        _buf.AsSpan(_bufCount, (int)count).Clear();
        _bufCount += (int)count;
    }

    private void EnsureExtra(int extra)
    {
        if (_bufCount + extra <= _buf.Length) return;
        Compact();
        if (_bufCount + extra <= _buf.Length) return;
        // Grows only for a push larger than any before it.
        var bigger = new float[Math.Max(_bufCount + extra, _buf.Length * 2)];
        _buf.AsSpan(0, _bufCount).CopyTo(bigger);
        _buf = bigger;
    }

    // Drops input no future output reads (before the next output's window).
    private void Compact()
    {
        long keepFrom = _next * _rs.Down / _rs.Up - _half + 1;
        int drop = (int)Math.Clamp(keepFrom - _bufStart, 0, _bufCount);
        if (drop == 0) return;
        _buf.AsSpan(drop, _bufCount - drop).CopyTo(_buf);
        _bufCount -= drop;
        _bufStart += drop;
    }
}
