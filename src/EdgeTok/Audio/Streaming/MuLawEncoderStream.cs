using EdgeTok.Audio.Codecs;

namespace EdgeTok.Audio.Streaming;

/// <summary>Mu-law streaming encoder: sample by sample, exact, latency one sample.</summary>
internal sealed class MuLawEncoderStream : AudioEncoderStream
{
    private readonly int[] _scratch = new int[256];

    public MuLawEncoderStream(MuLawCodec codec, int inputRate) : base(codec.Info, inputRate, codec.Info.Channels) { }

    private protected override int CodecLatencySamples => 1;

    private protected override void PushCore(ReadOnlySpan<float> pcm)
    {
        // A frame is one sample per channel; interleaved PCM is already frame-major [n, channels].
        while (!pcm.IsEmpty)
        {
            int n = Math.Min(pcm.Length, _scratch.Length);
            for (int i = 0; i < n; i++) _scratch[i] = MuLawCodec.EncodeSample(pcm[i]);
            Emit(_scratch.AsSpan(0, n));
            pcm = pcm[n..];
        }
    }

    private protected override void FlushCore() { }

    private protected override void ResetCore() { }
}
