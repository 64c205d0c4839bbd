using NAudio.Wave;

namespace EdgeTok.IO.Audio;

/// <summary>Sample formats <see cref="WavWriter"/> can write.</summary>
public enum WavSampleFormat
{
    /// <summary>16-bit signed PCM (values clipped to [-1, 1]).</summary>
    Pcm16,
    /// <summary>24-bit signed PCM (values clipped to [-1, 1]).</summary>
    Pcm24,
    /// <summary>32-bit signed PCM (values clipped to [-1, 1]).</summary>
    Pcm32,
    /// <summary>8-bit unsigned PCM (values clipped to [-1, 1]).</summary>
    Pcm8,
    /// <summary>32-bit IEEE float (written as is).</summary>
    Float32,
}

/// <summary>Writes WAV files through NAudio.</summary>
public static class WavWriter
{
    /// <summary>Writes interleaved samples to a WAV file.</summary>
    public static void Write(string path, ReadOnlySpan<float> interleaved, int sampleRate, int channels = 1, WavSampleFormat format = WavSampleFormat.Pcm16)
    {
        if (sampleRate <= 0 || sampleRate > AudioConvert.MaxSampleRate) throw EdgeTokException.Argument($"sample rate {sampleRate} is out of range");
        if (channels <= 0) throw EdgeTokException.Argument($"channel count must be positive, got {channels}");
        if (interleaved.Length % channels != 0) throw EdgeTokException.Argument($"{interleaved.Length} samples do not divide into {channels} channels");
        var wf = format switch
        {
            WavSampleFormat.Float32 => WaveFormat.CreateIeeeFloatWaveFormat(sampleRate, channels),
            WavSampleFormat.Pcm8 => new WaveFormat(sampleRate, 8, channels),
            WavSampleFormat.Pcm16 => new WaveFormat(sampleRate, 16, channels),
            WavSampleFormat.Pcm24 => new WaveFormat(sampleRate, 24, channels),
            WavSampleFormat.Pcm32 => new WaveFormat(sampleRate, 32, channels),
            _ => throw EdgeTokException.Argument($"unknown WAV sample format {format}"),
        };
        using var w = new WaveFileWriter(path, wf);
        var buf = new byte[4096 * (wf.BitsPerSample / 8)];
        int bytesPer = wf.BitsPerSample / 8;
        int i = 0;
        while (i < interleaved.Length)
        {
            int n = Math.Min(4096, interleaved.Length - i);
            for (int k = 0; k < n; k++) Encode(interleaved[i + k], format, buf.AsSpan(k * bytesPer, bytesPer));
            w.Write(buf, 0, n * bytesPer);
            i += n;
        }
    }

    /// <summary>Writes a clip to a WAV file.</summary>
    public static void Write(string path, AudioClip clip, WavSampleFormat format = WavSampleFormat.Pcm16) =>
        Write(path, clip.Samples, clip.SampleRate, clip.Channels, format);

    private static void Encode(float v, WavSampleFormat format, Span<byte> dst)
    {
        if (format == WavSampleFormat.Float32) { BitConverter.TryWriteBytes(dst, v); return; }
        double x = float.IsNaN(v) ? 0 : Math.Clamp(v, -1f, 1f);
        switch (format)
        {
            case WavSampleFormat.Pcm8:
                dst[0] = (byte)Math.Clamp(Math.Round(x * 127.5 + 127.5), 0, 255);
                break;
            case WavSampleFormat.Pcm16:
                BitConverter.TryWriteBytes(dst, (short)Math.Clamp(Math.Round(x * 32768.0), short.MinValue, short.MaxValue));
                break;
            case WavSampleFormat.Pcm24:
                int s24 = (int)Math.Clamp(Math.Round(x * 8388608.0), -8388608, 8388607);
                dst[0] = (byte)s24; dst[1] = (byte)(s24 >> 8); dst[2] = (byte)(s24 >> 16);
                break;
            case WavSampleFormat.Pcm32:
                BitConverter.TryWriteBytes(dst, (int)Math.Clamp(Math.Round(x * 2147483648.0), int.MinValue, int.MaxValue));
                break;
        }
    }
}
