using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text;

namespace EdgeTok.Native;

/// <summary>
/// Constant strings handed to C: allocated once in unmanaged memory and never freed or moved,
/// so the pointers stay valid for the life of the process.
/// </summary>
internal static unsafe class StaticStrings
{
    private static readonly ConcurrentDictionary<string, nint> s_cache = new(StringComparer.Ordinal);

    public static byte* Get(string value) => (byte*)s_cache.GetOrAdd(value, static v =>
    {
        var bytes = Encoding.UTF8.GetBytes(v);
        var p = (byte*)NativeMemory.Alloc((nuint)bytes.Length + 1);
        bytes.CopyTo(new Span<byte>(p, bytes.Length));
        p[bytes.Length] = 0;
        return (nint)p;
    });
}
