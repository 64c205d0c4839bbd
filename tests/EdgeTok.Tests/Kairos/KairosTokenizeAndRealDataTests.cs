using System.Globalization;
using EdgeTok.TimeSeries.Kairos;
using Xunit.Abstractions;

namespace EdgeTok.Tests.Kairos;

/// <summary>The public tokenizer output against golden, and forecasts on real series.</summary>
public sealed class KairosTokenizeAndRealDataTests(KairosGoldenFixture fx, ITestOutputHelper log) : IClassFixture<KairosGoldenFixture>
{
    [Theory]
    [MemberData(nameof(KairosGolden.SingleSeriesCases), MemberType = typeof(KairosGolden))]
    public void Tokenize_returns_the_golden_tokens(string @case)
    {
        var model = fx.Model(null);
        var dir = KairosGolden.CaseDir(null, @case);
        var t = model.Tokenize(KairosGolden.Inputs(dir)[0]);

        var sizes = KairosGolden.Read(dir, "patch.token_size").ToInt64();
        Assert.Equal(sizes.Select(s => (int)s), t.TokenSizes);
        var mask = KairosGolden.Read(dir, "enc.attention_mask_with_reg").ToFloat32();
        Assert.Equal(mask.Select(m => (byte)m), t.AttentionMask);
        Assert.True(KairosGolden.Compare(t.Embeddings, KairosGolden.Read(dir, "emb.input_embeds").ToFloat32()).Rel <= 1e-5);
        Assert.Equal(KairosGolden.Read(dir, "norm.loc").ToFloat32()[0], t.Loc, 1e-6f * Math.Max(1, Math.Abs(t.Loc)));
        Assert.Equal(KairosGolden.Read(dir, "norm.scale").ToFloat32()[0], t.Scale);
        Assert.True(KairosGolden.Compare(t.SpectralFeatures, KairosGolden.Read(dir, "fft.s_features").ToFloat32()).Rel <= 1e-5);

        var enc0 = t.RopeFor("encoder.block.0.layer.0.SelfAttention");
        Assert.Equal(t.Count + 1, enc0.Positions);
        Assert.True(KairosGolden.Compare(enc0.Cos, KairosGolden.Read(dir, "rope.enc0.cos").ToFloat32()).Abs <= 1e-4);
        Assert.True(KairosGolden.Compare(enc0.Sin, KairosGolden.Read(dir, "rope.enc0.sin").ToFloat32()).Abs <= 1e-4);
        Assert.Equal(12, t.Rope.Count);
        foreach (var r in t.Rope)
        {
            var (_, rel) = KairosGolden.Compare(r.Frequencies, KairosGolden.Read(dir, r.Module + ".rotary_emb.scaled_freqs").ToFloat32());
            Assert.True(rel <= 1e-6, $"{r.Module}: {rel}");
        }
        Assert.Equal(2, t.RopeFor("decoder.block.0.layer.0.SelfAttention").Positions);
        Assert.Equal(StatusCode.NotFound, Assert.Throws<EdgeTokException>(() => t.RopeFor("nope")).Status);
    }

    [Fact]
    public void Tokenize_without_cross_rope_lists_only_rotated_modules()
    {
        var t = fx.Model("noxpe").Tokenize(KairosGolden.Inputs(KairosGolden.CaseDir("noxpe", "A_full2048"))[0]);
        Assert.Equal(8, t.Rope.Count);
        Assert.DoesNotContain(t.Rope, r => r.Module.Contains("EncDec", StringComparison.Ordinal));
    }

