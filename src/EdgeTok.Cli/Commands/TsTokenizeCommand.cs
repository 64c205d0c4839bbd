using System.Globalization;
using EdgeTok.IO.Npy;
using EdgeTok.IO.TimeSeries;
using EdgeTok.TimeSeries.Kairos;

namespace EdgeTok.Cli.Commands;

/// <summary><c>edgetok ts tokenize</c>: Kairos tokens of one series written as .npy files and/or drawn as a patch-size map.</summary>
internal sealed class TsTokenizeCommand : ICommand
{
    public string[] Path => ["ts", "tokenize"];
    public string Summary => "Kairos tokens (embeddings, sizes, mask, loc/scale, RoPE) of a series; patch-size map";
    public string Usage =>
        "usage: edgetok ts tokenize --model DIR --input FILE [--column NAME] [--output-dir D] [--svg MAP.svg] [--json]\n\n" +
        SeriesInput.Text + "\nAt least one of:\n" +
        "--output-dir D   writes into D:\n" +
        "  embeddings.npy      float32 [n, d_model]  patch tokens before [REG]\n" +
        "  token_sizes.npy     int32 [n]             points per token\n" +
        "  attention_mask.npy  uint8 [n+1]           [REG] included\n" +
        "  loc_scale.npy       float32 [2]\n" +
        "  rope_cos.npy, rope_sin.npy  float32 [n+1, d_kv/2]  first encoder self-attention\n" +
        "--svg MAP.svg    the patch-size map: the context window as a line over its tokens, coloured by the\n" +
        "                 patch size the router chose, the router's Top-K choice per coarse patch (null\n" +
        "                 experts grey) and masked tokens (padding, nothing observed) hatched\n" +
        "--json           one JSON object: token counts per size, router choices per patch, loc/scale, files";
    public string[] Flags => ["json"];

    public int Execute(Args args, TextWriter stdout, TextWriter stderr)
    {
        string model = args.Require("model");
        string input = args.Require("input");
        string? column = args.Get("column");
        string? outDir = args.Get("output-dir");
        string? svg = args.Get("svg");
        bool json = args.Flag("json");
        args.EnsureAllUsed();
        if (outDir is null && svg is null) throw new UsageException("missing required option --output-dir (or --svg)");

        var series = TimeSeriesReader.Read(input, column);
        var m = KairosModel.Load(model);
        var t = m.Tokenize(series.Values);
        var files = new List<string>();
        if (outDir is not null)
        {
            Directory.CreateDirectory(outDir);
            string F(string name) { var p = System.IO.Path.Combine(outDir, name); files.Add(p); return p; }
            NpyWriter.WriteFloat32(F("embeddings.npy"), t.Embeddings, t.Count, t.DModel);
            NpyWriter.WriteInt32(F("token_sizes.npy"), t.TokenSizes, t.Count);
            NpyWriter.Write(F("attention_mask.npy"), NpyArray.FromUInt8(t.AttentionMask, t.AttentionMask.Length));
            NpyWriter.WriteFloat32(F("loc_scale.npy"), [t.Loc, t.Scale], 2);
            var rope = t.Rope[0];
            NpyWriter.WriteFloat32(F("rope_cos.npy"), rope.Cos, rope.Positions, rope.HalfDim);
            NpyWriter.WriteFloat32(F("rope_sin.npy"), rope.Sin, rope.Positions, rope.HalfDim);
        }
        if (svg is not null)
        {
            string name = System.IO.Path.GetFileName(System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(model)));
            File.WriteAllText(svg, Visualization.KairosPatchSizeMap.Render(series.Values, t,
                $"{System.IO.Path.GetFileName(input)} ({series.Column}): {name} patch sizes"));
        }

        var sizes = t.TokenSizes.GroupBy(s => s).OrderByDescending(g => g.Key).ToList();
        int masked = 0;
        for (int i = 0; i < t.Count; i++) if (t.AttentionMask[i] == 0) masked++;
        if (json)
        {
            stdout.WriteLine(Json(input, series, t, sizes, masked, outDir, files, svg));
            return 0;
        }
        stdout.WriteLine($"{series.Values.Length} points ({series.Column}) → {t.Count} tokens [{string.Join(", ", sizes.Select(g => $"{g.Count()}×{g.Key}"))}] + [REG], {masked} masked");
        stdout.WriteLine(FormattableString.Invariant($"loc {t.Loc:G6}, scale {t.Scale:G6}"));
        if (outDir is not null) stdout.WriteLine($"wrote {files.Count} files to {outDir}");
        if (svg is not null) stdout.WriteLine($"wrote {svg} (patch-size map)");
        return 0;
    }

    private static string Json(string input, TimeSeriesData series, KairosTokens t, List<IGrouping<int, int>> sizes, int masked,
        string? outDir, List<string> files, string? svg)
    {
        var r = t.Routing;
        return SeriesJson.Write(input, series, w =>
        {
            w.WriteNumber("context_start", r.ContextStart);
            w.WriteNumber("padding", r.Padding);
            w.WriteNumber("tokens", t.Count);
            w.WriteNumber("masked", masked);
            w.WriteStartObject("tokens_by_size");
            foreach (var g in sizes) w.WriteNumber(g.Key.ToString(CultureInfo.InvariantCulture), g.Count());
            w.WriteEndObject();
            w.WriteNumber("loc", t.Loc);
            w.WriteNumber("scale", t.Scale);
            w.WriteNumber("patch_size", r.PatchSize);
            // Per coarse patch: where it starts, its token size and the Top-K choices, each a level
            // (named by its token size) or a null expert (named by its index).
            w.WriteStartArray("patches");
            for (int j = 0; j < r.Patches; j++)
            {
                w.WriteStartObject();
                w.WriteNumber("start", r.PatchStart(j));
                w.WriteNumber("token_size", r.TokenSize(j));
                w.WriteStartArray("experts");
                for (int k = 0; k < r.ActivatedExperts; k++)
                {
                    int e = r.Experts[j * r.ActivatedExperts + k];
                    w.WriteStartObject();
                    if (e < r.Levels) w.WriteNumber("size", r.ExpertSize(e));
                    else w.WriteNumber("null", e - r.Levels);
                    w.WriteNumber("weight", r.Weights[j * r.ActivatedExperts + k]);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStringOrNull("output_dir", outDir);
            w.WriteStartArray("files");
            foreach (var f in files) w.WriteStringValue(f);
            w.WriteEndArray();
            w.WriteStringOrNull("svg", svg);
        });
    }
}
