using BenchmarkDotNet.Attributes;
using EdgeTok.Audio.Lyra;
using EdgeTok.Runtime.TfLite;

namespace EdgeTok.Benchmarks;

/// <summary>
/// Lyra v2 per 20 ms frame, single thread: encoder, quantizer (encode at 46 levels, decode), decoder,
/// and the full chain. The reference runtime (LiteRT, XNNPack, 1 thread) takes 1.39 ms per frame for
/// the chain on the team's 2-core machine (encoder 0.27, quantizer 0.25 + 0.10, decoder 0.74 ms).
/// Models are read from <c>$EDGETOK_MODEL_PATH/lyra-v2</c> or <c>../shared/models/lyra-v2</c>.
/// </summary>
[MemoryDiagnoser]
public class LyraBenchmarks
{
    private LyraCodec _codec = null!;
    private TfLiteExecution _enc = null!, _dec = null!;
    private LyraEncoderStream _encStream = null!;
    private LyraDecoderStream _decStream = null!;
    private readonly float[] _frame = new float[LyraCodec.FrameSamples];
    private readonly float[] _features = new float[LyraCodec.FeatureDimension];
    private readonly float[] _pcm = new float[LyraCodec.FrameSamples];
    private readonly int[] _codes = new int[46];

    /// <summary>Loads the models and primes the streams with a speech-like signal.</summary>
    [GlobalSetup]
    public void Setup()
    {
        string dir = Environment.GetEnvironmentVariable("EDGETOK_MODEL_PATH") is { Length: > 0 } p
            ? Path.Combine(p, "lyra-v2")
            : FindShared();
        _codec = LyraCodec.Load(dir);
        _enc = _codec.EncoderGraph.CreateExecution();
        _dec = _codec.DecoderGraph.CreateExecution();
        _encStream = _codec.CreateEncoder(46);
        _decStream = _codec.CreateDecoder();
        var rng = new Random(1);
        for (int i = 0; i < _frame.Length; i++) _frame[i] = 0.1f * MathF.Sin(i * 0.07f) + 0.01f * (float)(rng.NextDouble() - 0.5);
        for (int i = 0; i < 10; i++) ChainFrame();
    }

    private static string FindShared()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "EdgeTok.sln"))) d = d.Parent;
        return Path.Combine(d?.FullName ?? ".", "..", "shared", "models", "lyra-v2");
    }

    /// <summary>Encoder graph, one frame.</summary>
    [Benchmark]
    public void Encoder()
    {
        _frame.AsSpan().CopyTo(_enc.Float(_codec.EncoderInput));
        _enc.Invoke();
    }

    /// <summary>Quantizer encode at 46 levels (9.2 kbps), one frame.</summary>
    [Benchmark]
    public void QuantizeEncode() => _codec.Quantizer.Encode(_enc.Float(_codec.EncoderOutput).AsSpan(0, 64), 46, _codes);

    /// <summary>Quantizer decode, one frame.</summary>
    [Benchmark]
    public void QuantizeDecode() => _codec.Quantizer.Decode(_codes, _features);

    /// <summary>Decoder graph, one frame.</summary>
    [Benchmark]
    public void Decoder()
    {
        _features.AsSpan().CopyTo(_dec.Float(_codec.DecoderInput));
        _dec.Invoke();
    }

    /// <summary>The full chain through the public streaming API: PCM → codes → PCM, one frame.</summary>
    [Benchmark(Baseline = true)]
    public int ChainFrame()
    {
        _encStream.Push(_frame);
        _encStream.ReadFrames(_codes);
        _decStream.Push(_codes);
        return _decStream.ReadSamples(_pcm);
    }
}
