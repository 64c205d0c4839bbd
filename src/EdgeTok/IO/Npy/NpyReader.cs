using System.Text;

namespace EdgeTok.IO.Npy;

/// <summary>
/// Reads NumPy <c>.npy</c> files (format versions 1, 2 and 3): float32, float64, int32, int64,
/// uint8 and bool in C order, little- or big-endian (big-endian is swapped on read).
/// Fortran-order arrays and object/structured dtypes are rejected with a clear message.
/// </summary>
public static class NpyReader
{
    /// <summary>Largest array accepted (bytes), so a forged header cannot make us allocate without bound.</summary>
    public const long MaxDataBytes = 1L << 31;

    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads a file.</summary>
    public static NpyArray Read(string path)
    {
        if (!File.Exists(path)) throw EdgeTokException.NotFound($"npy file not found: {path}");
        using var fs = File.OpenRead(path);
        return Read(fs, path);
    }

    /// <summary>Reads from a stream; <paramref name="name"/> names the source in error messages.</summary>
    public static NpyArray Read(Stream s, string name = "npy")
    {
        Span<byte> pre = stackalloc byte[10];
        if (ReadFully(s, pre) < 8) throw EdgeTokException.Format($"{name}: too short for a .npy file");
        if (!pre[..6].SequenceEqual(Magic)) throw EdgeTokException.Format($"{name}: not a .npy file (bad magic)");
        int major = pre[6];
        long headerLen;
        if (major == 1)
        {
            headerLen = pre[8] | (pre[9] << 8);
        }
        else if (major is 2 or 3)
        {
            Span<byte> extra = stackalloc byte[2];
            if (ReadFully(s, extra) < 2) throw EdgeTokException.Format($"{name}: truncated .npy header");
            headerLen = (long)((uint)pre[8] | ((uint)pre[9] << 8) | ((uint)extra[0] << 16) | ((uint)extra[1] << 24));
        }
        else throw EdgeTokException.Unsupported($"{name}: .npy format version {major} is not supported");
        if (headerLen > 1 << 20) throw EdgeTokException.Format($"{name}: .npy header length {headerLen} is implausible");
        var hb = new byte[headerLen];
        if (ReadFully(s, hb) < headerLen) throw EdgeTokException.Format($"{name}: truncated .npy header");
        string header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(hb);
        var (descr, fortran, shape) = ParseHeader(header, name);
        if (fortran) throw EdgeTokException.Unsupported($"{name}: Fortran-order arrays are not supported; save with np.ascontiguousarray");

        bool bigEndian = descr.Length > 0 && descr[0] == '>';
        var dtype = descr switch
        {
            "<f4" or ">f4" => TensorDType.Float32,
            "<f8" or ">f8" => TensorDType.Float64,
            "<f2" or ">f2" => TensorDType.Float16,
            "<i4" or ">i4" => TensorDType.Int32,
            "<i8" or ">i8" => TensorDType.Int64,
            "|u1" or "<u1" or ">u1" => TensorDType.UInt8,
            "|b1" or "<b1" => TensorDType.Bool,
            _ => throw EdgeTokException.Unsupported($"{name}: dtype '{descr}' is not supported (float16/32/64, int32/64, uint8, bool)"),
        };
        long count;
        try { count = TensorDTypes.ElementCount(shape); }
        catch (OverflowException) { throw EdgeTokException.Format($"{name}: shape overflows"); }
        long bytes = count * TensorDTypes.SizeOf(dtype);
        if (count > MaxDataBytes || bytes > MaxDataBytes || bytes > Array.MaxLength)
            throw EdgeTokException.Limit($"{name}: array of {bytes} bytes exceeds the {MaxDataBytes}-byte limit");
        if (s.CanSeek && s.Length - s.Position < bytes)
            throw EdgeTokException.Format($"{name}: truncated: header declares {bytes} data bytes, file holds {s.Length - s.Position}");
        // A stream that cannot report its length (pipe, socket) is read in growing chunks, so a forged
        // header claiming 2 GB costs at most twice the bytes that actually arrive.
        var data = s.CanSeek ? new byte[bytes] : ReadGrowing(s, bytes, name);
        if (s.CanSeek && ReadFully(s, data) < bytes) throw EdgeTokException.Format($"{name}: truncated data");
        if (bigEndian)
        {
            int sz = TensorDTypes.SizeOf(dtype);
            for (long i = 0; i < bytes; i += sz) Array.Reverse(data, (int)i, sz);
        }
        return new NpyArray(dtype, shape, data);
    }

