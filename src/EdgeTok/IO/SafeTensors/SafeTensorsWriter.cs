using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace EdgeTok.IO.SafeTensors;

/// <summary>Writes safetensors files (used for tests, tools and converted models).</summary>
public static class SafeTensorsWriter
{
    /// <summary>A tensor to write: name, dtype, shape and its raw little-endian bytes.</summary>
    public readonly record struct Entry(string Name, TensorDType DType, long[] Shape, ReadOnlyMemory<byte> Data);

    /// <summary>A float32 tensor entry.</summary>
    public static Entry Float32(string name, float[] data, params long[] shape) =>
        new(name, TensorDType.Float32, shape, MemoryMarshal.AsBytes(data.AsSpan()).ToArray());

    /// <summary>Writes the entries (sorted by name, as the reference writer does) with optional metadata.</summary>
    public static void Write(string path, IEnumerable<Entry> entries, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = entries.OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject("__metadata__");
                foreach (var kv in metadata) w.WriteString(kv.Key, kv.Value);
                w.WriteEndObject();
            }
            long offset = 0;
            foreach (var e in list)
            {
                long expected = TensorDTypes.ElementCount(e.Shape) * TensorDTypes.SizeOf(e.DType);
                if (expected != e.Data.Length)
                    throw EdgeTokException.Argument($"tensor '{e.Name}': shape needs {expected} bytes, data has {e.Data.Length}");
                w.WriteStartObject(e.Name);
                w.WriteString("dtype", e.DType switch
                {
                    TensorDType.Float32 => "F32", TensorDType.Float16 => "F16", TensorDType.BFloat16 => "BF16",
                    TensorDType.Float64 => "F64", TensorDType.Int64 => "I64", TensorDType.Int32 => "I32",
                    TensorDType.UInt8 => "U8", TensorDType.Bool => "BOOL", _ => throw new ArgumentOutOfRangeException(nameof(entries)),
                });
                w.WriteStartArray("shape");
                foreach (var d in e.Shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + e.Data.Length);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += e.Data.Length;
            }
            w.WriteEndObject();
        }
        var header = ms.ToArray();
        int pad = (8 - header.Length % 8) % 8;
        using var f = File.Create(path);
        Span<byte> len = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)(header.Length + pad));
        f.Write(len);
        f.Write(header);
        f.Write(Encoding.ASCII.GetBytes(new string(' ', pad)));
        foreach (var e in list) f.Write(e.Data.Span);
    }
}
