namespace EdgeTok.Tests.Audio;

/// <summary>The reference the nearest-codeword searches are tested against, and their random inputs.</summary>
internal static class NearestReference
{
    /// <summary>Float64 squared distances in index order; the first of equal distances wins.</summary>
    public static int BruteForce(ReadOnlySpan<float> x, ReadOnlySpan<float> cb, int k, int d)
    {
        int best = 0;
        double bestD = double.PositiveInfinity;
        for (int j = 0; j < k; j++)
        {
            double s = 0;
            for (int i = 0; i < d; i++)
            {
                double e = (double)x[i] - cb[j * d + i];
                s += e * e;
            }
            if (s < bestD)
            {
                bestD = s;
                best = j;
            }
        }
        return best;
    }

    /// <summary><paramref name="n"/> Gaussian values of standard deviation <paramref name="scale"/>.</summary>
    public static float[] Gaussian(Random rng, int n, double scale)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(ResidualVectorQuantizerTests.Gauss(rng) * scale);
        return a;
    }
}
