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
/// <para>
/// Speed: the per-size hidden and residual weights are packed together, once, as one
/// <see cref="PanelMatrix"/> per size ([d_ff + d_model, 2gs]) and the output layer as another, so each
/// size costs one broadcast-FMA product. All tokens of a patch share its coarser views, so each
/// distinct view (patch, segment) goes through a size's product once and its result is mixed into
/// every token that contains it.
/// </para>
/// </summary>
internal sealed class MultiSizePatchEmbedding
{
    private readonly int _levels, _patch, _dFf, _dModel;
    private readonly PanelMatrix[] _levelW;   // per size g: rows [hidden d_ff | residual d_model], columns 2gs
    private readonly float[][] _levelB;       // per size g: [bh | br]
    private readonly PanelMatrix _outW;       // [d_model, d_ff]
    private readonly float[] _outB;

    /// <summary>The shared output bias: the embedding of an all-zero (padding) token.</summary>
    public float[] OutputBias => _outB;

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
        _outW = new PanelMatrix(r.Read("input_patch_embedding.output_layer.weight", _dModel, _dFf), _dModel, _dFf);
        _outB = r.Read("input_patch_embedding.output_layer.bias", _dModel);
        _levelW = new PanelMatrix[_levels];
        _levelB = new float[_levels][];
        int width = _dFf + _dModel;
        for (int g = 0; g < _levels; g++)
        {
            int gs = c.GranularitySize(g);
            var both = new float[width * 2 * gs];
            Compact(hw.AsSpan(g * _dFf * w, _dFf * w), _dFf, gs, both);
            Compact(rw.AsSpan(g * _dModel * w, _dModel * w), _dModel, gs, both.AsSpan(_dFf * 2 * gs));
            _levelW[g] = new PanelMatrix(both, width, 2 * gs);
            _levelB[g] = [.. hb.AsSpan(g * _dFf, _dFf), .. rb.AsSpan(g * _dModel, _dModel)];
        }
    }

    // Keeps columns [0, gs) and [P, P+gs) of a [rows, 2P] matrix: [rows, 2gs].
    private void Compact(ReadOnlySpan<float> full, int rows, int gs, Span<float> dst)
    {
        for (int i = 0; i < rows; i++)
        {
            full.Slice(i * 2 * _patch, gs).CopyTo(dst.Slice(i * 2 * gs, gs));
            full.Slice(i * 2 * _patch + _patch, gs).CopyTo(dst.Slice(i * 2 * gs + gs, gs));
        }
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
        if (n == 0) return;
        // Temporaries come from the shared pool (h accumulates and is cleared; the others are fully written).
        var fpool = System.Buffers.ArrayPool<float>.Shared;
        var ipool = System.Buffers.ArrayPool<int>.Shared;
        var ha = fpool.Rent(n * _dFf);
        var rowsA = ipool.Rent(2 * n);
        var phiA = fpool.Rent(n * 2 * _patch);
        var packA = fpool.Rent(Math.Max(PanelMatrix.PackedLength(n, 2 * _patch), PanelMatrix.PackedLength(n, _dFf)));
        var outA = fpool.Rent(n * (_dFf + _dModel));
        try
        {
            EmbedCore(values, observed, tokenPatch, tokenOffset, levelWeight, output, traceRowOffset, traceXFinal, traceRows,
                ha.AsSpan(0, n * _dFf), rowsA.AsSpan(0, n), rowsA.AsSpan(n, n), phiA, packA, outA);
        }
        finally
        {
            fpool.Return(ha);
            ipool.Return(rowsA);
            fpool.Return(phiA);
            fpool.Return(packA);
            fpool.Return(outA);
        }
    }

    private void EmbedCore(ReadOnlySpan<float> values, ReadOnlySpan<float> observed, ReadOnlySpan<int> tokenPatch, ReadOnlySpan<int> tokenOffset,
        ReadOnlySpan<float> levelWeight, Span<float> output, int traceRowOffset, float[]? traceXFinal, int traceRows,
        Span<float> h, Span<int> rows, Span<int> view, float[] phiA, float[] packA, float[] outA)
    {
        int n = tokenPatch.Length, width = _dFf + _dModel;
        h.Clear();
        var r = output[..(n * _dModel)];
        r.Clear();
        for (int g = 0; g < _levels; g++)
        {
            int gs = _patch >> g;
            // Tokens that use size g (rows), and for each the distinct view it reads (view): tokens come in
            // patch and offset order, so the tokens sharing a view are consecutive.
            int m = 0, u = 0, lastStart = -1;
            for (int t = 0; t < n; t++)
            {
                if (levelWeight[tokenPatch[t] * _levels + g] == 0f) continue;
                int start = tokenPatch[t] * _patch + tokenOffset[t] / gs * gs;
                if (start != lastStart)
                {
                    var dst = phiA.AsSpan(u * 2 * gs, 2 * gs);
                    for (int j = 0; j < gs; j++)
                    {
                        float v = values[start + j];
                        dst[j] = float.IsNaN(v) ? 0f : v;
                        dst[gs + j] = observed[start + j];
                    }
                    lastStart = start;
                    u++;
                }
                rows[m] = t;
                view[m] = u - 1;
                m++;
                if (traceXFinal is not null)
                {
                    var src = phiA.AsSpan((u - 1) * 2 * gs, 2 * gs);
                    var full = traceXFinal.AsSpan((g * traceRows + traceRowOffset + t) * 2 * _patch, 2 * _patch);
                    src[..gs].CopyTo(full);
                    src[gs..].CopyTo(full[_patch..]);
                }
            }
            if (m == 0) continue;
            // out[v] = [Wh·φ + bh | Wr·φ + br] per distinct view.
            PanelMatrix.PackRows(phiA.AsSpan(0, u * 2 * gs), u, 2 * gs, packA);
            var outV = outA.AsSpan(0, u * width);
            _levelW[g].Multiply(packA, u, outV, width, bias: _levelB[g]);
            for (int i = 0; i < m; i++)
            {
                int t = rows[i];
                float a = levelWeight[tokenPatch[t] * _levels + g];
                var o = outV.Slice(view[i] * width, width);
                var ht = h.Slice(t * _dFf, _dFf);
                TensorPrimitives.MultiplyAdd(o[.._dFf], a, ht, ht);
                var rt = r.Slice(t * _dModel, _dModel);
                TensorPrimitives.MultiplyAdd(o[_dFf..], a, rt, rt);
            }
        }
        // e = Wo·relu(h) + r + bo; relu on the packed copy (its zero padding stays zero).
        var packed = packA.AsSpan(0, PanelMatrix.PackedLength(n, _dFf));
        PanelMatrix.PackRows(h, n, _dFf, packed);
        Activations.Relu(packed);
        _outW.Multiply(packed, n, r, _dModel, accumulate: true, bias: _outB);
    }
}
