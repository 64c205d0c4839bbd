namespace EdgeTok.IO.Audio;

/// <summary>
/// Decoded audio: interleaved float32 samples in [-1, 1] (frame-major: all channels of frame 0,
/// then frame 1, ...), the sample rate and the channel count.
/// </summary>
public sealed class AudioClip
{
    /// <summary>Interleaved samples; length = <see cref="Frames"/> × <see cref="Channels"/>.</summary>
    public float[] Samples { get; }

    /// <summary>Samples per second per channel.</summary>
    public int SampleRate { get; }

    /// <summary>Number of channels.</summary>
    public int Channels { get; }

    /// <summary>Bits per sample of the source file (0 when the clip was made in memory).</summary>
    public int SourceBitsPerSample { get; init; }

    /// <summary>Encoding of the source file, e.g. <c>pcm</c> or <c>float</c> (empty when made in memory).</summary>
    public string SourceEncoding { get; init; } = "";

    /// <summary>Number of sample frames (samples per channel).</summary>
    public int Frames => Samples.Length / Channels;

    /// <summary>Duration in seconds.</summary>
    public double DurationSeconds => (double)Frames / SampleRate;

    /// <summary>Wraps interleaved samples.</summary>
    public AudioClip(float[] samples, int sampleRate, int channels)
    {
        if (sampleRate <= 0) throw EdgeTokException.Argument($"sample rate must be positive, got {sampleRate}");
        if (channels <= 0) throw EdgeTokException.Argument($"channel count must be positive, got {channels}");
        if (samples.Length % channels != 0) throw EdgeTokException.Argument($"{samples.Length} samples do not divide into {channels} channels");
        Samples = samples;
        SampleRate = sampleRate;
        Channels = channels;
    }

    /// <summary>This clip as mono: the mean of the channels (the clip itself when already mono).</summary>
    public AudioClip ToMono()
    {
        if (Channels == 1) return this;
        var mono = new float[Frames];
        AudioConvert.DownmixToMono(Samples, Channels, mono);
        return new AudioClip(mono, SampleRate, 1) { SourceBitsPerSample = SourceBitsPerSample, SourceEncoding = SourceEncoding };
    }

    /// <summary>This clip at another sample rate (the clip itself when the rate already matches).</summary>
    public AudioClip Resample(int targetRate)
    {
        if (targetRate == SampleRate) return this;
        var output = AudioConvert.Resample(Samples, Channels, SampleRate, targetRate);
        return new AudioClip(output, targetRate, Channels) { SourceBitsPerSample = SourceBitsPerSample, SourceEncoding = SourceEncoding };
    }
}
