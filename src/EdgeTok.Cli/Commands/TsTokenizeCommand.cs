using EdgeTok.IO.Npy;
using EdgeTok.IO.TimeSeries;
using EdgeTok.TimeSeries.Kairos;

namespace EdgeTok.Cli.Commands;

/// <summary><c>edgetok ts tokenize</c>: Kairos tokens of one series written as .npy files.</summary>
internal sealed class TsTokenizeCommand : ICommand
{
    public string[] Path => ["ts", "tokenize"];
    public string Summary => "Kairos tokens (embeddings, sizes, mask, loc/scale, RoPE) of a series";
    public string Usage =>
        "usage: edgetok ts tokenize --model DIR --input FILE [--column NAME] --output-dir D\n\n" +
        "FILE is a 1-D float32 .npy or a CSV (numeric column; NaN or empty for missing). Writes into D:\n" +
        "  embeddings.npy      float32 [n, d_model]  patch tokens before [REG]\n" +
        "  token_sizes.npy     int32 [n]             points per token\n" +
        "  attention_mask.npy  uint8 [n+1]           [REG] included\n" +
        "  loc_scale.npy       float32 [2]\n" +
        "  rope_cos.npy, rope_sin.npy  float32 [n+1, d_kv/2]  first encoder self-attention";

    public int Execute(Args args, TextWriter stdout, TextWriter stderr)
    {
        string model = args.Require("model");
        string input = args.Require("input");
        string? column = args.Get("column");
        string outDir = args.Require("output-dir");
        args.EnsureAllUsed();

        var series = TimeSeriesReader.Read(input, column);
        var m = KairosModel.Load(model);
        var t = m.Tokenize(series.Values);
        Directory.CreateDirectory(outDir);
        NpyWriter.WriteFloat32(System.IO.Path.Combine(outDir, "embeddings.npy"), t.Embeddings, t.Count, t.DModel);
        NpyWriter.WriteInt32(System.IO.Path.Combine(outDir, "token_sizes.npy"), t.TokenSizes, t.Count);
        NpyWriter.Write(System.IO.Path.Combine(outDir, "attention_mask.npy"), NpyArray.FromUInt8(t.AttentionMask, t.AttentionMask.Length));
        NpyWriter.WriteFloat32(System.IO.Path.Combine(outDir, "loc_scale.npy"), [t.Loc, t.Scale], 2);
        var rope = t.Rope[0];
        NpyWriter.WriteFloat32(System.IO.Path.Combine(outDir, "rope_cos.npy"), rope.Cos, rope.Positions, rope.HalfDim);
        NpyWriter.WriteFloat32(System.IO.Path.Combine(outDir, "rope_sin.npy"), rope.Sin, rope.Positions, rope.HalfDim);
        var counts = t.TokenSizes.GroupBy(s => s).OrderByDescending(g => g.Key).Select(g => $"{g.Count()}×{g.Key}");
        stdout.WriteLine($"{series.Values.Length} points ({series.Column}) → {t.Count} tokens [{string.Join(", ", counts)}] + [REG], {t.AttentionMask.Count(b => b == 0)} masked");
        stdout.WriteLine(FormattableString.Invariant($"loc {t.Loc:G6}, scale {t.Scale:G6}; wrote 6 files to {outDir}"));
        return 0;
    }
}
