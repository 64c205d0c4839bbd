using System.Numerics.Tensors;
using EdgeTok.Numerics;

namespace EdgeTok.TimeSeries.Kairos;

/// <summary>
/// The mixture-of-size residual MLP that embeds each token (<c>input_patch_embedding</c>). For every
/// real granularity g the parent patch chose, the token's g-size view φ_g = [values, 0… | mask, 0…]
/// goes through the per-size linears; the results are mixed with the chosen weights renormalised over
/// the real experts, before the activation:
/// h = Σ a_g(Wh[g]φ_g + bh[g]), r = Σ a_g(Wr[g]φ_g + br[g]), e = Wo·relu(h) + bo + r.
/// The per-size weights are stored at full width [levels, out, 2P], but only columns [0, gs) and
/// [P, P+gs) are live; the constructor compacts exactly those columns, so whatever a checkpoint holds
/// in the masked columns never enters the result.
/// </summary>
internal sealed class MultiSizePatchEmbedding
{
    private readonly int _levels, _patch, _dFf, _dModel;
    private readonly float[][] _hW, _hB, _rW, _rB;
    private readonly Linear _out;

    /// <summary>The shared output bias: the embedding of an all-zero (padding) token.</summary>
    public float[] OutputBias => _out.Bias!;

    public MultiSizePatchEmbedding(KairosTensorReader r, KairosConfig c)
    {
        _levels = c.Levels;
        _patch = c.InputPatchSize;
        _dFf = c.DFf;
        _dModel = c.DModel;
        int w = 2 * _patch;
        var hw = r.Read("input_patch_embedding.hidden_layer.weight", _levels, _dFf, w);
        var hb = r.Read("input_patch_embedding.hidden_layer.bias", _levels, _dFf);
        var rw = r.Read("input_patch_embedding.residual_layer.weight", _levels, _dModel, w);
        var rb = r.Read("input_patch_embedding.residual_layer.bias", _levels, _dModel);
        _out = r.Linear("input_patch_embedding.output_layer", _dModel, _dFf, bias: true);
        _hW = new float[_levels][]; _hB = new float[_levels][]; _rW = new float[_levels][]; _rB = new float[_levels][];
        for (int g = 0; g < _levels; g++)
        {
            int gs = c.GranularitySize(g);
            _hW[g] = Compact(hw.AsSpan(g * _dFf * w, _dFf * w), _dFf, gs);
            _rW[g] = Compact(rw.AsSpan(g * _dModel * w, _dModel * w), _dModel, gs);
            _hB[g] = hb.AsSpan(g * _dFf, _dFf).ToArray();
            _rB[g] = rb.AsSpan(g * _dModel, _dModel).ToArray();
        }
    }

    // Keeps columns [0, gs) and [P, P+gs) of a [rows, 2P] matrix: [rows, 2gs].
    private float[] Compact(ReadOnlySpan<float> full, int rows, int gs)
    {
        var dst = new float[rows * 2 * gs];
        for (int i = 0; i < rows; i++)
        {
            full.Slice(i * 2 * _patch, gs).CopyTo(dst.AsSpan(i * 2 * gs, gs));
            full.Slice(i * 2 * _patch + _patch, gs).CopyTo(dst.AsSpan(i * 2 * gs + gs, gs));
        }
        return dst;
    }

