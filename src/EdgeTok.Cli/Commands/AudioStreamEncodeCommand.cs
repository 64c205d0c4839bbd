using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using EdgeTok.Audio.Streaming;
using EdgeTok.IO.Audio;
using EdgeTok.IO.Npy;

namespace EdgeTok.Cli.Commands;

/// <summary>
/// <c>edgetok audio stream-encode</c>: feeds a WAV file (simulating a microphone) or raw s16le PCM from
/// stdin to a streaming encoder in fixed chunks and writes the codes .npy. No codec logic here.
/// </summary>
internal sealed class AudioStreamEncodeCommand : ICommand
{
    public string[] Path => ["audio", "stream-encode"];
    public string Summary => "stream audio (WAV, or raw s16le from stdin) through a streaming encoder to codes (.npy)";
    public string Usage =>
        "usage: edgetok audio stream-encode --model DIR|NAME --input IN.wav|- [--input-rate HZ] [--chunk-ms MS]\n" +
        "                                   [--bandwidth KBPS | --codebooks N] [--context-frames W]\n" +
        "                                   --output CODES.npy [--svg CODES.svg] [--manifest FILE] [--threads N]\n" +
        "                                   [--json] [--quiet]\n\n" +
        AudioCodecLoader.Options + "\n\n" +
        "--input -        raw signed 16-bit little-endian PCM on stdin at --input-rate, with the codec's\n" +
        "                 channel count, interleaved (fits a pipeline: arecord -t raw ... | edgetok ...)\n" +
        "--chunk-ms MS    push size in milliseconds of input (default 20); a WAV is pushed chunk by chunk\n" +
        "--context-frames W  offline-only ONNX codecs: left-context window in frames (default 32)\n" +
        "The stream resamples inside; Lyra and mu-law give exactly the codes of `audio encode`.\n" +
        "Writes int32 codes [T, K], frame-major; --svg also draws them as a heatmap (codebook × time).";
    public string[] Flags => ["json"];

