using System.Numerics.Tensors;

namespace EdgeTok.TimeSeries.Kairos;

/// <summary>
/// T5 multi-head attention as Kairos uses it: bias-free q/k/v/o projections, adaptive RoPE on q and k,
/// scores q·kᵀ with no 1/√d_kv scaling, masked keys get float32.MinValue added (as the reference's
/// extended mask does), float32 softmax.
/// </summary>
internal sealed class T5Attention
{
    public Linear Q { get; }
    public Linear K { get; }
    public Linear V { get; }
    public Linear O { get; }
    /// <summary>Null when this module is not rotated (cross-attention with is_cross_attention_pe = false).</summary>
    public AdaptiveRope? Rope { get; }
    /// <summary>State-dict prefix, e.g. <c>encoder.block.0.layer.0.SelfAttention</c>.</summary>
    public string Name { get; }

    private readonly int _heads, _dKv;

    public T5Attention(KairosTensorReader r, string name, KairosConfig c, bool withRope)
    {
        Name = name;
        _heads = c.NumHeads;
        _dKv = c.DKv;
        int inner = c.InnerDim;
        Q = r.Linear(name + ".q", inner, c.DModel, bias: false);
        K = r.Linear(name + ".k", inner, c.DModel, bias: false);
        V = r.Linear(name + ".v", inner, c.DModel, bias: false);
        O = r.Linear(name + ".o", c.DModel, inner, bias: false);
        Rope = withRope ? AdaptiveRope.Load(r, name, c) : null;
    }

    /// <summary>
    /// residual[b] += O(Attention(x[b], mem[b])) for every batch row b. x is [B·lq, d_model] (already
    /// normalised), mem is [B·lk, d_model]; keyMask is [B·lk] 0/1; ropeCos/Sin[b] are tables with at
    /// least max(lq, lk) rows (ignored when <see cref="Rope"/> is null).
    /// </summary>
    public void Forward(ReadOnlySpan<float> x, int lq, ReadOnlySpan<float> mem, int lk, int batch,
        ReadOnlySpan<float> keyMask, bool causal, bool flipKeys, float[][]? ropeCos, float[][]? ropeSin,
        Span<float> residual, AttentionScratch s, KairosTrace? trace)
    {
        int inner = _heads * _dKv;
        var q = s.Q.AsSpan(0, batch * lq * inner);
        var k = s.K.AsSpan(0, batch * lk * inner);
        var v = s.V.AsSpan(0, batch * lk * inner);
        var ctx = s.Ctx.AsSpan(0, batch * lq * inner);
        Q.Forward(x, q, batch * lq);
        K.Forward(mem, k, batch * lk);
        V.Forward(mem, v, batch * lk);

        if (flipKeys)
        {
            // cross_attention_pe_flip: the reference reverses the keys in time (not the values or the mask) before rotating.
            var tmp = s.Row.AsSpan(0, inner);
            for (int b = 0; b < batch; b++)
                for (int i = 0, j = lk - 1; i < j; i++, j--)
                {
                    var ri = k.Slice((b * lk + i) * inner, inner);
                    var rj = k.Slice((b * lk + j) * inner, inner);
                    ri.CopyTo(tmp); rj.CopyTo(ri); tmp.CopyTo(rj);
                }
        }

        bool traced = trace is not null && trace.Wants(Name);
        if (traced) { trace!.HeadMajor(Name + ".rotary_emb.q_in", q, batch, lq, _heads, _dKv); trace.HeadMajor(Name + ".rotary_emb.k_in", k, batch, lk, _heads, _dKv); }
        if (Rope is not null)
        {
            for (int b = 0; b < batch; b++)
            {
                AdaptiveRope.Rotate(q.Slice(b * lq * inner, lq * inner), lq, _heads, _dKv, ropeCos![b], ropeSin![b]);
                AdaptiveRope.Rotate(k.Slice(b * lk * inner, lk * inner), lk, _heads, _dKv, ropeCos[b], ropeSin[b]);
            }
        }
        if (traced) { trace!.HeadMajor(Name + ".rotary_emb.q_out", q, batch, lq, _heads, _dKv); trace.HeadMajor(Name + ".rotary_emb.k_out", k, batch, lk, _heads, _dKv); }

        var qh = s.Qh.AsSpan(0, lq * _dKv);
        var kh = s.Kh.AsSpan(0, lk * _dKv);
        var vt = s.Vt.AsSpan(0, _dKv * lk);
        var scores = s.Scores.AsSpan(0, lq * lk);
        var oh = s.Oh.AsSpan(0, lq * _dKv);
        for (int b = 0; b < batch; b++)
        {
            var mask = keyMask.Slice(b * lk, lk);
            for (int h = 0; h < _heads; h++)
            {
                // Gather this head contiguously: q, k as [L, d_kv]; v transposed to [d_kv, lk] so P·v is also an A·Bᵀ product.
                for (int t = 0; t < lq; t++) q.Slice((b * lq + t) * inner + h * _dKv, _dKv).CopyTo(qh.Slice(t * _dKv, _dKv));
                for (int t = 0; t < lk; t++)
                {
                    k.Slice((b * lk + t) * inner + h * _dKv, _dKv).CopyTo(kh.Slice(t * _dKv, _dKv));
                    var vr = v.Slice((b * lk + t) * inner + h * _dKv, _dKv);
                    for (int d = 0; d < _dKv; d++) vt[d * lk + t] = vr[d];
                }
                Numerics.Gemm.MultiplyTransposed(qh, kh, scores, lq, lk, _dKv);
                for (int i = 0; i < lq; i++)
                {
                    var row = scores.Slice(i * lk, lk);
                    for (int j = 0; j < lk; j++)
                    {
                        if (mask[j] == 0f || (causal && j > i)) row[j] += float.MinValue;
                    }
                    SoftMaxInPlace(row);
                }
                Numerics.Gemm.MultiplyTransposed(scores, vt, oh, lq, _dKv, lk);
                for (int t = 0; t < lq; t++) oh.Slice(t * _dKv, _dKv).CopyTo(ctx.Slice((b * lq + t) * inner + h * _dKv, _dKv));
            }
        }
        O.Forward(ctx, residual, batch * lq, accumulate: true);
    }

    // Max-subtracted softmax (TensorPrimitives.SoftMax does not subtract the maximum, and unscaled T5 scores can overflow exp).
    internal static void SoftMaxInPlace(Span<float> row)
    {
        float max = TensorPrimitives.Max(row);
        TensorPrimitives.Subtract(row, max, row);
        TensorPrimitives.Exp(row, row);
        float sum = TensorPrimitives.Sum(row);
        TensorPrimitives.Divide(row, sum, row);
    }
}
