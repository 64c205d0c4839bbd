using EdgeTok.IO.Npy;
using EdgeTok.TimeSeries.Kairos;

namespace EdgeTok.Tests.Kairos;

/// <summary>Golden-file access and the comparison rule of golden/README.md §2.9 (NaN → 0 in both, error relative to max|ref|).</summary>
internal static class KairosGolden
{
    public static string Root => TestPaths.SharedPath("golden", "kairos-10m");

    public static string CaseDir(string? variant, string @case) =>
        variant is null ? Path.Combine(Root, "cases", @case) : Path.Combine(Root, "variants", variant, "cases", @case);

    public static KairosModel LoadModel(string? variant) => variant is null
        ? KairosModel.Load(Root)
        : KairosModel.Load(Path.Combine(Root, "variants", variant, "config.json"), Path.Combine(Root, "model.safetensors"));

    /// <summary>The golden cases with one series (the H* cases are batches), as xunit theory data.</summary>
    public static TheoryData<string> SingleSeriesCases()
    {
        var d = new TheoryData<string>();
        foreach (var c in Cases(null)) if (!c.StartsWith('H')) d.Add(c);
        return d;
    }

    public static NpyArray Read(string dir, string name) => NpyReader.Read(Path.Combine(dir, name + ".npy"));

    /// <summary>Rows of input_past_target as separate series.</summary>
    public static float[][] Inputs(string dir)
    {
        var a = Read(dir, "input_past_target");
        var f = a.ToFloat32();
        int b = (int)a.Shape[0], t = (int)a.Shape[1];
        return Enumerable.Range(0, b).Select(i => f.AsSpan(i * t, t).ToArray()).ToArray();
    }

    /// <summary>(max abs error, max abs error / max |reference|), NaN mapped to 0 on both sides.</summary>
    public static (double Abs, double Rel) Compare(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        double maxErr = 0, maxRef = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double e = float.IsNaN(expected[i]) ? 0 : expected[i];
            double a = float.IsNaN(actual[i]) ? 0 : actual[i];
            maxErr = Math.Max(maxErr, Math.Abs(a - e));
            maxRef = Math.Max(maxRef, Math.Abs(e));
        }
        return (maxErr, maxRef == 0 ? maxErr : maxErr / maxRef);
    }

    public static IEnumerable<string> Cases(string? variant) =>
        Directory.GetDirectories(variant is null ? Path.Combine(Root, "cases") : Path.Combine(Root, "variants", variant, "cases"))
            .Select(Path.GetFileName).OfType<string>().Order();

    public static float[][] Split(float[] flat, int rows) =>
        Enumerable.Range(0, rows).Select(i => flat.AsSpan(i * flat.Length / rows, flat.Length / rows).ToArray()).ToArray();
}

/// <summary>Loads the default model and the three variant configurations once for all golden tests.</summary>
public sealed class KairosGoldenFixture
{
    private readonly Dictionary<string, KairosModel> _models = new();
    private readonly object _gate = new();

    internal KairosModel Model(string? variant)
    {
        lock (_gate)
        {
            var key = variant ?? "";
            if (!_models.TryGetValue(key, out var m)) _models[key] = m = KairosGolden.LoadModel(variant);
            return m;
        }
    }
}
