using System.Runtime.InteropServices;

namespace EdgeTok.IO.Npy;

/// <summary>
/// An n-dimensional array as stored in a NumPy <c>.npy</c> file: dtype, shape (C order) and the raw
/// little-endian bytes. Read with <see cref="NpyReader"/>, write with <see cref="NpyWriter"/>.
/// </summary>
public sealed class NpyArray
{
    /// <summary>Element type.</summary>
    public TensorDType DType { get; }

    /// <summary>Dimensions, outermost first; empty for a 0-d scalar.</summary>
    public long[] Shape { get; }

    /// <summary>Raw little-endian element bytes in C order.</summary>
    public byte[] Data { get; }

    /// <summary>Number of elements.</summary>
    public long Length => TensorDTypes.ElementCount(Shape);

    /// <summary>Wraps raw bytes; the byte count must match shape × dtype.</summary>
    public NpyArray(TensorDType dtype, long[] shape, byte[] data)
    {
        long need = TensorDTypes.ElementCount(shape) * TensorDTypes.SizeOf(dtype);
        if (need != data.Length) throw EdgeTokException.Argument($"shape [{string.Join(", ", shape)}] of {dtype} needs {need} bytes, got {data.Length}");
        DType = dtype;
        Shape = shape;
        Data = data;
    }

    /// <summary>A float32 array (the data is copied).</summary>
    public static NpyArray FromFloat32(ReadOnlySpan<float> data, params long[] shape) =>
        new(TensorDType.Float32, shape, MemoryMarshal.AsBytes(data).ToArray());

    /// <summary>A float64 array (the data is copied).</summary>
    public static NpyArray FromFloat64(ReadOnlySpan<double> data, params long[] shape) =>
        new(TensorDType.Float64, shape, MemoryMarshal.AsBytes(data).ToArray());

    /// <summary>An int32 array (the data is copied).</summary>
    public static NpyArray FromInt32(ReadOnlySpan<int> data, params long[] shape) =>
        new(TensorDType.Int32, shape, MemoryMarshal.AsBytes(data).ToArray());

    /// <summary>An int64 array (the data is copied).</summary>
    public static NpyArray FromInt64(ReadOnlySpan<long> data, params long[] shape) =>
        new(TensorDType.Int64, shape, MemoryMarshal.AsBytes(data).ToArray());

    /// <summary>A uint8 array (the data is copied).</summary>
    public static NpyArray FromUInt8(ReadOnlySpan<byte> data, params long[] shape) =>
        new(TensorDType.UInt8, shape, data.ToArray());

    /// <summary>A bool array (nonzero → 1).</summary>
    public static NpyArray FromBool(ReadOnlySpan<bool> data, params long[] shape)
    {
        var bytes = new byte[data.Length];
        for (int i = 0; i < data.Length; i++) bytes[i] = data[i] ? (byte)1 : (byte)0;
        return new(TensorDType.Bool, shape, bytes);
    }

    /// <summary>The elements converted to float32 (any numeric dtype).</summary>
    public float[] ToFloat32()
    {
        var dst = new float[Length];
        TensorDTypes.ToFloat32(DType, Data, dst);
        return dst;
    }

    /// <summary>The elements as float64 (any numeric dtype; float64 data is not rounded).</summary>
    public double[] ToFloat64()
    {
        if (DType == TensorDType.Float64) return MemoryMarshal.Cast<byte, double>(Data).ToArray();
        var f = ToFloat32();
        var d = new double[f.Length];
        for (int i = 0; i < f.Length; i++) d[i] = f[i];
        return d;
    }

    /// <summary>The elements as int64 (integer and bool dtypes only).</summary>
    public long[] ToInt64()
    {
        var dst = new long[Length];
        TensorDTypes.ToInt64(DType, Data, dst);
        return dst;
    }

    /// <summary>The elements as int32 (integer and bool dtypes; int64 values must fit).</summary>
    public int[] ToInt32()
    {
        var l = ToInt64();
        var dst = new int[l.Length];
        for (int i = 0; i < l.Length; i++)
            dst[i] = l[i] is >= int.MinValue and <= int.MaxValue ? (int)l[i] : throw EdgeTokException.Argument($"value {l[i]} at index {i} does not fit in int32");
        return dst;
    }

    /// <summary>Shape as text, e.g. <c>[2, 3]</c>.</summary>
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}
