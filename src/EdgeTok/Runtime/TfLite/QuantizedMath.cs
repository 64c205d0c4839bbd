namespace EdgeTok.Runtime.TfLite;

/// <summary>
/// TFLite's integer requantisation arithmetic (gemmlowp fixed point): a real multiplier M is stored as a
/// Q31 significand and a power-of-two exponent, and applied with a rounding doubling high multiply and a
/// rounding right shift. Reproducing it bit for bit is what makes int8 layers agree with the reference
/// kernels.
/// </summary>
internal static class QuantizedMath
{
    /// <summary>Splits <paramref name="m"/> into a Q31 significand and an exponent: m ≈ q · 2^(shift−31).</summary>
    public static void QuantizeMultiplier(double m, out int multiplier, out int shift)
    {
        if (m == 0.0) { multiplier = 0; shift = 0; return; }
        // frexp: m = q · 2^shift with q in [0.5, 1).
        shift = Math.ILogB(m) + 1;
        double q = Math.ScaleB(m, -shift);
        long qFixed = (long)Math.Round(q * (1L << 31), MidpointRounding.AwayFromZero);
        if (qFixed == 1L << 31) { qFixed /= 2; shift++; }
        if (shift < -31) { shift = 0; qFixed = 0; }
        if (shift > 30) { shift = 30; qFixed = (1L << 31) - 1; }
        multiplier = (int)qFixed;
    }

    /// <summary>round(a·b / 2^31) with TFLite's nudge, saturating the one overflow case.</summary>
    public static int SaturatingRoundingDoublingHighMul(int a, int b)
    {
        if (a == b && a == int.MinValue) return int.MaxValue;
        long ab = (long)a * b;
        long nudge = ab >= 0 ? 1L << 30 : 1 - (1L << 30);
        return (int)((ab + nudge) / (1L << 31)); // C++ division truncates toward zero, as here
    }

    /// <summary>x / 2^exponent rounded to nearest, ties away from zero.</summary>
    public static int RoundingDivideByPot(int x, int exponent)
    {
        int mask = (int)((1L << exponent) - 1);
        int remainder = x & mask;
        int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
        return (x >> exponent) + (remainder > threshold ? 1 : 0);
    }

    /// <summary>x · M for M given by <see cref="QuantizeMultiplier"/>.</summary>
    public static int MultiplyByQuantizedMultiplier(int x, int multiplier, int shift)
    {
        int left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
        return RoundingDivideByPot(SaturatingRoundingDoublingHighMul(x * (1 << left), multiplier), right);
    }

    /// <summary>x · M for M &lt; 1 (exponent ≤ 0), the form the int8 ADD kernel uses.</summary>
    public static int MultiplyByQuantizedMultiplierSmallerThanOneExp(int x, int multiplier, int leftShift) =>
        RoundingDivideByPot(SaturatingRoundingDoublingHighMul(x, multiplier), -leftShift);
}
