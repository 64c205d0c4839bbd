using BenchmarkDotNet.Attributes;
using EdgeTok.Numerics;

namespace EdgeTok.Benchmarks;

/// <summary>Linear-layer shapes of Kairos 10m (d_model 256, d_ff 1024, 46 tokens) and an RVQ block.</summary>
[MemoryDiagnoser]
public class GemmBenchmarks
{
    [Params("46x256x256", "46x1024x256", "46x256x1024", "750x1024x128")]
    public string Shape { get; set; } = "";

    private float[] _a = [], _b = [], _c = [];
    private int _m, _n, _k;

    [GlobalSetup]
    public void Setup()
    {
        var p = Shape.Split('x').Select(int.Parse).ToArray();
        (_m, _n, _k) = (p[0], p[1], p[2]);
        var rng = new Random(1);
        _a = Enumerable.Range(0, _m * _k).Select(_ => (float)rng.NextDouble()).ToArray();
        _b = Enumerable.Range(0, _n * _k).Select(_ => (float)rng.NextDouble()).ToArray();
        _c = new float[_m * _n];
    }

    [Benchmark]
    public void MultiplyTransposed() => Gemm.MultiplyTransposed(_a, _b, _c, _m, _n, _k);
}
