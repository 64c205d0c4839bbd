namespace EdgeTok.Audio.Codecs;

/// <summary>How many codebooks an encode uses: by target bandwidth or directly (not both). Default: all.</summary>
public sealed record AudioEncodeOptions
{
    /// <summary>Target bandwidth in kbps; the codebook count follows EnCodec's rule (see <see cref="Quantization.ResidualVectorQuantizer.LevelsForBandwidth"/>).</summary>
    public double? BandwidthKbps { get; init; }

    /// <summary>Number of codebooks to use directly.</summary>
    public int? Codebooks { get; init; }
}
