using System.Globalization;
using EdgeTok.IO.Audio;

namespace EdgeTok.Cli.Commands;

/// <summary><c>edgetok audio probe</c>: properties of a WAV file and simple level statistics.</summary>
internal sealed class AudioProbeCommand : ICommand
{
    public string[] Path => ["audio", "probe"];
    public string Summary => "properties and levels of a WAV file";
    public string Usage => "usage: edgetok audio probe --input IN.wav [--rate HZ] [--json]\n\nReads the file (PCM 8/16/24/32-bit or float), down-mixes to mono and, with --rate, resamples.";
    public string[] Flags => ["json"];

    public int Execute(Args args, TextWriter stdout, TextWriter stderr)
    {
        string input = args.Require("input");
        int rate = args.GetInt("rate", 1, AudioConvert.MaxSampleRate) ?? 0;
        bool json = args.Flag("json");
        args.EnsureAllUsed();

        var clip = WavReader.Read(input);
        var mono = clip.ToMono();
        if (rate > 0) mono = mono.Resample(rate);
        double sumSq = 0;
        float peak = 0;
        foreach (var s in mono.Samples) { sumSq += (double)s * s; peak = Math.Max(peak, Math.Abs(s)); }
        double rms = mono.Samples.Length > 0 ? Math.Sqrt(sumSq / mono.Samples.Length) : 0;
        double rmsDb = rms > 0 ? 20 * Math.Log10(rms) : double.NegativeInfinity;
        var inv = CultureInfo.InvariantCulture;
        if (json)
        {
            stdout.WriteLine(string.Format(inv,
                "{{\"input\":{0},\"sample_rate\":{1},\"channels\":{2},\"bits_per_sample\":{3},\"encoding\":\"{4}\",\"frames\":{5},\"duration_s\":{6:F6},\"mono_rate\":{7},\"mono_samples\":{8},\"peak\":{9:F6},\"rms_dbfs\":{10}}}",
                AudioEncodeCommand.Json(input), clip.SampleRate, clip.Channels, clip.SourceBitsPerSample, clip.SourceEncoding,
                clip.Frames, clip.DurationSeconds, mono.SampleRate, mono.Samples.Length, peak, double.IsFinite(rmsDb) ? rmsDb.ToString("F2", inv) : "null"));
            return 0;
        }
        stdout.WriteLine($"file           {input}");
        stdout.WriteLine(string.Format(inv, "format         {0}-bit {1}, {2} Hz, {3} channel(s)", clip.SourceBitsPerSample, clip.SourceEncoding, clip.SampleRate, clip.Channels));
        stdout.WriteLine(string.Format(inv, "duration       {0:F3} s ({1} frames)", clip.DurationSeconds, clip.Frames));
        stdout.WriteLine(string.Format(inv, "mono           {0} samples at {1} Hz", mono.Samples.Length, mono.SampleRate));
        stdout.WriteLine(string.Format(inv, "level          peak {0:F4}, rms {1:F1} dBFS", peak, rmsDb));
        return 0;
    }
}
