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
            string cross = prefix + ".layer.1.EncDecAttention";
            CrossAttention = new T5Attention(r, cross, c, withRope: c.IsCrossAttentionPe);
            // With is_cross_attention_pe = false the reference still builds (and saves) the rotary net; it is never used.
            if (!c.IsCrossAttentionPe && r.Contains(cross + ".rotary_emb.instance_wise_param_net.mlp.0.weight")) AdaptiveRope.Load(r, cross, c);
            CrossNorm = r.Read(prefix + ".layer.1.layer_norm.weight", c.DModel);
            ff = 2;
        }
        FeedForward = new T5FeedForward(r, $"{prefix}.layer.{ff}.DenseReluDense", c);
        FeedForwardNorm = r.Read($"{prefix}.layer.{ff}.layer_norm.weight", c.DModel);
    }
}
