using EdgeTok.Testing;
using System.Diagnostics;
using System.Text;
using EdgeTok;
using EdgeTok.Audio.Codecs;
using EdgeTok.IO.Audio;
using EdgeTok.IO.Npy;
using EdgeTok.IO.Onnx;
using EdgeTok.IO.SafeTensors;
using EdgeTok.IO.TfLite;
using EdgeTok.IO.TimeSeries;
using EdgeTok.TimeSeries.Kairos;

namespace EdgeTok.Fuzz;

/// <summary>
/// Fuzz harness. Usage:
/// <list type="bullet">
/// <item><c>EdgeTok.Fuzz afl TARGET</c>: SharpFuzz persistent loop for afl-fuzz (input on stdin).</item>
/// <item><c>EdgeTok.Fuzz mutate TARGET SEEDDIR SECONDS OUTDIR</c>: coverage-less mutation fuzzer.</item>
/// <item><c>EdgeTok.Fuzz replay TARGET FILE...</c>: runs files through a target and reports the outcome.</item>
/// <item><c>EdgeTok.Fuzz seeds OUTDIR SHAREDDIR REPODIR</c>: writes seed corpora for every target.</item>
/// </list>
/// An <see cref="EdgeTokException"/> is the documented way to reject bad bytes, so it counts as handled;
/// any other exception escapes and is a crash.
/// </summary>
public static class Program
{
    /// <summary>Parser targets by name.</summary>
    public static readonly string[] Targets = ["safetensors", "npy", "wav", "csv", "tflite", "onnx", "kairos-config", "manifest", "series"];

    // Per-process scratch folder under $EDGETOK_FUZZ_SCRATCH (set by scripts/fuzz.sh, which removes it
    // on exit: afl-fuzz kills its target, so the process cannot clean up after itself) or the temp folder.
    private static readonly string s_scratch = Path.Combine(
        Environment.GetEnvironmentVariable("EDGETOK_FUZZ_SCRATCH") is { Length: > 0 } root ? root : Path.GetTempPath(),
        $"edgetok-fuzz-{Environment.ProcessId}");
    private static string s_shared = "";

