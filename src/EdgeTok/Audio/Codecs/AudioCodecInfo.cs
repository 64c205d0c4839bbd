namespace EdgeTok.Audio.Codecs;

/// <summary>What a loaded audio codec is: rates, sizes and the code layout it produces.</summary>
/// <param name="Kind">Codec family from the manifest, e.g. <c>encodec</c>, <c>snac</c>, <c>mulaw</c>.</param>
/// <param name="Name">Model name from the manifest.</param>
/// <param name="SampleRate">Audio sample rate in Hz; <see cref="AudioCodec.Encode(ReadOnlySpan{float}, int, AudioEncodeOptions?)"/> requires input at this rate.</param>
/// <param name="Channels">Audio channels (interleaved in PCM buffers).</param>
/// <param name="HopLength">Samples per code frame.</param>
/// <param name="FrameRate">Code frames per second.</param>
/// <param name="Codebooks">Largest number of codebooks K per frame.</param>
/// <param name="CodebookSize">Codewords per codebook; codes lie in 0..CodebookSize−1.</param>
/// <param name="LatentDimension">Dimension of the encoder's latent frames (0 for weight-free codecs).</param>
/// <param name="QuantizerType"><c>rvq</c>, <c>factorized</c>, <c>split_rvq</c> or <c>mulaw</c>.</param>
/// <param name="Bandwidths">Bandwidths (kbps) the model was trained for; empty when not applicable.</param>
public sealed record AudioCodecInfo(string Kind, string Name, int SampleRate, int Channels, int HopLength, double FrameRate,
    int Codebooks, int CodebookSize, int LatentDimension, string QuantizerType, IReadOnlyList<double> Bandwidths)
{
    /// <summary>Bitrate in kbps with <paramref name="codebooks"/> codebooks: codebooks × log2(CodebookSize) × FrameRate / 1000.</summary>
    public double BitrateKbps(int codebooks) => codebooks * Math.Log2(CodebookSize) * FrameRate / 1000;
}
