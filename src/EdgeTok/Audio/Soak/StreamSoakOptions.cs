using EdgeTok.Audio.Streaming;

namespace EdgeTok.Audio.Soak;

/// <summary>How long and how a <see cref="StreamSoak"/> streams, and the memory bound it checks.</summary>
public sealed record StreamSoakOptions
{
    /// <summary>Audio to stream (at the input rate), e.g. one hour. Default 2 minutes.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Rate of the pushed PCM; the clips are resampled to it once, before streaming. Null = the first clip's rate.</summary>
    public int? InputSampleRate { get; init; }

    /// <summary>Seed of the chunk sizes (the same seed gives the same pushes).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Largest push in seconds of input; each push is uniform in 1 sample .. this (default 60 ms).</summary>
    public double MaxChunkSeconds { get; init; } = 0.06;

    /// <summary>Codebooks, bandwidth and window of the streams (null = the codec's defaults).</summary>
    public AudioStreamOptions? StreamOptions { get; init; }

    /// <summary>Audio between memory readings. Null = 1/100 of <see cref="Duration"/>, at least 1 s.</summary>
    public TimeSpan? SampleInterval { get; init; }

    /// <summary>Leading fraction of the audio treated as warm-up; the memory baseline is the first reading after it. Default 0.1.</summary>
    public double WarmupFraction { get; init; } = 0.1;

    /// <summary>Allowed relative deviation of every post-warm-up reading (live heap and RSS) from the baseline. Default 0.05 (±5 %).</summary>
    public double MemoryTolerance { get; init; } = 0.05;

    /// <summary>
    /// Offline-only (windowed) codecs: smallest acceptable fraction of streamed codes equal to the
    /// offline reference. Default 0.9. Exact codecs must match bit for bit.
    /// </summary>
    public double MinWindowedAgreement { get; init; } = 0.9;

    /// <summary>Test hook: a fault to inject (the checks must then fail).</summary>
    internal SoakFault Fault { get; init; }
}
