namespace EdgeTok.TimeSeries.Kairos;

/// <summary>
/// Test hook: collects intermediate arrays of the first forward of a call under the golden file names
/// (<c>norm.loc</c>, <c>gate.probs</c>, <c>enc.last_hidden</c>, ...). Later forwards (roll-out steps,
/// the flip pass) do not overwrite what the first one recorded.
/// </summary>
internal sealed class KairosTrace
{
    private readonly Dictionary<string, (float[] Data, int[] Shape)> _arrays = new(StringComparer.Ordinal);

    /// <summary>Set once the first forward has finished; nothing is recorded after that.</summary>
    public bool Frozen { get; set; }

    public IReadOnlyDictionary<string, (float[] Data, int[] Shape)> Arrays => _arrays;

    public bool Wants(string name) => !Frozen;

    public void Add(string name, ReadOnlySpan<float> data, params int[] shape)
    {
        if (Frozen || _arrays.ContainsKey(name)) return;
        _arrays[name] = (data.ToArray(), shape);
    }

    /// <summary>Records x [B·L, H·d] as [B, H, L, d] (the reference's head-major layout).</summary>
    public void HeadMajor(string name, ReadOnlySpan<float> x, int batch, int len, int heads, int d)
    {
        if (Frozen || _arrays.ContainsKey(name)) return;
        var o = new float[batch * heads * len * d];
        for (int b = 0; b < batch; b++)
            for (int h = 0; h < heads; h++)
                for (int t = 0; t < len; t++)
                    x.Slice((b * len + t) * heads * d + h * d, d).CopyTo(o.AsSpan(((b * heads + h) * len + t) * d, d));
        _arrays[name] = (o, [batch, heads, len, d]);
    }

    public (float[] Data, int[] Shape) Get(string name) =>
        _arrays.TryGetValue(name, out var a) ? a : throw new KeyNotFoundException("trace has no array " + name);
}
