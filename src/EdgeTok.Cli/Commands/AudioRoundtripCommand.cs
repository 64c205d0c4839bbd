using System.Globalization;
using EdgeTok.Audio.Codecs;
using EdgeTok.Audio.Lyra;
using EdgeTok.Audio.Metrics;
using EdgeTok.IO.Audio;
using EdgeTok.Runtime;

namespace EdgeTok.Cli.Commands;

/// <summary><c>edgetok audio roundtrip</c>: encode and decode a WAV file with a codec, optionally measuring quality.</summary>
internal sealed class AudioRoundtripCommand : ICommand
{
    public string[] Path => ["audio", "roundtrip"];
    public string Summary => "encode + decode a WAV file with a codec (e.g. lyra-v2), with quality metrics";
    public string Usage =>
        "usage: edgetok audio roundtrip --model DIR|NAME --input IN.wav [--bandwidth KBPS | --codebooks N]\n" +
        "                               --output OUT.wav [--metrics] [--manifest FILE] [--threads N]\n" +
        "                               [--json] [--quiet]\n\n" +
        AudioCodecLoader.Options + "\n\n" +
        "Reads IN.wav (mixed to the codec's channels, resampled to its rate), encodes it and writes the decoded\n" +
        "audio as 16-bit PCM at the codec's rate, trimmed to the input length. Default: all codebooks (Lyra:\n" +
        "9.2 kbps); for Lyra --bandwidth must be one of its operating points 3.2, 6.0, 9.2 (--bitrate is an\n" +
        "older name for it). --metrics measures STOI, SI-SNR, log-spectral distance and mel-cepstral\n" +
        "distortion of the output against the resampled input (mono mixes; no delay compensation).";
    public string[] Flags => ["metrics", "json"];

    public int Execute(Args args, TextWriter stdout, TextWriter stderr)
    {
        args.Alias("bitrate", "bandwidth");
        string input = args.Require("input");
        string outPath = args.Require("output");
        double? bandwidth = args.GetDouble("bandwidth");
        int? codebooks = args.GetInt("codebooks", 1, 1 << 16);
        bool metrics = args.Flag("metrics");
        bool json = args.Flag("json");
        if (bandwidth is not null && codebooks is not null) throw new UsageException("give --bandwidth or --codebooks, not both");
        var spec = AudioCodecLoader.Read(args);
        args.EnsureAllUsed();

        using var progress = ProgressReporter.Create(stderr, !json && !args.Quiet);
        progress.Stage("loading");
        using var codec = spec.Load();
        var info = codec.Info;
        // Lyra was trained at three bitrates only; any other is refused rather than rounded.
        if (codec is LyraAudioCodec && bandwidth is { } kbps)
        {
            codebooks = LyraQuantizer.LevelsForBitrate(kbps);
            bandwidth = null;
        }
        progress.Stage("reading");
        var clip = WavReader.Read(input);
        progress.Stage("resampling");
        var layout = codec.ToCodecLayout(clip);
        int samples = layout.Frames;
        progress.Stage("encoding", layout.DurationSeconds, "s");
        var codes = codec.Encode(layout.Samples, layout.SampleRate, new AudioEncodeOptions { BandwidthKbps = bandwidth, Codebooks = codebooks, Progress = progress });
        progress.Stage("decoding", layout.DurationSeconds, "s");
        var decoded = codec.Decode(codes, progress);
        progress.Stage("writing");
        WavWriter.Write(outPath, decoded, info.SampleRate, info.Channels);
        AudioQualityReport? q = null;
        if (metrics)
        {
            progress.Stage("metrics");
            var reference = layout.Channels == 1 ? layout.Samples : layout.ToMono().Samples;
            var output = info.Channels == 1 ? decoded : new AudioClip(decoded, info.SampleRate, info.Channels).ToMono().Samples;
            int n = Math.Min(reference.Length, output.Length);
            q = AudioQuality.Compute(reference.AsSpan(0, n), output.AsSpan(0, n), info.SampleRate, delaySamples: 0);
        }
        progress.Dispose();

        double bitrate = info.BitrateKbps(codes.Codebooks);
        string? folder = string.Equals(spec.Model, AudioCodec.MuLawModelName, StringComparison.OrdinalIgnoreCase) ? null : ModelLocator.Find(spec.Model);
        var inv = CultureInfo.InvariantCulture;
        if (json)
        {
            string m = q is null ? "null" : string.Format(inv,
                "{{\"stoi\":{0},\"si_snr_db\":{1},\"lsd_db\":{2},\"mcd_db\":{3},\"delay_samples\":{4},\"samples\":{5}}}",
                Num(q.Stoi), Num(q.SiSnrDb), Num(q.LsdDb), Num(q.McdDb), q.DelaySamples, q.Samples);
            stdout.WriteLine(string.Format(inv,
                "{{\"model\":{0},\"model_path\":{1},\"codec\":{2},\"input\":{3},\"output\":{4},\"sample_rate\":{5},\"channels\":{6},\"samples\":{7},\"bitrate_kbps\":{8},\"codebooks\":{9},\"levels\":{9},\"frames\":{10},\"metrics\":{11}}}",
                AudioEncodeCommand.Json(info.Name), folder is null ? "null" : AudioEncodeCommand.Json(folder), AudioEncodeCommand.Json(info.Kind),
                AudioEncodeCommand.Json(input), AudioEncodeCommand.Json(outPath), info.SampleRate, info.Channels, samples, Num(bitrate), codes.Codebooks, codes.Frames, m));
            return 0;
        }
        stdout.WriteLine($"model          {info.Name} ({folder ?? info.Kind})");
        stdout.WriteLine(string.Format(inv, "bitrate        {0:0.###} kbps ({1} of {2} codebooks)", bitrate, codes.Codebooks, info.Codebooks));
        stdout.WriteLine(string.Format(inv, "audio          {0} samples at {1} Hz, {2} frames of {3:0.###} ms", samples, info.SampleRate, codes.Frames, 1000 / info.FrameRate));
        stdout.WriteLine($"output         {outPath}");
        if (q is not null)
        {
            stdout.WriteLine(string.Format(inv, "STOI           {0:F4}", q.Stoi));
            stdout.WriteLine(string.Format(inv, "SI-SNR         {0:F2} dB", q.SiSnrDb));
            stdout.WriteLine(string.Format(inv, "LSD            {0:F2} dB", q.LsdDb));
            stdout.WriteLine(string.Format(inv, "MCD            {0:F2} dB", q.McdDb));
            stdout.WriteLine(string.Format(inv, "delay          {0} samples", q.DelaySamples));
        }
        return 0;
    }

    // JSON has no infinity: an exact copy's SI-SNR is written as null.
    private static string Num(double v) => double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : "null";
}
