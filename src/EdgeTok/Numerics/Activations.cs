using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeTok.Numerics;

/// <summary>Element-wise activation functions, in place.</summary>
internal static class Activations
{
    /// <summary>x = x &gt; 0 ? x : 0 (NaN becomes 0, as the scalar <c>!(x &gt; 0)</c> test the models were checked with).</summary>
    public static void Relu(Span<float> x)
    {
        ref float p = ref MemoryMarshal.GetReference(x);
        int n = x.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + 16 <= n; i += 16)
            {
                var v = Vector512.LoadUnsafe(ref p, (nuint)i);
                (v & Vector512.GreaterThan(v, Vector512<float>.Zero)).StoreUnsafe(ref p, (nuint)i);
            }
        if (Vector256.IsHardwareAccelerated)
            for (; i + 8 <= n; i += 8)
            {
                var v = Vector256.LoadUnsafe(ref p, (nuint)i);
                (v & Vector256.GreaterThan(v, Vector256<float>.Zero)).StoreUnsafe(ref p, (nuint)i);
            }
        if (Vector128.IsHardwareAccelerated)
            for (; i + 4 <= n; i += 4)
            {
                var v = Vector128.LoadUnsafe(ref p, (nuint)i);
                (v & Vector128.GreaterThan(v, Vector128<float>.Zero)).StoreUnsafe(ref p, (nuint)i);
            }
        for (; i < n; i++) if (!(x[i] > 0f)) x[i] = 0f;
    }
}