    [Fact]
    public void Negative_shift_moves_every_output_by_the_shift()
    {
        // Golden case G = A − 15: identical tokens, outputs shifted (no positivity clamp on negative input).
        var m = fx.Model(null);
        var a = KairosGolden.Inputs(KairosGolden.CaseDir(null, "A_full2048"))[0];
        var g = KairosGolden.Inputs(KairosGolden.CaseDir(null, "G_negative_shifted"))[0];
        Assert.Equal(m.Tokenize(a).TokenSizes, m.Tokenize(g).TokenSizes);
        var opts = new KairosForecastOptions { ForceFlipInvariance = true };
        var fa = m.Forecast(a, 96, opts).Values;
        var fg = m.Forecast(g, 96, opts).Values;
        for (int i = 0; i < fa.Length; i++) Assert.Equal(fa[i] - 15f, fg[i], 1e-3f);
    }

    [Fact]
    public void Golden_forecasts_themselves_cross_so_ordering_is_not_forced_by_default()
    {
        var dir = KairosGolden.CaseDir(null, "A_full2048");
        var g = KairosGolden.Read(dir, "gen_h96.frozen_bias").ToFloat32();
        var f = fx.Model(null).Forecast(KairosGolden.Inputs(dir)[0], 96).Values;
        int goldenCross = 0, ourCross = 0;
        for (int q = 1; q < 9; q++)
            for (int t = 0; t < 96; t++)
            {
                if (g[q * 96 + t] < g[(q - 1) * 96 + t]) goldenCross++;
                if (f[q * 96 + t] < f[(q - 1) * 96 + t]) ourCross++;
            }
        Assert.True(goldenCross > 0);
        Assert.Equal(goldenCross, ourCross);
    }

    internal static float[] CsvColumn(string path, string column)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        var header = lines[0].Split(',').Select(h => h.Trim('"')).ToArray();
        int c = Array.IndexOf(header, column);
        Assert.True(c >= 0, $"{column} not in {path}");
        return lines.Skip(1).Select(l => l.Split(',')[c].Trim('"'))
            .Select(s => float.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : float.NaN).ToArray();
    }

    [Theory]
    [InlineData("ett/ETTh1.csv", "OT", 96)]
    [InlineData("darts/AirPassengers.csv", "#Passengers", 24)]
    [InlineData("statsmodels/sunspots.csv", "SUNACTIVITY", 300)]
    [InlineData("nab/nyc_taxi.csv", "value", 200)]
    public void Real_series_give_finite_ordered_quantiles(string file, string column, int horizon)
    {
        var m = fx.Model(null);
        var x = CsvColumn(TestPaths.SharedPath("data", "timeseries", file), column);
        var raw = m.Forecast(x, horizon, new KairosForecastOptions { InferIsPositive = true, ForceFlipInvariance = true });
        Assert.All(raw.Values, v => Assert.True(float.IsFinite(v)));
        Assert.All(raw.Values, v => Assert.True(v >= 0f)); // all four series are non-negative → clamped at 0
        // The golden weights are random, so the head's quantile rows are in no particular order (the reference
        // does not sort, see the golden test below); the opt-in sort gives ordered quantiles.
        int crossings = 0;
        for (int q = 1; q < raw.NumQuantiles; q++)
            for (int t = 0; t < horizon; t++)
                if (raw.Row(0, q)[t] < raw.Row(0, q - 1)[t]) crossings++;
        var f = m.Forecast(x, horizon, new KairosForecastOptions { InferIsPositive = true, ForceFlipInvariance = true, SortQuantiles = true });
        for (int q = 1; q < f.NumQuantiles; q++)
            for (int t = 0; t < horizon; t++) Assert.True(f.Row(0, q)[t] >= f.Row(0, q - 1)[t]);
        for (int t = 0; t < horizon; t++)
        {
            var col = Enumerable.Range(0, 9).Select(q => raw.Row(0, q)[t]).Order().ToArray();
            Assert.Equal(col, Enumerable.Range(0, 9).Select(q => f.Row(0, q)[t]).ToArray());
        }
        log.WriteLine($"{file}:{column} n={x.Length} median[0..3]={string.Join(", ", f.Row(0, 4)[..3].ToArray())} crossings={crossings}/{8 * horizon}");
    }
}
