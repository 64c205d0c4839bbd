using System.Text;

namespace EdgeTok.Tests.Reliability;

/// <summary>A hand-made .npy v1 file: magic, header length, the given header text, then zeroed data bytes.</summary>
internal static class NpyV1Bytes
{
    public static byte[] Build(string header, int dataBytes = 0)
    {
        var h = Encoding.Latin1.GetBytes(header);
        var b = new byte[10 + h.Length + dataBytes];
        Encoding.Latin1.GetBytes("\x93NUMPY\x01\x00").CopyTo(b, 0);
        b[8] = (byte)h.Length;
        b[9] = (byte)(h.Length >> 8);
        h.CopyTo(b, 10);
        return b;
    }
}
