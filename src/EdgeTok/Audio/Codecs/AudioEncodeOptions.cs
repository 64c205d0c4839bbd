namespace EdgeTok.Audio.Codecs;

/// <summary>How many codebooks an encode uses: by target bandwidth or directly (not both). Default: all.</summary>
public sealed record AudioEncodeOptions
{
    /// <summary>Target bandwidth in kbps; the codebook count follows EnCodec's rule (see <see cref="Quantization.ResidualVectorQuantizer.LevelsForBandwidth"/>).</summary>
    public double? BandwidthKbps { get; init; }

    /// <summary>Number of codebooks to use directly.</summary>
    public int? Codebooks { get; init; }

    /// <summary>
    /// Receives the fraction of the input encoded so far (0..1, ending with 1), on the calling thread, as
    /// whole pieces finish (a second of audio for Lyra, a segment for segmenting codecs, the whole input
    /// otherwise). Null: no reports.
    /// </summary>
    public IProgress<double>? Progress { get; init; }
}
