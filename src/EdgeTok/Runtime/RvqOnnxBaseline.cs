using System.Numerics.Tensors;
using EdgeTok.IO.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace EdgeTok.Runtime;

/// <summary>
/// The RVQ encode as an ONNX Runtime graph, for side-by-side benchmarks: the same search, written the
/// way an exported model does it. Per level: <c>Gemm(r, −2·Cᵀ, ||c||²)</c> gives the scores
/// ||c_k||² − 2·r·c_k in one MLAS GEMM with the bias fused (the factor −2 is folded into the codebook,
/// exact in float32), <c>ArgMin</c> picks the first minimum, <c>Gather</c> + <c>Sub</c> update the
/// residual; the codes are concatenated to [frames, levels] int64. (An earlier MatMul → Mul 2 → Sub
/// form does the same work in more passes over the score block.) The session runs on
/// <c>threads</c> intra-op threads, one inter-op thread, sequential execution.
/// </summary>
internal sealed class RvqOnnxBaseline : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly int _frames, _dim, _levels;

    public RvqOnnxBaseline(ReadOnlySpan<float> codebooks, int levels, int bins, int dim, int frames, int threads)
    {
        _frames = frames;
        _dim = dim;
        _levels = levels;
        var g = new OnnxGraphBuilder("rvq_encode")
            .AddInput("x", OnnxDataType.Float, (long)frames, (long)dim)
            .AddOutput("codes", OnnxDataType.Int64, (long)frames, (long)levels)
            .AddInitializer("axis1", [1], [1L]);
        string r = "x";
        var columns = new string[levels];
        for (int q = 0; q < levels; q++)
        {
            var cb = codebooks.Slice(q * bins * dim, bins * dim);
            var scaledT = new float[dim * bins];
            var norms = new float[bins];
            for (int k = 0; k < bins; k++)
            {
                var c = cb.Slice(k * dim, dim);
                norms[k] = TensorPrimitives.Dot(c, c);
                for (int i = 0; i < dim; i++) scaledT[i * bins + k] = -2f * c[i];
            }
            g.AddInitializer($"scores_w{q}", [dim, bins], scaledT)
             .AddInitializer($"norms{q}", [bins], norms)
             .AddNode("Gemm", [r, $"scores_w{q}", $"norms{q}"], [$"scores{q}"])
             .AddNode("ArgMin", [$"scores{q}"], [$"idx{q}"], ("axis", 1), ("keepdims", 0), ("select_last_index", 0))
             .AddNode("Unsqueeze", [$"idx{q}", "axis1"], [$"col{q}"]);
            columns[q] = $"col{q}";
            if (q + 1 < levels)
            {
                g.AddInitializer($"cb{q}", [bins, dim], cb)
                 .AddNode("Gather", [$"cb{q}", $"idx{q}"], [$"cw{q}"], ("axis", 0))
                 .AddNode("Sub", [r, $"cw{q}"], [$"res{q + 1}"]);
                r = $"res{q + 1}";
            }
        }
        g.AddNode("Concat", columns, ["codes"], ("axis", 1));
        using var so = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(g.ToBytes(), so);
    }

    /// <summary>Encodes latent [frames, dim] into codes [frames, levels].</summary>
    public void Encode(float[] latent, Span<int> codes)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(latent, [_frames, _dim]);
        using var results = _session.Run(_runOptions, ["x"], [input], ["codes"]);
        var c = results[0].GetTensorDataAsSpan<long>();
        for (int i = 0; i < _frames * _levels; i++) codes[i] = (int)c[i];
    }

    public void Dispose()
    {
        _session.Dispose();
        _runOptions.Dispose();
    }
}
