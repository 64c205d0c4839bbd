using System.Text.Json;
using EdgeTok.Audio.Codecs;

namespace EdgeTok.Audio.Quantization;

/// <summary>
/// A codec's quantizer behind one interface: latent [T, LatentDimension] ↔ codes [T, K], whatever
/// the algorithm (<see cref="ResidualVectorQuantizer"/>, <see cref="FactorizedVectorQuantizer"/>,
/// <see cref="SplitResidualVectorQuantizer"/>). Loaded from the <c>quantizer</c> section of an
/// <c>edgetok.json</c> manifest, or wrapped around a quantizer built in code.
/// </summary>
public abstract class LatentQuantizer
{
    private protected LatentQuantizer() { }

    /// <summary>The algorithm: <c>rvq</c>, <c>factorized</c> or <c>split_rvq</c>.</summary>
    public abstract string Type { get; }

    /// <summary>Largest number of codebooks (K).</summary>
    public abstract int Codebooks { get; }

    /// <summary>Smallest number of codebooks an encode may use.</summary>
    public virtual int MinCodebooks => 1;

    /// <summary>Codewords per codebook; codes lie in 0..CodebookSize−1.</summary>
    public abstract int CodebookSize { get; }

    /// <summary>Dimension of the latent frames.</summary>
    public abstract int LatentDimension { get; }

    /// <summary>Frame counts must be a multiple of this (per-level strides), 1 for most codecs.</summary>
    public virtual int FrameMultiple => 1;

    /// <summary>Encodes latent [frames, LatentDimension] into codes [frames, codebooks].</summary>
    public abstract void Encode(ReadOnlySpan<float> latent, int frames, Span<int> codes, int codebooks, QuantizerWorkspace? workspace = null);

    /// <summary>Decodes codes [frames, codebooks] into latent [frames, LatentDimension].</summary>
    public abstract void Decode(ReadOnlySpan<int> codes, int frames, int codebooks, Span<float> latent, QuantizerWorkspace? workspace = null);

    /// <summary>Wraps a Euclidean RVQ.</summary>
    public static LatentQuantizer From(ResidualVectorQuantizer rvq) => new Rvq(rvq);

    /// <summary>Wraps a factorized (DAC/SNAC) quantizer.</summary>
    public static LatentQuantizer From(FactorizedVectorQuantizer fvq) => new Factorized(fvq);

    /// <summary>Wraps a split (Mimi) quantizer.</summary>
    public static LatentQuantizer From(SplitResidualVectorQuantizer split) => new Split(split);

    /// <summary>
    /// Loads the quantizer described by the <c>quantizer</c> section of a manifest. Tensor paths are
    /// relative to <paramref name="modelFolder"/> (default: the manifest's folder).
    /// </summary>
    /// <exception cref="EdgeTokException">Missing manifest or weight file (<see cref="StatusCode.NotFound"/>), malformed manifest or wrong tensor shapes (<see cref="StatusCode.InvalidFormat"/>), unknown quantizer type (<see cref="StatusCode.Unsupported"/>).</exception>
    public static LatentQuantizer Load(string manifestPath, string? modelFolder = null)
    {
        using var doc = Manifest.Parse(manifestPath);
        using var loader = new TensorLoader(modelFolder ?? Path.GetDirectoryName(Path.GetFullPath(manifestPath))!);
        return Load(Manifest.RequiredObject(doc.RootElement, "quantizer", "manifest"), loader);
    }

