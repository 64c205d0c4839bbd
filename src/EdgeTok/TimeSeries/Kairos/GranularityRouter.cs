namespace EdgeTok.TimeSeries.Kairos;

/// <summary>
/// The Top-K granularity router with null experts (Mixture-of-Size Dynamic Patching). Per coarse
/// patch of P values (NaN → 0; the mask is not seen): logits = W_gate·v + bias, π = softmax over
/// E = levels + null experts, Top-K by π in descending order, weights renormalised over the K chosen
/// (× route_scale). No temperature, threshold or noise. The bias is the checkpoint's
/// <c>patch.moe.gate.bias</c> buffer unless the caller passes its own (drifting) copy.
/// </summary>
internal sealed class GranularityRouter
{
    private readonly float[] _weight;
    private readonly int _experts, _k, _patch;
    private readonly float _routeScale;

    /// <summary>The checkpoint bias (never mutated).</summary>
    public float[] InitialBias { get; }

    public GranularityRouter(float[] weight, float[] bias, KairosConfig c)
    {
        _weight = weight;
        InitialBias = bias;
        _experts = c.NumExperts;
        _k = c.NumActivatedExperts;
        _patch = c.InputPatchSize;
        _routeScale = c.RouteScale;
    }

    /// <summary>Routes one patch: writes π [E], the top-K ids (descending π) and their weights.</summary>
    public void Route(ReadOnlySpan<float> patch, ReadOnlySpan<float> bias, Span<float> probs, Span<int> topIdx, Span<float> topW)
    {
        Span<float> v = stackalloc float[_patch];
        for (int i = 0; i < _patch; i++) v[i] = float.IsNaN(patch[i]) ? 0f : patch[i];
        for (int e = 0; e < _experts; e++)
            probs[e] = System.Numerics.Tensors.TensorPrimitives.Dot(_weight.AsSpan(e * _patch, _patch), v) + bias[e];
        T5Attention.SoftMaxInPlace(probs[.._experts]);

        // Selection sort of K: stable on ties (lower expert id first).
        Span<bool> taken = stackalloc bool[_experts];
        float total = 0f;
        for (int j = 0; j < _k; j++)
        {
            int best = -1;
            for (int e = 0; e < _experts; e++)
                if (!taken[e] && (best < 0 || probs[e] > probs[best])) best = e;
            taken[best] = true;
            topIdx[j] = best;
            total += probs[best];
        }
        for (int j = 0; j < _k; j++) topW[j] = probs[topIdx[j]] / total * _routeScale;
    }

    /// <summary>
    /// The reference's in-forward bias update (P1): bias += rate·(target·Σw − counts)/Σw, where counts
    /// are the top-K weights summed per expert over every coarse patch of the batch.
    /// </summary>
    public static void UpdateBias(Span<float> bias, ReadOnlySpan<float> counts, KairosConfig c)
    {
        double total = 0;
        foreach (var x in counts) total += x;
        if (!(total > 0)) return;
        for (int e = 0; e < bias.Length; e++)
            bias[e] = (float)(bias[e] + c.UpdateBiasRate * (c.TargetDist[e] * total - counts[e]) / total);
    }
}
