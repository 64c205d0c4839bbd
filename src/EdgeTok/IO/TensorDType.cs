namespace EdgeTok.IO;

/// <summary>Element types of tensors stored in safetensors and .npy files.</summary>
public enum TensorDType
{
    /// <summary>IEEE 754 binary32.</summary>
    Float32,
    /// <summary>IEEE 754 binary16.</summary>
    Float16,
    /// <summary>bfloat16 (upper half of a binary32).</summary>
    BFloat16,
    /// <summary>IEEE 754 binary64.</summary>
    Float64,
    /// <summary>Signed 64-bit integer.</summary>
    Int64,
    /// <summary>Signed 32-bit integer.</summary>
    Int32,
    /// <summary>Unsigned 8-bit integer.</summary>
    UInt8,
    /// <summary>Boolean stored as one byte (0 or 1).</summary>
    Bool,
}

/// <summary>Sizes and conversions for <see cref="TensorDType"/>.</summary>
public static class TensorDTypes
{
    /// <summary>Bytes per element.</summary>
    public static int SizeOf(TensorDType t) => t switch
    {
        TensorDType.Float32 or TensorDType.Int32 => 4,
        TensorDType.Float16 or TensorDType.BFloat16 => 2,
        TensorDType.Float64 or TensorDType.Int64 => 8,
        TensorDType.UInt8 or TensorDType.Bool => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(t)),
    };

    /// <summary>
    /// Converts raw little-endian elements of any numeric dtype to float32. Integers convert exactly
    /// where float32 can hold them; float64 rounds to nearest.
    /// </summary>
    public static void ToFloat32(TensorDType t, ReadOnlySpan<byte> raw, Span<float> dst)
    {
        int n = raw.Length / SizeOf(t);
        if (dst.Length < n) throw new ArgumentException($"destination holds {dst.Length} elements, {n} needed", nameof(dst));
        switch (t)
        {
            case TensorDType.Float32:
                System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(raw).CopyTo(dst);
                break;
            case TensorDType.Float16:
                for (int i = 0; i < n; i++)
                    dst[i] = (float)BitConverter.UInt16BitsToHalf(System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(raw.Slice(2 * i)));
                break;
            case TensorDType.BFloat16:
                for (int i = 0; i < n; i++)
                    dst[i] = BitConverter.Int32BitsToSingle(System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(raw.Slice(2 * i)) << 16);
                break;
            case TensorDType.Float64:
                for (int i = 0; i < n; i++)
                    dst[i] = (float)System.Buffers.Binary.BinaryPrimitives.ReadDoubleLittleEndian(raw.Slice(8 * i));
                break;
            case TensorDType.Int64:
                for (int i = 0; i < n; i++)
                    dst[i] = System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(raw.Slice(8 * i));
                break;
            case TensorDType.Int32:
                for (int i = 0; i < n; i++)
                    dst[i] = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(raw.Slice(4 * i));
                break;
            case TensorDType.UInt8:
            case TensorDType.Bool:
                for (int i = 0; i < n; i++) dst[i] = raw[i];
                break;
        }
    }

    /// <summary>Converts raw integer (or bool) elements to int64; floating dtypes are rejected.</summary>
    public static void ToInt64(TensorDType t, ReadOnlySpan<byte> raw, Span<long> dst)
    {
        int n = raw.Length / SizeOf(t);
        if (dst.Length < n) throw new ArgumentException($"destination holds {dst.Length} elements, {n} needed", nameof(dst));
        switch (t)
        {
            case TensorDType.Int64:
                System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(raw).CopyTo(dst);
                break;
            case TensorDType.Int32:
                for (int i = 0; i < n; i++) dst[i] = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(raw.Slice(4 * i));
                break;
            case TensorDType.UInt8:
            case TensorDType.Bool:
                for (int i = 0; i < n; i++) dst[i] = raw[i];
                break;
            default:
                throw EdgeTokException.Argument($"cannot read {t} data as integers");
        }
    }

    /// <summary>Product of a shape's dimensions, with overflow and negative-dimension checks.</summary>
    public static long ElementCount(ReadOnlySpan<long> shape)
    {
        long n = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw EdgeTokException.Format($"negative dimension {d} in shape");
            n = checked(n * d);
        }
        return n;
    }
}
