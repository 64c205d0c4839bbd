namespace EdgeTok.Audio.Streaming;

/// <summary>Options for a streaming encoder.</summary>
public sealed record AudioStreamOptions
{
    /// <summary>Target bandwidth in kbps (selects the codebook count as offline encoding does); not with <see cref="Codebooks"/>.</summary>
    public double? BandwidthKbps { get; init; }

    /// <summary>Number of codebooks K per frame; default all.</summary>
    public int? Codebooks { get; init; }

    /// <summary>
    /// Offline-only (ONNX) codecs: code frames of left context re-encoded with each new frame
    /// (the window W). Null = the codec's default (<see cref="WindowedEncoderStream.DefaultContextFrames"/>).
    /// Ignored by stateful codecs, which stream exactly.
    /// </summary>
    public int? ContextFrames { get; init; }
}
