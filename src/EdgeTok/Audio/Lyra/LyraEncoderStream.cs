using EdgeTok.Runtime.TfLite;

namespace EdgeTok.Audio.Lyra;

/// <summary>
/// Streaming Lyra encoder: push 16 kHz PCM of any length, read whole frames of codes as they complete
/// (one per 320 samples, no look-ahead), <see cref="Flush"/> at end of input (the last partial frame is
/// zero-padded), <see cref="Reset"/> to start a new stream. Holds the encoder's resource variables; the
/// output equals <see cref="LyraCodec.Encode(ReadOnlySpan{float}, int)"/> of the same samples however the
/// input is chunked. Steady state allocates nothing. Not thread-safe: one stream, one thread.
/// </summary>
public sealed class LyraEncoderStream
{
    private readonly LyraCodec _codec;
    private readonly TfLiteExecution _ex;
    private readonly float[] _pending = new float[LyraCodec.FrameSamples];
    private int _pendingCount;
    private int[] _queue;
    private int _head, _frames;
    private bool _flushed;

    internal LyraEncoderStream(LyraCodec codec, int levels)
    {
        _codec = codec;
        Levels = levels;
        _ex = codec.EncoderGraph.CreateExecution();
        _queue = new int[16 * codec.Levels];
    }

    /// <summary>RVQ levels in use; each code frame still has <see cref="LyraCodec.Levels"/> entries (−1 beyond).</summary>
    public int Levels { get; }

    /// <summary>Whole code frames ready to read.</summary>
    public int AvailableFrames => _frames;

    /// <summary>Samples buffered towards the next frame.</summary>
    public int PendingSamples => _pendingCount;

    /// <summary>Algorithmic latency: one frame (20 ms); the models have no look-ahead.</summary>
    public static TimeSpan Latency => TimeSpan.FromMilliseconds(1000.0 / LyraCodec.FramesPerSecond);

    /// <summary>Appends samples (float, int16/32768 scale) and encodes every frame they complete.</summary>
    /// <exception cref="EdgeTokException">InvalidState after <see cref="Flush"/>.</exception>
    public void Push(ReadOnlySpan<float> pcm)
    {
        if (_flushed) throw new EdgeTokException(StatusCode.InvalidState, "Lyra encoder stream: push after flush (call Reset to start a new stream)");
        // A NaN or infinity would enter the convolution state and poison every later frame of the
        // stream; reject the whole chunk before any sample is taken so the stream stays usable.
        int bad = IndexOfNonFinite(pcm);
        if (bad >= 0) throw EdgeTokException.Argument($"Lyra encoder stream: sample {bad} of the chunk is {pcm[bad]}; samples must be finite");
        while (pcm.Length > 0)
        {
            int take = Math.Min(pcm.Length, _pending.Length - _pendingCount);
            pcm[..take].CopyTo(_pending.AsSpan(_pendingCount));
            _pendingCount += take;
            pcm = pcm[take..];
            if (_pendingCount == _pending.Length) EncodeFrame();
        }
    }

    private static int IndexOfNonFinite(ReadOnlySpan<float> pcm)
    {
        for (int i = 0; i < pcm.Length; i++)
            if (!float.IsFinite(pcm[i])) return i;
        return -1;
    }

    /// <summary>Appends int16 samples (scaled by 1/32768).</summary>
    /// <exception cref="EdgeTokException">InvalidState after <see cref="Flush"/>.</exception>
    public void Push(ReadOnlySpan<short> pcm)
    {
        if (_flushed) throw new EdgeTokException(StatusCode.InvalidState, "Lyra encoder stream: push after flush (call Reset to start a new stream)");
        Span<float> buf = stackalloc float[LyraCodec.FrameSamples];
        while (pcm.Length > 0)
        {
            int n = Math.Min(pcm.Length, buf.Length);
            for (int i = 0; i < n; i++) buf[i] = pcm[i] / 32768f;
            Push(buf[..n]);
            pcm = pcm[n..];
        }
    }

    /// <summary>Ends the input: a partial frame is zero-padded and encoded. Further pushes fail until <see cref="Reset"/>.</summary>
    public void Flush()
    {
        if (_flushed) return;
        if (_pendingCount > 0)
        {
            _pending.AsSpan(_pendingCount).Clear();
            _pendingCount = _pending.Length;
            EncodeFrame();
        }
        _flushed = true;
    }

    /// <summary>
    /// Copies up to <c>codes.Length / Levels</c> whole frames (each <see cref="LyraCodec.Levels"/> codes) into
    /// <paramref name="codes"/>; returns the number of frames copied.
    /// </summary>
    public int ReadFrames(Span<int> codes)
    {
        int width = _codec.Levels;
        int n = Math.Min(_frames, codes.Length / width);
        int cap = _queue.Length / width;
        for (int i = 0; i < n; i++)
        {
            _queue.AsSpan(_head * width, width).CopyTo(codes.Slice(i * width, width));
            _head = (_head + 1) % cap;
        }
        _frames -= n;
        return n;
    }

    /// <summary>Back to the start of a stream: model state to its initial values, buffers emptied.</summary>
    public void Reset()
    {
        _ex.Reset();
        _pendingCount = 0;
        _head = 0;
        _frames = 0;
        _flushed = false;
    }

    private void EncodeFrame()
    {
        _pending.AsSpan().CopyTo(_ex.F[_codec.EncoderInput]);
        _ex.Invoke();
        int width = _codec.Levels;
        int cap = _queue.Length / width;
        if (_frames == cap) Grow();
        cap = _queue.Length / width;
        int slot = (_head + _frames) % cap;
        _codec.Quantizer.Encode(_ex.F[_codec.EncoderOutput].AsSpan(0, LyraCodec.FeatureDimension), Levels, _queue.AsSpan(slot * width, width));
        _frames++;
        _pendingCount = 0;
    }

    private void Grow()
    {
        // Only when the reader falls behind; a reader that keeps up never triggers it.
        int width = _codec.Levels, cap = _queue.Length / width;
        var bigger = new int[_queue.Length * 2];
        for (int i = 0; i < _frames; i++)
            _queue.AsSpan(((_head + i) % cap) * width, width).CopyTo(bigger.AsSpan(i * width));
        _queue = bigger;
        _head = 0;
    }
}
