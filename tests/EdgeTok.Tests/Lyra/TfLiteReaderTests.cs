using System.Buffers.Binary;
using EdgeTok.IO.TfLite;
using EdgeTok.Runtime.TfLite;

namespace EdgeTok.Tests.Lyra;

public sealed class TfLiteReaderTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static string Model(string name) => Path.Combine(LyraGolden.ModelDir, name);

    [Fact]
    public void Reads_graphs_signatures_and_operator_codes_above_127()
    {
        var m = TfLiteModel.Load(Model("soundstream_encoder.tflite"));
        Assert.Equal(3u, m.Version);
        Assert.Equal(2, m.SubGraphs.Count);
        Assert.Equal("main", m.SubGraphs[0].Name);
        Assert.Equal("NoOp", m.SubGraphs[1].Name);
        Assert.Equal(211, m.SubGraphs[0].Tensors.Length);
        Assert.Equal(152, m.SubGraphs[0].Operators.Length);
        var sig = m.Signature("serving_default");
        Assert.Equal("serving_default_input_audio:0", m.SubGraphs[0].Tensors[sig.Input("input_audio")].Name);
        Assert.Equal([1, 320], m.SubGraphs[0].Tensors[sig.Input("input_audio")].Shape);
        var hist = m.SubGraphs[0].Operators.GroupBy(o => o.OpName).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(23, hist["CONV_2D"]);
        Assert.Equal(14, hist["VAR_HANDLE"]);
        Assert.Equal(14, hist["READ_VARIABLE"]);
        Assert.Equal(14, hist["ASSIGN_VARIABLE"]);
        Assert.Equal(1, hist["CALL_ONCE"]);
        Assert.Equal(9, hist["DEPTHWISE_CONV_2D"]);
        // Per-channel int8 weights.
        var w = m.SubGraphs[0].Tensors.First(t => t.Type == TfLiteTensorType.Int8 && t.IsConstant && t.Scale.Length > 1);
        Assert.Equal(w.Shape[w.QuantizedDimension], w.Scale.Length);

        var dec = TfLiteModel.Load(Model("lyragan.tflite"));
        Assert.Equal(8, dec.SubGraphs[0].Operators.Count(o => o.OpName == "TRANSPOSE_CONV"));
        var q = TfLiteModel.Load(Model("quantizer.tflite"));
        Assert.Equal(["decode", "encode"], q.Signatures.Select(s => s.Key).Order().ToArray());
    }

    [Fact]
    public void Graphs_plan_with_the_expected_state()
    {
        var enc = TfLiteGraph.Create(TfLiteModel.Load(Model("soundstream_encoder.tflite")), "serving_default");
        var dec = TfLiteGraph.Create(TfLiteModel.Load(Model("lyragan.tflite")), "serving_default");
        Assert.Equal(14, enc.VariableInit.Length);
        Assert.Equal(18, dec.VariableInit.Length);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(64)]
    [InlineData(1000)]
    [InlineData(100_000)]
    [InlineData(-2)]      // half
    [InlineData(-1)]      // all but the last 4 KiB
    public void Truncated_file_is_invalid_format(int size)
    {
        var bytes = File.ReadAllBytes(Model("soundstream_encoder.tflite"));
        int n = size == -2 ? bytes.Length / 2 : size == -1 ? bytes.Length - 4096 : size;
        var e = Assert.Throws<EdgeTokException>(() =>
        {
            var m = TfLiteModel.Parse(bytes[..n], "enc.tflite");
            TfLiteGraph.Create(m, "serving_default");
        });
        Assert.Equal(StatusCode.InvalidFormat, e.Status);
        Assert.Contains("enc.tflite", e.Message);
    }

    [Fact]
    public void Foreign_file_is_invalid_format()
    {
        var e = Assert.Throws<EdgeTokException>(() => TfLiteModel.Load(Path.Combine(LyraGolden.ModelDir, "LICENSE")));
        Assert.Equal(StatusCode.InvalidFormat, e.Status);
        Assert.Contains("expected 'TFL3'", e.Message);
        Assert.Equal(StatusCode.NotFound, Assert.Throws<EdgeTokException>(() => TfLiteModel.Load(Model("missing.tflite"))).Status);
    }

    [Fact]
    public void Unsupported_op_is_named()
    {
        // Rewrite the LEAKY_RELU operator code of the encoder into SOFTMAX (25), which the executor lacks.
        var bytes = File.ReadAllBytes(Model("soundstream_encoder.tflite"));
        var root = FlatBufferTable.Root(bytes, "Model");
        bool patched = false;
        foreach (var code in root.GetTableVector(1, "operator_codes"))
        {
            if (code.GetInt32(3) != 98 && code.GetSByte(0) != 98) continue;
            if (code.FieldPosition(0) != 0) bytes[code.FieldPosition(0)] = 25;
            if (code.FieldPosition(3) != 0) BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(code.FieldPosition(3)), 25);
            patched = true;
        }
        Assert.True(patched);
        var m = TfLiteModel.Parse(bytes, "patched.tflite");
        var e = Assert.Throws<EdgeTokException>(() => TfLiteGraph.Create(m, "serving_default"));
        Assert.Equal(StatusCode.Unsupported, e.Status);
        Assert.Contains("SOFTMAX", e.Message);
    }

    [Fact]
    public void Corrupted_bytes_give_an_EdgeTokException_or_a_valid_model_never_a_crash()
    {
        var original = File.ReadAllBytes(Model("lyragan.tflite"));
        var rng = new Random(1234);
        int failures = 0;
        for (int trial = 0; trial < 40; trial++)
        {
            var bytes = (byte[])original.Clone();
            // The subgraph, tensor and operator tables fill the last ~110 KB of this file; the buffer
            // tables are interleaved with the weights from the start.
            for (int j = 0; j < 3; j++)
            {
                int pos = rng.Next(4) == 0 ? rng.Next(4096) : bytes.Length - 1 - rng.Next(120 * 1024);
                bytes[pos] = (byte)rng.Next(256);
            }
            try
            {
                var m = TfLiteModel.Parse(bytes, "fuzz.tflite");
                TfLiteGraph.Create(m, "serving_default").CreateExecution().Invoke();
            }
            catch (EdgeTokException)
            {
                failures++;
            }
        }
        output.WriteLine($"{failures}/40 corrupted files rejected with EdgeTokException, the rest still valid");
        Assert.True(failures > 0);
    }

    [Fact]
    public void Corrupted_quantizer_file_never_crashes()
    {
        var original = File.ReadAllBytes(Model("quantizer.tflite"));
        var rng = new Random(99);
        int rejected = 0;
        var codes = new int[46];
        var feats = new float[64];
        for (int trial = 0; trial < 100; trial++)
        {
            var bytes = (byte[])original.Clone();
            for (int j = 0; j < 3; j++) bytes[bytes.Length - 1 - rng.Next(bytes.Length / 2)] = (byte)rng.Next(256);
            try
            {
                var q = EdgeTok.Audio.Lyra.LyraQuantizer.FromModel(TfLiteModel.Parse(bytes, "q.tflite"));
                q.Encode(feats, q.Levels, codes);
                q.Decode(codes, feats);
            }
            catch (EdgeTokException)
            {
                rejected++;
            }
        }
        output.WriteLine($"{rejected}/100 corrupted quantizer files rejected with EdgeTokException");
    }
}
