using System.Globalization;
using EdgeTok.Numerics;
using EdgeTok.Runtime;

namespace EdgeTok.Cli.Commands;

/// <summary><c>edgetok bench codec</c>: real-time factor of an audio codec's encode and decode.</summary>
internal sealed class BenchCodecCommand : ICommand
{
    public string[] Path => ["bench", "codec"];
    public string Summary => "real-time factor of an audio codec's encode and decode";
    public string Usage =>
        "usage: edgetok bench codec --model DIR|lyra-v2|mulaw --seconds S [--codebooks N] [--iterations N]\n" +
        "                           [--manifest FILE] [--threads N] [--json]\n\n" +
        AudioCodecLoader.Options + "\n\n" +
        "Encodes S seconds of a seeded synthetic speech-like signal at the codec's rate N times (default 5) after\n" +
        "a warm-up, then decodes its codes N times. Prints the median and min-max per call and the real-time\n" +
        "factor (median time / S; below 1 is faster than real time). --codebooks limits the codebooks used.";
    public string[] Flags => ["json"];

    public int Execute(Args args, TextWriter stdout, TextWriter stderr)
    {
        double seconds = args.GetDouble("seconds") ?? throw new UsageException("missing required option --seconds");
        int iterations = args.GetInt("iterations", 1, 100000) ?? 5;
        int? codebooks = args.GetInt("codebooks", 1, 1 << 16);
        bool json = args.Flag("json");
        var spec = AudioCodecLoader.Read(args);
        args.EnsureAllUsed();
        if (!(seconds > 0) || seconds > 24 * 3600) throw new UsageException($"--seconds must be in (0, 86400], got {seconds.ToString(CultureInfo.InvariantCulture)}");
        using var codec = spec.Load();
        var r = Benchmarking.Codec(codec, seconds, iterations, codebooks);
        var e = r.Encode;
        var d = r.Decode;
        var info = codec.Info;
        var inv = CultureInfo.InvariantCulture;
        string isa = CpuFeatures.Name(CpuFeatures.CompiledLevel);
        if (json)
        {
            stdout.WriteLine(string.Format(inv,
                "{{\"bench\":\"codec\",\"codec\":{0},\"kind\":{1},\"sample_rate\":{2},\"seconds\":{3:R},\"frames\":{4},\"codebooks\":{5}," +
                "\"encode\":{{\"median_ms\":{6:F3},\"min_ms\":{7:F3},\"max_ms\":{8:F3},\"rtf\":{9:F5}}}," +
                "\"decode\":{{\"median_ms\":{10:F3},\"min_ms\":{11:F3},\"max_ms\":{12:F3},\"rtf\":{13:F5}}}," +
                "\"median_ms\":{14:F3},\"rtf\":{15:F5},\"iterations\":{16},\"threads\":{17},\"isa\":\"{18}\"}}",
                AudioEncodeCommand.Json(info.Name), AudioEncodeCommand.Json(info.Kind), info.SampleRate, r.Seconds, r.Frames, r.Codebooks,
                e.MedianMs, e.MinMs, e.MaxMs, r.EncodeRtf, d.MedianMs, d.MinMs, d.MaxMs, r.DecodeRtf,
                e.MedianMs + d.MedianMs, r.EncodeRtf + r.DecodeRtf, iterations, spec.Threads, isa));
            return 0;
        }
        stdout.WriteLine(string.Format(inv, "codec {0} ({1} Hz): {2:0.###} s -> {3} frames x {4} codebooks, {5} iterations, {6} thread{7} ({8})",
            info.Name, info.SampleRate, r.Seconds, r.Frames, r.Codebooks, iterations, spec.Threads, spec.Threads == 1 ? "" : "s", isa));
        stdout.WriteLine(string.Format(inv, "encode  median {0:F2} ms, min {1:F2} ms, max {2:F2} ms   real-time factor {3:F4}", e.MedianMs, e.MinMs, e.MaxMs, r.EncodeRtf));
        stdout.WriteLine(string.Format(inv, "decode  median {0:F2} ms, min {1:F2} ms, max {2:F2} ms   real-time factor {3:F4}", d.MedianMs, d.MinMs, d.MaxMs, r.DecodeRtf));
        stdout.WriteLine(string.Format(inv, "both    real-time factor {0:F4}", r.EncodeRtf + r.DecodeRtf));
        return 0;
    }
}
