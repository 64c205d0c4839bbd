using EdgeTok.Audio.Codecs;
using EdgeTok.Audio.Lyra;

namespace EdgeTok.Audio.Streaming;

/// <summary><see cref="LyraDecoderStream"/> behind the common contract: K levels per frame in, the rest unused (−1).</summary>
internal sealed class LyraDecoderStreamAdapter : AudioDecoderStream
{
    private readonly LyraDecoderStream _inner;
    private readonly int[] _frame;
    private readonly float[] _pcm = new float[LyraCodec.FrameSamples];

    public LyraDecoderStreamAdapter(LyraCodec codec, AudioCodecInfo info, int levels) : base(info, levels)
    {
        _inner = codec.CreateDecoder();
        _frame = new int[codec.Levels];
    }

    public override int LatencySamples => LyraCodec.FrameSamples;

    private protected override void PushCore(ReadOnlySpan<int> codes, int frames)
    {
        for (int t = 0; t < frames; t++)
        {
            _frame.AsSpan().Fill(-1);
            codes.Slice(t * Codebooks, Codebooks).CopyTo(_frame);
            _inner.Push(_frame);
            int n = _inner.ReadSamples(_pcm);
            Emit(_pcm.AsSpan(0, n));
        }
    }

    private protected override void ResetCore() => _inner.Reset();
}
