namespace EdgeTok.Audio.Codecs;

/// <summary>
/// The result of encoding: codes [Frames, Codebooks] (frame-major), plus what decoding needs to
/// restore the input exactly where the codec normalises (per-segment scales) and the input length.
/// </summary>
public sealed class AudioCodes
{
    /// <summary>Wraps codes; <paramref name="codes"/> must hold frames × codebooks values.</summary>
    /// <exception cref="EdgeTokException">Sizes do not match (<see cref="StatusCode.InvalidArgument"/>).</exception>
    public AudioCodes(int[] codes, int frames, int codebooks, float[]? scales = null, int sampleCount = 0)
    {
        ArgumentNullException.ThrowIfNull(codes);
        if (frames < 0 || codebooks < 1 || codes.LongLength != (long)frames * codebooks)
            throw EdgeTokException.Argument($"codes hold {codes.Length} values, [{frames}, {codebooks}] needs {(long)frames * codebooks}");
        if (sampleCount < 0) throw EdgeTokException.Argument("sample count must not be negative");
        Codes = codes;
        Frames = frames;
        Codebooks = codebooks;
        Scales = scales;
        SampleCount = sampleCount;
    }

    /// <summary>Codes [Frames, Codebooks], frame-major.</summary>
    public int[] Codes { get; }

    /// <summary>Number of code frames (T).</summary>
    public int Frames { get; }

    /// <summary>Codebooks per frame (K).</summary>
    public int Codebooks { get; }

    /// <summary>Per-segment input scales of normalising codecs (EnCodec 48 kHz); null when the codec does not normalise.</summary>
    public float[]? Scales { get; }

    /// <summary>Samples per channel of the encoded input (0 when unknown); decoding trims to it.</summary>
    public int SampleCount { get; }

    /// <summary>The code at frame <paramref name="frame"/> of codebook <paramref name="codebook"/>.</summary>
    public int this[int frame, int codebook] => Codes[frame * Codebooks + codebook];
}
