using System.Globalization;
using System.Text;
using System.Text.Json;
using EdgeTok.Audio.Soak;
using EdgeTok.Audio.Streaming;
using EdgeTok.IO.Audio;

namespace EdgeTok.Cli.Commands;

/// <summary>
/// <c>edgetok audio soak</c>: runs <see cref="StreamSoak"/> (long stream through an encoder and a decoder
/// stream, exact sample accounting, flat memory) and prints its report. No soak logic here.
/// </summary>
internal sealed class AudioSoakCommand : ICommand
{
    public string[] Path => ["audio", "soak"];
    public string Summary => "soak test: loop WAV clips through encoder + decoder streams for minutes/hours, check samples and memory";
    public string Usage =>
        "usage: edgetok audio soak --model M [--minutes N] [--input-rate HZ] [--bandwidth KBPS | --codebooks N]\n" +
        "                          [--context-frames W] [--max-chunk-ms MS] [--seed S] [--sample-seconds S]\n" +
        "                          [--warmup FRACTION] [--tolerance PERCENT] [--min-agreement FRACTION]\n" +
        "                          [--manifest FILE] [--threads N] [--json] [--progress] CLIP.wav [CLIP.wav ...]\n\n" +
        AudioCodecLoader.Options + "\n\n" +
        "The clips (mixed to mono, resampled to --input-rate, default the first clip's rate) are concatenated\n" +
        "and looped through one encoder stream in pushes of random size (1 sample .. --max-chunk-ms, default\n" +
        "60; --seed, default 1); every frame goes on to one decoder stream. Checked: frames and decoded samples\n" +
        "counted exactly after every push and at the flush; codes and decoded audio equal to the offline encode\n" +
        "(exact codecs such as lyra-v2 and mulaw bit for bit; windowed ONNX codecs >= --min-agreement, default\n" +
        "0.9); Reset brings back the initial state; the live managed heap and the RSS, read every\n" +
        "--sample-seconds of audio (default 1/100 of the run), stay within --tolerance percent (default 5) of\n" +
        "their value after the warm-up (--warmup, default 0.1 of the run). --minutes defaults to 2.\n" +
        "--progress prints each memory reading to stderr. Exit code 1 when a check fails.";
    public string[] Flags => ["json", "progress"];

    public int Execute(Args args, TextWriter stdout, TextWriter stderr)
    {
        double minutes = args.GetDouble("minutes") ?? 2;
        int? inputRate = args.GetInt("input-rate", 1, AudioConvert.MaxSampleRate);
        double? bandwidth = args.GetDouble("bandwidth");
        int? codebooks = args.GetInt("codebooks", 1, 1 << 16);
        int? context = args.GetInt("context-frames", 0, 4096);
        double chunkMs = args.GetDouble("max-chunk-ms") ?? 60;
        int seed = args.GetInt("seed") ?? 1;
        double? sampleSeconds = args.GetDouble("sample-seconds");
        double warmup = args.GetDouble("warmup") ?? 0.1;
        double tolerance = args.GetDouble("tolerance") ?? 5;
        double agreement = args.GetDouble("min-agreement") ?? 0.9;
        bool json = args.Flag("json");
        bool progress = args.Flag("progress");
        if (bandwidth is not null && codebooks is not null) throw new UsageException("give --bandwidth or --codebooks, not both");
        if (!(minutes > 0) || minutes > 7 * 24 * 60) throw new UsageException($"--minutes must be in (0, 10080], got {minutes}");
        if (!(chunkMs > 0) || chunkMs > 60_000) throw new UsageException($"--max-chunk-ms must be in (0, 60000], got {chunkMs}");
        if (sampleSeconds is { } ss && !(ss > 0)) throw new UsageException($"--sample-seconds must be positive, got {ss}");
        if (!(warmup >= 0 && warmup < 1)) throw new UsageException($"--warmup must be in [0, 1), got {warmup}");
        if (!(tolerance > 0)) throw new UsageException($"--tolerance must be a positive percentage, got {tolerance}");
        if (!(agreement is >= 0 and <= 1)) throw new UsageException($"--min-agreement must be in [0, 1], got {agreement}");
        var spec = AudioCodecLoader.Read(args);
        var clipPaths = args.TakePositionals();
        if (clipPaths.Count == 0) throw new UsageException("give at least one WAV clip to loop");
        args.EnsureAllUsed();

        var clips = clipPaths.Select(p => WavReader.Read(p)).ToArray();
        using var codec = spec.Load();
        var options = new StreamSoakOptions
        {
            Duration = TimeSpan.FromMinutes(minutes),
            InputSampleRate = inputRate,
            Seed = seed,
            MaxChunkSeconds = chunkMs / 1000,
            StreamOptions = new AudioStreamOptions { BandwidthKbps = bandwidth, Codebooks = codebooks, ContextFrames = context },
            SampleInterval = sampleSeconds is { } s ? TimeSpan.FromSeconds(s) : null,
            WarmupFraction = warmup,
            MemoryTolerance = tolerance / 100,
            MinWindowedAgreement = agreement,
        };
        var inv = CultureInfo.InvariantCulture;
        Action<StreamSoakSample>? onSample = progress
            ? x => stderr.WriteLine(string.Format(inv, "soak {0,8:F0} s audio  {1,7:F1} s wall  heap {2,6:F2} MB  rss {3,7:F2} MB",
                x.AudioSeconds, x.WallSeconds, Mb(x.Memory.LiveHeapBytes), Mb(x.Memory.ResidentBytes)))
            : null;
        var r = StreamSoak.Run(codec, clips, options, onSample);

        if (json) stdout.WriteLine(ToJson(r, clipPaths));
        else PrintText(r, stdout);
        if (r.Passed) return 0;
        stderr.WriteLine($"edgetok: error: soak failed: {r.Failures[0]}{(r.Failures.Count > 1 ? $" (and {r.Failures.Count - 1} more)" : "")}");
        return 1;
    }