    /// <summary>
    /// Embeds the tokens of one series. <paramref name="values"/> and <paramref name="observed"/> are the
    /// coarse patches [Np·P] (values NaN-kept); each token names its parent patch and start offset;
    /// <paramref name="levelWeight"/>[p·levels + g] is a_g of patch p (0 when g was not chosen).
    /// Writes [N, d_model] into <paramref name="output"/>.
    /// </summary>
    public void Embed(ReadOnlySpan<float> values, ReadOnlySpan<float> observed, ReadOnlySpan<int> tokenPatch, ReadOnlySpan<int> tokenOffset,
        ReadOnlySpan<float> levelWeight, Span<float> output, KairosTrace? trace, int traceRowOffset, float[]? traceXFinal, int traceRows)
    {
        int n = tokenPatch.Length;
        // Temporaries come from the shared pool (h accumulates, so it is cleared; the others are fully written).
        var fpool = System.Buffers.ArrayPool<float>.Shared;
        var ha = fpool.Rent(n * _dFf);
        var rowsA = System.Buffers.ArrayPool<int>.Shared.Rent(n);
        var phiA = fpool.Rent(n * 2 * _patch);
        var hgA = fpool.Rent(n * _dFf);
        var rgA = fpool.Rent(n * _dModel);
        try
        {
            EmbedCore(values, observed, tokenPatch, tokenOffset, levelWeight, output, traceRowOffset, traceXFinal, traceRows,
                ha.AsSpan(0, n * _dFf), rowsA.AsSpan(0, n), phiA, hgA, rgA);
        }
        finally
        {
            fpool.Return(ha);
            System.Buffers.ArrayPool<int>.Shared.Return(rowsA);
            fpool.Return(phiA);
            fpool.Return(hgA);
            fpool.Return(rgA);
        }
    }

    private void EmbedCore(ReadOnlySpan<float> values, ReadOnlySpan<float> observed, ReadOnlySpan<int> tokenPatch, ReadOnlySpan<int> tokenOffset,
        ReadOnlySpan<float> levelWeight, Span<float> output, int traceRowOffset, float[]? traceXFinal, int traceRows,
        Span<float> h, Span<int> rows, float[] phiA, float[] hgA, float[] rgA)
    {
        int n = tokenPatch.Length;
        h.Clear();
        var r = output[..(n * _dModel)];
        r.Clear();
        for (int g = 0; g < _levels; g++)
        {
            int gs = _patch >> g;
            int m = 0;
            for (int t = 0; t < n; t++) if (levelWeight[tokenPatch[t] * _levels + g] != 0f) rows[m++] = t;
            if (m == 0) continue;
            var phi = phiA.AsSpan(0, m * 2 * gs);
            for (int i = 0; i < m; i++)
            {
                int t = rows[i];
                int start = tokenPatch[t] * _patch + tokenOffset[t] / gs * gs;
                var dst = phi.Slice(i * 2 * gs, 2 * gs);
                for (int j = 0; j < gs; j++)
                {
                    float v = values[start + j];
                    dst[j] = float.IsNaN(v) ? 0f : v;
                    dst[gs + j] = observed[start + j];
                }
                if (traceXFinal is not null)
                {
                    var full = traceXFinal.AsSpan((g * traceRows + traceRowOffset + t) * 2 * _patch, 2 * _patch);
                    dst[..gs].CopyTo(full);
                    dst[gs..].CopyTo(full[_patch..]);
                }
            }
            var hg = hgA.AsSpan(0, m * _dFf);
            var rg = rgA.AsSpan(0, m * _dModel);
            Gemm.MultiplyTransposed(phi, _hW[g], hg, m, _dFf, 2 * gs);
            Gemm.MultiplyTransposed(phi, _rW[g], rg, m, _dModel, 2 * gs);
            for (int i = 0; i < m; i++)
            {
                int t = rows[i];
                float a = levelWeight[tokenPatch[t] * _levels + g];
                var hs = hg.Slice(i * _dFf, _dFf);
                TensorPrimitives.Add(hs, _hB[g], hs);
                var ht = h.Slice(t * _dFf, _dFf);
                TensorPrimitives.MultiplyAdd(hs, a, ht, ht);
                var rs = rg.Slice(i * _dModel, _dModel);
                TensorPrimitives.Add(rs, _rB[g], rs);
                var rt = r.Slice(t * _dModel, _dModel);
                TensorPrimitives.MultiplyAdd(rs, a, rt, rt);
            }
        }
        for (int i = 0; i < h.Length; i++) if (!(h[i] > 0f)) h[i] = 0f;
        _out.Forward(h, r, n, accumulate: true);
    }
}
