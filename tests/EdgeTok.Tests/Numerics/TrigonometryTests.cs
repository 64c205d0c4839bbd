using EdgeTok.Numerics;

namespace EdgeTok.Tests.Numerics;

public class TrigonometryTests
{
    private static float[] Angles()
    {
        var rng = new Random(3);
        var a = new List<float> { 0f, -0f, 1e-30f, MathF.PI / 4, MathF.PI / 2, MathF.PI, -MathF.PI, 3 * MathF.PI / 4, 1e6f, -3e6f, 1e20f, float.NaN, float.PositiveInfinity };
        for (int i = 0; i < 2000; i++) a.Add((float)((rng.NextDouble() * 2 - 1) * Math.Pow(10, rng.Next(-3, 5))));
        for (int t = 0; t < 300; t++) a.Add(t * 1.2345678f); // RoPE-like angles t·ω
        return [.. a];
    }

    [Fact]
    public void SinCos_is_within_a_rounding_of_the_float64_functions()
    {
        var x = Angles();
        var s = new float[x.Length];
        var c = new float[x.Length];
        Trigonometry.SinCos(x, s, c);
        for (int i = 0; i < x.Length; i++)
        {
            double es = Math.Sin(x[i]), ec = Math.Cos(x[i]);
            if (!double.IsFinite(es)) { Assert.True(float.IsNaN(s[i]) && float.IsNaN(c[i]), $"x={x[i]}"); continue; }
            // One float rounding of the exact value (plus a hair for the float64 evaluation).
            Assert.True(Math.Abs(s[i] - es) <= 0.51 * ulp(es) + 1e-15, $"sin({x[i]}) = {s[i]}, expected {es}");
            Assert.True(Math.Abs(c[i] - ec) <= 0.51 * ulp(ec) + 1e-15, $"cos({x[i]}) = {c[i]}, expected {ec}");
        }

        static double ulp(double v) => Math.Max(MathF.BitIncrement(MathF.Abs((float)v)) - MathF.Abs((float)v), float.Epsilon);
    }

    [Fact]
    public void SinCos_vector_and_scalar_paths_agree_bit_for_bit_and_sin_may_alias_the_input()
    {
        var x = Angles();
        var s = new float[x.Length];
        var c = new float[x.Length];
        Trigonometry.SinCos(x, s, c); // vector blocks plus a scalar tail
        var one = new float[1];
        var oc = new float[1];
        for (int i = 0; i < x.Length; i++)
        {
            Trigonometry.SinCos(x.AsSpan(i, 1), one, oc); // scalar path only
            Assert.Equal(BitConverter.SingleToInt32Bits(one[0]), BitConverter.SingleToInt32Bits(s[i]));
            Assert.Equal(BitConverter.SingleToInt32Bits(oc[0]), BitConverter.SingleToInt32Bits(c[i]));
        }
        var inPlace = (float[])x.Clone();
        var c2 = new float[x.Length];
        Trigonometry.SinCos(inPlace, inPlace, c2);
        Assert.Equal(s, inPlace);
        Assert.Equal(c, c2);
    }
}
