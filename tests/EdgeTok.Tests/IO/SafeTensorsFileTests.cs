using System.Text;
using EdgeTok.IO;
using EdgeTok.IO.SafeTensors;

namespace EdgeTok.Tests.IO;

public class SafeTensorsFileTests
{
    private static string KairosWeights => TestPaths.SharedPath("golden", "kairos-10m", "model.safetensors");

    [Fact]
    public void Kairos_10m_checkpoint_matches_state_dict_shapes()
    {
        using var st = SafeTensorsFile.Open(KairosWeights);
        var expected = File.ReadAllLines(TestPaths.SharedPath("golden", "kairos-10m", "state_dict_shapes.tsv"))
            .Where(l => l.Length > 0)
            .Select(l => l.Split('\t'))
            .ToDictionary(p => p[0], p => p[1]);
        Assert.Equal(187, st.Tensors.Count);
        Assert.Equal(expected.Count, st.Tensors.Count);
        long elements = 0;
        foreach (var t in st.Tensors)
        {
            Assert.True(expected.TryGetValue(t.Name, out var shape), $"unexpected tensor {t.Name}");
            Assert.Equal(shape, t.ShapeText);
            Assert.Equal(TensorDType.Float32, t.DType);
            elements += t.ElementCount;
        }
        Assert.Equal(9_945_477, elements);
        Assert.Equal("pt", st.Metadata["format"]);
        // Zero-copy view and converted copy agree.
        var name = "patch.moe.gate.bias";
        var view = st.GetFloat32View(name);
        Assert.Equal([0.10f, -0.05f, 0.00f, 0.20f, -0.10f], view.ToArray());
        Assert.Equal(view.ToArray(), st.ReadFloat32(name, 5));
    }

    [Fact]
    public void Wrong_expected_shape_names_tensor_and_shapes()
    {
        using var st = SafeTensorsFile.Open(KairosWeights);
        var ex = Assert.Throws<EdgeTokException>(() => st.ReadFloat32("patch.moe.gate.bias", 6));
        Assert.Contains("patch.moe.gate.bias", ex.Message);
        Assert.Contains("[5]", ex.Message);
        Assert.Equal(StatusCode.NotFound, Assert.Throws<EdgeTokException>(() => st.Info("no.such.tensor")).Status);
    }

    [Fact]
    public void Round_trip_with_all_dtypes()
    {
        var dir = TestPaths.TempDir();
        var path = Path.Combine(dir, "t.safetensors");
        var half = new byte[4];
        BitConverter.TryWriteBytes(half.AsSpan(0), BitConverter.HalfToUInt16Bits((Half)1.5f));
        BitConverter.TryWriteBytes(half.AsSpan(2), BitConverter.HalfToUInt16Bits((Half)(-2f)));
        var bf = new byte[] { 0xC0, 0x3F, 0x00, 0xC0 }; // 1.5, -2.0 as bfloat16
        SafeTensorsWriter.Write(path, [
            SafeTensorsWriter.Float32("f32", [1f, 2f, 3f, 4f, 5f, 6f], 2, 3),
            new("f16", TensorDType.Float16, [2], half),
            new("bf16", TensorDType.BFloat16, [2], bf),
            new("i64", TensorDType.Int64, [2], BitConverter.GetBytes(7L).Concat(BitConverter.GetBytes(-9L)).ToArray()),
            new("i32", TensorDType.Int32, [1], BitConverter.GetBytes(42)),
            new("u8", TensorDType.UInt8, [3], new byte[] { 1, 2, 255 }),
        ], new Dictionary<string, string> { ["format"] = "pt" });
        using var st = SafeTensorsFile.Open(path);
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], st.ReadFloat32("f32", 2, 3));
        Assert.Equal([1.5f, -2f], st.ReadFloat32("f16"));
        Assert.Equal([1.5f, -2f], st.ReadFloat32("bf16"));
        Assert.Equal([7f, -9f], st.ReadFloat32("i64"));
        Assert.Equal([42f], st.ReadFloat32("i32"));
        Assert.Equal([1f, 2f, 255f], st.ReadFloat32("u8"));
    }

    private static string WriteRaw(byte[] bytes)
    {
        var path = Path.Combine(TestPaths.TempDir(), "bad.safetensors");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] Build(string json, int dataBytes, ulong? lengthOverride = null)
    {
        var h = Encoding.UTF8.GetBytes(json);
        var b = new byte[8 + h.Length + dataBytes];
        BitConverter.TryWriteBytes(b.AsSpan(0, 8), lengthOverride ?? (ulong)h.Length);
        h.CopyTo(b, 8);
        return b;
    }

    [Theory]
    [InlineData("header length", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4, 1_000_000UL)]
    [InlineData("not valid JSON", "{\"a\":{\"dtype\":\"F32\",", 4, null)]
    [InlineData("unsupported dtype 'Q7'", "{\"a\":{\"dtype\":\"Q7\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4, null)]
    [InlineData("run past", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4, null)]
    [InlineData("needs 8 bytes", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", 8, null)]
    [InlineData("overlap", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, null)]
    [InlineData("invalid data_offsets", "{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,4]}}", 8, null)]
    [InlineData("invalid dimension", "{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4, null)]
    [InlineData("must be a JSON object", "[1,2,3]", 0, null)]
    public void Corrupt_headers_are_rejected_with_a_precise_message(string expected, string json, int dataBytes, ulong? lengthOverride)
    {
        var path = WriteRaw(Build(json, dataBytes, lengthOverride));
        var ex = Assert.Throws<EdgeTokException>(() => SafeTensorsFile.Open(path));
        Assert.Equal(StatusCode.InvalidFormat, ex.Status);
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void Truncated_real_checkpoint_is_rejected()
    {
        var bytes = File.ReadAllBytes(KairosWeights);
        var path = WriteRaw(bytes[..(bytes.Length / 2)]);
        var ex = Assert.Throws<EdgeTokException>(() => SafeTensorsFile.Open(path));
        Assert.Contains("run past", ex.Message);
        var tiny = WriteRaw([1, 2, 3]);
        Assert.Equal(StatusCode.InvalidFormat, Assert.Throws<EdgeTokException>(() => SafeTensorsFile.Open(tiny)).Status);
        Assert.Equal(StatusCode.NotFound, Assert.Throws<EdgeTokException>(() => SafeTensorsFile.Open(tiny + ".missing")).Status);
    }
}
