using EdgeTok.Runtime.TfLite;

namespace EdgeTok.Audio.Lyra;

/// <summary>
/// Streaming Lyra decoder: push whole code frames (<see cref="LyraCodec.Levels"/> codes each, −1 for
/// unused levels), read 16 kHz PCM (320 samples per frame). Holds the decoder's resource variables;
/// <see cref="Reset"/> starts a new stream. Steady state allocates nothing. Not thread-safe.
/// </summary>
public sealed class LyraDecoderStream
{
    private readonly LyraCodec _codec;
    private readonly TfLiteExecution _ex;
    private float[] _queue = new float[16 * LyraCodec.FrameSamples];
    private int _head, _count;
    private bool _flushed;

    internal LyraDecoderStream(LyraCodec codec)
    {
        _codec = codec;
        _ex = codec.DecoderGraph.CreateExecution();
    }

    /// <summary>Decoded samples ready to read.</summary>
    public int AvailableSamples => _count;

    /// <summary>
    /// Decodes whole code frames. <paramref name="codes"/>.Length must be a multiple of
    /// <see cref="LyraCodec.Levels"/> (46).
    /// </summary>
    /// <exception cref="EdgeTokException">InvalidArgument for a partial frame or a code outside −1..15; InvalidState after <see cref="Flush"/>.</exception>
    public void Push(ReadOnlySpan<int> codes)
    {
        if (_flushed) throw new EdgeTokException(StatusCode.InvalidState, "Lyra decoder stream: push after flush (call Reset to start a new stream)");
        int width = _codec.Levels;
        if (codes.Length % width != 0)
            throw EdgeTokException.Argument($"Lyra decoder stream: {codes.Length} codes is not a whole number of {width}-level frames");
        for (int t = 0; t < codes.Length; t += width) DecodeFrame(codes.Slice(t, width));
    }

    /// <summary>Decodes one frame of dequantized 64-d features (bypassing the quantizer).</summary>
    /// <exception cref="EdgeTokException">Wrong length, or InvalidState after <see cref="Flush"/>.</exception>
    public void PushFeatures(ReadOnlySpan<float> features)
    {
        if (_flushed) throw new EdgeTokException(StatusCode.InvalidState, "Lyra decoder stream: push after flush (call Reset to start a new stream)");
        if (features.Length != LyraCodec.FeatureDimension) throw EdgeTokException.Argument($"Lyra decoder stream: a feature frame has {LyraCodec.FeatureDimension} values, got {features.Length}");
        features.CopyTo(_ex.F[_codec.DecoderInput]);
        Run();
    }

    /// <summary>Ends the input; further pushes fail until <see cref="Reset"/>. Decoded samples stay readable.</summary>
    public void Flush() => _flushed = true;

    /// <summary>Copies up to <paramref name="pcm"/>.Length decoded samples; returns how many.</summary>
    public int ReadSamples(Span<float> pcm)
    {
        int n = Math.Min(_count, pcm.Length);
        int first = Math.Min(n, _queue.Length - _head);
        _queue.AsSpan(_head, first).CopyTo(pcm);
        _queue.AsSpan(0, n - first).CopyTo(pcm[first..]);
        _head = (_head + n) % _queue.Length;
        _count -= n;
        return n;
    }

    /// <summary>Back to the start of a stream: model state to its initial values, buffers emptied.</summary>
    public void Reset()
    {
        _ex.Reset();
        _head = 0;
        _count = 0;
        _flushed = false;
    }

    private void DecodeFrame(ReadOnlySpan<int> codes)
    {
        _codec.Quantizer.Decode(codes, _ex.F[_codec.DecoderInput].AsSpan(0, LyraCodec.FeatureDimension));
        Run();
    }

    private void Run()
    {
        _ex.Invoke();
        var y = _ex.F[_codec.DecoderOutput].AsSpan(0, LyraCodec.FrameSamples);
        if (_queue.Length - _count < y.Length) Grow();
        int tail = (_head + _count) % _queue.Length;
        int first = Math.Min(y.Length, _queue.Length - tail);
        y[..first].CopyTo(_queue.AsSpan(tail));
        y[first..].CopyTo(_queue);
        _count += y.Length;
    }

    private void Grow()
    {
        // Only when the reader falls behind.
        var bigger = new float[_queue.Length * 2];
        int first = Math.Min(_count, _queue.Length - _head);
        _queue.AsSpan(_head, first).CopyTo(bigger);
        _queue.AsSpan(0, _count - first).CopyTo(bigger.AsSpan(first));
        _queue = bigger;
        _head = 0;
    }
}
