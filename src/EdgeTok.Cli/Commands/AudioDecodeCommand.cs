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
        "usage: edgetok audio decode --model DIR --input CODES.npy --output OUT.wav [--manifest FILE] [--threads N] [--json]\n\n" +
        AudioCodecLoader.Options + "\n\n" +
        "CODES.npy: integer codes [T, K] (int32 or int64), frame-major, as written by 'audio encode'.\n" +
        "Writes 16-bit PCM at the codec's rate: the decoder's whole output, T × hop samples per channel.";
    public string[] Flags => ["json"];

    public int Execute(Args args, TextWriter stdout, TextWriter stderr)
    {
        string input = args.Require("input");
        string output = args.Require("output");
        bool json = args.Flag("json");
        var spec = AudioCodecLoader.Read(args);
        args.EnsureAllUsed();
        using var codec = spec.Load();

        var array = NpyReader.Read(input);
        if (array.Shape.Length != 2)
            throw EdgeTokException.Format($"{input}: codes must be a 2-D array [frames, codebooks], got shape {array.ShapeText}");
        int frames = checked((int)array.Shape[0]), k = checked((int)array.Shape[1]);
        var pcm = codec.Decode(array.ToInt32(), frames, k);
        var info = codec.Info;
        WavWriter.Write(output, pcm, info.SampleRate, info.Channels);
        int samples = pcm.Length / info.Channels;
        var inv = CultureInfo.InvariantCulture;
        if (json)
        {
            stdout.WriteLine(string.Format(inv, "{{\"input\":{0},\"frames\":{1},\"codebooks\":{2},\"sample_rate\":{3},\"channels\":{4},\"samples\":{5},\"output\":{6}}}",
                AudioEncodeCommand.Json(input), frames, k, info.SampleRate, info.Channels, samples, AudioEncodeCommand.Json(output)));
            return 0;
        }
        stdout.WriteLine(string.Format(inv, "codes          [{0}, {1}] from {2}", frames, k, input));
        stdout.WriteLine(string.Format(inv, "audio          {0} samples at {1} Hz, {2} ch -> {3}", samples, info.SampleRate, info.Channels, output));
        return 0;
    }
}