    internal static LatentQuantizer Load(JsonElement q, TensorLoader loader)
    {
        const string W = "quantizer";
        string type = Manifest.RequiredString(q, "type", W);
        int count = Manifest.RequiredInt(q, "codebook_count", W);
        int size = Manifest.RequiredInt(q, "codebook_size", W, 2);
        int dim = Manifest.RequiredInt(q, "codebook_dim", W);
        switch (type)
        {
            case "rvq":
            {
                var cb = loader.Load(Manifest.RequiredObject(q, "codebooks", W), "quantizer.codebooks", (long)count * size * dim, $"[{count}, {size}, {dim}]");
                return new Rvq(new ResidualVectorQuantizer(cb, count, size, dim));
            }
            case "factorized":
            {
                int latent = Manifest.RequiredInt(q, "latent_dim", W);
                if (!q.TryGetProperty("levels", out var levelsJson) || levelsJson.ValueKind != JsonValueKind.Array)
                    throw EdgeTokException.Format("manifest: quantizer.levels must be an array with one entry per codebook");
                if (levelsJson.GetArrayLength() != count)
                    throw EdgeTokException.Format($"manifest: quantizer.levels has {levelsJson.GetArrayLength()} entries, codebook_count is {count}");
                var levels = new List<FactorizedLevel>();
                int i = 0;
                foreach (var lj in levelsJson.EnumerateArray())
                {
                    string w = $"quantizer.levels[{i}]";
                    var cb = loader.Load(Manifest.RequiredObject(lj, "codebook", w), w + ".codebook", (long)size * dim, $"[{size}, {dim}]");
                    var (inW, inB) = Projection(loader, Manifest.RequiredObject(lj, "in_proj", w), w + ".in_proj", dim, latent);
                    var (outW, outB) = Projection(loader, Manifest.RequiredObject(lj, "out_proj", w), w + ".out_proj", latent, dim);
                    int stride = Manifest.OptionalInt(lj, "stride", w) ?? 1;
                    levels.Add(new FactorizedLevel(cb, inW, inB, outW, outB, stride));
                    i++;
                }
                return new Factorized(new FactorizedVectorQuantizer(levels, latent, size, dim));
            }
            case "split_rvq":
            {
                int latent = Manifest.RequiredInt(q, "latent_dim", W);
                var (sem, semIn, semOut) = SplitPart(loader, Manifest.RequiredObject(q, "semantic", W), "quantizer.semantic", size, dim, latent);
                var (ac, acIn, acOut) = SplitPart(loader, Manifest.RequiredObject(q, "acoustic", W), "quantizer.acoustic", size, dim, latent);
                if (sem.Levels + ac.Levels != count)
                    throw EdgeTokException.Format($"manifest: semantic ({sem.Levels}) + acoustic ({ac.Levels}) levels ≠ codebook_count {count}");
                return new Split(new SplitResidualVectorQuantizer(sem, ac, latent, semIn, semOut, acIn, acOut));
            }
            default:
                throw EdgeTokException.Unsupported($"manifest: unknown quantizer type '{type}' (rvq, factorized, split_rvq)");
        }
    }

    // A 1×1 conv: {"weight": ref} or {"weight_g": ref, "weight_v": ref} (weight norm, folded here), optional {"bias": ref}.
    private static (float[] W, float[] B) Projection(TensorLoader loader, JsonElement p, string what, int outDim, int inDim)
    {
        float[] w;
        if (p.TryGetProperty("weight", out var wj)) w = loader.Load(wj, what + ".weight", (long)outDim * inDim, $"[{outDim}, {inDim}, 1]");
        else
        {
            var g = loader.Load(Manifest.RequiredObject(p, "weight_g", what), what + ".weight_g", outDim, $"[{outDim}, 1, 1]");
            var v = loader.Load(Manifest.RequiredObject(p, "weight_v", what), what + ".weight_v", (long)outDim * inDim, $"[{outDim}, {inDim}, 1]");
            w = WeightNorm.Fold(g, v, outDim);
        }
        float[] b = p.TryGetProperty("bias", out var bj) ? loader.Load(bj, what + ".bias", outDim, $"[{outDim}]") : [];
        return (w, b);
    }

