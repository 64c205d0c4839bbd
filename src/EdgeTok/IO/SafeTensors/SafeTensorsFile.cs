using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace EdgeTok.IO.SafeTensors;

/// <summary>
/// A memory-mapped safetensors file: an 8-byte little-endian header length N, N bytes of JSON
/// describing each tensor (dtype, shape, data_offsets), then the data block. The whole header is
/// validated on open (lengths, JSON, dtypes, shape × dtype = byte range, ranges inside the file and
/// not overlapping), so a view handed out later is always in bounds. Views are zero-copy.
/// Thread-safe for reads; dispose when no view is in use any more.
/// </summary>
public sealed unsafe class SafeTensorsFile : IDisposable
{
    /// <summary>Largest header accepted (the format's reference reader uses the same bound).</summary>
    public const long MaxHeaderBytes = 100L * 1024 * 1024;

    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly byte* _base;
    private readonly long _dataStart;
    private readonly long _dataLength;
    private readonly Dictionary<string, SafeTensorInfo> _tensors;
    private int _disposed;

    /// <summary>Path the file was opened from.</summary>
    public string Path { get; }

    /// <summary>The <c>__metadata__</c> string map of the header (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>All tensors, in header order.</summary>
    public IReadOnlyList<SafeTensorInfo> Tensors { get; }

    private SafeTensorsFile(string path, MemoryMappedFile? map, MemoryMappedViewAccessor? view, byte* basePtr,
        long dataStart, long dataLength, List<SafeTensorInfo> tensors, Dictionary<string, string> metadata)
    {
        Path = path;
        _map = map;
        _view = view;
        _base = basePtr;
        _dataStart = dataStart;
        _dataLength = dataLength;
        Tensors = tensors;
        _tensors = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        Metadata = metadata;
    }

