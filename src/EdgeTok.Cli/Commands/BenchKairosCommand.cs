using System.Globalization;
using EdgeTok.IO.Npy;
using EdgeTok.IO.TimeSeries;
using EdgeTok.Numerics;
using EdgeTok.Runtime;
using EdgeTok.TimeSeries.Kairos;

namespace EdgeTok.Cli.Commands;

/// <summary><c>edgetok bench kairos</c>: steady-state milliseconds per forecast and per tokenize of one series.</summary>
internal sealed class BenchKairosCommand : ICommand
{
    public string[] Path => ["bench", "kairos"];
    public string Summary => "milliseconds per Kairos forecast and tokenize";
    public string Usage =>
        "usage: edgetok bench kairos --model DIR --input FILE [--column NAME] --horizon H [--context-length N]\n" +
        "                            [--iterations N] [--threads N] [--output OUT.npy] [--json]\n\n" +
        SeriesInput.Text + "\n" +
        "Warms up, then times N forecasts (default 10) and N tokenizes of the series (single thread; with\n" +
        "--threads T each iteration runs T copies concurrently). Prints the median and min–max per iteration.\n" +
        "--context-length N keeps only the last N points (scaling studies; --context is an older name);\n" +
        "--output writes the warm-up forecast as float32 [9, H] so a reference can be checked against it.";
    public string[] Flags => ["json"];

    public int Execute(Args args, TextWriter stdout, TextWriter stderr)
    {
        args.Alias("context", "context-length");
        string model = args.Require("model");
        string input = args.Require("input");
        string? column = args.Get("column");
        int horizon = args.GetInt("horizon", 1, KairosModel.MaxHorizon) ?? throw new UsageException("missing required option --horizon");
        int? context = args.GetInt("context-length", 1, 1 << 20);
        int iterations = args.GetInt("iterations", 1, 100000) ?? 10;
        int threads = args.GetInt("threads", 1, 256) ?? 1;
        string? output = args.Get("output");
        bool json = args.Flag("json");
        args.EnsureAllUsed();

        var values = TimeSeriesReader.Read(input, column).Values;
        if (context is int ctx && ctx < values.Length) values = values[^ctx..];
        var m = KairosModel.Load(model);
        var r = Benchmarking.Kairos(m, values, horizon, iterations, threads);
        if (output is not null) NpyWriter.WriteFloat32(output, r.FirstForecast, m.Config.NumQuantiles, horizon);

        var inv = CultureInfo.InvariantCulture;
        var f = r.Forecast;
        var t = r.Tokenize;
        if (json)
        {
            stdout.WriteLine(string.Format(inv,
                "{{\"bench\":\"kairos\",\"median_ms\":{0:F3},\"min_ms\":{1:F3},\"max_ms\":{2:F3}," +
                "\"tokenize_median_ms\":{3:F3},\"tokenize_min_ms\":{4:F3},\"tokenize_max_ms\":{5:F3}," +
                "\"forecast_alloc_bytes\":{6},\"tokenize_alloc_bytes\":{7},\"iterations\":{8},\"threads\":{9}," +
                "\"horizon\":{10},\"context\":{11},\"tokens\":{12},\"isa\":\"{13}\"}}",
                f.MedianMs, f.MinMs, f.MaxMs, t.MedianMs, t.MinMs, t.MaxMs, f.AllocatedBytesPerIteration, t.AllocatedBytesPerIteration,
                iterations, threads, horizon, r.ContextLength, r.Tokens, CpuFeatures.Name(CpuFeatures.CompiledLevel)));
            return 0;
        }
        stdout.WriteLine(string.Format(inv, "kairos {0}: context {1}, {2} tokens, horizon {3}, {4} thread{5}, {6} iterations",
            System.IO.Path.GetFileName(System.IO.Path.TrimEndingDirectorySeparator(model)), r.ContextLength, r.Tokens, horizon, threads, threads == 1 ? "" : "s", iterations));
        stdout.WriteLine(string.Format(inv, "forecast  median {0:F2} ms, min {1:F2} ms, max {2:F2} ms, {3} bytes allocated", f.MedianMs, f.MinMs, f.MaxMs, f.AllocatedBytesPerIteration));
        stdout.WriteLine(string.Format(inv, "tokenize  median {0:F2} ms, min {1:F2} ms, max {2:F2} ms, {3} bytes allocated", t.MedianMs, t.MinMs, t.MaxMs, t.AllocatedBytesPerIteration));
        if (output is not null) stdout.WriteLine($"wrote {output} (float32 [{m.Config.NumQuantiles}, {horizon}])");
        return 0;
    }
}
