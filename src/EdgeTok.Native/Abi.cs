using System.Runtime.InteropServices;
using System.Text;

namespace EdgeTok.Native;

/// <summary>
/// Marshalling helpers shared by every export: the thread-local last-error message, mapping
/// exceptions to status codes, UTF-8 strings in and out, and the two-call buffer pattern.
/// Nothing here decides behaviour; it only translates.
/// </summary>
internal static unsafe class Abi
{
    private const int ErrorCapacity = 2048;

    [ThreadStatic] private static byte* t_error;

    /// <summary>Records the message for <c>edgetok_last_error</c> on this thread.</summary>
    public static void SetError(string message)
    {
        if (t_error == null) t_error = (byte*)NativeMemory.AllocZeroed(ErrorCapacity);
        var span = new Span<byte>(t_error, ErrorCapacity - 1);
        // Truncate on a character boundary so the message stays valid UTF-8.
        int written = 0;
        var enc = Encoding.UTF8.GetEncoder();
        enc.Convert(message.AsSpan(), span, flush: true, out _, out written, out _);
        t_error[written] = 0;
    }

    /// <summary>The last message of this thread (empty string when none).</summary>
    public static byte* LastError()
    {
        if (t_error == null) t_error = (byte*)NativeMemory.AllocZeroed(ErrorCapacity);
        return t_error;
    }

    /// <summary>Maps any exception to a status and records its message.</summary>
    public static int Fail(Exception e)
    {
        var (code, message) = StatusCodes.Classify(e);
        SetError(message);
        return (int)code;
    }

    /// <summary>Records a message and returns its status.</summary>
    public static int Fail(StatusCode code, string message)
    {
        SetError(message);
        return (int)code;
    }

    /// <summary>Throws <see cref="StatusCode.NullPointer"/> for a NULL argument.</summary>
    public static void NotNull(void* p, string name)
    {
        if (p == null) throw new EdgeTokException(StatusCode.NullPointer, $"{name} must not be NULL");
    }

    /// <summary>A NUL-terminated UTF-8 string from C (NULL → error).</summary>
    public static string Utf8(byte* s, string name)
    {
        NotNull(s, name);
        return Marshal.PtrToStringUTF8((nint)s) ?? "";
    }

    /// <summary>A NUL-terminated UTF-8 string from C, or null for NULL.</summary>
    public static string? Utf8OrNull(byte* s) => s == null ? null : Marshal.PtrToStringUTF8((nint)s);

    /// <summary>
    /// The two-call pattern for an output of <paramref name="count"/> elements: reports the count
    /// through <paramref name="required"/>; (NULL, 0) is a size query and succeeds; a buffer
    /// smaller than the count fails with <see cref="StatusCode.BufferTooSmall"/>.
    /// Returns true when the caller may write the output.
    /// </summary>
    public static bool CheckOutput(void* buffer, nuint capacity, nuint* required, long count, string name)
    {
        if (required != null) *required = (nuint)count;
        if (buffer == null && capacity == 0) return false;
        if (buffer == null) throw new EdgeTokException(StatusCode.NullPointer, $"{name} is NULL but capacity is {capacity}");
        if ((ulong)count > capacity)
            throw new EdgeTokException(StatusCode.BufferTooSmall, $"{name} holds {capacity} elements, {count} needed");
        return true;
    }

    /// <summary>Writes a string as NUL-terminated UTF-8 with the two-call pattern (count includes the NUL).</summary>
    public static void WriteString(string value, byte* buffer, nuint capacity, nuint* required, string name)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        if (!CheckOutput(buffer, capacity, required, bytes.Length + 1, name)) return;
        bytes.CopyTo(new Span<byte>(buffer, bytes.Length));
        buffer[bytes.Length] = 0;
    }

    /// <summary>Checks the leading <c>struct_size</c> of a struct the caller passes in.</summary>
    public static void CheckStructSize(uint structSize, int minimum, string name)
    {
        if (structSize < minimum)
            throw new EdgeTokException(StatusCode.InvalidArgument, $"{name}.struct_size is {structSize}, at least {minimum} expected (call the *_init function first)");
    }
}
