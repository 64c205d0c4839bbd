using EdgeTok.Numerics;

namespace EdgeTok.Audio.Quantization;

/// <summary>
/// Mimi's split residual VQ: a semantic RVQ (usually 1 level) and an acoustic RVQ (the remaining
/// levels) that both quantize the <em>same</em> latent, each through its own bias-free 1×1 input
/// projection (latent → codebook dimension) and output projection (back). Codes are the semantic
/// codes followed by the acoustic ones; decode = out_sem(Σ semantic codewords) + out_ac(Σ acoustic
/// codewords). Using fewer codebooks truncates the acoustic levels only.
/// Frame-major layouts: latent [T, LatentDimension], codes [T, K]. Immutable and thread-safe.
/// </summary>
public sealed class SplitResidualVectorQuantizer
{
    /// <summary>Floor applied to cluster usage when deriving codewords (the reference uses 1e-5).</summary>
    public const float UsageEpsilon = 1e-5f;

    private readonly float[] _semIn, _semOut, _acIn, _acOut;

    /// <summary>
    /// Creates the quantizer. Projections are [codeDim, latentDim] (input) and [latentDim, codeDim]
    /// (output), i.e. 1×1 conv weights with the kernel axis dropped.
    /// </summary>
    /// <exception cref="EdgeTokException">Projection sizes that do not match the codebooks (<see cref="StatusCode.InvalidArgument"/>).</exception>
    public SplitResidualVectorQuantizer(ResidualVectorQuantizer semantic, ResidualVectorQuantizer acoustic, int latentDimension,
        ReadOnlySpan<float> semanticInputProjection, ReadOnlySpan<float> semanticOutputProjection,
        ReadOnlySpan<float> acousticInputProjection, ReadOnlySpan<float> acousticOutputProjection)
    {
        ArgumentNullException.ThrowIfNull(semantic);
        ArgumentNullException.ThrowIfNull(acoustic);
        if (latentDimension < 1) throw EdgeTokException.Argument($"latent dimension {latentDimension} must be ≥ 1");
        Semantic = semantic;
        Acoustic = acoustic;
        LatentDimension = latentDimension;
        _semIn = Check(semanticInputProjection, semantic.Dimension, latentDimension, "semantic input projection");
        _semOut = Check(semanticOutputProjection, latentDimension, semantic.Dimension, "semantic output projection");
        _acIn = Check(acousticInputProjection, acoustic.Dimension, latentDimension, "acoustic input projection");
        _acOut = Check(acousticOutputProjection, latentDimension, acoustic.Dimension, "acoustic output projection");
    }

    /// <summary>The semantic quantizer (its codes come first).</summary>
    public ResidualVectorQuantizer Semantic { get; }

    /// <summary>The acoustic quantizer.</summary>
    public ResidualVectorQuantizer Acoustic { get; }

    /// <summary>Dimension of the latent both quantizers see.</summary>
    public int LatentDimension { get; }

    /// <summary>Total number of codebooks (semantic + acoustic levels).</summary>
    public int Levels => Semantic.Levels + Acoustic.Levels;

    /// <summary>
    /// Codewords from the EMA statistics stored in checkpoints: codeword k = embedding_sum[k] /
    /// max(cluster_usage[k], <see cref="UsageEpsilon"/>). <paramref name="embeddingSum"/> is [K, D].
    /// </summary>
    /// <exception cref="EdgeTokException">Sizes that do not match (<see cref="StatusCode.InvalidArgument"/>).</exception>
    public static float[] CodewordsFromUsage(ReadOnlySpan<float> embeddingSum, ReadOnlySpan<float> clusterUsage)
    {
        if (clusterUsage.IsEmpty || embeddingSum.Length % clusterUsage.Length != 0)
            throw EdgeTokException.Argument($"embedding_sum has {embeddingSum.Length} values, not a multiple of the {clusterUsage.Length} cluster_usage entries");
        int k = clusterUsage.Length, d = embeddingSum.Length / k;
        var c = new float[embeddingSum.Length];
        for (int i = 0; i < k; i++)
        {
            float u = MathF.Max(clusterUsage[i], UsageEpsilon);
            for (int j = 0; j < d; j++) c[i * d + j] = embeddingSum[i * d + j] / u;
        }
        return c;
    }