    /// <summary>Entry point; see the class summary for the modes.</summary>
    public static int Main(string[] args)
    {
        if (args.Length < 2) { Console.Error.WriteLine("usage: EdgeTok.Fuzz afl|mutate|replay|seeds ..."); return 2; }
        Directory.CreateDirectory(s_scratch);
        s_shared = Environment.GetEnvironmentVariable("EDGETOK_SHARED") ?? "";
        try { return Run(args); }
        finally
        {
            // Reached when the mode returns (not when afl-fuzz kills the persistent loop).
            try { Directory.Delete(s_scratch, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static int Run(string[] args)
    {
        switch (args[0])
        {
            case "seeds": Seeds.Write(args[1], args[2], args[3]); return 0;
            case "afl":
            {
                var run = Target(args[1]);
                SharpFuzz.Fuzzer.Run(stream =>
                {
                    using var ms = new MemoryStream();
                    stream.CopyTo(ms);
                    RunHandled(run, ms.ToArray());
                });
                return 0;
            }
            case "replay":
            {
                var run = Target(args[1]);
                int bad = 0;
                foreach (var f in args.Skip(2))
                {
                    var sw = Stopwatch.StartNew();
                    try { RunHandled(run, File.ReadAllBytes(f)); Console.WriteLine($"{f}: ok ({sw.ElapsedMilliseconds} ms)"); }
                    catch (Exception e) { bad++; Console.WriteLine($"{f}: CRASH {e.GetType().Name}: {e.Message}\n{e.StackTrace}"); }
                }
                return bad == 0 ? 0 : 1;
            }
            case "mutate": return Mutator.Run(args[1], Target(args[1]), args[2], double.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture), args[4]);
            default: Console.Error.WriteLine($"unknown mode {args[0]}"); return 2;
        }
    }

    /// <summary>Runs one input; EdgeTokException is swallowed (handled), anything else propagates.</summary>
    public static void RunHandled(Action<byte[]> run, byte[] data)
    {
        try { run(data); }
        catch (EdgeTokException) { }
    }

    /// <summary>The parser entry point for a target name.</summary>
    public static Action<byte[]> Target(string name) => name switch
    {
        "safetensors" => SafeTensors,
        "npy" => Npy,
        "wav" => Wav,
        "csv" => Csv,
        "tflite" => b => Touch(TfLiteModel.Parse(b, "fuzz.tflite")),
        "onnx" => Onnx,
        "kairos-config" => b => KairosConfig.Parse(b, "fuzz-config.json"),
        "manifest" => Manifest,
        "series" => Series,
        _ => throw new ArgumentException($"unknown target {name}; known: {string.Join(", ", Targets)}"),
    };

    private static string Scratch(string file)
    {
        // Files go to a per-process scratch folder: parsers that take paths (mmap, CSV) see real files.
        return Path.Combine(s_scratch, file);
    }

    private static void SafeTensors(byte[] b)
    {
        var p = Scratch("fuzz.safetensors");
        File.WriteAllBytes(p, b);
        using var f = SafeTensorsFile.Open(p);
        // Touch every tensor's bytes so offsets and lengths are exercised, not only the header.
        foreach (var t in f.Tensors)
        {
            var bytes = f.GetBytes(t);
            if (bytes.Length > 0) _ = bytes[0] ^ bytes[^1];
            if (t.DType == EdgeTok.IO.TensorDType.Float32) _ = f.ReadFloat32(t.Name).Length;
        }
    }

    private static void Npy(byte[] b)
    {
        var a = NpyReader.Read(new MemoryStream(b), "fuzz.npy");
        _ = a.Length;
        // Also through a non-seekable stream: sockets and pipes cannot report their length up front.
        NpyReader.Read(new PipeStream(b), "fuzz-pipe.npy");
    }

    private static void Wav(byte[] b)
    {
        var clip = WavReader.Read(new MemoryStream(b), "fuzz.wav");
        // Exercise the mono + resampling path the C ABI uses.
        var p = Scratch("fuzz.wav");
        File.WriteAllBytes(p, b);
        if (clip.Frames < 200_000) WavReader.ReadMono(p, 16000);
    }

    private static void Csv(byte[] b)
    {
        var p = Scratch("fuzz.csv");
        File.WriteAllBytes(p, b);
        _ = TimeSeriesReader.ReadCsv(p);
    }

    private static void Onnx(byte[] b)
    {
        var m = OnnxModel.Parse(b, "fuzz.onnx");
        foreach (var t in m.Initializers)
        {
            if (t.DataType == OnnxDataType.Float) _ = t.ToFloat32().Length;
            else if (t.DataType == OnnxDataType.Int64) _ = t.ToInt64().Length;
        }
        _ = m.Nodes.Count;
    }

    private static void Manifest(byte[] b)
    {
        // The manifest resolves its files relative to the model folder: use the real tiny EnCodec folder,
        // so a manifest that parses reaches the quantizer and ONNX checks.
        var folder = Path.Combine(s_shared, "golden", "encodec-24k-tiny");
        var p = Scratch("edgetok.json");
        File.WriteAllBytes(p, b);
        using var codec = NeuralAudioCodec.Load(Directory.Exists(folder) ? folder : s_scratch, p);
    }

    private static readonly Lazy<EdgeTok.TimeSeries.Binning.MeanScaleUniformBins> s_bins = new(() => new());
    private static readonly Lazy<MuLawCodec> s_mulaw = new(() => new MuLawCodec());

    private static void Series(byte[] b)
    {
        // Raw float32 values (any bit pattern: NaN, Inf, denormals) through the weight-free tokenizers.
        int n = b.Length / 4;
        if (n == 0) return;
        var x = new float[n];
        Buffer.BlockCopy(b, 0, x, 0, n * 4);
        var bins = s_bins.Value;
        int k = bins.GetTokenCount(n);
        var ids = new int[k];
        var mask = new byte[k];
        try
        {
            float scale = bins.Encode(x, ids, mask);
            bins.Decode(ids, scale, new float[k]);
        }
        catch (EdgeTokException) { }
        var codes = s_mulaw.Value.Encode(x, 16000);
        _ = s_mulaw.Value.Decode(codes);
    }

    private static void Touch(TfLiteModel m)
    {
        foreach (var g in m.SubGraphs) _ = g.Tensors.Length + g.Operators.Length;
    }
}
