using System.Globalization;
using EdgeTok.Audio.Lyra;
using EdgeTok.Audio.Metrics;
using EdgeTok.IO.Audio;
using EdgeTok.Runtime;

namespace EdgeTok.Cli.Commands;

/// <summary><c>edgetok audio roundtrip</c>: encode and decode a WAV file with a codec, optionally measuring quality.</summary>
internal sealed class AudioRoundtripCommand : ICommand
{
    public string[] Path => ["audio", "roundtrip"];
    public string Summary => "encode + decode a WAV file with a neural codec (lyra-v2), with quality metrics";
    public string Usage =>
        "usage: edgetok audio roundtrip --model lyra-v2 --input IN.wav [--bitrate KBPS] --output OUT.wav [--metrics] [--json]\n\n" +
        "Reads IN.wav (mono mix, resampled to 16 kHz), encodes it at KBPS (3.2, 6.0 or 9.2; default 9.2) and\n" +
        "writes the decoded 16 kHz 16-bit audio, trimmed to the input length. --model is a model name looked up\n" +
        "in $EDGETOK_MODEL_PATH (':'-separated folders), then models/ beside the binary and the source tree, or a\n" +
        "folder path. --metrics measures STOI, SI-SNR, log-spectral distance and mel-cepstral distortion of the\n" +
        "output against the 16 kHz input (codec delay 0: Lyra has no look-ahead). --json prints one JSON object.";
    public string[] Flags => ["metrics", "json"];

    public int Execute(Args args, TextWriter stdout, TextWriter stderr)
    {
        string model = args.Require("model");
        string input = args.Require("input");
        string outPath = args.Require("output");
        double kbps = args.GetDouble("bitrate") ?? 9.2;
        bool metrics = args.Flag("metrics");
        bool json = args.Flag("json");
        args.EnsureAllUsed();

        string folder = ModelLocator.Resolve(model);
        if (!File.Exists(System.IO.Path.Combine(folder, "soundstream_encoder.tflite")))
            throw EdgeTokException.Unsupported($"'{folder}' is not a supported audio codec model (supported: lyra-v2, a folder with soundstream_encoder.tflite, quantizer.tflite, lyragan.tflite)");
        int levels = LyraQuantizer.LevelsForBitrate(kbps);
        var codec = LyraCodec.Load(folder);
        var pcm = WavReader.ReadMono(input, LyraCodec.SampleRate).Samples;
        if (pcm.Length == 0) throw EdgeTokException.Argument($"'{input}' holds no audio");
        var codes = codec.Encode(pcm, levels);
        var decoded = codec.Decode(codes).AsSpan(0, pcm.Length).ToArray();
        WavWriter.Write(outPath, decoded, LyraCodec.SampleRate);
        var q = metrics ? AudioQuality.Compute(pcm, decoded, LyraCodec.SampleRate, delaySamples: 0) : null;
        int frames = codes.Length / codec.Levels;

        var inv = CultureInfo.InvariantCulture;
        if (json)
        {
            string m = q is null ? "null" : string.Format(inv,
                "{{\"stoi\":{0},\"si_snr_db\":{1},\"lsd_db\":{2},\"mcd_db\":{3},\"delay_samples\":{4},\"samples\":{5}}}",
                Num(q.Stoi), Num(q.SiSnrDb), Num(q.LsdDb), Num(q.McdDb), q.DelaySamples, q.Samples);
            stdout.WriteLine(string.Format(inv,
                "{{\"model\":\"lyra-v2\",\"model_path\":{0},\"input\":{1},\"output\":{2},\"sample_rate\":{3},\"samples\":{4},\"bitrate_kbps\":{5},\"levels\":{6},\"frames\":{7},\"metrics\":{8}}}",
                Str(folder), Str(input), Str(outPath), LyraCodec.SampleRate, pcm.Length, Num(kbps), levels, frames, m));
            return 0;
        }
        stdout.WriteLine($"model          lyra-v2 ({folder})");
        stdout.WriteLine(string.Format(inv, "bitrate        {0} kbps ({1} of {2} RVQ levels)", kbps, levels, codec.Levels));
        stdout.WriteLine(string.Format(inv, "audio          {0} samples at {1} Hz, {2} frames of 20 ms", pcm.Length, LyraCodec.SampleRate, frames));
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

    private static string Str(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
