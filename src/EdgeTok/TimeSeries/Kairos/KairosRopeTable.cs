namespace EdgeTok.TimeSeries.Kairos;

/// <summary>
/// The instance-adaptive RoPE of one attention module for one series: the frequencies ω = exp(γ·ln θ + β)
/// and the cos/sin tables [Positions, HalfDim] of the angles t·ω (t = token index).
/// </summary>
public sealed class KairosRopeTable
{
    /// <summary>State-dict prefix of the attention module, e.g. <c>encoder.block.0.layer.0.SelfAttention</c>.</summary>
    public string Module { get; }
    /// <summary>γ [HalfDim] from the module's parameter net.</summary>
    public float[] Gamma { get; }
    /// <summary>β [HalfDim] from the module's parameter net.</summary>
    public float[] Beta { get; }
    /// <summary>ω [HalfDim], the per-series rotation frequencies.</summary>
    public float[] Frequencies { get; }
    /// <summary>Number of table rows: the encoder length for encoder and cross modules (covers the S decoder positions too), S for decoder self-attention.</summary>
    public int Positions { get; }
    /// <summary>d_kv / 2.</summary>
    public int HalfDim { get; }
    /// <summary>cos(t·ω_j), [Positions, HalfDim] row-major.</summary>
    public float[] Cos { get; }
    /// <summary>sin(t·ω_j), [Positions, HalfDim] row-major.</summary>
    public float[] Sin { get; }

    internal KairosRopeTable(string module, float[] gamma, float[] beta, float[] omega, int positions, float[] cos, float[] sin)
    {
        Module = module;
        Gamma = gamma;
        Beta = beta;
        Frequencies = omega;
        Positions = positions;
        HalfDim = omega.Length;
        Cos = cos;
        Sin = sin;
    }
}
