using System.Globalization;
using System.Text.Json;
using EdgeTok.IO.Npy;
using EdgeTok.IO.TimeSeries;
using EdgeTok.TimeSeries.Binning;

namespace EdgeTok.Cli.Commands;

/// <summary>
/// <c>edgetok ts bins</c>: Chronos mean-scale uniform-bin ids of one series. Reads the series, calls
/// <see cref="MeanScaleUniformBins.Encode"/> and writes what it returns; no tokenization logic here.
/// </summary>
internal sealed class TsBinsCommand : ICommand
{
    public string[] Path => ["ts", "bins"];
    public string Summary => "Chronos mean-scale uniform-bin ids of a series (weight-free)";
    public string Usage =>
        "usage: edgetok ts bins --input FILE [--column NAME] --output IDS.npy [--mask MASK.npy]\n" +
        "                       [--context-length N] [--no-eos] [--json]\n\n" +
        SeriesInput.Text + "\n" +
        "Writes int32 ids [n] to IDS.npy, where n = min(length, context length) + 1: the last N values\n" +
        "(--context-length, default 512) followed by the EOS id 1.\n" +
        "Missing values get the pad id 0 with mask 0; --mask writes that attention mask as uint8 [n]\n" +
        "(1 = observed or EOS). Prints the scale, which decoding needs: value = center[id - 3] * scale.\n" +
        "Infinite values are an error.";
    public string[] Flags => ["json", "no-eos"];

    public int Execute(Args args, TextWriter stdout, TextWriter stderr)
    {
        string input = args.Require("input");
        string? column = args.Get("column");
        string output = args.Require("output");
        string? maskPath = args.Get("mask");
        int context = args.GetInt("context-length", 1, MeanScaleUniformBins.MaxContextLength) ?? MeanScaleUniformBinsConfig.Default.ContextLength;
        bool noEos = args.Flag("no-eos");
        bool json = args.Flag("json");
        args.EnsureAllUsed();

        var series = TimeSeriesReader.Read(input, column);
        var bins = new MeanScaleUniformBins(MeanScaleUniformBinsConfig.Default with { ContextLength = context, AppendEos = !noEos });
        int n = bins.GetTokenCount(series.Values.Length);
        var ids = new int[n];
        var mask = new byte[n];
        float scale = bins.Encode(series.Values, ids, mask);

        NpyWriter.WriteInt32(output, ids, n);
        if (maskPath is not null) NpyWriter.Write(maskPath, NpyArray.FromUInt8(mask, n));

        int kept = Math.Min(series.Values.Length, context);
        int missing = 0;
        for (int i = 0; i < kept; i++) if (mask[i] == 0) missing++;
        var inv = CultureInfo.InvariantCulture;
        if (json)
        {
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                w.WriteString("input", input);
                w.WriteString("column", series.Column);
                w.WriteNumber("length", series.Values.Length);
                w.WriteNumber("kept", kept);
                w.WriteNumber("missing", missing);
                w.WriteNumber("scale", scale);
                w.WriteNumber("tokens", n);
                w.WriteBoolean("eos", !noEos);
                w.WriteString("output", output);
                if (maskPath is null) w.WriteNull("mask");
                else w.WriteString("mask", maskPath);
                w.WriteEndObject();
            }
            stdout.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
            return 0;
        }
        stdout.WriteLine($"input          {input} (column {series.Column})");
        stdout.WriteLine(string.Format(inv, "values         {0} ({1} kept, {2} missing)", series.Values.Length, kept, missing));
        stdout.WriteLine(string.Format(inv, "scale          {0}", scale.ToString("R", inv)));
        stdout.WriteLine(string.Format(inv, "ids            {0} int32 -> {1}{2}", n, output, noEos ? "" : " (EOS appended)"));
        if (maskPath is not null) stdout.WriteLine($"mask           {n} uint8 -> {maskPath}");
        return 0;
    }
}
