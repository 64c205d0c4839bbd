using EdgeTok.Audio.Codecs;

namespace EdgeTok.Audio.Streaming;

/// <summary>Mu-law streaming decoder: code by code, exact.</summary>
internal sealed class MuLawDecoderStream : AudioDecoderStream
{
    private readonly float[] _scratch = new float[256];

    public MuLawDecoderStream(MuLawCodec codec) : base(codec.Info, codec.Info.Channels) { }

    public override int LatencySamples => 1;

    private protected override void PushCore(ReadOnlySpan<int> codes, int frames)
    {
        while (!codes.IsEmpty)
        {
            int n = Math.Min(codes.Length, _scratch.Length);
            for (int i = 0; i < n; i++) _scratch[i] = MuLawCodec.DecodeSample(codes[i]);
            Emit(_scratch.AsSpan(0, n));
            codes = codes[n..];
        }
    }

    private protected override void ResetCore() { }
}
