using System.Globalization;

namespace EdgeTok.Cli.Commands;

/// <summary><c>edgetok audio info</c>: what a codec is (rates, code layout, bandwidths).</summary>
internal sealed class AudioInfoCommand : ICommand
{
    public string[] Path => ["audio", "info"];
    public string Summary => "properties of an audio codec model (rates, codebooks, bandwidths)";
    public string Usage => "usage: edgetok audio info --model DIR|NAME [--manifest FILE] [--threads N] [--json]\n\n" + AudioCodecLoader.Options;
    public string[] Flags => ["json"];

    public int Execute(Args args, TextWriter stdout, TextWriter stderr)
    {
        bool json = args.Flag("json");
        var spec = AudioCodecLoader.Read(args);
        args.EnsureAllUsed();
        using var codec = spec.Load();
        var i = codec.Info;
        var inv = CultureInfo.InvariantCulture;
        string bws = string.Join(",", i.Bandwidths.Select(b => b.ToString("R", inv)));
        if (json)
        {
            stdout.WriteLine(string.Format(inv,
                "{{\"kind\":{0},\"name\":{1},\"sample_rate\":{2},\"channels\":{3},\"hop_length\":{4},\"frame_rate\":{5},\"codebooks\":{6},\"codebook_size\":{7},\"latent_dim\":{8},\"quantizer\":{9},\"bandwidths_kbps\":[{10}],\"max_bitrate_kbps\":{11}}}",
                AudioEncodeCommand.Json(i.Kind), AudioEncodeCommand.Json(i.Name), i.SampleRate, i.Channels, i.HopLength, i.FrameRate.ToString("R", inv),
                i.Codebooks, i.CodebookSize, i.LatentDimension, AudioEncodeCommand.Json(i.QuantizerType), bws, i.BitrateKbps(i.Codebooks).ToString("R", inv)));
            return 0;
        }
        stdout.WriteLine($"codec          {i.Name} ({i.Kind})");
        stdout.WriteLine(string.Format(inv, "audio          {0} Hz, {1} ch, hop {2} samples, {3} frames/s", i.SampleRate, i.Channels, i.HopLength, i.FrameRate));
        stdout.WriteLine(string.Format(inv, "codes          K ≤ {0} codebooks × {1} codewords ({2}), latent dim {3}", i.Codebooks, i.CodebookSize, i.QuantizerType, i.LatentDimension));
        stdout.WriteLine(string.Format(inv, "bitrate        {0:0.###} kbps with all codebooks{1}", i.BitrateKbps(i.Codebooks), bws.Length > 0 ? $"; trained bandwidths {bws} kbps" : ""));
        return 0;
    }
}
