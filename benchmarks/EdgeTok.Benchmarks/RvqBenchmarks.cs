using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using EdgeTok.Audio.Quantization;
using EdgeTok.Runtime;

namespace EdgeTok.Benchmarks;

/// <summary>
/// Euclidean RVQ encode of 10 s of latent frames at the codec shapes: EnCodec 24 kHz (32 levels × 1024
/// codewords × 128 dims, 750 frames at 75 Hz) and Lyra v2 (46 × 16 × 64, 500 frames at 50 Hz), on
/// seeded random codebooks (scaled 0.8^level) and latents. Native search as the SDK runs it (8-bit
/// screened on AVX-VNNI CPUs for EnCodec's 1024 codewords, the small-codebook search for Lyra's 16) vs the
/// float32 search forced, vs the same search as an ONNX Runtime graph (<see cref="RvqOnnxBaseline"/>:
/// Gemm + ArgMin + Gather + Sub per level) vs a per-codeword Dot loop. All single-threaded. Setup prints
/// how many codes they agree on.
/// </summary>
[MemoryDiagnoser]
public class RvqBenchmarks
{
    private float[] _codebooks = [];
    private float[] _latent = [];
    private int[] _codes = [];
    private int _levels, _k, _d, _frames;
    private ResidualVectorQuantizer _rvq = null!;
    private ResidualVectorQuantizer _rvqFloat32 = null!;
    private QuantizerWorkspace _ws = null!;
    private RvqOnnxBaseline _onnx = null!;

    /// <summary>Levels × codewords × dims, frames.</summary>
    [Params("EnCodec 32x1024x128 T750", "Lyra 46x16x64 T500")]
    public string Shape { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        (_levels, _k, _d, _frames) = Shape.StartsWith("EnCodec", StringComparison.Ordinal) ? (32, 1024, 128, 750) : (46, 16, 64, 500);
        var rng = new Random(1);
        _codebooks = new float[_levels * _k * _d];
        for (int q = 0; q < _levels; q++)
        {
            float scale = MathF.Pow(0.8f, q);
            for (int i = 0; i < _k * _d; i++) _codebooks[q * _k * _d + i] = Gauss(rng) * scale;
        }
        _latent = new float[_frames * _d];
        for (int i = 0; i < _latent.Length; i++) _latent[i] = Gauss(rng) * 1.5f;
        _codes = new int[_frames * _levels];
        _rvq = new ResidualVectorQuantizer(_codebooks, _levels, _k, _d);
        _rvqFloat32 = new ResidualVectorQuantizer(_codebooks, _levels, _k, _d, screening: false);
        _ws = new QuantizerWorkspace();
        _onnx = new RvqOnnxBaseline(_codebooks, _levels, _k, _d, _frames, threads: 1);

        Native();
        var native = (int[])_codes.Clone();
        NativeFloat32();
        int f32Diff = Diff(native);
        OnnxRuntime();
        int ortDiff = Diff(native);
        NaiveDotLoop();
        int naiveDiff = Diff(native);
        Console.WriteLine($"// RVQ check ({Shape}, native search {(_rvq.Screened ? "screened-int8" : _rvq.UsesSmallCodebookSearch ? "small-codebook" : "float32")}): float32 search differs on {f32Diff}/{native.Length} codes, ORT graph on {ortDiff}, naive loop on {naiveDiff}");
    }

    [GlobalCleanup]
    public void Cleanup() => _onnx.Dispose();

    /// <summary>EdgeTok's native RVQ as the SDK runs it: screened (EnCodec, on AVX-VNNI), small-codebook (Lyra).</summary>
    [Benchmark(Baseline = true)]
    public int Native()
    {
        _rvq.Encode(_latent, _frames, _codes, _levels, _ws);
        return _codes[^1];
    }

    /// <summary>The fused float32 panel search, also where the 8-bit screened search would run.</summary>
    [Benchmark]
    public int NativeFloat32()
    {
        _rvqFloat32.Encode(_latent, _frames, _codes, _levels, _ws);
        return _codes[^1];
    }

    /// <summary>The same search as an ONNX Runtime graph.</summary>
    [Benchmark]
    public int OnnxRuntime()
    {
        _onnx.Encode(_latent, _codes);
        return _codes[^1];
    }

    /// <summary>Per-frame, per-codeword <c>TensorPrimitives.Dot</c> loop (the pre-GEMM design).</summary>
    [Benchmark]
    public int NaiveDotLoop()
    {
        int d = _d, k = _k;
        Span<float> r = stackalloc float[d];
        for (int t = 0; t < _frames; t++)
        {
            _latent.AsSpan(t * d, d).CopyTo(r);
            for (int q = 0; q < _levels; q++)
            {
                var cb = _codebooks.AsSpan(q * k * d, k * d);
                int best = 0;
                float bestD = float.MaxValue;
                for (int j = 0; j < k; j++)
                {
                    var c = cb.Slice(j * d, d);
                    float dist = TensorPrimitives.Dot(c, c) - 2 * TensorPrimitives.Dot(c, r);
                    if (dist < bestD) { bestD = dist; best = j; }
                }
                _codes[t * _levels + q] = best;
                TensorPrimitives.Subtract(r, cb.Slice(best * d, d), r);
            }
        }
        return _codes[^1];
    }

    private int Diff(int[] reference)
    {
        int n = 0;
        for (int i = 0; i < reference.Length; i++) if (_codes[i] != reference[i]) n++;
        return n;
    }

    private static float Gauss(Random rng) =>
        (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
}
