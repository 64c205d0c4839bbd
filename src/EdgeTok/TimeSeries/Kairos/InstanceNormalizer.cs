namespace EdgeTok.TimeSeries.Kairos;

/// <summary>
/// NaN-aware instance normalisation of one context window: loc = mean of the observed values,
/// scale = their population standard deviation (ddof 0). As in the reference, a scale of exactly 0
/// becomes |loc| + 1e-5, a window with no observation gets loc 0 and scale 1, and a tiny but non-zero
/// scale is <b>not</b> floored. Statistics are accumulated in float64.
/// </summary>
internal static class InstanceNormalizer
{
    /// <summary>z = (x − loc)/scale with NaN kept; returns (loc, scale).</summary>
    public static (float Loc, float Scale) Normalize(ReadOnlySpan<float> x, Span<float> z)
    {
        double sum = 0;
        int n = 0;
        foreach (var v in x)
            if (!float.IsNaN(v)) { sum += v; n++; }
        float loc, scale;
        if (n == 0)
        {
            loc = 0f;
            scale = 1f;
        }
        else
        {
            double mean = sum / n;
            double ss = 0;
            foreach (var v in x)
                if (!float.IsNaN(v)) { double d = v - mean; ss += d * d; }
            loc = (float)mean;
            scale = (float)Math.Sqrt(ss / n);
            if (scale == 0f) scale = MathF.Abs(loc) + 1e-5f;
        }
        for (int i = 0; i < x.Length; i++) z[i] = (x[i] - loc) / scale;
        return (loc, scale);
    }
}
