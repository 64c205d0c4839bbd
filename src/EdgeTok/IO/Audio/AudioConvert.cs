namespace EdgeTok.IO.Audio;

/// <summary>Channel down-mixing and sample-rate conversion.</summary>
public static class AudioConvert
{
    /// <summary>Highest sample rate accepted anywhere (a sanity bound against forged headers).</summary>
    public const int MaxSampleRate = 768_000;

    /// <summary>Mean of the channels of interleaved audio into <paramref name="mono"/> (length = frames).</summary>
    public static void DownmixToMono(ReadOnlySpan<float> interleaved, int channels, Span<float> mono)
    {
        if (channels <= 0) throw EdgeTokException.Argument($"channel count must be positive, got {channels}");
        int frames = interleaved.Length / channels;
        if (mono.Length < frames) throw EdgeTokException.Argument($"output holds {mono.Length} samples, {frames} needed");
        if (channels == 1) { interleaved[..frames].CopyTo(mono); return; }
        float inv = 1f / channels;
        for (int f = 0; f < frames; f++)
        {
            float s = 0;
            var frame = interleaved.Slice(f * channels, channels);
            for (int c = 0; c < channels; c++) s += frame[c];
            mono[f] = s * inv;
        }
    }

    /// <summary>
    /// Number of output frames for <paramref name="frames"/> input frames: round(frames × to / from).
    /// Every resampled signal has exactly this length, so durations are preserved.
    /// </summary>
    public static long ResampledLength(long frames, int fromRate, int toRate) =>
        (frames * toRate + fromRate / 2) / fromRate;

    /// <summary>
    /// Resamples interleaved audio with <see cref="SincResampler"/> (time-aligned, band-limited);
    /// the output has exactly <see cref="ResampledLength"/> frames per channel.
    /// </summary>
    public static float[] Resample(float[] interleaved, int channels, int fromRate, int toRate)
    {
        if (channels <= 0) throw EdgeTokException.Argument($"channel count must be positive, got {channels}");
        var rs = new SincResampler(fromRate, toRate);
        int frames = interleaved.Length / channels;
        long outFrames = rs.OutputLength(frames);
        if (outFrames * channels > Array.MaxLength) throw EdgeTokException.Limit("resampled audio would exceed the largest array");
        var output = new float[outFrames * channels];
        if (channels == 1) { rs.Process(interleaved, output); return output; }
        var plane = new float[frames];
        var outPlane = new float[outFrames];
        for (int c = 0; c < channels; c++)
        {
            for (int f = 0; f < frames; f++) plane[f] = interleaved[f * channels + c];
            rs.Process(plane, outPlane);
            for (long f = 0; f < outFrames; f++) output[f * channels + c] = outPlane[f];
        }
        return output;
    }
}
