using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using EdgeTok.Audio.Quantization;
using EdgeTok.IO.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace EdgeTok.Benchmarks;

/// <summary>
/// RVQ encode at the EnCodec 24 kHz shape: 32 levels × 1024 codewords × 128 dims, 750 frames
/// (10 s at 75 Hz). Native GEMM-shaped search vs the same search as an ONNX Runtime graph built
/// here with the wire-format writer (per level: MatMul → Mul 2 → Sub from the codeword norms →
/// ArgMin → Gather → Sub; codes Unsqueeze+Concat to [T, 32]), vs a per-codeword Dot loop. All
/// single-threaded. Setup checks that the three agree on every code.
/// </summary>
[MemoryDiagnoser]
public class RvqBenchmarks
{
    private const int Levels = 32, K = 1024, D = 128, Frames = 750;

    private float[] _codebooks = [];
    private float[] _latent = [];
    private int[] _codes = [];
    private ResidualVectorQuantizer _rvq = null!;
    private QuantizerWorkspace _ws = null!;
    private InferenceSession _session = null!;
    private OrtValue _input = null!;
    private RunOptions _runOptions = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        _codebooks = new float[Levels * K * D];
        for (int q = 0; q < Levels; q++)
        {
            float scale = MathF.Pow(0.8f, q);
            for (int i = 0; i < K * D; i++) _codebooks[q * K * D + i] = Gauss(rng) * scale;
        }
        _latent = new float[Frames * D];
        for (int i = 0; i < _latent.Length; i++) _latent[i] = Gauss(rng) * 1.5f;
        _codes = new int[Frames * Levels];
        _rvq = new ResidualVectorQuantizer(_codebooks, Levels, K, D);
        _ws = new QuantizerWorkspace();

        _session = new InferenceSession(BuildGraph(), new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL });
        _input = OrtValue.CreateTensorValueFromMemory(_latent, [Frames, D]);
        _runOptions = new RunOptions();

        Native();
        var native = (int[])_codes.Clone();
        var ort = OnnxRuntime();
        NaiveDotLoop();
        int ortDiff = 0, naiveDiff = 0;
        for (int i = 0; i < native.Length; i++)
        {
            if (ort[i] != native[i]) ortDiff++;
            if (_codes[i] != native[i]) naiveDiff++;
        }
        Console.WriteLine($"// RVQ check: ORT graph differs from native on {ortDiff}/{native.Length} codes, naive loop on {naiveDiff}");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _input.Dispose();
        _session.Dispose();
        _runOptions.Dispose();
    }

    /// <summary>EdgeTok's native RVQ: one GEMM per level per 64-frame block.</summary>
    [Benchmark(Baseline = true)]
    public int Native()
    {
        _rvq.Encode(_latent, Frames, _codes, Levels, _ws);
        return _codes[^1];
    }

    /// <summary>The same search as an ONNX Runtime graph (MatMul + ArgMin per level).</summary>
    [Benchmark]
    public long[] OnnxRuntime()
    {
        using var r = _session.Run(_runOptions, ["x"], [_input], ["codes"]);
        return r[0].GetTensorDataAsSpan<long>().ToArray();
    }

    /// <summary>Per-frame, per-codeword <c>TensorPrimitives.Dot</c> loop (the pre-GEMM design).</summary>
    [Benchmark]
    public int NaiveDotLoop()
    {
        var r = new float[D];
        for (int t = 0; t < Frames; t++)
        {
            _latent.AsSpan(t * D, D).CopyTo(r);
            for (int q = 0; q < Levels; q++)
            {
                var cb = _codebooks.AsSpan(q * K * D, K * D);
                int best = 0;
                float bestD = float.MaxValue;
                for (int k = 0; k < K; k++)
                {
                    var c = cb.Slice(k * D, D);
                    float d = TensorPrimitives.Dot(c, c) - 2 * TensorPrimitives.Dot(c, r);
                    if (d < bestD) { bestD = d; best = k; }
                }
                _codes[t * Levels + q] = best;
                TensorPrimitives.Subtract(r, cb.Slice(best * D, D), r);
            }
        }
        return _codes[^1];
    }

    private byte[] BuildGraph()
    {
        var g = new OnnxGraphBuilder("rvq_encode")
            .AddInput("x", OnnxDataType.Float, (long)Frames, (long)D)
            .AddOutput("codes", OnnxDataType.Int64, (long)Frames, (long)Levels)
            .AddInitializer("two", [], [2f])
            .AddInitializer("axis1", [1], [1L]);
        string r = "x";
        var unsq = new string[Levels];
        for (int q = 0; q < Levels; q++)
        {
            var cb = _codebooks.AsSpan(q * K * D, K * D);
            var cbT = new float[D * K];
            var norms = new float[K];
            for (int k = 0; k < K; k++)
            {
                norms[k] = TensorPrimitives.Dot(cb.Slice(k * D, D), cb.Slice(k * D, D));
                for (int i = 0; i < D; i++) cbT[i * K + k] = cb[k * D + i];
            }
            g.AddInitializer($"cb{q}", [K, D], cb)
             .AddInitializer($"cbT{q}", [D, K], cbT)
             .AddInitializer($"n{q}", [1, K], norms)
             .AddNode("MatMul", [r, $"cbT{q}"], [$"dot_{q}"])
             .AddNode("Mul", [$"dot_{q}", "two"], [$"dbl_{q}"])
             .AddNode("Sub", [$"n{q}", $"dbl_{q}"], [$"dist_{q}"])
             .AddNode("ArgMin", [$"dist_{q}"], [$"idx_{q}"], ("axis", 1), ("keepdims", 0), ("select_last_index", 0))
             .AddNode("Unsqueeze", [$"idx_{q}", "axis1"], [$"col_{q}"]);
            unsq[q] = $"col_{q}";
            if (q + 1 < Levels)
            {
                g.AddNode("Gather", [$"cb{q}", $"idx_{q}"], [$"cw_{q}"], ("axis", 0))
                 .AddNode("Sub", [r, $"cw_{q}"], [$"res_{q + 1}"]);
                r = $"res_{q + 1}";
            }
        }
        g.AddNode("Concat", unsq, ["codes"], ("axis", 1));
        return g.ToBytes();
    }

    private static float Gauss(Random rng) =>
        (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
}
