using BenchmarkDotNet.Attributes;
using EdgeTok.IO.Audio;

namespace EdgeTok.Benchmarks;

/// <summary>Ten seconds of audio through the sinc resampler at common codec rates.</summary>
[MemoryDiagnoser]
public class ResampleBenchmarks
{
    [Params(44100, 48000, 22050)]
    public int FromRate { get; set; }

    private float[] _x = [], _y = [];
    private SincResampler _rs = null!;

    [GlobalSetup]
    public void Setup()
    {
        _rs = new SincResampler(FromRate, 16000);
        _x = new float[FromRate * 10];
        var rng = new Random(2);
        for (int i = 0; i < _x.Length; i++) _x[i] = (float)(rng.NextDouble() - 0.5);
        _y = new float[_rs.OutputLength(_x.Length)];
    }

    [Benchmark]
    public void To16k() => _rs.Process(_x, _y);
}
