using System.Globalization;
using EdgeTok.IO.Audio;
using EdgeTok.IO.Npy;

namespace EdgeTok.Cli.Commands;

/// <summary><c>edgetok audio decode</c>: codes .npy (int [T, K]) → WAV at the codec's rate.</summary>
internal sealed class AudioDecodeCommand : ICommand
{
    public string[] Path => ["audio", "decode"];
    public string Summary => "decode audio codec codes (.npy [T, K]) to a WAV file";
    public string Usage =>
        "usage: edgetok audio decode --model DIR|NAME --input CODES.npy --output OUT.wav [--svg CODES.svg]\n" +
        "                            [--manifest FILE] [--threads N] [--json] [--quiet]\n\n" +
        AudioCodecLoader.Options + "\n\n" +
        "CODES.npy: integer codes [T, K] (int32 or int64), frame-major, as written by 'audio encode'.\n" +
        "Writes 16-bit PCM at the codec's rate: the decoder's whole output, T × hop samples per channel.\n" +
        "--svg also draws the codes as a heatmap (codebook × time, colour = code).";
    public string[] Flags => ["json"];

    public int Execute(Args args, TextWriter stdout, TextWriter stderr)
    {
        string input = args.Require("input");
        string output = args.Require("output");
        string? svg = args.Get("svg");
        bool json = args.Flag("json");
        var spec = AudioCodecLoader.Read(args);
        args.EnsureAllUsed();

        using var progress = ProgressReporter.Create(stderr, !json && !args.Quiet);
        progress.Stage("loading");
        using var codec = spec.Load();
        progress.Stage("reading");
        var array = NpyReader.Read(input);
        if (array.Shape.Length != 2)
            throw EdgeTokException.Format($"{input}: codes must be a 2-D array [frames, codebooks], got shape {array.ShapeText}");
        int frames = checked((int)array.Shape[0]), k = checked((int)array.Shape[1]);
        var codes = array.ToInt32();
        var info = codec.Info;
        progress.Stage("decoding", frames / info.FrameRate, "s");
        var pcm = codec.Decode(codes, frames, k, progress);
        progress.Stage("writing");
        WavWriter.Write(output, pcm, info.SampleRate, info.Channels);
        if (svg is not null) AudioEncodeCommand.WriteHeatmap(svg, codes, frames, k, info, $"{System.IO.Path.GetFileName(input)}: {info.Name} codes");
        progress.Dispose();
        int samples = pcm.Length / info.Channels;
        var inv = CultureInfo.InvariantCulture;
        if (json)
        {
            stdout.WriteLine(string.Format(inv, "{{\"input\":{0},\"frames\":{1},\"codebooks\":{2},\"sample_rate\":{3},\"channels\":{4},\"samples\":{5},\"output\":{6},\"svg\":{7}}}",
                AudioEncodeCommand.Json(input), frames, k, info.SampleRate, info.Channels, samples, AudioEncodeCommand.Json(output), AudioEncodeCommand.Json(svg)));
            return 0;
        }
        stdout.WriteLine(string.Format(inv, "codes          [{0}, {1}] from {2}", frames, k, input));
        stdout.WriteLine(string.Format(inv, "audio          {0} samples at {1} Hz, {2} ch -> {3}", samples, info.SampleRate, info.Channels, output));
        if (svg is not null) stdout.WriteLine($"wrote {svg} (codes heatmap)");
        return 0;
    }
}
