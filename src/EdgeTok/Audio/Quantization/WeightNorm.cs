namespace EdgeTok.Audio.Quantization;

/// <summary>Folds PyTorch weight normalisation into a plain weight at load time.</summary>
public static class WeightNorm
{
    /// <summary>
    /// W = g · v / ||v||, the norm taken per output channel over all other dimensions (PyTorch's
    /// default <c>dim=0</c>): v is [outChannels, …] flattened, g holds one value per output channel.
    /// </summary>
    /// <exception cref="EdgeTokException">Sizes that do not match, or a zero-norm channel (<see cref="StatusCode.InvalidArgument"/>).</exception>
    public static float[] Fold(ReadOnlySpan<float> g, ReadOnlySpan<float> v, int outChannels)
    {
        if (outChannels < 1 || g.Length != outChannels || v.Length % outChannels != 0 || v.IsEmpty)
            throw EdgeTokException.Argument($"weight norm: g has {g.Length} values and v {v.Length}, expected {outChannels} and a multiple of it");
        int per = v.Length / outChannels;
        var w = new float[v.Length];
        for (int o = 0; o < outChannels; o++)
        {
            var row = v.Slice(o * per, per);
            double ss = 0;
            foreach (var x in row) ss += (double)x * x;
            if (ss == 0) throw EdgeTokException.Argument($"weight norm: output channel {o} of v is all zeros");
            double scale = g[o] / Math.Sqrt(ss);
            for (int i = 0; i < per; i++) w[o * per + i] = (float)(row[i] * scale);
        }
        return w;
    }
}
