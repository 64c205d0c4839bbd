using System.Runtime.InteropServices;
using EdgeTok.IO.Audio;
using EdgeTok.IO.TimeSeries;

namespace EdgeTok.Native;

/// <summary>C ABI: file helpers (WAV properties, decode to mono at a rate, resampling, a series from CSV/.npy).</summary>
internal static unsafe class IoExports
{
    /// <summary>Mirror of <c>edgetok_wav_info</c> in edgetok.h.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct WavInfo
    {
        public uint StructSize;
        public int SampleRate;
        public int Channels;
        public int BitsPerSample;
        public long Frames;
        public double DurationSeconds;
    }

    [UnmanagedCallersOnly(EntryPoint = "edgetok_wav_info_read")]
    public static int GetWavInfo(byte* path, WavInfo* info)
    {
        try
        {
            Abi.NotNull(info, "info");
            Abi.CheckStructSize(info->StructSize, sizeof(WavInfo), "info");
            var clip = WavReader.Read(Abi.Utf8(path, "path"));
            info->SampleRate = clip.SampleRate;
            info->Channels = clip.Channels;
            info->BitsPerSample = clip.SourceBitsPerSample;
            info->Frames = clip.Frames;
            info->DurationSeconds = clip.DurationSeconds;
            return 0;
        }
        catch (Exception e) { return Abi.Fail(e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "edgetok_wav_read_mono")]
    public static int ReadMono(byte* path, int targetRate, float* samples, nuint capacity, nuint* required, int* sampleRate)
    {
        try
        {
            if (targetRate < 0) throw EdgeTokException.Argument($"target_rate must be 0 (keep) or positive, got {targetRate}");
            var clip = WavReader.ReadMono(Abi.Utf8(path, "path"), targetRate);
            if (sampleRate != null) *sampleRate = clip.SampleRate;
            if (Abi.CheckOutput(samples, capacity, required, clip.Samples.Length, "samples"))
                clip.Samples.CopyTo(new Span<float>(samples, clip.Samples.Length));
            return 0;
        }
        catch (Exception e) { return Abi.Fail(e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "edgetok_resample")]
    public static int Resample(float* input, nuint count, int fromRate, int toRate, float* output, nuint capacity, nuint* required)
    {
        try
        {
            if (count > 0) Abi.NotNull(input, "input");
            if (count > int.MaxValue) throw EdgeTokException.Limit($"{count} samples exceed the limit of {int.MaxValue}");
            var rs = new SincResampler(fromRate, toRate);
            long n = rs.OutputLength((long)count);
            if (Abi.CheckOutput(output, capacity, required, n, "output"))
                rs.Process(new ReadOnlySpan<float>(input, (int)count), new Span<float>(output, (int)n));
            return 0;
        }
        catch (Exception e) { return Abi.Fail(e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "edgetok_wav_write")]
    public static int WriteWav(byte* path, float* samples, nuint count, int sampleRate, int channels)
    {
        try
        {
            if (count > 0) Abi.NotNull(samples, "samples");
            if (count > int.MaxValue) throw EdgeTokException.Limit($"{count} samples exceed the limit of {int.MaxValue}");
            WavWriter.Write(Abi.Utf8(path, "path"), new ReadOnlySpan<float>(samples, (int)count), sampleRate, channels);
            return 0;
        }
        catch (Exception e) { return Abi.Fail(e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "edgetok_series_read")]
    public static int ReadSeries(byte* path, byte* column, float* values, nuint capacity, nuint* required)
    {
        try
        {
            var series = TimeSeriesReader.Read(Abi.Utf8(path, "path"), Abi.Utf8OrNull(column));
            if (Abi.CheckOutput(values, capacity, required, series.Values.Length, "values"))
                series.Values.CopyTo(new Span<float>(values, series.Values.Length));
            return 0;
        }
        catch (Exception e) { return Abi.Fail(e); }
    }
}
