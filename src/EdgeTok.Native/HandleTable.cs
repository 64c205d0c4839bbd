namespace EdgeTok.Native;

/// <summary>
/// Maps opaque C handles to managed objects. A handle encodes a slot index, the slot's generation
/// and a kind tag, so a destroyed handle, a handle of another kind, or a made-up value is detected
/// (<see cref="StatusCode.InvalidHandle"/>) instead of touching freed memory. Thread-safe.
/// </summary>
internal static class HandleTable
{
    private sealed class Slot
    {
        public object? Target;
        public uint Generation = 1;
        public byte Kind;
    }

    private static readonly Lock s_lock = new();
    private static readonly List<Slot> s_slots = [];
    private static readonly Stack<int> s_free = new();

    // Layout: bits 0..23 slot+1, bits 24..31 kind, bits 32..63 generation (never 0: handle != NULL).
    public static nint Add(object target, HandleKind kind)
    {
        lock (s_lock)
        {
            int idx;
            if (s_free.Count > 0) idx = s_free.Pop();
            else
            {
                if (s_slots.Count >= (1 << 24) - 1) throw EdgeTokException.Limit("too many live handles");
                s_slots.Add(new Slot());
                idx = s_slots.Count - 1;
            }
            var slot = s_slots[idx];
            slot.Target = target;
            slot.Kind = (byte)kind;
            return (nint)(((long)slot.Generation << 32) | ((long)(byte)kind << 24) | (long)(idx + 1));
        }
    }

    public static T Get<T>(nint handle, HandleKind kind) where T : class
    {
        if (handle == 0) throw new EdgeTokException(StatusCode.NullPointer, $"{kind} handle is NULL");
        lock (s_lock)
        {
            var slot = Find(handle, kind);
            return slot.Target as T ?? throw new EdgeTokException(StatusCode.InvalidHandle, $"{kind} handle does not refer to a {typeof(T).Name}");
        }
    }

    /// <summary>Removes a handle and returns its object (for disposal). NULL is a no-op returning null.</summary>
    public static object? Remove(nint handle, HandleKind kind)
    {
        if (handle == 0) return null;
        lock (s_lock)
        {
            var slot = Find(handle, kind);
            var target = slot.Target;
            slot.Target = null;
            slot.Generation = slot.Generation == uint.MaxValue ? 1 : slot.Generation + 1;
            s_free.Push((int)((long)handle & 0xFFFFFF) - 1);
            return target;
        }
    }

    private static Slot Find(nint handle, HandleKind kind)
    {
        long h = handle;
        int idx = (int)(h & 0xFFFFFF) - 1;
        var hk = (HandleKind)(byte)((h >> 24) & 0xFF);
        uint gen = (uint)((ulong)h >> 32);
        if (idx < 0 || idx >= s_slots.Count) throw new EdgeTokException(StatusCode.InvalidHandle, $"invalid {kind} handle");
        if (hk != kind) throw new EdgeTokException(StatusCode.InvalidHandle, $"handle is a {hk} handle, a {kind} handle was expected");
        var slot = s_slots[idx];
        if (slot.Target is null || slot.Generation != gen || slot.Kind != (byte)kind)
            throw new EdgeTokException(StatusCode.InvalidHandle, $"{kind} handle was already destroyed or is invalid");
        return slot;
    }
}

/// <summary>Kinds of handle, encoded into each handle value.</summary>
internal enum HandleKind : byte
{
    Kairos = 1,
    AudioCodec = 2,
    EncoderStream = 3,
    DecoderStream = 4,
    ChronosBins = 5,
}
