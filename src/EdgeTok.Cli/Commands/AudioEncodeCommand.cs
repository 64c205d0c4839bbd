using System.Globalization;
using EdgeTok.Audio.Codecs;
using EdgeTok.IO.Audio;
using EdgeTok.IO.Npy;

namespace EdgeTok.Cli.Commands;

/// <summary><c>edgetok audio encode</c>: WAV → codes .npy (int32 [T, K], frame-major). No codec logic here.</summary>
internal sealed class AudioEncodeCommand : ICommand
{
    public string[] Path => ["audio", "encode"];
    public string Summary => "encode a WAV file to audio codec codes (.npy int32 [T, K])";
    public string Usage =>
        "usage: edgetok audio encode --model DIR|NAME --input IN.wav [--bandwidth KBPS | --codebooks N]\n" +
        "                            --output CODES.npy [--svg CODES.svg] [--manifest FILE] [--threads N]\n" +
        "                            [--json] [--quiet]\n\n" +
        AudioCodecLoader.Options + "\n\n" +
        "Any WAV rate and channel count: mixed to the codec's channels and resampled to its rate first.\n" +
        "--bandwidth picks the codebook count by EnCodec's rule, --codebooks directly; default: all.\n" +
        "Writes int32 codes [T, K], frame-major. --svg also draws them as a heatmap (codebook × time, colour =\n" +
        "code); long inputs are thinned to at most 1000 columns. A progress bar is drawn on stderr when it is a\n" +
        "terminal (not with --json or --quiet).";
    public string[] Flags => ["json"];

    public int Execute(Args args, TextWriter stdout, TextWriter stderr)
    {
        string input = args.Require("input");
        string output = args.Require("output");
        string? svg = args.Get("svg");
        double? bandwidth = args.GetDouble("bandwidth");
        int? codebooks = args.GetInt("codebooks", 1, 1 << 16);
        bool json = args.Flag("json");
        if (bandwidth is not null && codebooks is not null) throw new UsageException("give --bandwidth or --codebooks, not both");
        var spec = AudioCodecLoader.Read(args);
        args.EnsureAllUsed();

        using var progress = ProgressReporter.Create(stderr, !json && !args.Quiet);
        progress.Stage("loading");
        using var codec = spec.Load();
        progress.Stage("reading");
        var clip = WavReader.Read(input);
        progress.Stage("resampling");
        var layout = codec.ToCodecLayout(clip);
        progress.Stage("encoding", layout.DurationSeconds, "s");
        var codes = codec.Encode(layout.Samples, layout.SampleRate, new AudioEncodeOptions { BandwidthKbps = bandwidth, Codebooks = codebooks, Progress = progress });
        progress.Stage("writing");
        NpyWriter.WriteInt32(output, codes.Codes, codes.Frames, codes.Codebooks);
        var info = codec.Info;
        if (svg is not null) WriteHeatmap(svg, codes.Codes, codes.Frames, codes.Codebooks, info, $"{System.IO.Path.GetFileName(input)}: {info.Name} codes");
        progress.Dispose();
        var inv = CultureInfo.InvariantCulture;
        double kbps = info.BitrateKbps(codes.Codebooks);
        if (json)
        {
            stdout.WriteLine(string.Format(inv,
                "{{\"input\":{0},\"input_rate\":{1},\"input_channels\":{2},\"input_frames\":{3},\"codec\":{4},\"sample_rate\":{5},\"frames\":{6},\"codebooks\":{7},\"bitrate_kbps\":{8},\"output\":{9},\"svg\":{10}}}",
                Json(input), clip.SampleRate, clip.Channels, clip.Frames, Json(info.Kind), info.SampleRate, codes.Frames, codes.Codebooks, kbps.ToString("R", inv), Json(output), Json(svg)));
            return 0;
        }
        stdout.WriteLine(string.Format(inv, "input          {0} ({1} Hz, {2} ch, {3} frames)", input, clip.SampleRate, clip.Channels, clip.Frames));
        stdout.WriteLine(string.Format(inv, "codec          {0} at {1} Hz, {2} frames/s", info.Name, info.SampleRate, info.FrameRate));
        stdout.WriteLine(string.Format(inv, "codes          [{0}, {1}] int32 -> {2} ({3:0.###} kbps)", codes.Frames, codes.Codebooks, output, kbps));
        if (svg is not null) stdout.WriteLine($"wrote {svg} (codes heatmap)");
        return 0;
    }

    /// <summary>A JSON string literal, or <c>null</c>.</summary>
    internal static string Json(string? s) => s is null ? "null" : System.Text.Json.JsonSerializer.Serialize(s, AudioCliJson.Default.String);

    /// <summary>Writes the codes heatmap SVG (the picture itself is drawn by <see cref="Visualization.AudioCodesHeatmap"/>).</summary>
    internal static void WriteHeatmap(string path, ReadOnlySpan<int> codes, int frames, int codebooks, AudioCodecInfo info, string title)
    {
        if (frames == 0) throw EdgeTokException.Argument("no code frames to draw");
        File.WriteAllText(path, Visualization.AudioCodesHeatmap.Render(codes, frames, codebooks, info.CodebookSize, info.FrameRate, title));
    }
}
