using EdgeTok.Audio.Codecs;

namespace EdgeTok.Audio.Streaming;

/// <summary>
/// Streaming for offline-only (ONNX) codecs, which keep no state between calls: each time whole frames
/// complete, the last <see cref="ContextFrames"/> frames of audio (the left-context window W) plus the
/// new frames are encoded offline and only the new frames' codes are emitted. Codes agree with offline
/// encoding only approximately (the encoder sees W frames of history instead of the whole signal, and
/// no future); docs/audio-codecs.md lists the measured agreement. Each window encode allocates (the
/// ONNX session's tensors and the codes array): O(W + new frames) per completed push, not zero.
/// </summary>
public sealed class WindowedEncoderStream : AudioEncoderStream
{
    /// <summary>Default left-context window in frames (chosen from the agreement measured on real speech; see docs/audio-codecs.md).</summary>
    public const int DefaultContextFrames = 32;

    private readonly AudioCodec _codec;
    private readonly AudioEncodeOptions _options;
    private readonly int _hop, _channels;
    private float[] _buf;          // interleaved PCM from frame _bufFrame on
    private long _bufFrame;
    private int _bufSamples;       // per channel
    private long _received;        // per channel
    private long _emitted;         // frames

    internal WindowedEncoderStream(AudioCodec codec, int inputRate, int codebooks, int contextFrames) : base(codec.Info, inputRate, codebooks)
    {
        if (contextFrames < 0 || contextFrames > 4096) throw EdgeTokException.Argument($"context frames must be in 0..4096, got {contextFrames}");
        _codec = codec;
        _options = new AudioEncodeOptions { Codebooks = codebooks };
        _hop = codec.Info.HopLength;
        _channels = codec.Info.Channels;
        ContextFrames = contextFrames;
        _buf = new float[(contextFrames + 8) * _hop * _channels];
    }

    /// <summary>Frames of left context re-encoded with each new frame (W).</summary>
    public int ContextFrames { get; }

    // A frame; no look-ahead is waited for (the window is cut at the newest whole frame).
    private protected override int CodecLatencySamples => _hop;

    private protected override void PushCore(ReadOnlySpan<float> pcm)
    {
        int n = pcm.Length / _channels;
        if (_bufSamples + n > _buf.Length / _channels)
        {
            var bigger = new float[Math.Max((_bufSamples + n) * _channels, _buf.Length * 2)];
            _buf.AsSpan(0, _bufSamples * _channels).CopyTo(bigger);
            _buf = bigger;
        }
        pcm.CopyTo(_buf.AsSpan(_bufSamples * _channels));
        _bufSamples += n;
        _received += n;
        long ready = _received / _hop;
        if (ready > _emitted) EncodeRange(ready, ready * _hop);
    }

    private protected override void FlushCore()
    {
        long total = _codec.EncodedFrameCount((int)Math.Min(_received, int.MaxValue));
        if (total > _emitted) EncodeRange(total, _received);
    }

    private protected override void ResetCore()
    {
        _bufFrame = 0;
        _bufSamples = 0;
        _received = 0;
        _emitted = 0;
    }

    // Encodes frames _emitted..end-1 from a window starting W frames earlier and ending at sample endSample.
    private void EncodeRange(long endFrame, long endSample)
    {
        long start = Math.Max(0, _emitted - ContextFrames);
        int from = (int)((start - _bufFrame) * _hop);
        int count = (int)(endSample - start * _hop);
        var codes = _codec.Encode(_buf.AsSpan(from * _channels, count * _channels), _codec.Info.SampleRate, _options);
        int skip = (int)(_emitted - start), take = (int)(endFrame - _emitted);
        if (codes.Frames < skip + take)
            throw new EdgeTokException(StatusCode.Internal, $"window encode gave {codes.Frames} frames, {skip + take} expected");
        Emit(codes.Codes.AsSpan(skip * Codebooks, take * Codebooks));
        _emitted = endFrame;
        // Keep only the next window's context (and any partial frame).
        long keep = Math.Max(0, _emitted - ContextFrames);
        int drop = (int)((keep - _bufFrame) * _hop);
        if (drop > 0)
        {
            _buf.AsSpan(drop * _channels, (_bufSamples - drop) * _channels).CopyTo(_buf);
            _bufSamples -= drop;
            _bufFrame = keep;
        }
    }
}
