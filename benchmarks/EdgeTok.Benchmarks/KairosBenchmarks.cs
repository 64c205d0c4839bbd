using BenchmarkDotNet.Attributes;
using EdgeTok.IO.Npy;
using EdgeTok.TimeSeries.Kairos;

namespace EdgeTok.Benchmarks;

/// <summary>
/// Kairos 10m shape (golden random weights from ../shared/golden/kairos-10m), context 2048 (ETTh1,
/// golden case A), horizon 96, batch 1: the tokenizer alone and a full forecast (one forward).
/// Run: dotnet run -c Release --project benchmarks/EdgeTok.Benchmarks -- --filter '*Kairos*' --job short
/// </summary>
[MemoryDiagnoser]
public class KairosBenchmarks
{
    private KairosModel _model = null!;
    private float[] _series = [];

    [GlobalSetup]
    public void Setup()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "EdgeTok.sln"))) dir = dir.Parent;
        string shared = Environment.GetEnvironmentVariable("EDGETOK_SHARED") is { Length: > 0 } s ? s
            : Path.Combine(dir?.FullName ?? throw new InvalidOperationException("EdgeTok.sln not found"), "..", "shared");
        string golden = Path.Combine(shared, "golden", "kairos-10m");
        _model = KairosModel.Load(golden);
        _series = NpyReader.Read(Path.Combine(golden, "cases", "A_full2048", "input_past_target.npy")).ToFloat32();
    }

    [Benchmark]
    public int Tokenize() => _model.Tokenize(_series).Count;

    [Benchmark]
    public float ForecastH96() => _model.Forecast(_series, 96).Values[0];
}
