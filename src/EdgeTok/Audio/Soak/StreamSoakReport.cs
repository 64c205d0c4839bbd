namespace EdgeTok.Audio.Soak;

/// <summary>
/// What a <see cref="StreamSoak"/> run measured: the sample accounting (pushed, framed, decoded), the
/// content checks against the offline reference, and the memory readings. <see cref="Passed"/> is
/// false when any check failed; <see cref="Failures"/> says which.
/// </summary>
public sealed record StreamSoakReport
{
    /// <summary>Codec family (<c>lyra</c>, <c>mulaw</c>, <c>encodec</c>, ...).</summary>
    public required string CodecKind { get; init; }

    /// <summary>Codec model name.</summary>
    public required string CodecName { get; init; }

    /// <summary>Rate of the pushed PCM in Hz.</summary>
    public required int InputSampleRate { get; init; }

    /// <summary>The codec's rate in Hz (the encoder stream resamples to it when it differs).</summary>
    public required int CodecSampleRate { get; init; }

    /// <summary>Channels per frame of PCM.</summary>
    public required int Channels { get; init; }

    /// <summary>Samples per code frame at the codec's rate.</summary>
    public required int HopLength { get; init; }

    /// <summary>Codes per frame (K).</summary>
    public required int Codebooks { get; init; }

    /// <summary>True when the codec streams exactly (Lyra, mu-law): codes and decoded PCM are compared bit for bit.</summary>
    public required bool Exact { get; init; }

    /// <summary>Left-context window W of an offline-only codec's streams; 0 for exact codecs.</summary>
    public required int ContextFrames { get; init; }

    /// <summary>Seed of the chunk sizes.</summary>
    public required int Seed { get; init; }

    /// <summary>Largest push in input samples (pushes are uniform in 1..this).</summary>
    public required int MaxChunkSamples { get; init; }

    /// <summary>Real clips concatenated into the loop.</summary>
    public required int Clips { get; init; }

    /// <summary>Length of the looped audio in input samples (cut to a whole number of frames at the codec's rate).</summary>
    public required long LoopInputSamples { get; init; }

    /// <summary>Code frames per loop.</summary>
    public required long LoopFrames { get; init; }

    /// <summary>Pushes made (main run).</summary>
    public required long Pushes { get; init; }

    /// <summary>Samples per channel pushed at the input rate (main run).</summary>
    public required long InputSamples { get; init; }

    /// <summary>Samples per channel the input becomes at the codec's rate (the resampled length).</summary>
    public required long CodecSamples { get; init; }

    /// <summary>Code frames pulled from the encoder stream, flush included.</summary>
    public required long Frames { get; init; }

    /// <summary>Frames offline encoding of <see cref="InputSamples"/> gives (<see cref="Codecs.AudioCodec.EncodedFrameCount(long, int)"/>).</summary>
    public required long ExpectedFrames { get; init; }

    /// <summary>Samples per channel pulled from the decoder stream, flush included.</summary>
    public required long DecodedSamples { get; init; }

    /// <summary><see cref="DecodedSamples"/> − <see cref="CodecSamples"/>: the zero padding of the last partial frame (0 ≤ tail &lt; hop).</summary>
    public long TailSamples => DecodedSamples - CodecSamples;

    /// <summary>Exact count comparisons made (after every push and pull: frames, decoded samples; and at the end).</summary>
    public required long AccountingChecks { get; init; }

    /// <summary>Count comparisons that failed (a dropped or duplicated sample or frame).</summary>
    public required long AccountingErrors { get; init; }

    /// <summary>Frames compared with the offline reference: every frame pulled before the flush.</summary>
    public required long FramesCompared { get; init; }

    /// <summary>Codes differing from the reference among those compared (must be 0 for exact codecs).</summary>
    public required long CodesDiffering { get; init; }

    /// <summary>Decoded samples compared bit for bit with the reference (exact codecs).</summary>
    public required long SamplesCompared { get; init; }

    /// <summary>Decoded samples differing from the reference (must be 0 for exact codecs).</summary>
    public required long SamplesDiffering { get; init; }

    /// <summary>Fraction of compared codes equal to the reference: 1 for exact codecs, close to 1 for windowed ones.</summary>
    public required double Agreement { get; init; }

    /// <summary>Signal-to-error ratio in dB of the decoded stream against the reference decode (infinite when identical).</summary>
    public required double DecodedSnrDb { get; init; }

    /// <summary>Frames re-streamed after <c>Reset</c> at the end and compared with the start of the reference.</summary>
    public required long ResetFramesCompared { get; init; }

    /// <summary>Codes of the post-reset replay that differ from the reference (must be 0 for exact codecs).</summary>
    public required long ResetCodesDiffering { get; init; }

    /// <summary>Decoded samples of the post-reset replay that differ from the reference (exact codecs; must be 0).</summary>
    public required long ResetSamplesDiffering { get; init; }

    /// <summary>Memory readings, the first before any push, the last after the flush.</summary>
    public required IReadOnlyList<StreamSoakSample> Samples { get; init; }

    /// <summary>Index in <see cref="Samples"/> of the baseline (first reading after warm-up).</summary>
    public required int BaselineIndex { get; init; }

    /// <summary>Live managed heap (after a full collection) over the run.</summary>
    public required MemoryRange LiveHeap { get; init; }

    /// <summary>Resident set size over the run.</summary>
    public required MemoryRange Resident { get; init; }

    /// <summary>Managed bytes allocated per second of audio from the baseline to the end (0 for allocation-free streams).</summary>
    public required double AllocatedBytesPerAudioSecond { get; init; }

    /// <summary>Allowed relative memory deviation the run was checked against.</summary>
    public required double MemoryTolerance { get; init; }

    /// <summary>Wall-clock seconds of streaming (setup and the offline reference excluded).</summary>
    public required double WallSeconds { get; init; }

    /// <summary>Failed checks, one sentence each; empty when the run passed.</summary>
    public required IReadOnlyList<string> Failures { get; init; }

    /// <summary>True when every check passed.</summary>
    public bool Passed => Failures.Count == 0;

    /// <summary>Seconds of audio streamed in the main run.</summary>
    public double AudioSeconds => (double)InputSamples / InputSampleRate;

    /// <summary>Wall time per second of audio (informational; never a pass/fail criterion).</summary>
    public double RealTimeFactor => AudioSeconds > 0 ? WallSeconds / AudioSeconds : 0;
}
