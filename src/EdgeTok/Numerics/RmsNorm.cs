namespace EdgeTok.Numerics;

/// <summary>
/// T5-style RMS normalisation: y = w ⊙ x / sqrt(mean(x²) + eps), without mean subtraction or bias.
/// The mean of squares is accumulated in float64 (more accurate than, and within rounding of, the
/// float32 reference).
/// </summary>
public static class RmsNorm
{
    /// <summary>Normalises <paramref name="rows"/> rows of width <paramref name="dim"/> from <paramref name="x"/> into <paramref name="y"/> (may alias).</summary>
    public static void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, float eps, Span<float> y, int rows, int dim)
    {
        if (weight.Length < dim || x.Length < rows * dim || y.Length < rows * dim) throw new ArgumentException("RmsNorm: operand too small");
        for (int r = 0; r < rows; r++)
        {
            var xr = x.Slice(r * dim, dim);
            double ss = 0;
            for (int i = 0; i < dim; i++) ss += (double)xr[i] * xr[i];
            float inv = (float)(1.0 / Math.Sqrt(ss / dim + eps));
            var yr = y.Slice(r * dim, dim);
            for (int i = 0; i < dim; i++) yr[i] = weight[i] * (xr[i] * inv);
        }
    }
}
