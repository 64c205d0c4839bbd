using System.Numerics.Tensors;
using EdgeTok.Numerics;

namespace EdgeTok.TimeSeries.Kairos;

/// <summary>
/// Instance-adaptive rotary position embedding of one attention module (IARoPE / DRoPE). A small MLP
/// maps the series' spectral features s to (γ, β); the rotation frequencies are
/// ω_j = exp(γ_j·ln θ_j + β_j). Positions are plain token indices (the released v1 design); pairs are
/// interleaved (2j, 2j+1).
/// </summary>
internal sealed class AdaptiveRope
{
    private readonly Linear _l0, _l2, _l4;
    private readonly float[] _logFreqs;

    public int HalfDim { get; }

    public AdaptiveRope(Linear l0, Linear l2, Linear l4, float[] logFreqs)
    {
        _l0 = l0; _l2 = l2; _l4 = l4;
        _logFreqs = logFreqs;
        HalfDim = logFreqs.Length;
    }

    public static AdaptiveRope Load(KairosTensorReader r, string module, KairosConfig c)
    {
        string p = module + ".rotary_emb.";
        string net = p + "instance_wise_param_net.mlp.";
        // Hidden widths of the γ/β net are read from the file (128 and 64 in all published sizes).
        long h1 = r.ShapeOf(net + "0.weight")[0];
        long h2 = r.ShapeOf(net + "2.weight")[0];
        int f = c.InstanceRopeInputFeatureDim;
        var l0 = r.Linear(net + "0", (int)h1, f, bias: true);
        var l2 = r.Linear(net + "2", (int)h2, (int)h1, bias: true);
        var l4 = r.Linear(net + "4", c.DKv, (int)h2, bias: true);
        var logFreqs = r.ReadOptional(p + "log_freqs", c.DKv / 2) ?? DefaultLogFreqs(c);
        return new AdaptiveRope(l0, l2, l4, logFreqs);
    }

    // "exp" init with the original periods reduces to standard RoPE: ln θ_j = −(2j/d_kv)·ln 10000.
    private static float[] DefaultLogFreqs(KairosConfig c)
    {
        if (c.RopeInit != "exp" || c.MinPeriod != "original_rope_init" || c.MaxPeriod != "original_rope_init")
            throw EdgeTokException.Unsupported($"rotary log_freqs are missing from the checkpoint and cannot be rebuilt for rope_init={c.RopeInit}, min_period={c.MinPeriod}, max_period={c.MaxPeriod}");
        var lf = new float[c.DKv / 2];
        for (int j = 0; j < lf.Length; j++) lf[j] = (float)Math.Log(Math.Pow(10000.0, -2.0 * j / c.DKv));
        return lf;
    }

    /// <summary>γ, β and ω for one series from its spectral features s.</summary>
    public void Frequencies(ReadOnlySpan<float> s, Span<float> gamma, Span<float> beta, Span<float> omega)
    {
        // A few hundred floats at most (the MLP widths): on the stack, so the per-forward RoPE setup allocates nothing.
        Span<float> h1 = stackalloc float[_l0.Out];
        Span<float> h2 = stackalloc float[_l2.Out];
        Span<float> o = stackalloc float[_l4.Out];
        _l0.Forward(s, h1, 1);
        Activations.Relu(h1);
        _l2.Forward(h1, h2, 1);
        Activations.Relu(h2);
        _l4.Forward(h2, o, 1);
        for (int j = 0; j < HalfDim; j++)
        {
            gamma[j] = o[j];
            beta[j] = o[HalfDim + j];
            omega[j] = MathF.Exp(gamma[j] * _logFreqs[j] + beta[j]);
        }
    }

    /// <summary>cos/sin tables [positions, d_kv/2] with angle t·ω_j formed in float32.</summary>
    public static void Tables(ReadOnlySpan<float> omega, int positions, Span<float> cos, Span<float> sin)
    {
        int half = omega.Length, len = positions * half;
        // Angles first (into sin), then one vectorised pass over the whole table.
        for (int t = 0; t < positions; t++) TensorPrimitives.Multiply(omega, t, sin.Slice(t * half, half));
        Trigonometry.SinCos(sin[..len], sin[..len], cos[..len]);
    }

    /// <summary>Rotates rows of x laid out [rows, heads·d_kv] in place; row t is at position t.</summary>
    public static void Rotate(Span<float> x, int rows, int heads, int dKv, ReadOnlySpan<float> cos, ReadOnlySpan<float> sin)
    {
        int half = dKv / 2;
        for (int t = 0; t < rows; t++)
        {
            int r = t;
            var c = cos.Slice(t * half, half);
            var s = sin.Slice(t * half, half);
            for (int h = 0; h < heads; h++)
            {
                var v = x.Slice(r * heads * dKv + h * dKv, dKv);
                for (int j = 0; j < half; j++)
                {
                    float x0 = v[2 * j], x1 = v[2 * j + 1];
                    v[2 * j] = x0 * c[j] - x1 * s[j];
                    v[2 * j + 1] = x0 * s[j] + x1 * c[j];
                }
            }
        }
    }
}
