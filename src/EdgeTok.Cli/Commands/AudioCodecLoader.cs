using EdgeTok.Audio.Codecs;

namespace EdgeTok.Cli.Commands;

/// <summary>The options every <c>audio encode|decode|info</c> command shares: --model, --manifest, --threads.</summary>
internal static class AudioCodecLoader
{
    public const string Options =
        "--model DIR|NAME model folder (edgetok.json, or Lyra's .tflite files), a model name looked up in\n" +
        "                 $EDGETOK_MODEL_PATH (':'-separated) then models/ (e.g. lyra-v2), or 'mulaw' (weight-free)\n" +
        "--manifest FILE  a manifest elsewhere; the files it names resolve relative to --model\n" +
        "--threads N      ONNX Runtime threads (default 1)";

    /// <summary>Reads the shared options; call <see cref="Spec.Load"/> after <see cref="Args.EnsureAllUsed"/>.</summary>
    public static Spec Read(Args args)
    {
        string model = args.Require("model");
        string? manifest = args.Get("manifest");
        int threads = args.GetInt("threads", 1, 256) ?? 1;
        return new Spec(model, manifest, threads);
    }

    public sealed record Spec(string Model, string? Manifest, int Threads)
    {
        public AudioCodec Load() => AudioCodec.Load(Model, Manifest, new AudioCodecLoadOptions { IntraOpThreads = Threads });
    }
}
