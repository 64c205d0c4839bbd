using BenchmarkDotNet.Attributes;
using EdgeTok.Audio.Quantization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeTok.Benchmarks;

/// <summary>
/// SNAC 24 kHz quantizer (3 factorized levels, 4096 codewords of 8 dims, latent 768, strides 4/2/1) on
/// 10 s of a random latent (468 frames at 46.875 Hz): native encode vs the exported quantizer graph
/// (<c>quantize_encodings.onnx</c>) in ONNX Runtime, single thread. Weights come from
/// <c>../shared/models/snac-24k-quantizer</c> (the repository's manifest names the tensors).
/// </summary>
[MemoryDiagnoser]
public class SnacQuantizerBenchmarks
{
    private const int D = 768, T = 468, Levels = 3;
    private FactorizedVectorQuantizer _fvq = null!;
    private QuantizerWorkspace _ws = null!;
    private InferenceSession _session = null!;
    private float[] _latent = [];
    private float[] _channelMajor = [];
    private readonly int[] _codes = new int[T * Levels];

    [GlobalSetup]
    public void Setup()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "EdgeTok.sln"))) root = root.Parent;
        string repo = root?.FullName ?? ".";
        string folder = Path.Combine(repo, "..", "shared", "models", "snac-24k-quantizer");
        _fvq = LatentQuantizer.Load(Path.Combine(repo, "models", "snac-24k-quantizer", "edgetok.json"), folder).AsFactorized!;
        _ws = new QuantizerWorkspace();
        var rng = new Random(1);
        _latent = new float[T * D];
        for (int i = 0; i < _latent.Length; i++) _latent[i] = (float)(rng.NextDouble() * 2 - 1);
        _channelMajor = new float[D * T];
        for (int t = 0; t < T; t++)
            for (int i = 0; i < D; i++) _channelMajor[i * T + t] = _latent[t * D + i];
        _session = new InferenceSession(Path.Combine(folder, "quantize_encodings.onnx"),
            new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL });
        Native();
        OnnxRuntime();
    }

    [GlobalCleanup]
    public void Cleanup() => _session.Dispose();

    /// <summary>Native factorized encode, all three levels.</summary>
    [Benchmark(Baseline = true)]
    public int Native()
    {
        _fvq.Encode(_latent, T, _codes, Levels, _ws);
        return _codes[^1];
    }

    /// <summary>The exported SNAC quantizer graph.</summary>
    [Benchmark]
    public int OnnxRuntime()
    {
        var z = new DenseTensor<float>(_channelMajor, [1, D, T]);
        using var results = _session.Run([NamedOnnxValue.CreateFromTensor("z", z)]);
        return results.Count;
    }
}