    /// <summary>Opens and validates a safetensors file.</summary>
    /// <exception cref="EdgeTokException">Missing file (<see cref="StatusCode.NotFound"/>) or a malformed header (<see cref="StatusCode.InvalidFormat"/>).</exception>
    public static SafeTensorsFile Open(string path)
    {
        if (!File.Exists(path)) throw EdgeTokException.NotFound($"safetensors file not found: {path}");
        long fileLength = new FileInfo(path).Length;
        if (fileLength < 8) throw EdgeTokException.Format($"{path}: {fileLength} bytes is too short for a safetensors header");

        MemoryMappedFile? map = null;
        MemoryMappedViewAccessor? view = null;
        byte* ptr = null;
        try
        {
            map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref ptr);
            ptr += view.PointerOffset;
            var (tensors, meta, dataStart) = ParseHeader(path, new ReadOnlySpan<byte>(ptr, (int)Math.Min(fileLength, int.MaxValue)), fileLength);
            return new SafeTensorsFile(path, map, view, ptr, dataStart, fileLength - dataStart, tensors, meta);
        }
        catch
        {
            if (ptr != null) view!.SafeMemoryMappedViewHandle.ReleasePointer();
            view?.Dispose();
            map?.Dispose();
            throw;
        }
    }

    /// <summary>Validates a header held in memory (the first bytes of a file of <paramref name="fileLength"/> bytes).</summary>
    internal static (List<SafeTensorInfo> Tensors, Dictionary<string, string> Metadata, long DataStart) ParseHeader(
        string path, ReadOnlySpan<byte> head, long fileLength)
    {
        ulong n = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(head);
        if (n > (ulong)(fileLength - 8))
            throw EdgeTokException.Format($"{path}: header length {n} runs past the end of the {fileLength}-byte file");
        if (n > MaxHeaderBytes)
            throw EdgeTokException.Format($"{path}: header length {n} exceeds the {MaxHeaderBytes}-byte limit");
        if (n < 2) throw EdgeTokException.Format($"{path}: header length {n} is too short for a JSON object");
        long dataStart = 8 + (long)n;
        long dataLength = fileLength - dataStart;

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(head.Slice(8, (int)n).ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw EdgeTokException.Format($"{path}: header is not valid JSON: {e.Message}");
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw EdgeTokException.Format($"{path}: header must be a JSON object");
            var tensors = new List<SafeTensorInfo>();
            var meta = new Dictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            // A JSON string may escape a lone UTF-16 surrogate ("\ud800") or hold bytes that are not
            // UTF-8; System.Text.Json accepts those while parsing and only fails (InvalidOperationException)
            // when the string is read. Report that as a malformed header, not as a crash.
            try
            {
                ReadEntries(path, doc, dataLength, tensors, meta, seen);
            }
            catch (InvalidOperationException e)
            {
                throw EdgeTokException.Format($"{path}: header holds a string that is not valid UTF-8/UTF-16: {e.Message}");
            }

            // Ranges must not overlap: sort by start and compare neighbours.
            var sorted = tensors.Where(t => t.ByteLength > 0).OrderBy(t => t.Begin).ToList();
            for (int i = 1; i < sorted.Count; i++)
            {
                if (sorted[i].Begin < sorted[i - 1].End)
                    throw EdgeTokException.Format($"{path}: tensors '{sorted[i - 1].Name}' [{sorted[i - 1].Begin}, {sorted[i - 1].End}) and '{sorted[i].Name}' [{sorted[i].Begin}, {sorted[i].End}) overlap");
            }
            return (tensors, meta, dataStart);
        }
    }

    private static void ReadEntries(string path, JsonDocument doc, long dataLength, List<SafeTensorInfo> tensors,
        Dictionary<string, string> meta, HashSet<string> seen)
    {
        foreach (var prop in doc.RootElement.EnumerateObject())
        {
            if (!seen.Add(prop.Name)) throw EdgeTokException.Format($"{path}: tensor '{prop.Name}' appears twice in the header");
            if (prop.Name == "__metadata__")
            {
                if (prop.Value.ValueKind != JsonValueKind.Object)
                    throw EdgeTokException.Format($"{path}: __metadata__ must be an object of strings");
                foreach (var m in prop.Value.EnumerateObject())
                {
                    if (m.Value.ValueKind != JsonValueKind.String)
                        throw EdgeTokException.Format($"{path}: __metadata__ value '{m.Name}' is not a string");
                    meta[m.Name] = m.Value.GetString()!;
                }
                continue;
            }
            tensors.Add(ParseEntry(path, prop, dataLength));
        }
    }

    private static SafeTensorInfo ParseEntry(string path, JsonProperty prop, long dataLength)
    {
        string name = prop.Name;
        var v = prop.Value;
        if (v.ValueKind != JsonValueKind.Object) throw EdgeTokException.Format($"{path}: entry '{name}' is not an object");
        if (!v.TryGetProperty("dtype", out var dt) || dt.ValueKind != JsonValueKind.String)
            throw EdgeTokException.Format($"{path}: tensor '{name}' has no dtype");
        if (!v.TryGetProperty("shape", out var sh) || sh.ValueKind != JsonValueKind.Array)
            throw EdgeTokException.Format($"{path}: tensor '{name}' has no shape array");
        if (!v.TryGetProperty("data_offsets", out var off) || off.ValueKind != JsonValueKind.Array || off.GetArrayLength() != 2)
            throw EdgeTokException.Format($"{path}: tensor '{name}' needs data_offsets [begin, end]");

        var dtype = dt.GetString() switch
        {
            "F32" => TensorDType.Float32,
            "F16" => TensorDType.Float16,
            "BF16" => TensorDType.BFloat16,
            "F64" => TensorDType.Float64,
            "I64" => TensorDType.Int64,
            "I32" => TensorDType.Int32,
            "U8" => TensorDType.UInt8,
            "BOOL" => TensorDType.Bool,
            var other => throw EdgeTokException.Format($"{path}: tensor '{name}' has unsupported dtype '{other}' (supported: F32, F16, BF16, F64, I64, I32, U8, BOOL)"),
        };

        var shape = new long[sh.GetArrayLength()];
        int k = 0;
        foreach (var d in sh.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out long dim) || dim < 0)
                throw EdgeTokException.Format($"{path}: tensor '{name}' has an invalid dimension {d.GetRawText()}");
            shape[k++] = dim;
        }
        long begin, end;
        try
        {
            begin = off[0].GetInt64();
            end = off[1].GetInt64();
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException)
        {
            throw EdgeTokException.Format($"{path}: tensor '{name}' has non-integer data_offsets");
        }
        if (begin < 0 || end < begin)
            throw EdgeTokException.Format($"{path}: tensor '{name}' has invalid data_offsets [{begin}, {end}]");
        if (end > dataLength)
            throw EdgeTokException.Format($"{path}: tensor '{name}' data_offsets [{begin}, {end}] run past the {dataLength}-byte data block");
        long count;
        try { count = TensorDTypes.ElementCount(shape); }
        catch (OverflowException) { throw EdgeTokException.Format($"{path}: tensor '{name}' shape overflows"); }
        long expected;
        try { expected = checked(count * TensorDTypes.SizeOf(dtype)); }
        catch (OverflowException) { throw EdgeTokException.Format($"{path}: tensor '{name}' shape overflows"); }
        if (expected != end - begin)
            throw EdgeTokException.Format($"{path}: tensor '{name}' shape [{string.Join(", ", shape)}] × {dt.GetString()} needs {expected} bytes but data_offsets span {end - begin}");
        return new SafeTensorInfo(name, dtype, shape, begin, end);
    }

    /// <summary>True when the file holds a tensor of that name.</summary>
    public bool Contains(string name) => _tensors.ContainsKey(name);

    /// <summary>The header entry of a tensor.</summary>
    /// <exception cref="EdgeTokException">No such tensor (<see cref="StatusCode.NotFound"/>).</exception>
    public SafeTensorInfo Info(string name) =>
        _tensors.TryGetValue(name, out var t) ? t : throw EdgeTokException.NotFound($"{Path}: no tensor named '{name}'");

    /// <summary>Zero-copy view of a tensor's raw bytes. Valid until the file is disposed.</summary>
    public ReadOnlySpan<byte> GetBytes(string name) => GetBytes(Info(name));

    /// <summary>Zero-copy view of a tensor's raw bytes. Valid until the file is disposed.</summary>
    public ReadOnlySpan<byte> GetBytes(SafeTensorInfo t)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (t.ByteLength > int.MaxValue) throw EdgeTokException.Limit($"{Path}: tensor '{t.Name}' is larger than 2 GiB");
        return new ReadOnlySpan<byte>(_base + _dataStart + t.Begin, (int)t.ByteLength);
    }

    /// <summary>Zero-copy float32 view of an F32 tensor (x86-64 and arm64 read unaligned floats natively).</summary>
    /// <exception cref="EdgeTokException">The tensor is not F32 (<see cref="StatusCode.InvalidFormat"/>).</exception>
    public ReadOnlySpan<float> GetFloat32View(string name)
    {
        var t = Info(name);
        if (t.DType != TensorDType.Float32) throw EdgeTokException.Format($"{Path}: tensor '{name}' is {t.DType}, not Float32");
        return MemoryMarshal.Cast<byte, float>(GetBytes(t));
    }

    /// <summary>A tensor converted to a new float32 array (from F32, F16, BF16, F64 or an integer type).</summary>
    public float[] ReadFloat32(string name)
    {
        var t = Info(name);
        var dst = new float[t.ElementCount];
        TensorDTypes.ToFloat32(t.DType, GetBytes(t), dst);
        return dst;
    }

    /// <summary>
    /// A tensor as float32, checking its shape first: the usual way model code loads a weight, so a
    /// checkpoint of the wrong shape fails with the tensor name and both shapes in the message.
    /// </summary>
    public float[] ReadFloat32(string name, params long[] expectedShape)
    {
        var t = Info(name);
        if (!t.Shape.AsSpan().SequenceEqual(expectedShape))
            throw EdgeTokException.Format($"{Path}: tensor '{name}' has shape {t.ShapeText}, expected [{string.Join(", ", expectedShape)}]");
        return ReadFloat32(name);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
        }
        _map?.Dispose();
    }
}
