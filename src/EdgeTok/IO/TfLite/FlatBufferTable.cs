using System.Buffers.Binary;
using System.Text;

namespace EdgeTok.IO.TfLite;

/// <summary>
/// A bounds-checked view of one flatbuffer table: a signed offset to its vtable, the vtable listing the
/// byte offset of each present field (0 = absent, use the default). Every read checks the file length,
/// so a truncated or corrupt file fails with <see cref="StatusCode.InvalidFormat"/> rather than an
/// index exception.
/// </summary>
internal readonly struct FlatBufferTable
{
    private readonly byte[] _data;
    private readonly int _pos;
    private readonly int _vtable;
    private readonly int _vtableSize;
    private readonly string _what;

    private FlatBufferTable(byte[] data, int pos, string what)
    {
        _data = data;
        _pos = pos;
        _what = what;
        long vt = pos - (long)ReadInt32(data, pos, what);
        if (vt < 0 || vt + 4 > data.Length) throw Bad(what, $"vtable offset {vt} outside the file ({data.Length} bytes)");
        _vtable = (int)vt;
        _vtableSize = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(_vtable));
        if (_vtableSize < 4 || (_vtableSize & 1) != 0 || _vtable + _vtableSize > data.Length)
            throw Bad(what, $"vtable at {_vtable} has invalid size {_vtableSize}");
    }

    /// <summary>True when this is a real table (false for an absent sub-table).</summary>
    public bool Exists => _data is not null;

    /// <summary>Byte position of the table in the file.</summary>
    public int Position => _pos;

    /// <summary>The root table (the offset stored in the first four bytes).</summary>
    public static FlatBufferTable Root(byte[] data, string what)
    {
        uint off = ReadUInt32(data, 0, what);
        return At(data, off, what);
    }

    private static FlatBufferTable At(byte[] data, long pos, string what)
    {
        if (pos < 0 || pos + 4 > data.Length) throw Bad(what, $"table offset {pos} outside the file ({data.Length} bytes)");
        return new FlatBufferTable(data, (int)pos, what);
    }

    private int FieldPos(int field)
    {
        int vo = 4 + 2 * field;
        if (vo + 2 > _vtableSize) return 0;
        int off = BinaryPrimitives.ReadUInt16LittleEndian(_data.AsSpan(_vtable + vo));
        return off == 0 ? 0 : _pos + off;
    }

    private int Scalar(int field, int size)
    {
        int p = FieldPos(field);
        if (p == 0) return 0;
        if (p + size > _data.Length) throw Bad(_what, $"field {field} at {p} runs past the end of the file");
        return p;
    }

    /// <summary>A signed 32-bit field.</summary>
    public int GetInt32(int field, int dflt = 0)
    {
        int p = Scalar(field, 4);
        return p == 0 ? dflt : BinaryPrimitives.ReadInt32LittleEndian(_data.AsSpan(p));
    }

    /// <summary>An unsigned 32-bit field.</summary>
    public uint GetUInt32(int field, uint dflt = 0)
    {
        int p = Scalar(field, 4);
        return p == 0 ? dflt : BinaryPrimitives.ReadUInt32LittleEndian(_data.AsSpan(p));
    }

    /// <summary>An unsigned 64-bit field.</summary>
    public ulong GetUInt64(int field, ulong dflt = 0)
    {
        int p = Scalar(field, 8);
        return p == 0 ? dflt : BinaryPrimitives.ReadUInt64LittleEndian(_data.AsSpan(p));
    }

    /// <summary>A 32-bit float field.</summary>
    public float GetFloat(int field, float dflt = 0f)
    {
        int p = Scalar(field, 4);
        return p == 0 ? dflt : BinaryPrimitives.ReadSingleLittleEndian(_data.AsSpan(p));
    }

    /// <summary>A byte-sized field (enum, bool, ubyte).</summary>
    public byte GetByte(int field, byte dflt = 0)
    {
        int p = Scalar(field, 1);
        return p == 0 ? dflt : _data[p];
    }

    /// <summary>A signed byte field.</summary>
    public sbyte GetSByte(int field, sbyte dflt = 0) => (sbyte)GetByte(field, (byte)dflt);

    /// <summary>Absolute byte position of a field's value, or 0 when absent.</summary>
    public int FieldPosition(int field) => FieldPos(field);

    /// <summary>True when the field is present in the vtable.</summary>
    public bool Has(int field) => FieldPos(field) != 0;

    private int Indirect(int field, out bool present)
    {
        int p = Scalar(field, 4);
        present = p != 0;
        if (!present) return 0;
        long target = p + (long)BinaryPrimitives.ReadUInt32LittleEndian(_data.AsSpan(p));
        if (target + 4 > _data.Length) throw Bad(_what, $"field {field} points to {target}, past the end of the file ({_data.Length} bytes)");
        return (int)target;
    }

    /// <summary>A sub-table field (absent → <see cref="Exists"/> false).</summary>
    public FlatBufferTable GetTable(int field, string what)
    {
        int t = Indirect(field, out bool present);
        return present ? At(_data, t, what) : default;
    }

    /// <summary>A string field (absent → <paramref name="dflt"/>).</summary>
    public string GetString(int field, string dflt = "")
    {
        int t = Indirect(field, out bool present);
        if (!present) return dflt;
        uint len = ReadUInt32(_data, t, _what);
        if (t + 4L + len > _data.Length) throw Bad(_what, $"string of {len} bytes at {t} runs past the end of the file");
        return Encoding.UTF8.GetString(_data, t + 4, (int)len);
    }

    /// <summary>Start and element count of a vector field whose elements are <paramref name="elemSize"/> bytes.</summary>
    public (int Start, int Count) GetVector(int field, int elemSize)
    {
        int t = Indirect(field, out bool present);
        if (!present) return (0, 0);
        uint len = ReadUInt32(_data, t, _what);
        if (t + 4L + (long)len * elemSize > _data.Length)
            throw Bad(_what, $"vector field {field} of {len} elements at {t} runs past the end of the file ({_data.Length} bytes)");
        return (t + 4, (int)len);
    }

    /// <summary>A vector of int32.</summary>
    public int[] GetInt32Vector(int field)
    {
        var (s, n) = GetVector(field, 4);
        var r = new int[n];
        for (int i = 0; i < n; i++) r[i] = BinaryPrimitives.ReadInt32LittleEndian(_data.AsSpan(s + 4 * i));
        return r;
    }

    /// <summary>A vector of int64.</summary>
    public long[] GetInt64Vector(int field)
    {
        var (s, n) = GetVector(field, 8);
        var r = new long[n];
        for (int i = 0; i < n; i++) r[i] = BinaryPrimitives.ReadInt64LittleEndian(_data.AsSpan(s + 8 * i));
        return r;
    }

    /// <summary>A vector of float32.</summary>
    public float[] GetFloatVector(int field)
    {
        var (s, n) = GetVector(field, 4);
        var r = new float[n];
        for (int i = 0; i < n; i++) r[i] = BinaryPrimitives.ReadSingleLittleEndian(_data.AsSpan(s + 4 * i));
        return r;
    }

    /// <summary>A vector of sub-tables.</summary>
    public FlatBufferTable[] GetTableVector(int field, string what)
    {
        var (s, n) = GetVector(field, 4);
        var r = new FlatBufferTable[n];
        for (int i = 0; i < n; i++)
        {
            int p = s + 4 * i;
            long target = p + (long)BinaryPrimitives.ReadUInt32LittleEndian(_data.AsSpan(p));
            r[i] = At(_data, target, $"{what}[{i}]");
        }
        return r;
    }

    private static int ReadInt32(byte[] d, long pos, string what)
    {
        if (pos < 0 || pos + 4 > d.Length) throw Bad(what, $"offset {pos} outside the file ({d.Length} bytes)");
        return BinaryPrimitives.ReadInt32LittleEndian(d.AsSpan((int)pos));
    }

    private static uint ReadUInt32(byte[] d, long pos, string what) => (uint)ReadInt32(d, pos, what);

    private static EdgeTokException Bad(string what, string detail) =>
        EdgeTokException.Format($"TFLite file is truncated or corrupt: {what}: {detail}");
}