    private static double Mb(long bytes) => bytes / 1048576.0;

    private static void PrintText(StreamSoakReport r, TextWriter w)
    {
        var inv = CultureInfo.InvariantCulture;
        w.WriteLine(string.Format(inv, "codec          {0} ({1}) at {2} Hz, K = {3}, hop {4}{5}", r.CodecName, r.CodecKind, r.CodecSampleRate, r.Codebooks, r.HopLength,
            r.Exact ? ", exact streaming" : $", windowed (W = {r.ContextFrames})"));
        w.WriteLine(string.Format(inv, "audio          {0:F1} s at {1} Hz: {2} clip(s) looped ({3} samples, {4} frames per loop), {5} pushes of 1..{6} samples (seed {7})",
            r.AudioSeconds, r.InputSampleRate, r.Clips, r.LoopInputSamples, r.LoopFrames, r.Pushes, r.MaxChunkSamples, r.Seed));
        w.WriteLine(string.Format(inv, "samples        pushed {0}, at codec rate {1}, frames {2} (offline count {3}), decoded {4} (tail {5})",
            r.InputSamples, r.CodecSamples, r.Frames, r.ExpectedFrames, r.DecodedSamples, r.TailSamples));
        w.WriteLine(string.Format(inv, "accounting     {0} exact count checks, {1} failed", r.AccountingChecks, r.AccountingErrors));
        w.WriteLine(string.Format(inv, "content        {0} frames compared with the offline encode: {1} codes differ (agreement {2:P3}); {3} decoded samples compared bit for bit: {4} differ; decoded SNR {5}",
            r.FramesCompared, r.CodesDiffering, r.Agreement, r.SamplesCompared, r.SamplesDiffering, double.IsInfinity(r.DecodedSnrDb) ? "identical" : r.DecodedSnrDb.ToString("F1", inv) + " dB"));
        w.WriteLine(string.Format(inv, "after reset    {0} frames replayed: {1} codes and {2} decoded samples differ", r.ResetFramesCompared, r.ResetCodesDiffering, r.ResetSamplesDiffering));
        w.WriteLine(string.Format(inv, "memory         {0} readings, baseline at {1:F0} s of audio; tolerance ±{2:P0}", r.Samples.Count, r.Samples[r.BaselineIndex].AudioSeconds, r.MemoryTolerance));
        foreach (var (name, m) in new[] { ("live heap", r.LiveHeap), ("RSS", r.Resident) })
            w.WriteLine(string.Format(inv, "  {0,-12} start {1:F2} MB, baseline {2:F2} MB, end {3:F2} MB, min {4:F2} MB, max {5:F2} MB: max deviation {6:P2}, drift {7:+0.00%;-0.00%}",
                name, Mb(m.Start), Mb(m.Baseline), Mb(m.End), Mb(m.Min), Mb(m.Max), m.MaxDeviation, m.Drift));
        w.WriteLine(string.Format(inv, "  allocation   {0:F0} bytes per second of audio after warm-up", r.AllocatedBytesPerAudioSecond));
        w.WriteLine(string.Format(inv, "time           {0:F1} s wall, real-time factor {1:F4}", r.WallSeconds, r.RealTimeFactor));
        w.WriteLine(r.Passed ? "result         passed" : "result         FAILED: " + string.Join("; ", r.Failures));
    }

