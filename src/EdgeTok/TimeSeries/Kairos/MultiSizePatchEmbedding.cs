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
/// [P, P+gs) are live; the constructor keeps exactly those columns, so whatever a checkpoint holds
/// in the masked columns never enters the result.
/// <para>
/// Speed: the value and the mask columns of each size's hidden and residual weights are packed, once,
/// as two <see cref="PanelMatrix"/> [d_ff + d_model, gs] (rows: hidden, then residual), and the output
/// layer as a third. All tokens of a patch share its coarser views, so each distinct view (patch,
/// segment) goes through a size's products once and its result is mixed into every token that contains
/// it. A fully observed view has an all-ones mask, whose product is the row sums of the mask columns:
/// those are folded into the bias at load, so only views with missing points run the mask product.
/// </para>
/// </summary>
internal sealed class MultiSizePatchEmbedding
{
    private readonly int _levels, _patch, _dFf, _dModel;
    private readonly PanelMatrix[] _valueW, _maskW; // per size g: rows [hidden d_ff | residual d_model], columns gs
    private readonly float[][] _bias;               // per size g: [bh | br]
    private readonly float[][] _observedBias;       // per size g: [bh | br] + row sums of the mask columns
    private readonly PanelMatrix _outW;             // [d_model, d_ff]
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
        _valueW = new PanelMatrix[_levels];
        _maskW = new PanelMatrix[_levels];
        _bias = new float[_levels][];
        _observedBias = new float[_levels][];
        int width = _dFf + _dModel;
        for (int g = 0; g < _levels; g++)
        {
            int gs = c.GranularitySize(g);
            var values = new float[width * gs];
            var mask = new float[width * gs];
            Columns(hw.AsSpan(g * _dFf * w, _dFf * w), _dFf, 0, gs, values);
            Columns(rw.AsSpan(g * _dModel * w, _dModel * w), _dModel, 0, gs, values.AsSpan(_dFf * gs));
            Columns(hw.AsSpan(g * _dFf * w, _dFf * w), _dFf, _patch, gs, mask);
            Columns(rw.AsSpan(g * _dModel * w, _dModel * w), _dModel, _patch, gs, mask.AsSpan(_dFf * gs));
            _valueW[g] = new PanelMatrix(values, width, gs);
            _maskW[g] = new PanelMatrix(mask, width, gs);
            var b = _bias[g] = [.. hb.AsSpan(g * _dFf, _dFf), .. rb.AsSpan(g * _dModel, _dModel)];
            var ob = _observedBias[g] = new float[width];
            for (int i = 0; i < width; i++)
            {
                double sum = 0;
                foreach (float v in mask.AsSpan(i * gs, gs)) sum += v;
                ob[i] = (float)(b[i] + sum);
            }
        }
    }

    // Columns [from, from + gs) of a [rows, 2P] matrix: [rows, gs]. Only these are live (the rest of the
    // 2P width is masked out in the reference), so whatever a checkpoint holds elsewhere is never read.
    private void Columns(ReadOnlySpan<float> full, int rows, int from, int gs, Span<float> dst)
    {
        for (int i = 0; i < rows; i++) full.Slice(i * 2 * _patch + from, gs).CopyTo(dst.Slice(i * gs, gs));
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
        int width = _dFf + _dModel;
        var ha = fpool.Rent(n * _dFf);
        var intsA = ipool.Rent(3 * n);
        var phiA = fpool.Rent(2 * n * _patch);
        var packA = fpool.Rent(Math.Max(PanelMatrix.PackedLength(n, _patch), PanelMatrix.PackedLength(n, _dFf)));
        var outA = fpool.Rent(2 * n * width);
        try
        {
            EmbedCore(values, observed, tokenPatch, tokenOffset, levelWeight, output, traceRowOffset, traceXFinal, traceRows,
                ha.AsSpan(0, n * _dFf), intsA.AsSpan(0, 3 * n), phiA.AsSpan(0, 2 * n * _patch), packA, outA.AsSpan(0, 2 * n * width));
        }
        finally
        {
            fpool.Return(ha);
            ipool.Return(intsA);
            fpool.Return(phiA);
            fpool.Return(packA);
            fpool.Return(outA);
        }
    }

    private void EmbedCore(ReadOnlySpan<float> values, ReadOnlySpan<float> observed, ReadOnlySpan<int> tokenPatch, ReadOnlySpan<int> tokenOffset,
        ReadOnlySpan<float> levelWeight, Span<float> output, int traceRowOffset, float[]? traceXFinal, int traceRows,
        Span<float> h, Span<int> ints, Span<float> phi, float[] packA, Span<float> outs)
    {
        int n = tokenPatch.Length, width = _dFf + _dModel;
        var rows = ints[..n];            // tokens that use size g
        var view = ints.Slice(n, n);     // the distinct view each of them reads
        var partial = ints.Slice(2 * n, n); // per view: its row in the mask product, or −1 when fully observed
        var phiV = phi[..(n * _patch)];
        var phiM = phi[(n * _patch)..];
        var outV = outs[..(n * width)];
        var outM = outs[(n * width)..];
        h.Clear();
        var r = output[..(n * _dModel)];
        r.Clear();
        for (int g = 0; g < _levels; g++)
        {
            int gs = _patch >> g;
            // Tokens come in patch and offset order, so the tokens sharing a view are consecutive.
            int m = 0, u = 0, q = 0, lastStart = -1;
            for (int t = 0; t < n; t++)
            {
                if (levelWeight[tokenPatch[t] * _levels + g] == 0f) continue;
                int start = tokenPatch[t] * _patch + tokenOffset[t] / gs * gs;
                if (start != lastStart)
                {
                    var dst = phiV.Slice(u * gs, gs);
                    bool full = true;
                    for (int j = 0; j < gs; j++)
                    {
                        float v = values[start + j];
                        dst[j] = float.IsNaN(v) ? 0f : v;
                        full &= observed[start + j] == 1f;
                    }
                    partial[u] = full ? -1 : q;
                    if (!full) observed.Slice(start, gs).CopyTo(phiM.Slice(q++ * gs, gs));
                    lastStart = start;
                    u++;
                }
                rows[m] = t;
                view[m] = u - 1;
                m++;
                if (traceXFinal is not null)
                {
                    var x = traceXFinal.AsSpan((g * traceRows + traceRowOffset + t) * 2 * _patch, 2 * _patch);
                    phiV.Slice((u - 1) * gs, gs).CopyTo(x);
                    observed.Slice(lastStart, gs).CopyTo(x[_patch..]);
                }
            }
            if (m == 0) continue;
            // Per distinct view: [Wh·φ + bh | Wr·φ + br], the mask part folded into the bias or, with missing
            // points, from its own product.
            PanelMatrix.PackRows(phiV[..(u * gs)], u, gs, packA);
            _valueW[g].Multiply(packA, u, outV, width);
            if (q > 0)
            {
                PanelMatrix.PackRows(phiM[..(q * gs)], q, gs, packA);
                _maskW[g].Multiply(packA, q, outM, width, bias: _bias[g]);
            }
            for (int v = 0; v < u; v++)
            {
                var o = outV.Slice(v * width, width);
                TensorPrimitives.Add(o, partial[v] < 0 ? _observedBias[g] : outM.Slice(partial[v] * width, width), o);
            }
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