    /// <summary>
    /// Encodes latent [frames, LatentDimension] into codes [frames, codebooks]: column 0.. the
    /// semantic levels, then codebooks − Semantic.Levels acoustic levels.
    /// </summary>
    /// <exception cref="EdgeTokException">Bad sizes, a codebook count outside Semantic.Levels..Levels, or NaN/infinite values (<see cref="StatusCode.InvalidArgument"/>).</exception>
    public void Encode(ReadOnlySpan<float> latent, int frames, Span<int> codes, int codebooks, QuantizerWorkspace? workspace = null)
    {
        CheckArgs(latent.Length, frames, codes.Length, codebooks);
        NearestCodeword.RequireFinite(latent[..(frames * LatentDimension)], "latent");
        var ws = workspace ?? QuantizerWorkspace.ForCurrentThread;
        int sem = Semantic.Levels, ac = codebooks - sem;
        // Slots 8+ so the inner RVQ (slots 0–1) can share the workspace.
        var ps = ws.Floats(8, frames * Semantic.Dimension);
        Gemm.MultiplyTransposed(latent, _semIn, ps, frames, Semantic.Dimension, LatentDimension);
        Semantic.EncodeCore(ps, frames, codes, sem, codebooks, 0, ws);
        if (ac > 0)
        {
            var pa = ws.Floats(9, frames * Acoustic.Dimension);
            Gemm.MultiplyTransposed(latent, _acIn, pa, frames, Acoustic.Dimension, LatentDimension);
            Acoustic.EncodeCore(pa, frames, codes, ac, codebooks, sem, ws);
        }
    }

    /// <summary>Decodes codes [frames, codebooks] into latent [frames, LatentDimension].</summary>
    /// <exception cref="EdgeTokException">Bad sizes or codes out of range (<see cref="StatusCode.InvalidArgument"/>).</exception>
    public void Decode(ReadOnlySpan<int> codes, int frames, int codebooks, Span<float> latent, QuantizerWorkspace? workspace = null)
    {
        CheckArgs(latent.Length, frames, codes.Length, codebooks);
        int sem = Semantic.Levels, ac = codebooks - sem;
        Semantic.CheckCodes(codes[..(frames * codebooks)], sem, codebooks, 0);
        if (ac > 0) Acoustic.CheckCodes(codes[..(frames * codebooks)], ac, codebooks, sem);
        var ws = workspace ?? QuantizerWorkspace.ForCurrentThread;
        var qs = ws.Floats(8, frames * Semantic.Dimension);
        Semantic.DecodeCore(codes, frames, sem, codebooks, 0, qs);
        Gemm.MultiplyTransposed(qs, _semOut, latent, frames, LatentDimension, Semantic.Dimension);
        if (ac > 0)
        {
            var qa = ws.Floats(9, frames * Acoustic.Dimension);
            Acoustic.DecodeCore(codes, frames, ac, codebooks, sem, qa);
            Gemm.MultiplyTransposed(qa, _acOut, latent, frames, LatentDimension, Acoustic.Dimension, accumulate: true);
        }
    }

    private void CheckArgs(int latentLength, int frames, int codesLength, int codebooks)
    {
        if (codebooks < Semantic.Levels || codebooks > Levels)
            throw EdgeTokException.Argument($"codebook count {codebooks} is outside {Semantic.Levels}..{Levels} (the semantic levels are always used)");
        if (frames < 0) throw EdgeTokException.Argument($"frame count {frames} is negative");
        if (latentLength < (long)frames * LatentDimension)
            throw EdgeTokException.Argument($"latent holds {latentLength} values; {frames} frames × {LatentDimension} need {(long)frames * LatentDimension}");
        if (codesLength < (long)frames * codebooks)
            throw EdgeTokException.Argument($"codes hold {codesLength} values; {frames} frames × {codebooks} codebooks need {(long)frames * codebooks}");
    }

    private static float[] Check(ReadOnlySpan<float> w, int rows, int cols, string what)
    {
        if (w.Length != (long)rows * cols) throw EdgeTokException.Argument($"{what} has {w.Length} values, expected [{rows}, {cols}] = {(long)rows * cols}");
        NearestCodeword.RequireFinite(w, what);
        return w.ToArray();
    }
}
