namespace EdgeTok.TimeSeries.Kairos;

/// <summary>
/// The Kairos tokenization of one series: what the encoder sees, before the transformer.
/// </summary>
public sealed class KairosTokens
{
    /// <summary>Number of patch tokens n (without [REG]).</summary>
    public int Count { get; }
    /// <summary>Embedding width d_model.</summary>
    public int DModel { get; }
    /// <summary>Mixture-of-size token embeddings [n, d_model] row-major, before [REG] is appended.</summary>
    public float[] Embeddings { get; }
    /// <summary>Length in points of each token (P, P/2, ...; 128/64/32 for the published models).</summary>
    public int[] TokenSizes { get; }
    /// <summary>Encoder attention mask (1 = attend): n entries, plus a final 1 for [REG] when the model uses it.</summary>
    public byte[] AttentionMask { get; }
    /// <summary>Whether <see cref="AttentionMask"/> ends with the [REG] entry.</summary>
    public bool HasRegToken { get; }
    /// <summary>Instance-normalisation location (mean of the observed points of the window).</summary>
    public float Loc { get; }
    /// <summary>Instance-normalisation scale (population std; |loc| + 1e-5 when it is 0).</summary>
    public float Scale { get; }
    /// <summary>The spectral features s fed to every RoPE net (after <c>fft_norm</c>).</summary>
    public float[] SpectralFeatures { get; }
    /// <summary>Adaptive RoPE of every attention module, encoder self first, then decoder self and cross per block.</summary>
    public IReadOnlyList<KairosRopeTable> Rope { get; }
    /// <summary>The router's choice per coarse patch (experts, weights, token size) and where the patches lie in the input.</summary>
    public KairosRouting Routing { get; }

    internal KairosTokens(int count, int dModel, float[] embeddings, int[] sizes, byte[] mask, bool hasReg, float loc, float scale,
        float[] spectral, IReadOnlyList<KairosRopeTable> rope, KairosRouting routing)
    {
        Routing = routing;
        Count = count;
        DModel = dModel;
        Embeddings = embeddings;
        TokenSizes = sizes;
        AttentionMask = mask;
        HasRegToken = hasReg;
        Loc = loc;
        Scale = scale;
        SpectralFeatures = spectral;
        Rope = rope;
    }

    /// <summary>The RoPE table of the named module (e.g. <c>encoder.block.0.layer.0.SelfAttention</c>).</summary>
    /// <exception cref="EdgeTokException">No such module (<see cref="StatusCode.NotFound"/>).</exception>
    public KairosRopeTable RopeFor(string module)
    {
        foreach (var t in Rope) if (t.Module == module) return t;
        throw new EdgeTokException(StatusCode.NotFound, $"no rotary module named '{module}' (cross-attention has none when is_cross_attention_pe is false)");
    }
}