    private static string ToJson(StreamSoakReport r, IReadOnlyList<string> clips)
    {
        using var ms = new MemoryStream();
        using (var j = new Utf8JsonWriter(ms))
        {
            j.WriteStartObject();
            j.WriteBoolean("passed", r.Passed);
            j.WriteStartArray("failures");
            foreach (var f in r.Failures) j.WriteStringValue(f);
            j.WriteEndArray();
            j.WriteString("codec", r.CodecKind);
            j.WriteString("model", r.CodecName);
            j.WriteBoolean("exact", r.Exact);
            j.WriteNumber("context_frames", r.ContextFrames);
            j.WriteNumber("input_rate", r.InputSampleRate);
            j.WriteNumber("sample_rate", r.CodecSampleRate);
            j.WriteNumber("channels", r.Channels);
            j.WriteNumber("hop_length", r.HopLength);
            j.WriteNumber("codebooks", r.Codebooks);
            j.WriteStartArray("clips");
            foreach (var c in clips) j.WriteStringValue(c);
            j.WriteEndArray();
            j.WriteNumber("loop_input_samples", r.LoopInputSamples);
            j.WriteNumber("loop_frames", r.LoopFrames);
            j.WriteNumber("seed", r.Seed);
            j.WriteNumber("max_chunk_samples", r.MaxChunkSamples);
            j.WriteNumber("pushes", r.Pushes);
            j.WriteNumber("audio_seconds", r.AudioSeconds);
            j.WriteNumber("input_samples", r.InputSamples);
            j.WriteNumber("codec_samples", r.CodecSamples);
            j.WriteNumber("frames", r.Frames);
            j.WriteNumber("expected_frames", r.ExpectedFrames);
            j.WriteNumber("decoded_samples", r.DecodedSamples);
            j.WriteNumber("tail_samples", r.TailSamples);
            j.WriteNumber("accounting_checks", r.AccountingChecks);
            j.WriteNumber("accounting_errors", r.AccountingErrors);
            j.WriteNumber("frames_compared", r.FramesCompared);
            j.WriteNumber("codes_differing", r.CodesDiffering);
            j.WriteNumber("agreement", r.Agreement);
            j.WriteNumber("samples_compared", r.SamplesCompared);
            j.WriteNumber("samples_differing", r.SamplesDiffering);
            if (double.IsFinite(r.DecodedSnrDb)) j.WriteNumber("decoded_snr_db", r.DecodedSnrDb);
            else j.WriteNull("decoded_snr_db");   // identical: JSON has no infinity
            j.WriteNumber("reset_frames_compared", r.ResetFramesCompared);
            j.WriteNumber("reset_codes_differing", r.ResetCodesDiffering);
            j.WriteNumber("reset_samples_differing", r.ResetSamplesDiffering);
            j.WriteNumber("memory_tolerance", r.MemoryTolerance);
            j.WriteNumber("baseline_index", r.BaselineIndex);
            Range(j, "live_heap_bytes", r.LiveHeap);
            Range(j, "rss_bytes", r.Resident);
            j.WriteNumber("allocated_bytes_per_audio_second", r.AllocatedBytesPerAudioSecond);
            j.WriteNumber("wall_seconds", r.WallSeconds);
            j.WriteNumber("real_time_factor", r.RealTimeFactor);
            j.WriteStartArray("samples");
            foreach (var s in r.Samples)
            {
                j.WriteStartObject();
                j.WriteNumber("audio_seconds", s.AudioSeconds);
                j.WriteNumber("wall_seconds", s.WallSeconds);
                j.WriteNumber("live_heap", s.Memory.LiveHeapBytes);
                j.WriteNumber("heap_size", s.Memory.HeapSizeBytes);
                j.WriteNumber("committed", s.Memory.CommittedBytes);
                j.WriteNumber("rss", s.Memory.ResidentBytes);
                j.WriteNumber("allocated", s.Memory.AllocatedBytes);
                j.WriteNumber("gen2", s.Memory.Gen2Collections);
                j.WriteEndObject();
            }
            j.WriteEndArray();
            j.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    private static void Range(Utf8JsonWriter j, string name, MemoryRange m)
    {
        j.WriteStartObject(name);
        j.WriteNumber("start", m.Start);
        j.WriteNumber("baseline", m.Baseline);
        j.WriteNumber("end", m.End);
        j.WriteNumber("min", m.Min);
        j.WriteNumber("max", m.Max);
        j.WriteNumber("max_deviation", m.MaxDeviation);
        j.WriteNumber("drift", m.Drift);
        j.WriteEndObject();
    }
}
