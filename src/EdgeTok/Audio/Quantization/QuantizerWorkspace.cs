namespace EdgeTok.Audio.Quantization;

/// <summary>
/// Scratch buffers for the quantizers, grown on first use and then reused, so encoding and decoding
/// allocate nothing per call once warm. A workspace is used by one thread at a time; the quantizers
/// themselves are immutable and may be shared. Calls that take no workspace use a per-thread one.
/// </summary>
public sealed class QuantizerWorkspace
{
    [ThreadStatic] private static QuantizerWorkspace? t_current;

    private readonly float[][] _floats = new float[16][];
    private readonly int[][] _ints = new int[8][];
    private readonly byte[][] _bytes = new byte[2][];

    /// <summary>Creates an empty workspace; buffers are allocated when first needed.</summary>
    public QuantizerWorkspace()
    {
        for (int i = 0; i < _floats.Length; i++) _floats[i] = [];
        for (int i = 0; i < _ints.Length; i++) _ints[i] = [];
        for (int i = 0; i < _bytes.Length; i++) _bytes[i] = [];
    }

    /// <summary>The calling thread's shared workspace.</summary>
    internal static QuantizerWorkspace ForCurrentThread => t_current ??= new QuantizerWorkspace();

    /// <summary>Total bytes currently held (for diagnostics and tests).</summary>
    public long AllocatedBytes => _floats.Sum(a => (long)a.Length * 4) + _ints.Sum(a => (long)a.Length * 4) + _bytes.Sum(a => (long)a.Length);

    /// <summary>A float buffer of at least <paramref name="length"/> elements in slot <paramref name="slot"/> (contents undefined).</summary>
    internal Span<float> Floats(int slot, int length)
    {
        if (_floats[slot].Length < length) _floats[slot] = new float[Grow(_floats[slot].Length, length)];
        return _floats[slot].AsSpan(0, length);
    }

    /// <summary>An int buffer of at least <paramref name="length"/> elements in slot <paramref name="slot"/> (contents undefined).</summary>
    internal Span<int> Ints(int slot, int length)
    {
        if (_ints[slot].Length < length) _ints[slot] = new int[Grow(_ints[slot].Length, length)];
        return _ints[slot].AsSpan(0, length);
    }

    /// <summary>A byte buffer of at least <paramref name="length"/> elements in slot <paramref name="slot"/> (contents undefined).</summary>
    internal Span<byte> Bytes(int slot, int length)
    {
        if (_bytes[slot].Length < length) _bytes[slot] = new byte[Grow(_bytes[slot].Length, length)];
        return _bytes[slot].AsSpan(0, length);
    }

    // Geometric growth so a slowly growing input does not reallocate on every call.
    private static int Grow(int have, int need) => (int)Math.Min(int.MaxValue, Math.Max(need, (long)have * 3 / 2));
}
