namespace EdgeTok.Audio.Metrics;

/// <summary>Argument checks shared by the metrics (internal).</summary>
internal static class MetricInput
{
    /// <summary>Throws unless both signals are non-empty, equally long and finite.</summary>
    public static void Check(ReadOnlySpan<float> reference, ReadOnlySpan<float> degraded, string metric)
    {
        if (reference.Length == 0 || degraded.Length == 0) throw EdgeTokException.Argument($"{metric}: empty signal");
        if (reference.Length != degraded.Length)
            throw EdgeTokException.Argument($"{metric}: reference has {reference.Length} samples, degraded {degraded.Length} (align and trim them first)");
        CheckFinite(reference, metric, "reference");
        CheckFinite(degraded, metric, "degraded");
    }

    public static void CheckRate(int sampleRate, string metric)
    {
        if (sampleRate < 4000 || sampleRate > 384000) throw EdgeTokException.Argument($"{metric}: sample rate {sampleRate} out of range (4000..384000)");
    }

    private static void CheckFinite(ReadOnlySpan<float> x, string metric, string which)
    {
        for (int i = 0; i < x.Length; i++)
            if (!float.IsFinite(x[i])) throw EdgeTokException.Argument($"{metric}: {which} sample {i} is not finite ({x[i]})");
    }

    /// <summary>Hann window of MATLAB's <c>hanning(n)</c>: 0.5(1 − cos(2πk/(n+1))), k = 1..n (no zero end points).</summary>
    public static double[] Hann(int n)
    {
        var w = new double[n];
        for (int k = 0; k < n; k++) w[k] = 0.5 * (1 - Math.Cos(2 * Math.PI * (k + 1) / (n + 1)));
        return w;
    }

    /// <summary>Smallest power of two ≥ <paramref name="n"/>.</summary>
    public static int NextPow2(int n) => (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(2, n));
}
