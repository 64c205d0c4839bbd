using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace EdgeTok.IO.Onnx;

/// <summary>
/// A constant tensor stored in an ONNX file (a graph initializer or a <c>Constant</c> node's value):
/// name, dimensions, element type and the element bytes (little-endian, C order). Values stored in
/// the typed repeated fields (<c>float_data</c>, <c>int64_data</c>, …) are converted to the same
/// byte layout as <c>raw_data</c>, so callers see one representation.
/// </summary>
public sealed class OnnxTensor
{
    private readonly byte[] _data;

    internal OnnxTensor(string name, long[] dims, OnnxDataType dataType, byte[] data)
    {
        Name = name;
        Dims = dims;
        DataType = dataType;
        _data = data;
    }

    /// <summary>Tensor name (for initializers, the graph value it defines).</summary>
    public string Name { get; }

    /// <summary>Dimensions, outermost first; empty for a scalar.</summary>
    public IReadOnlyList<long> Dims { get; }

    /// <summary>Element type.</summary>
    public OnnxDataType DataType { get; }

    /// <summary>Number of elements (product of <see cref="Dims"/>).</summary>
    public long ElementCount
    {
        get
        {
            long n = 1;
            foreach (var d in Dims) n = checked(n * d);
            return n;
        }
    }

    /// <summary>The element bytes, little-endian, C order.</summary>
    public ReadOnlySpan<byte> RawData => _data;

    /// <summary>The dimensions as text, e.g. <c>[4096, 8]</c>.</summary>
    public string ShapeText => "[" + string.Join(", ", Dims) + "]";

    /// <summary>Bytes per element of an ONNX type, or 0 for types without a fixed size (string, undefined).</summary>
    public static int ElementSize(OnnxDataType t) => t switch
    {
        OnnxDataType.Float or OnnxDataType.Int32 or OnnxDataType.UInt32 => 4,
        OnnxDataType.Double or OnnxDataType.Int64 or OnnxDataType.UInt64 => 8,
        OnnxDataType.Float16 or OnnxDataType.BFloat16 or OnnxDataType.Int16 or OnnxDataType.UInt16 => 2,
        OnnxDataType.UInt8 or OnnxDataType.Int8 or OnnxDataType.Bool => 1,
        _ => 0,
    };

    /// <summary>The elements converted to float32 (from float, double, float16, bfloat16 or an integer type).</summary>
    /// <exception cref="EdgeTokException">The tensor holds strings (<see cref="StatusCode.Unsupported"/>).</exception>
    public float[] ToFloat32()
    {
        int n = checked((int)ElementCount);
        var dst = new float[n];
        var raw = RawData;
        switch (DataType)
        {
            case OnnxDataType.Float: MemoryMarshal.Cast<byte, float>(raw).CopyTo(dst); break;
            case OnnxDataType.Double: for (int i = 0; i < n; i++) dst[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(raw[(8 * i)..]); break;
            case OnnxDataType.Float16: for (int i = 0; i < n; i++) dst[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(raw[(2 * i)..]); break;
            case OnnxDataType.BFloat16: for (int i = 0; i < n; i++) dst[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(raw[(2 * i)..]) << 16); break;
            default:
                var l = ToInt64();
                for (int i = 0; i < n; i++) dst[i] = l[i];
                break;
        }
        return dst;
    }

    /// <summary>The elements as int64 (integer and bool types only).</summary>
    /// <exception cref="EdgeTokException">The tensor is not of an integer type (<see cref="StatusCode.Unsupported"/>).</exception>
    public long[] ToInt64()
    {
        int n = checked((int)ElementCount);
        var dst = new long[n];
        var raw = RawData;
        for (int i = 0; i < n; i++)
        {
            dst[i] = DataType switch
            {
                OnnxDataType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(raw[(8 * i)..]),
                OnnxDataType.UInt64 => (long)BinaryPrimitives.ReadUInt64LittleEndian(raw[(8 * i)..]),
                OnnxDataType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(raw[(4 * i)..]),
                OnnxDataType.UInt32 => BinaryPrimitives.ReadUInt32LittleEndian(raw[(4 * i)..]),
                OnnxDataType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(raw[(2 * i)..]),
                OnnxDataType.UInt16 => BinaryPrimitives.ReadUInt16LittleEndian(raw[(2 * i)..]),
                OnnxDataType.Int8 => (sbyte)raw[i],
                OnnxDataType.UInt8 or OnnxDataType.Bool => raw[i],
                _ => throw EdgeTokException.Unsupported($"ONNX tensor '{Name}' of type {DataType} cannot be read as integers"),
            };
        }
        return dst;
    }
}
