using System.Text;

namespace EdgeTok.IO.Npy;

/// <summary>Writes NumPy <c>.npy</c> files, format version 1.0, little-endian, C order.</summary>
public static class NpyWriter
{
    /// <summary>Writes an array to a file (created or replaced).</summary>
    public static void Write(string path, NpyArray array)
    {
        using var fs = File.Create(path);
        Write(fs, array);
    }

    /// <summary>Writes a float32 array to a file.</summary>
    public static void WriteFloat32(string path, ReadOnlySpan<float> data, params long[] shape) => Write(path, NpyArray.FromFloat32(data, shape));

    /// <summary>Writes an int32 array to a file.</summary>
    public static void WriteInt32(string path, ReadOnlySpan<int> data, params long[] shape) => Write(path, NpyArray.FromInt32(data, shape));

    /// <summary>Writes an array to a stream.</summary>
    public static void Write(Stream s, NpyArray array)
    {
        string descr = array.DType switch
        {
            TensorDType.Float32 => "<f4",
            TensorDType.Float64 => "<f8",
            TensorDType.Float16 => "<f2",
            TensorDType.Int32 => "<i4",
            TensorDType.Int64 => "<i8",
            TensorDType.UInt8 => "|u1",
            TensorDType.Bool => "|b1",
            _ => throw EdgeTokException.Unsupported($".npy cannot store {array.DType}"),
        };
        string shape = array.Shape.Length switch
        {
            0 => "()",
            1 => $"({array.Shape[0]},)",
            _ => "(" + string.Join(", ", array.Shape) + ")",
        };
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}";
        // Pad with spaces so that the data starts on a 64-byte boundary, ending in '\n'.
        int total = 10 + dict.Length + 1;
        int pad = (64 - total % 64) % 64;
        string header = dict + new string(' ', pad) + "\n";
        if (header.Length > ushort.MaxValue) throw EdgeTokException.Argument("shape too long for a version 1.0 .npy header");
        Span<byte> pre = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)(header.Length & 0xFF), (byte)(header.Length >> 8)];
        s.Write(pre);
        s.Write(Encoding.Latin1.GetBytes(header));
        s.Write(array.Data);
    }
}
