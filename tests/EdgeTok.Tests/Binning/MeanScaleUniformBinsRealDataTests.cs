using EdgeTok.TimeSeries.Binning;
using static EdgeTok.Tests.Binning.BinsTestHelpers;

namespace EdgeTok.Tests.Binning;

/// <summary>
/// Real series checked against an independent float64 implementation written in the test: ids must
/// be equal, except ±1 where the scaled value lies within 1e-6 (relative to max(1, |b|)) of a
/// boundary — the float32 allowance of the spec.
/// </summary>
public class MeanScaleUniformBinsRealDataTests
{
    private const double NearBoundary = 1e-6;

    [Theory]
    [InlineData("darts/AirPassengers.csv", "#Passengers", 144, 0)]
    [InlineData("statsmodels/co2.csv", "co2", 2284, 0)]
    [InlineData("ett/ETTh1.csv", "OT", 17420, 0)]
    [InlineData("nab/nyc_taxi.csv", "value", 10320, 0)]
    [InlineData("statsmodels/sunspots.csv", "SUNACTIVITY", 309, 0)]
    public void Ids_match_a_float64_reference(string file, string column, int expectedLength, int expectedMissingInWindow)
    {
        var series = ReadCsvColumn(TestPaths.SharedPath("data", "timeseries", file), column);
        Assert.Equal(expectedLength, series.Length);

        var bins = new MeanScaleUniformBins();
        var reference = new DoubleReference();
        var (ids, mask, scale) = Encode(bins, series);

        var window = reference.Window(series);
        Assert.Equal(Math.Min(series.Length, 512) + 1, ids.Length);
        double refScale = reference.Scale(window);
        Assert.True(Math.Abs(scale - refScale) / refScale < 1e-6, $"scale {scale} vs float64 {refScale}");

        int missing = 0, allowances = 0;
        for (int i = 0; i < window.Length; i++)
        {
            float x = window[i];
            if (float.IsNaN(x))
            {
                missing++;
                Assert.Equal(0, ids[i]);
                Assert.Equal(0, mask[i]);
                continue;
            }
            Assert.Equal(1, mask[i]);
            double scaled = x / refScale;
            int expected = reference.Id(scaled);
            Assert.InRange(ids[i], 3, 4095);
            if (ids[i] != expected)
            {
                Assert.True(Math.Abs(ids[i] - expected) == 1 && reference.RelativeDistanceToBoundary(scaled) < NearBoundary,
                    $"{file}[{i}] = {x}: id {ids[i]}, float64 reference {expected} (scaled {scaled:R})");
                allowances++;
            }
        }
        Assert.Equal(1, ids[^1]);
        Assert.Equal(1, mask[^1]);
        if (expectedMissingInWindow >= 0) Assert.Equal(expectedMissingInWindow, missing);
        Assert.True(allowances <= 2, $"{allowances} near-boundary disagreements");
        // The tokens carry information: even the flat co2 tail (x/scale within ±3%) spans several ids.
        Assert.True(ids.Distinct().Count() >= 5, $"{ids.Distinct().Count()} distinct ids");
        Console.WriteLine($"{file}: scale {scale:R} (float64 {refScale:R}), near-boundary allowances used: {allowances}");
    }

    [Fact]
    public void Co2_has_missing_values_in_its_window_and_they_are_ignored_by_the_scale()
    {
        var series = ReadCsvColumn(TestPaths.SharedPath("data", "timeseries", "statsmodels", "co2.csv"), "co2");
        int nanCount = series.Count(float.IsNaN);
        Assert.Equal(59, nanCount);
        // Use the first 512 values (the early years hold the gaps) as the context.
        var head = series.AsSpan(0, 512);
        int missing = 0;
        foreach (float x in head) if (float.IsNaN(x)) missing++;
        Assert.Equal(53, missing);

        var bins = new MeanScaleUniformBins();
        var (ids, mask, scale) = Encode(bins, head);
        double refScale = new DoubleReference().Scale(head);
        Assert.True(Math.Abs(scale - refScale) / refScale < 1e-6);
        Assert.Equal(missing, mask.Count(m => m == 0));
        Assert.Equal(missing, ids.Count(id => id == 0));
    }

    [Fact]
    public void Air_passengers_decodes_close_to_the_input()
    {
        var series = ReadCsvColumn(TestPaths.SharedPath("data", "timeseries", "darts", "AirPassengers.csv"), "#Passengers");
        var bins = new MeanScaleUniformBins();
        var (ids, _, scale) = Encode(bins, series);
        var back = new float[series.Length];
        bins.Decode(ids.AsSpan(0, series.Length), scale, back);
        double halfBin = 15.0 / 4092 * scale;
        for (int i = 0; i < series.Length; i++)
            Assert.True(Math.Abs(back[i] - series[i]) <= halfBin * 1.0001, $"[{i}] {series[i]} -> {back[i]}");
    }
}
