using System.Globalization;
using EdgeTok.IO.Npy;
using EdgeTok.IO.TimeSeries;
using EdgeTok.TimeSeries.Kairos;

namespace EdgeTok.Cli.Commands;

/// <summary><c>edgetok ts forecast</c>: Kairos quantile forecast of one series.</summary>
internal sealed class TsForecastCommand : ICommand
{
    public string[] Path => ["ts", "forecast"];
    public string Summary => "Kairos quantile forecast of a series";
    public string Usage =>
        "usage: edgetok ts forecast --model DIR --input FILE [--column NAME] --horizon H [--bias frozen|drift]\n" +
        "                           [--infer-positive] [--flip-invariance] [--output OUT.npy] [--svg CHART.svg] [--json]\n\n" +
        SeriesInput.Text + "\n" +
        "Prints a table of the quantiles and, with --output, writes float32 [9, H] (quantiles 0.1..0.9);\n" +
        "--svg writes a fan chart (history, quantile bands, median).\n" +
        "--bias drift emulates the reference's in-forward router-bias update (default: frozen).\n" +
        "--json prints one JSON object instead of the table: the quantile levels and every forecast value.";
    public string[] Flags => ["infer-positive", "flip-invariance", "json"];

    public int Execute(Args args, TextWriter stdout, TextWriter stderr)
    {
        string model = args.Require("model");
        string input = args.Require("input");
        string? column = args.Get("column");
        int horizon = args.GetInt("horizon", 1, KairosModel.MaxHorizon) ?? throw new UsageException("missing required option --horizon");
        var bias = args.Get("bias") switch
        {
            null or "frozen" => KairosGateBiasMode.Frozen,
            "drift" => KairosGateBiasMode.ReferenceDrift,
            var other => throw new UsageException($"--bias must be frozen or drift, got '{other}'"),
        };
        bool positive = args.Flag("infer-positive");
        bool flip = args.Flag("flip-invariance");
        string? output = args.Get("output");
        string? svg = args.Get("svg");
        bool json = args.Flag("json");
        args.EnsureAllUsed();

        var series = TimeSeriesReader.Read(input, column);
        var m = KairosModel.Load(model);
        var f = m.Forecast(series.Values, horizon, new KairosForecastOptions { GateBiasMode = bias, InferIsPositive = positive, ForceFlipInvariance = flip });
        if (output is not null) NpyWriter.WriteFloat32(output, f.Values, f.NumQuantiles, horizon);
        if (svg is not null)
            File.WriteAllText(svg, Visualization.ForecastFanChart.Render(series.Values, f.Series(0), f.QuantileLevels,
                $"{System.IO.Path.GetFileName(input)} ({series.Column}): {System.IO.Path.GetFileName(System.IO.Path.GetFullPath(model).TrimEnd('/'))} forecast, horizon {horizon}"));
        if (json)
        {
            stdout.WriteLine(Json(input, series, horizon, bias, positive, flip, f, output, svg));
            return 0;
        }

        var inv = CultureInfo.InvariantCulture;
        stdout.WriteLine($"{series.Values.Length} points ({series.Column}), horizon {horizon}, bias {(bias == KairosGateBiasMode.Frozen ? "frozen" : "drift")}{(positive ? ", infer-positive" : "")}{(flip ? ", flip-invariance" : "")}");
        stdout.Write("  step");
        foreach (var q in f.QuantileLevels) stdout.Write(string.Format(inv, "{0,11}", "q" + q.ToString("0.##", inv)));
        stdout.WriteLine();
        // Long horizons: the first and last ten steps.
        var steps = horizon <= 24 ? Enumerable.Range(0, horizon) : Enumerable.Range(0, 10).Concat(Enumerable.Range(horizon - 10, 10));
        int prev = -1;
        foreach (var t in steps)
        {
            if (prev >= 0 && t != prev + 1) stdout.WriteLine("   ...");
            stdout.Write(string.Format(inv, "{0,6}", t + 1));
            for (int k = 0; k < f.NumQuantiles; k++) stdout.Write(string.Format(inv, "{0,11:G6}", f.Row(0, k)[t]));
            stdout.WriteLine();
            prev = t;
        }
        if (output is not null) stdout.WriteLine($"wrote {output} (float32 [{f.NumQuantiles}, {horizon}])");
        if (svg is not null) stdout.WriteLine($"wrote {svg} (fan chart)");
        return 0;
    }

    private static string Json(string input, TimeSeriesData series, int horizon, KairosGateBiasMode bias, bool positive, bool flip,
        KairosForecast f, string? output, string? svg) =>
        SeriesJson.Write(input, series, w =>
        {
            w.WriteNumber("horizon", horizon);
            w.WriteString("bias", bias == KairosGateBiasMode.Frozen ? "frozen" : "drift");
            w.WriteBoolean("infer_positive", positive);
            w.WriteBoolean("flip_invariance", flip);
            w.WriteStartArray("quantile_levels");
            foreach (var q in f.QuantileLevels) w.WriteNumberValue(q);
            w.WriteEndArray();
            // [levels][horizon]; JSON has no NaN, so a non-finite value (never expected) is null.
            w.WriteStartArray("quantiles");
            for (int k = 0; k < f.NumQuantiles; k++)
            {
                w.WriteStartArray();
                foreach (var v in f.Row(0, k))
                    if (float.IsFinite(v)) w.WriteNumberValue(v); else w.WriteNullValue();
                w.WriteEndArray();
            }
            w.WriteEndArray();
            w.WriteStringOrNull("output", output);
            w.WriteStringOrNull("svg", svg);
        });
}
