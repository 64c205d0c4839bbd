using EdgeTok.IO.Npy;
using EdgeTok.IO.TimeSeries;

namespace EdgeTok.Tests.IO;

public class TimeSeriesReaderTests
{
    private static string Ts(params string[] p) => TestPaths.SharedPath(["data", "timeseries", .. p]);

    [Fact]
    public void Reads_named_and_default_columns_of_real_csvs()
    {
        var ett = TimeSeriesReader.Read(Ts("ett", "ETTh1.csv"), "OT");
        Assert.Equal(17420, ett.Values.Length);
        Assert.Equal(30.5310001373291f, ett.Values[0]);
        // Default = last numeric column: OT for ETTh1, value for NAB, wind (not the text 'weather') for seattle.
        Assert.Equal("OT", TimeSeriesReader.Read(Ts("ett", "ETTh1.csv")).Column);
        Assert.Equal("wind", TimeSeriesReader.Read(Ts("vega", "seattle-weather.csv")).Column);
        var sun = TimeSeriesReader.Read(Ts("statsmodels", "sunspots.csv"));
        Assert.Equal("SUNACTIVITY", sun.Column);
        Assert.Equal(5f, sun.Values[0]);
        // By index.
        Assert.Equal("HUFL", TimeSeriesReader.Read(Ts("ett", "ETTh1.csv"), "1").Column);
        var sample = TimeSeriesReader.Read(Ts("kairos", "ETTh1_sample.csv"));
        Assert.Equal(2768, sample.Values.Length);
    }

    [Fact]
    public void Missing_cells_become_NaN()
    {
        // ILINet has empty cells in the 'AGE 25-49' column.
        var ili = TimeSeriesReader.Read(Ts("darts", "ILINet.csv"), "AGE 25-49");
        Assert.True(float.IsNaN(ili.Values[0]));
        Assert.True(ili.ObservedCount > 0 && ili.ObservedCount < ili.Values.Length);
    }

    [Fact]
    public void Npy_series_and_shapes()
    {
        var dir = TestPaths.TempDir();
        var p = Path.Combine(dir, "s.npy");
        NpyWriter.WriteFloat32(p, [1f, float.NaN, 3f], 3);
        var s = TimeSeriesReader.Read(p);
        Assert.Equal(3, s.Values.Length);
        Assert.True(float.IsNaN(s.Values[1]));
        var golden = TimeSeriesReader.Read(TestPaths.SharedPath("golden", "kairos-10m", "cases", "A_full2048", "input_past_target.npy"));
        Assert.Equal(2048, golden.Values.Length);
        var p2 = Path.Combine(dir, "m.npy");
        NpyWriter.WriteFloat32(p2, new float[6], 2, 3);
        Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<EdgeTokException>(() => TimeSeriesReader.Read(p2)).Status);
    }

    [Fact]
    public void Non_numeric_cells_and_unknown_columns_are_errors()
    {
        var dir = TestPaths.TempDir();
        var p = Path.Combine(dir, "bad.csv");
        File.WriteAllText(p, "t,v\n1,2.5\n2,abc\n3,\"4\"\n");
        var ex = Assert.Throws<EdgeTokException>(() => TimeSeriesReader.Read(p, "v"));
        Assert.Equal(StatusCode.InvalidFormat, ex.Status);
        Assert.Contains(":3:", ex.Message);
        Assert.Contains("abc", ex.Message);
        Assert.Equal(StatusCode.NotFound, Assert.Throws<EdgeTokException>(() => TimeSeriesReader.Read(Ts("ett", "ETTh1.csv"), "nope")).Status);
        Assert.Equal(StatusCode.NotFound, Assert.Throws<EdgeTokException>(() => TimeSeriesReader.Read(Ts("ett", "ETTh1.csv"), "99")).Status);
        var ragged = Path.Combine(dir, "ragged.csv");
        File.WriteAllText(ragged, "a,b\n1,2\n3\n");
        Assert.Contains("fields", Assert.Throws<EdgeTokException>(() => TimeSeriesReader.Read(ragged)).Message);
        var empty = Path.Combine(dir, "empty.csv");
        File.WriteAllText(empty, "");
        Assert.Equal(StatusCode.InvalidFormat, Assert.Throws<EdgeTokException>(() => TimeSeriesReader.Read(empty)).Status);
        var quoted = Path.Combine(dir, "q.csv");
        File.WriteAllText(quoted, "\"a\",\"b\"\n\"x, y\",\"1.5\"\n");
        Assert.Equal([1.5f], TimeSeriesReader.Read(quoted).Values);
    }
}
