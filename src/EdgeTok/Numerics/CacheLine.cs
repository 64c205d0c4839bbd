using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EdgeTok.Numerics;

/// <summary>
/// Placing buffers on 64-byte boundaries. The kernels load and store whole 512-bit (or 256-bit) vectors;
/// one that straddles two cache lines is split into two accesses, which made whole processes of a kernel
/// measurably slower depending on where the heap happened to put an array.
/// </summary>
internal static class CacheLine
{
    /// <summary>Elements to skip so that <c>span[offset]</c> starts a cache line (0..63 bytes' worth).</summary>
    /// <remarks>For a pinned array this holds for its lifetime; for an unpinned buffer only until a GC moves it, which costs speed, not correctness.</remarks>
    public static unsafe int Offset<T>(Span<T> span) where T : unmanaged
    {
        nuint address = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(span));
        return (int)((64 - address % 64) % 64 / (nuint)sizeof(T));
    }

    /// <summary><see cref="Offset{T}(Span{T})"/> of a pinned array.</summary>
    public static int Offset<T>(T[] pinned) where T : unmanaged => Offset(pinned.AsSpan());
}
