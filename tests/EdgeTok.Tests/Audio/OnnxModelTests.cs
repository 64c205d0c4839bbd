using EdgeTok.IO.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeTok.Tests.Audio;

/// <summary>The ONNX wire-format reader on real exported graphs, on graphs it writes itself, and on broken bytes.</summary>
public class OnnxModelTests
{
    [Fact]
    public void Reads_the_snac_quantizer_graph_signature_initializers_and_constants()
    {
        var m = OnnxModel.Open(AudioGolden.Snac("quantize_encodings.onnx"));
        Assert.Equal(17, m.OpsetImports[""]);
        Assert.Equal("pytorch", m.ProducerName);
        var z = Assert.Single(m.Inputs);
        Assert.Equal(("z", OnnxDataType.Float, "[B, 768, T_b]"), (z.Name, z.ElementType, z.ShapeText));
        Assert.Equal(["codes_0", "codes_1", "codes_2"], m.Outputs.Select(o => o.Name));
        Assert.All(m.Outputs, o => Assert.Equal(OnnxDataType.Int64, o.ElementType));
        var cb = m.GetTensor("model.quantizer.quantizers.0.codebook.weight");
        Assert.Equal([4096L, 8], cb.Dims);
        Assert.Equal(4096 * 8, cb.ToFloat32().Length);
        // Weights referenced through a node input (exporter-generated names).
        var conv = m.Nodes.Single(n => n.Name == "/quantizer/quantizers.0/in_proj/Conv");
        Assert.Equal([8L, 768, 1], m.GetTensor(conv.Inputs[1]).Dims);
        Assert.Equal([1L], conv.IntListAttributes["kernel_shape"]);
        // A Constant node's value is reachable by its output name.
        Assert.Equal(1e-12f, Assert.Single(m.GetTensor("/quantizer/quantizers.0/Constant_4_output_0").ToFloat32()));
        Assert.Equal(StatusCode.NotFound, Assert.Throws<EdgeTokException>(() => m.GetTensor("nope")).Status);
    }

    [Fact]
    public void Reads_the_encodec_graphs()
    {
        var enc = OnnxModel.Open(AudioGolden.Encodec("encoder.onnx"));
        Assert.Equal("wav", Assert.Single(enc.Inputs).Name);
        Assert.Equal("emb", Assert.Single(enc.Outputs).Name);
        Assert.Contains(enc.Nodes, n => n.OpType == "LSTM");
        var rvq = OnnxModel.Open(AudioGolden.Encodec("rvq_encode_nq8.onnx"));
        Assert.Equal(OnnxDataType.Int64, Assert.Single(rvq.Outputs).ElementType);
    }

    [Fact]
    public void Written_graph_round_trips_and_runs_in_onnx_runtime()
    {
        float[] w = [1, 2, 3, 4, 5, 6];
        var bytes = new OnnxGraphBuilder("g")
            .AddInput("x", OnnxDataType.Float, "n", 3L)
            .AddOutput("y", OnnxDataType.Float, "n", 2L)
            .AddOutput("i", OnnxDataType.Int64, "n")
            .AddInitializer("w", [3, 2], w)
            .AddNode("MatMul", ["x", "w"], ["y"])
            .AddNode("ArgMin", ["y"], ["i"], ("axis", 1), ("keepdims", 0))
            .ToBytes();
        var m = OnnxModel.Parse(bytes, "built");
        Assert.Equal("x", Assert.Single(m.Inputs).Name);
        Assert.Equal([null, 3L], m.Inputs[0].Dims);
        Assert.Equal(w, m.GetTensor("w").ToFloat32());
        Assert.Equal(1, m.Nodes[1].IntAttributes["axis"]);

        using var s = new InferenceSession(bytes);
        var x = new DenseTensor<float>(new float[] { 1, 0, 0, 0, 0, -1 }, [2, 3]);
        using var r = s.Run([NamedOnnxValue.CreateFromTensor("x", x)]);
        Assert.Equal([1f, 2, -5, -6], r.First(v => v.Name == "y").AsTensor<float>().ToArray());
        Assert.Equal([0L, 1], r.First(v => v.Name == "i").AsTensor<long>().ToArray());
    }

    [Fact]
    public void Broken_bytes_are_invalid_format()
    {
        var good = File.ReadAllBytes(AudioGolden.Encodec("rvq_encode_nq8.onnx"));
        foreach (var bad in new[] { good[..(good.Length / 2)], new byte[] { 0x0A, 0xFF }, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF }, new byte[] { 8, 1 } })
            Assert.Equal(StatusCode.InvalidFormat, Assert.Throws<EdgeTokException>(() => OnnxModel.Parse(bad, "bad")).Status);
        Assert.Equal(StatusCode.InvalidFormat, Assert.Throws<EdgeTokException>(() => OnnxModel.Parse([], "empty")).Status);
        Assert.Equal(StatusCode.NotFound, Assert.Throws<EdgeTokException>(() => OnnxModel.Open("/nonexistent.onnx")).Status);
        // Forged shapes: impossibly large, or data that does not match the shape.
        var huge = new OnnxGraphBuilder("g").AddInitializer("w", [1L << 40, 1L << 40], [1f]).ToBytes();
        Assert.Contains("impossibly large", Assert.Throws<EdgeTokException>(() => OnnxModel.Parse(huge, "huge")).Message);
        var shortData = new OnnxGraphBuilder("g").AddInitializer("w", [3, 2], [1f, 2f]).ToBytes();
        Assert.Contains("needs 24 bytes", Assert.Throws<EdgeTokException>(() => OnnxModel.Parse(shortData, "short")).Message);
    }
}
