namespace EdgeTok.Audio.Codecs;

/// <summary>Options for loading a codec.</summary>
public sealed record AudioCodecLoadOptions
{
    /// <summary>ONNX Runtime intra-op threads per session (default 1: edge devices, predictable latency).</summary>
    public int IntraOpThreads { get; init; } = 1;
}
