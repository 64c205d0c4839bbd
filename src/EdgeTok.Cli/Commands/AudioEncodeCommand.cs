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
        "usage: edgetok audio encode --model DIR --input IN.wav [--bandwidth KBPS | --codebooks N]\n" +
        "                            --output CODES.npy [--manifest FILE] [--threads N] [--json]\n\n" +
        AudioCodecLoader.Options + "\n\n" +
        "Any WAV rate and channel count: mixed to the codec's channels and resampled to its rate first.\n" +
        "--bandwidth picks the codebook count by EnCodec's rule, --codebooks directly; default: all.\n" +
        "Writes int32 codes [T, K], frame-major.";
    public string[] Flags => ["json"];

    public int Execute(Args args, TextWriter stdout, TextWriter stderr)
    {
        string input = args.Require("input");
        string output = args.Require("output");
        double? bandwidth = args.GetDouble("bandwidth");
        int? codebooks = args.GetInt("codebooks", 1, 1 << 16);
        bool json = args.Flag("json");
        if (bandwidth is not null && codebooks is not null) throw new UsageException("give --bandwidth or --codebooks, not both");
        var spec = AudioCodecLoader.Read(args);
        args.EnsureAllUsed();
        using var codec = spec.Load();

        var clip = WavReader.Read(input);
        var codes = codec.Encode(clip, new AudioEncodeOptions { BandwidthKbps = bandwidth, Codebooks = codebooks });
        NpyWriter.WriteInt32(output, codes.Codes, codes.Frames, codes.Codebooks);
        var info = codec.Info;
        var inv = CultureInfo.InvariantCulture;
        double kbps = info.BitrateKbps(codes.Codebooks);
        if (json)
        {
            stdout.WriteLine(string.Format(inv,
                "{{\"input\":{0},\"input_rate\":{1},\"input_channels\":{2},\"input_frames\":{3},\"codec\":{4},\"sample_rate\":{5},\"frames\":{6},\"codebooks\":{7},\"bitrate_kbps\":{8},\"output\":{9}}}",
                Json(input), clip.SampleRate, clip.Channels, clip.Frames, Json(info.Kind), info.SampleRate, codes.Frames, codes.Codebooks, kbps.ToString("R", inv), Json(output)));
            return 0;
        }
        stdout.WriteLine(string.Format(inv, "input          {0} ({1} Hz, {2} ch, {3} frames)", input, clip.SampleRate, clip.Channels, clip.Frames));
        stdout.WriteLine(string.Format(inv, "codec          {0} at {1} Hz, {2} frames/s", info.Name, info.SampleRate, info.FrameRate));
        stdout.WriteLine(string.Format(inv, "codes          [{0}, {1}] int32 -> {2} ({3:0.###} kbps)", codes.Frames, codes.Codebooks, output, kbps));
        return 0;
    }

    internal static string Json(string s) => System.Text.Json.JsonSerializer.Serialize(s, AudioCliJson.Default.String);
}
