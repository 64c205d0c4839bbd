using System.Buffers.Binary;

namespace EdgeTok.IO.Onnx;

/// <summary>
/// Cursor over protobuf wire-format bytes: tag, varint, fixed32/64 and length-delimited fields.
/// Every read is bounds-checked so a truncated or forged file fails with <see cref="StatusCode.InvalidFormat"/>.
/// </summary>
internal ref struct ProtoReader
{
    internal const int WireVarint = 0, WireFixed64 = 1, WireLengthDelimited = 2, WireStartGroup = 3, WireEndGroup = 4, WireFixed32 = 5;

    private readonly ReadOnlySpan<byte> _buf;
    private readonly string _source;
    private int _pos;

    public ProtoReader(ReadOnlySpan<byte> buf, string source)
    {
        _buf = buf;
        _source = source;
        _pos = 0;
    }

    /// <summary>Offset of the next byte, relative to the start of this reader's span.</summary>
    public readonly int Position => _pos;

    public readonly bool End => _pos >= _buf.Length;

    /// <summary>Reads the next field key; false at the end of the message.</summary>
    public bool TryReadTag(out int field, out int wireType)
    {
        if (_pos >= _buf.Length)
        {
            field = 0;
            wireType = 0;
            return false;
        }
        ulong key = ReadVarint();
        field = (int)(key >> 3);
        wireType = (int)(key & 7);
        if (field <= 0 || key >> 3 > int.MaxValue) throw Bad($"invalid field number {key >> 3}");
        return true;
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            if (_pos >= _buf.Length) throw Bad("truncated varint");
            byte b = _buf[_pos++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
        }
        throw Bad("varint longer than 10 bytes");
    }

    public long ReadInt64() => (long)ReadVarint();

    public int ReadInt32() => (int)(long)ReadVarint();

    public uint ReadFixed32()
    {
        if (_buf.Length - _pos < 4) throw Bad("truncated fixed32");
        uint v = BinaryPrimitives.ReadUInt32LittleEndian(_buf.Slice(_pos));
        _pos += 4;
        return v;
    }

    public ulong ReadFixed64()
    {
        if (_buf.Length - _pos < 8) throw Bad("truncated fixed64");
        ulong v = BinaryPrimitives.ReadUInt64LittleEndian(_buf.Slice(_pos));
        _pos += 8;
        return v;
    }

    /// <summary>A length-delimited payload (sub-message, string, bytes or packed array), as a slice.</summary>
    public ReadOnlySpan<byte> ReadBytes() => ReadBytes(out _);

    /// <summary>A length-delimited payload and its offset within this reader's span.</summary>
    public ReadOnlySpan<byte> ReadBytes(out int offset)
    {
        ulong len = ReadVarint();
        if (len > (ulong)(_buf.Length - _pos)) throw Bad($"length {len} runs past the end of the message");
        offset = _pos;
        var s = _buf.Slice(_pos, (int)len);
        _pos += (int)len;
        return s;
    }

    public string ReadString() => System.Text.Encoding.UTF8.GetString(ReadBytes());

    /// <summary>Skips a field of any wire type (groups are not used by ONNX and are rejected).</summary>
    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case WireVarint: ReadVarint(); break;
            case WireFixed64: ReadFixed64(); break;
            case WireLengthDelimited: ReadBytes(); break;
            case WireFixed32: ReadFixed32(); break;
            default: throw Bad($"unsupported wire type {wireType}");
        }
    }

    public readonly EdgeTokException Bad(string what) => EdgeTokException.Format($"{_source}: malformed protobuf at byte {_pos}: {what}");
}