    private static byte[] ReadGrowing(Stream s, long bytes, string name)
    {
        var data = new byte[Math.Min(bytes, 1 << 20)];
        long got = 0;
        while (got < bytes)
        {
            if (got == data.Length) Array.Resize(ref data, (int)Math.Min(bytes, 2L * data.Length));
            int r = s.Read(data, (int)got, (int)(data.Length - got));
            if (r == 0) throw EdgeTokException.Format($"{name}: truncated data: header declares {bytes} bytes, stream ended after {got}");
            got += r;
        }
        return data;
    }

    private static int ReadFully(Stream s, Span<byte> buf)
    {
        int total = 0;
        while (total < buf.Length)
        {
            int r = s.Read(buf[total..]);
            if (r == 0) break;
            total += r;
        }
        return total;
    }

    /// <summary>Parses the Python-literal dict header: <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (2, 3), }</c>.</summary>
    internal static (string Descr, bool Fortran, long[] Shape) ParseHeader(string h, string name)
    {
        string? descr = null;
        bool? fortran = null;
        long[]? shape = null;
        int i = h.IndexOf('{');
        if (i < 0 || h.IndexOf('}') < i) throw EdgeTokException.Format($"{name}: .npy header is not a dict");
        i++;
        while (true)
        {
            SkipWs(h, ref i);
            if (i >= h.Length) throw EdgeTokException.Format($"{name}: unterminated .npy header");
            if (h[i] == '}') break;
            if (h[i] == ',') { i++; continue; }
            string key = ReadQuoted(h, ref i, name);
            SkipWs(h, ref i);
            if (i >= h.Length || h[i] != ':') throw EdgeTokException.Format($"{name}: expected ':' after '{key}' in .npy header");
            i++;
            SkipWs(h, ref i);
            switch (key)
            {
                case "descr": descr = ReadQuoted(h, ref i, name); break;
                case "fortran_order":
                    if (string.CompareOrdinal(h, i, "True", 0, 4) == 0) { fortran = true; i += 4; }
                    else if (string.CompareOrdinal(h, i, "False", 0, 5) == 0) { fortran = false; i += 5; }
                    else throw EdgeTokException.Format($"{name}: fortran_order must be True or False");
                    break;
                case "shape":
                    // The header may end right after "'shape':" (a '}' inside an earlier string passes the dict check).
                    if (i >= h.Length || h[i] != '(') throw EdgeTokException.Format($"{name}: shape must be a tuple");
                    int close = h.IndexOf(')', i);
                    if (close < 0) throw EdgeTokException.Format($"{name}: unterminated shape tuple");
                    var parts = h[(i + 1)..close].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    shape = new long[parts.Length];
                    for (int k = 0; k < parts.Length; k++)
                    {
                        var p = parts[k].TrimEnd('L');
                        if (!long.TryParse(p, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out shape[k]))
                            throw EdgeTokException.Format($"{name}: bad dimension '{parts[k]}' in shape");
                    }
                    i = close + 1;
                    break;
                default:
                    throw EdgeTokException.Format($"{name}: unknown key '{key}' in .npy header");
            }
        }
        if (descr is null || fortran is null || shape is null)
            throw EdgeTokException.Format($"{name}: .npy header needs descr, fortran_order and shape");
        return (descr, fortran.Value, shape);
    }

    private static void SkipWs(string h, ref int i)
    {
        while (i < h.Length && char.IsWhiteSpace(h[i])) i++;
    }

    private static string ReadQuoted(string h, ref int i, string name)
    {
        if (i >= h.Length || (h[i] != '\'' && h[i] != '"')) throw EdgeTokException.Format($"{name}: expected a quoted string in .npy header");
        char q = h[i];
        int end = h.IndexOf(q, i + 1);
        if (end < 0) throw EdgeTokException.Format($"{name}: unterminated string in .npy header");
        var s = h[(i + 1)..end];
        i = end + 1;
        return s;
    }
}
