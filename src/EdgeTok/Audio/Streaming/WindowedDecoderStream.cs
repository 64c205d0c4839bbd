using EdgeTok.Audio.Codecs;

namespace EdgeTok.Audio.Streaming;

/// <summary>
/// Streaming decoder for offline-only (ONNX) codecs: each push decodes the last W frames of codes as
/// left context plus the new frames, and emits only the new frames' samples. Allocates per push.
/// </summary>
internal sealed class WindowedDecoderStream : AudioDecoderStream
{
    private readonly AudioCodec _codec;
    private readonly int _context, _hop, _channels;
    private int[] _hist;
    private int _histFrames;

    public WindowedDecoderStream(AudioCodec codec, int codebooks, int contextFrames) : base(codec.Info, codebooks)
    {
        if (contextFrames < 0 || contextFrames > 4096) throw EdgeTokException.Argument($"context frames must be in 0..4096, got {contextFrames}");
        _codec = codec;
        _context = contextFrames;
        _hop = codec.Info.HopLength;
        _channels = codec.Info.Channels;
        _hist = new int[(contextFrames + 8) * codebooks];
    }

    public override int LatencySamples => _hop;

    private protected override void PushCore(ReadOnlySpan<int> codes, int frames)
    {
        int k = Codebooks;
        if ((_histFrames + frames) * k > _hist.Length) Array.Resize(ref _hist, (_histFrames + frames) * k * 2);
        codes.CopyTo(_hist.AsSpan(_histFrames * k));
        _histFrames += frames;
        var pcm = _codec.Decode(_hist.AsSpan(0, _histFrames * k), _histFrames, k);
        int newSamples = frames * _hop * _channels;
        Emit(pcm.AsSpan(pcm.Length - newSamples, newSamples));
        int keep = Math.Min(_context, _histFrames);
        _hist.AsSpan((_histFrames - keep) * k, keep * k).CopyTo(_hist);
        _histFrames = keep;
    }

    private protected override void ResetCore() => _histFrames = 0;
}
