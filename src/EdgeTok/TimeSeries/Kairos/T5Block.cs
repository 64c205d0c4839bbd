namespace EdgeTok.TimeSeries.Kairos;

/// <summary>
/// One pre-norm T5 block: x += SelfAttn(RMS(x)); [x += CrossAttn(RMS(x), memory)]; x += FFN(RMS(x)).
/// Encoder blocks have no cross-attention; decoder self-attention is causal.
/// </summary>
internal sealed class T5Block
{
    public T5Attention SelfAttention { get; }
    public float[] SelfNorm { get; }
    public T5Attention? CrossAttention { get; }
    public float[]? CrossNorm { get; }
    public T5FeedForward FeedForward { get; }
    public float[] FeedForwardNorm { get; }
    public bool IsDecoder { get; }

    public T5Block(KairosTensorReader r, string prefix, KairosConfig c, bool decoder)
    {
        IsDecoder = decoder;
        SelfAttention = new T5Attention(r, prefix + ".layer.0.SelfAttention", c, withRope: true);
        SelfNorm = r.Read(prefix + ".layer.0.layer_norm.weight", c.DModel);
        int ff = 1;
        if (decoder)
        {
            CrossAttention = new T5Attention(r, prefix + ".layer.1.EncDecAttention", c, withRope: c.IsCrossAttentionPe);
            CrossNorm = r.Read(prefix + ".layer.1.layer_norm.weight", c.DModel);
            ff = 2;
        }
        FeedForward = new T5FeedForward(r, $"{prefix}.layer.{ff}.DenseReluDense", c);
        FeedForwardNorm = r.Read($"{prefix}.layer.{ff}.layer_norm.weight", c.DModel);
    }
}
