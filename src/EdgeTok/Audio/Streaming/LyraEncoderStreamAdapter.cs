using EdgeTok.Audio.Codecs;
using EdgeTok.Audio.Lyra;

namespace EdgeTok.Audio.Streaming;

/// <summary>
/// <see cref="LyraEncoderStream"/> behind the common contract: frames carry the first K levels (the
/// rest of Lyra's 46 would be −1). Exact: equals offline encoding however the input is chunked.
/// </summary>
internal sealed class LyraEncoderStreamAdapter : AudioEncoderStream
{
    private readonly LyraEncoderStream _inner;
    private readonly int[] _frame;
    private readonly int _width;

    public LyraEncoderStreamAdapter(LyraCodec codec, AudioCodecInfo info, int inputRate, int levels) : base(info, inputRate, levels)
    {
        _inner = codec.CreateEncoder(levels);
        _width = codec.Levels;
        _frame = new int[_width];
    }

    // One 20 ms frame; the models have no look-ahead.
    private protected override int CodecLatencySamples => LyraCodec.FrameSamples;

    private protected override void PushCore(ReadOnlySpan<float> pcm)
    {
        _inner.Push(pcm);
        Move();
    }

    private protected override void FlushCore()
    {
        _inner.Flush();
        Move();
    }

    private protected override void ResetCore() => _inner.Reset();

    private void Move()
    {
        while (_inner.ReadFrames(_frame) == 1) Emit(_frame.AsSpan(0, Codebooks));
    }
}
