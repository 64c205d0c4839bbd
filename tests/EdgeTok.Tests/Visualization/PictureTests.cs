using System.Xml.Linq;
using EdgeTok.TimeSeries.Kairos;
using EdgeTok.Tests.Kairos;
using EdgeTok.Visualization;

namespace EdgeTok.Tests.Visualization;

/// <summary>The SVG renderers: well-formed XML, element counts for known inputs, and the bad inputs they refuse.</summary>
public sealed class PictureTests(KairosGoldenFixture fx) : IClassFixture<KairosGoldenFixture>
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static XElement Parse(string svg)
    {
        var root = XDocument.Parse(svg).Root!;
        Assert.Equal(Svg + "svg", root.Name);
        return root;
    }

    private static int CountClass(XElement root, string cls) => root.Descendants().Count(e => (string?)e.Attribute("class") == cls);

    [Fact]
    public void Patch_size_map_draws_every_token_and_router_choice()
    {
        var model = fx.Model(null);
        // Case D: 100 points, shorter than one patch: one patch, 28 padding points.
        var series = KairosGolden.Inputs(KairosGolden.CaseDir(null, "D_len100_short"))[0];
        var t = model.Tokenize(series);
        var root = Parse(KairosPatchSizeMap.Render(series, t, "case D <short> & padded"));
        Assert.Equal(t.Count, CountClass(root, "token"));
        Assert.Equal(t.Routing.Patches * t.Routing.ActivatedExperts, CountClass(root, "route"));
        Assert.Equal(1, CountClass(root, "series"));
        Assert.Contains("case D <short> & padded", root.Descendants(Svg + "text").Select(e => e.Value));
        int masked = t.AttentionMask.Take(t.Count).Count(m => m == 0);
        Assert.Equal(masked, root.Descendants().Count(e => (string?)e.Attribute("class") == "token" && (string?)e.Attribute("fill") == "url(#hatch)"));
    }

    [Fact]
    public void Patch_size_map_refuses_tokens_of_another_series()
    {
        var model = fx.Model(null);
        var series = KairosGolden.Inputs(KairosGolden.CaseDir(null, "D_len100_short"))[0];
        var t = model.Tokenize(series);
        var e = Assert.Throws<EdgeTokException>(() => KairosPatchSizeMap.Render(series.AsSpan(1), t, "x"));
        Assert.Equal(StatusCode.InvalidArgument, e.Status);
        Assert.Contains("99", e.Message);
    }

    [Fact]
    public void Codes_heatmap_has_one_run_per_cell_when_neighbours_differ()
    {
        const int frames = 12, k = 3;
        var codes = new int[frames * k];
        for (int i = 0; i < codes.Length; i++) codes[i] = i % 16;
        var root = Parse(AudioCodesHeatmap.Render(codes, frames, k, 16, 50, "t"));
        var paths = root.Descendants().Single(e => (string?)e.Attribute("class") == "cells").Elements(Svg + "path").ToList();
        Assert.Equal(16, paths.Count); // 16 codes, each its own colour
        Assert.Equal(frames * k, paths.Sum(p => ((string)p.Attribute("d")!).Count(ch => ch == 'h')));
    }

    [Fact]
    public void Codes_heatmap_thins_columns_to_whole_frames()
    {
        const int frames = 2500;
        var codes = new int[frames];
        for (int i = 0; i < frames; i++) codes[i] = i / 10 % 2; // runs of 10 frames
        var svg = AudioCodesHeatmap.Render(codes, frames, 1, 2, 100, "t", maxColumns: 100);
        Assert.Contains("a column = 25 frames", svg);
        var root = Parse(svg);
        var d = root.Descendants(Svg + "path").Select(p => (string)p.Attribute("d")!);
        double total = d.SelectMany(s => System.Text.RegularExpressions.Regex.Matches(s, @"h([\d.]+)")).Sum(m => double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(100, total, 6);
    }

    [Fact]
    public void Codes_heatmap_refuses_bad_input()
    {
        Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<EdgeTokException>(() => AudioCodesHeatmap.Render(new int[5], 2, 2, 16, 50, "t")).Status);
        Assert.Contains("outside 0..15", Assert.Throws<EdgeTokException>(() => AudioCodesHeatmap.Render([1, 16], 1, 2, 16, 50, "t")).Message);
        Assert.Contains("frame rate", Assert.Throws<EdgeTokException>(() => AudioCodesHeatmap.Render([1, 2], 1, 2, 16, 0, "t")).Message);
        Assert.Contains("frame rate", Assert.Throws<EdgeTokException>(() => AudioCodesHeatmap.Render([1, 2], 1, 2, 16, double.NaN, "t")).Message);
        Assert.Contains("codebook size", Assert.Throws<EdgeTokException>(() => AudioCodesHeatmap.Render([0, 0], 1, 2, 0, 50, "t")).Message);
        Assert.Throws<EdgeTokException>(() => AudioCodesHeatmap.Render([], 0, 1, 16, 50, "t"));
    }

    [Fact]
    public void Fan_chart_has_one_band_per_quantile_pair()
    {
        float[] history = [1, 2, float.NaN, 4, 5, 6];
        float[] levels = [0.1f, 0.5f, 0.9f];
        float[] q = [0, 1, 2, 1, 2, 3, 2, 3, 4]; // [3 levels, horizon 3]
        var root = Parse(ForecastFanChart.Render(history, q, levels, "fan"));
        Assert.Single(root.Descendants(Svg + "title"), e => e.Value == "q0.1–q0.9");
        Assert.Single(root.Descendants(Svg + "polyline"));
        Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<EdgeTokException>(() => ForecastFanChart.Render(history, q.AsSpan(1), levels, "x")).Status);
    }

    [Theory]
    [InlineData(0, 10, 5, new double[] { 0, 2, 4, 6, 8, 10 })]
    [InlineData(0.3, 1.7, 4, new double[] { 0.5, 1, 1.5 })]
    [InlineData(-1454, 30720, 6, new double[] { 0, 10000, 20000, 30000 })]
    public void Ticks_are_round(double lo, double hi, int max, double[] expected) =>
        Assert.Equal(expected, SvgText.Ticks(lo, hi, max).Select(v => Math.Round(v, 9)));
}