    private static (ResidualVectorQuantizer Rvq, float[] In, float[] Out) SplitPart(TensorLoader loader, JsonElement p, string what, int size, int dim, int latent)
    {
        int levels = Manifest.RequiredInt(p, "levels", what);
        float[] cb;
        if (p.TryGetProperty("codebooks", out var cj)) cb = loader.Load(cj, what + ".codebooks", (long)levels * size * dim, $"[{levels}, {size}, {dim}]");
        else
        {
            // Checkpoints store EMA statistics per level: codeword = embedding_sum / max(cluster_usage, eps).
            if (!p.TryGetProperty("layers", out var layers) || layers.ValueKind != JsonValueKind.Array || layers.GetArrayLength() != levels)
                throw EdgeTokException.Format($"manifest: {what} needs \"codebooks\" or a \"layers\" array of {levels} {{embedding_sum, cluster_usage}} entries");
            cb = new float[levels * size * dim];
            int i = 0;
            foreach (var l in layers.EnumerateArray())
            {
                var sum = loader.Load(Manifest.RequiredObject(l, "embedding_sum", $"{what}.layers[{i}]"), $"{what}.layers[{i}].embedding_sum", (long)size * dim, $"[{size}, {dim}]");
                var usage = loader.Load(Manifest.RequiredObject(l, "cluster_usage", $"{what}.layers[{i}]"), $"{what}.layers[{i}].cluster_usage", size, $"[{size}]");
                SplitResidualVectorQuantizer.CodewordsFromUsage(sum, usage).CopyTo(cb, i * size * dim);
                i++;
            }
        }
        var inP = loader.Load(Manifest.RequiredObject(p, "input_proj", what), what + ".input_proj", (long)dim * latent, $"[{dim}, {latent}, 1]");
        var outP = loader.Load(Manifest.RequiredObject(p, "output_proj", what), what + ".output_proj", (long)latent * dim, $"[{latent}, {dim}, 1]");
        return (new ResidualVectorQuantizer(cb, levels, size, dim), inP, outP);
    }

    private sealed class Rvq(ResidualVectorQuantizer q) : LatentQuantizer
    {
        public override string Type => "rvq";
        public override int Codebooks => q.Levels;
        public override int CodebookSize => q.CodebookSize;
        public override int LatentDimension => q.Dimension;
        public override void Encode(ReadOnlySpan<float> latent, int frames, Span<int> codes, int codebooks, QuantizerWorkspace? workspace = null) =>
            q.Encode(latent, frames, codes, codebooks, workspace);
        public override void Decode(ReadOnlySpan<int> codes, int frames, int codebooks, Span<float> latent, QuantizerWorkspace? workspace = null) =>
            q.Decode(codes, frames, codebooks, latent);
    }

    private sealed class Factorized(FactorizedVectorQuantizer q) : LatentQuantizer
    {
        public override string Type => "factorized";
        public override int Codebooks => q.Levels;
        public override int CodebookSize => q.CodebookSize;
        public override int LatentDimension => q.LatentDimension;
        public override int FrameMultiple => q.FrameMultiple;
        public FactorizedVectorQuantizer Inner => q;
        public override void Encode(ReadOnlySpan<float> latent, int frames, Span<int> codes, int codebooks, QuantizerWorkspace? workspace = null) =>
            q.Encode(latent, frames, codes, codebooks, workspace);
        public override void Decode(ReadOnlySpan<int> codes, int frames, int codebooks, Span<float> latent, QuantizerWorkspace? workspace = null) =>
            q.Decode(codes, frames, codebooks, latent, workspace);
    }

    private sealed class Split(SplitResidualVectorQuantizer q) : LatentQuantizer
    {
        public override string Type => "split_rvq";
        public override int Codebooks => q.Levels;
        public override int MinCodebooks => q.Semantic.Levels;
        public override int CodebookSize => Math.Min(q.Semantic.CodebookSize, q.Acoustic.CodebookSize);
        public override int LatentDimension => q.LatentDimension;
        public override void Encode(ReadOnlySpan<float> latent, int frames, Span<int> codes, int codebooks, QuantizerWorkspace? workspace = null) =>
            q.Encode(latent, frames, codes, codebooks, workspace);
        public override void Decode(ReadOnlySpan<int> codes, int frames, int codebooks, Span<float> latent, QuantizerWorkspace? workspace = null) =>
            q.Decode(codes, frames, codebooks, latent, workspace);
    }

    /// <summary>The factorized quantizer inside, when <see cref="Type"/> is <c>factorized</c>; otherwise null.</summary>
    public FactorizedVectorQuantizer? AsFactorized => (this as Factorized)?.Inner;
}