    public int Execute(Args args, TextWriter stdout, TextWriter stderr)
    {
        string input = args.Require("input");
        string output = args.Require("output");
        string? svg = args.Get("svg");
        int? inputRate = args.GetInt("input-rate", 1, AudioConvert.MaxSampleRate);
        double chunkMs = args.GetDouble("chunk-ms") ?? 20;
        double? bandwidth = args.GetDouble("bandwidth");
        int? codebooks = args.GetInt("codebooks", 1, 1 << 16);
        int? context = args.GetInt("context-frames", 0, 4096);
        bool json = args.Flag("json");
        if (bandwidth is not null && codebooks is not null) throw new UsageException("give --bandwidth or --codebooks, not both");
        if (!(chunkMs > 0) || chunkMs > 60_000) throw new UsageException($"--chunk-ms must be in (0, 60000], got {chunkMs}");
        bool fromStdin = input == "-";
        if (fromStdin && inputRate is null) throw new UsageException("--input - needs --input-rate (raw PCM carries no rate)");
        if (!fromStdin && inputRate is not null) throw new UsageException("--input-rate is only for raw PCM on stdin (a WAV states its rate)");
        var spec = AudioCodecLoader.Read(args);
        args.EnsureAllUsed();
        using var progress = ProgressReporter.Create(stderr, !json && !args.Quiet);
        progress.Stage("loading");
        using var codec = spec.Load();
        var info = codec.Info;

        AudioClip? clip = null;
        int rate;
        if (fromStdin) rate = inputRate!.Value;
        else
        {
            progress.Stage("reading");
            clip = WavReader.Read(input);
            if (clip.Channels != info.Channels)
            {
                if (info.Channels == 1) clip = clip.ToMono();
                else throw EdgeTokException.Argument($"{input} has {clip.Channels} channels, the {info.Name} codec streams {info.Channels}");
            }
            rate = clip.SampleRate;
        }
        var stream = codec.CreateEncoderStream(rate, new AudioStreamOptions { BandwidthKbps = bandwidth, Codebooks = codebooks, ContextFrames = context });
        int k = stream.Codebooks, ch = info.Channels;
        int chunkFrames = Math.Max(1, (int)Math.Round(chunkMs * rate / 1000));
        var codes = new List<int>();
        var pull = new int[64 * k];
        long samplesIn = 0;
        int pushes = 0;
        double worstMs = 0;
        var total = Stopwatch.StartNew();

        void Push(ReadOnlySpan<float> pcm)
        {
            long t0 = Stopwatch.GetTimestamp();
            stream.Push(pcm);
            Drain();
            worstMs = Math.Max(worstMs, Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            samplesIn += pcm.Length / ch;
            pushes++;
        }
        void Drain()
        {
            int n;
            while ((n = stream.Pull(pull)) > 0) codes.AddRange(pull.AsSpan(0, n * k));
        }

        if (clip is not null)
        {
            progress.Stage("streaming", clip.DurationSeconds, "s");
            for (int at = 0; at < clip.Frames; at += chunkFrames)
            {
                Push(clip.Samples.AsSpan(at * ch, Math.Min(chunkFrames, clip.Frames - at) * ch));
                progress.Report((double)Math.Min(clip.Frames, at + chunkFrames) / clip.Frames);
            }
        }
        else
        {
            progress.Stage("streaming");
            // Reads whole chunks as they arrive; a short read (pipe) is topped up before pushing so
            // pushes keep the chunk size, and a final partial chunk is pushed at end of input.
            using var stdin = Console.OpenStandardInput();
            var bytes = new byte[chunkFrames * ch * 2];
            var pcm = new float[chunkFrames * ch];
            int filled = 0, odd = 0;
            while (true)
            {
                int got = stdin.Read(bytes, filled, bytes.Length - filled);
                if (got == 0) break;
                filled += got;
                if (filled < bytes.Length) continue;
                Convert(bytes.AsSpan(0, filled), pcm);
                Push(pcm);
                filled = 0;
            }
            odd = filled % (2 * ch);
            if (odd != 0) progress.Dispose(); // the warning gets a clean line
            if (odd != 0) stderr.WriteLine($"warning: ignoring {odd} trailing byte(s) that do not form a whole sample frame");
            int whole = filled - odd;
            if (whole > 0)
            {
                Convert(bytes.AsSpan(0, whole), pcm);
                Push(pcm.AsSpan(0, whole / 2));
            }
        }
        stream.Flush();
        Drain();
        total.Stop();
        int frames = codes.Count / k;
        var all = codes.ToArray();
        NpyWriter.WriteInt32(output, all, frames, k);
        if (svg is not null) AudioEncodeCommand.WriteHeatmap(svg, all, frames, k, info, $"{(fromStdin ? "stdin" : System.IO.Path.GetFileName(input))}: {info.Name} codes (streamed)");
        progress.Dispose();

        var inv = CultureInfo.InvariantCulture;
        double audioSec = (double)samplesIn / rate;
        double rtf = audioSec > 0 ? total.Elapsed.TotalSeconds / audioSec : 0;
        double latencyMs = 1000.0 * stream.LatencySamples / info.SampleRate;
        if (json)
        {
            stdout.WriteLine(string.Format(inv,
                "{{\"input\":{0},\"input_rate\":{1},\"chunk_ms\":{2},\"pushes\":{3},\"input_samples\":{4},\"codec\":{5},\"sample_rate\":{6},\"frames\":{7},\"codebooks\":{8},\"latency_ms\":{9},\"worst_push_ms\":{10},\"real_time_factor\":{11},\"output\":{12},\"svg\":{13}}}",
                AudioEncodeCommand.Json(input), rate, chunkMs.ToString("R", inv), pushes, samplesIn, AudioEncodeCommand.Json(info.Kind), info.SampleRate,
                frames, k, latencyMs.ToString("R", inv), worstMs.ToString("0.###", inv), rtf.ToString("0.####", inv), AudioEncodeCommand.Json(output), AudioEncodeCommand.Json(svg)));
            return 0;
        }
        stdout.WriteLine(string.Format(inv, "input          {0} ({1} Hz, {2} pushes of {3} ms)", fromStdin ? "stdin (s16le)" : input, rate, pushes, chunkMs));
        stdout.WriteLine(string.Format(inv, "codec          {0} at {1} Hz, latency {2:0.###} ms (frame + look-ahead)", info.Name, info.SampleRate, latencyMs));
        stdout.WriteLine(string.Format(inv, "codes          [{0}, {1}] int32 -> {2}", frames, k, output));
        stdout.WriteLine(string.Format(inv, "speed          real-time factor {0:0.####}, slowest push {1:0.###} ms", rtf, worstMs));
        if (svg is not null) stdout.WriteLine($"wrote {svg} (codes heatmap)");
        return 0;
    }

    private static void Convert(ReadOnlySpan<byte> bytes, Span<float> pcm)
    {
        for (int i = 0; i < bytes.Length / 2; i++) pcm[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes.Slice(2 * i, 2)) / 32768f;
    }
}
