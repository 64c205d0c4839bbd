using System.Numerics.Tensors;
using EdgeTok.Numerics;

namespace EdgeTok.Audio.Quantization;

/// <summary>
/// Euclidean residual vector quantizer (EnCodec, WavTokenizer with one level, SSL k-means tokens):
/// level q picks argmin_k ||r − C_q[k]||² and subtracts that codeword from the residual r; decoding
/// sums the chosen codewords. Latents and codes are frame-major: latent [T, D], codes [T, L].
/// The search is GEMM-shaped over blocks of frames (norm expansion with precomputed codeword norms);
/// codebooks of at most <see cref="SmallCodebookSearch.MaxCodebookSize"/> codewords use
/// <see cref="SmallCodebookSearch"/>.
/// Immutable and thread-safe; pass a <see cref="QuantizerWorkspace"/> per thread, or none to use the
/// calling thread's.
/// </summary>
public sealed class ResidualVectorQuantizer
{
    private readonly float[] _codebooks;
    private readonly CodebookPanels[] _panels;
    private readonly QuantizedCodebook[]? _screened;  // 8-bit screening codebooks where AVX-VNNI makes them faster
    private readonly SmallCodebookSearch? _small;

    /// <summary>
    /// Creates a quantizer from codebooks laid out [levels, codebookSize, dimension] (row k of level q
    /// is codeword k). The array is copied.
    /// </summary>
    /// <exception cref="EdgeTokException">Sizes inconsistent with the array, or non-finite codewords (<see cref="StatusCode.InvalidArgument"/>).</exception>
    public ResidualVectorQuantizer(ReadOnlySpan<float> codebooks, int levels, int codebookSize, int dimension)
        : this(codebooks, levels, codebookSize, dimension, screening: true)
    {
    }

    /// <summary>As the public constructor; <paramref name="screening"/> false keeps the float32 search everywhere (A/B tests and benchmarks).</summary>
    internal ResidualVectorQuantizer(ReadOnlySpan<float> codebooks, int levels, int codebookSize, int dimension, bool screening)
    {
        if (levels < 1 || codebookSize < 1 || dimension < 1)
            throw EdgeTokException.Argument($"RVQ needs levels, codebook size and dimension ≥ 1 (got {levels}, {codebookSize}, {dimension})");
        long need = (long)levels * codebookSize * dimension;
        if (need > int.MaxValue) throw EdgeTokException.Limit($"RVQ codebooks of {need} elements exceed the 2^31 limit");
        if (codebooks.Length != need)
            throw EdgeTokException.Argument($"RVQ codebooks hold {codebooks.Length} values; [{levels}, {codebookSize}, {dimension}] needs {need}");
        NearestCodeword.RequireFinite(codebooks, "RVQ codebooks");
        Levels = levels;
        CodebookSize = codebookSize;
        Dimension = dimension;
        _codebooks = codebooks.ToArray();
        // Small codebooks (Lyra's 16 codewords) take their own search; the panels serve the rest.
        if (SmallCodebookSearch.Suits(codebookSize))
        {
            _small = new SmallCodebookSearch(_codebooks, levels, codebookSize, dimension);
            _panels = [];
            return;
        }
        _panels = new CodebookPanels[levels];
        for (int q = 0; q < levels; q++)
        {
            _panels[q] = new CodebookPanels(Codebook(q), NearestCodeword.RowNorms(Codebook(q), codebookSize, dimension), codebookSize, dimension);
        }
        if (screening && ScreenedSearch.Applies(codebookSize, dimension))
        {
            _screened = new QuantizedCodebook[levels];
            for (int q = 0; q < levels; q++) _screened[q] = new QuantizedCodebook(Codebook(q), codebookSize, dimension);
        }
    }

    /// <summary>Whether the search screens with 8-bit codebooks (<see cref="ScreenedSearch"/>).</summary>
    internal bool Screened => _screened is not null;

    /// <summary>Number of levels (codebooks).</summary>
    public int Levels { get; }

    /// <summary>Codewords per level.</summary>
    public int CodebookSize { get; }

    /// <summary>Dimension of the latent and of each codeword.</summary>
    public int Dimension { get; }

    /// <summary>Whether encoding takes <see cref="SmallCodebookSearch"/> (for tests and benchmarks).</summary>
    internal bool UsesSmallCodebookSearch => _small is not null;

    /// <summary>Codebook of one level, [CodebookSize, Dimension].</summary>
    public ReadOnlySpan<float> Codebook(int level)
    {
        if ((uint)level >= (uint)Levels) throw EdgeTokException.Argument($"level {level} is outside 0..{Levels - 1}");
        return _codebooks.AsSpan(level * CodebookSize * Dimension, CodebookSize * Dimension);
    }

    /// <summary>
    /// EnCodec's rule for the number of levels at a target bandwidth: bits per level per second =
    /// log2(codebookSize) × frameRate; levels = max(1, floor(kbps × 1000 / that)), capped at
    /// <paramref name="maxLevels"/>.
    /// </summary>
    /// <exception cref="EdgeTokException">Bandwidth not positive and finite, or bad sizes (<see cref="StatusCode.InvalidArgument"/>).</exception>
    public static int LevelsForBandwidth(double bandwidthKbps, double frameRate, int codebookSize, int maxLevels)
    {
        if (!double.IsFinite(bandwidthKbps) || bandwidthKbps <= 0) throw EdgeTokException.Argument($"bandwidth must be a positive number of kbps, got {bandwidthKbps}");
        if (!(frameRate > 0) || codebookSize < 2 || maxLevels < 1) throw EdgeTokException.Argument("frame rate, codebook size and level count must be positive");
        double perLevel = Math.Log2(codebookSize) * frameRate;
        double n = Math.Max(1, Math.Floor(bandwidthKbps * 1000 / perLevel));
        return (int)Math.Min(n, maxLevels);
    }

    /// <summary>Bandwidth in kbps used by <paramref name="levels"/> levels: levels × log2(codebookSize) × frameRate / 1000.</summary>
    public static double BandwidthForLevels(int levels, double frameRate, int codebookSize) => levels * Math.Log2(codebookSize) * frameRate / 1000;

    /// <summary>
    /// Encodes <paramref name="frames"/> latent frames (latent [frames, Dimension]) with the first
    /// <paramref name="levels"/> levels into codes [frames, levels].
    /// </summary>
    /// <exception cref="EdgeTokException">Bad sizes, a level count outside 1..<see cref="Levels"/>, or NaN/infinite latent values (<see cref="StatusCode.InvalidArgument"/>).</exception>
    public void Encode(ReadOnlySpan<float> latent, int frames, Span<int> codes, int levels, QuantizerWorkspace? workspace = null)
    {
        CheckLevels(levels);
        CheckSizes(latent.Length, frames, codes.Length, levels);
        NearestCodeword.RequireFinite(latent[..(frames * Dimension)], "latent");
        EncodeCore(latent, frames, codes, levels, levels, 0, workspace ?? QuantizerWorkspace.ForCurrentThread);
    }

    /// <summary>
    /// Encode with codes written at column <paramref name="column"/> of rows <paramref name="rowStride"/>
    /// wide: lets a caller (the split quantizer) interleave several quantizers' codes without copies.
    /// Inputs are validated by the caller.
    /// </summary>
    internal void EncodeCore(ReadOnlySpan<float> latent, int frames, Span<int> codes, int levels, int rowStride, int column, QuantizerWorkspace ws)
    {
        if (_small is not null)
        {
            _small.Encode(latent, frames, codes, levels, rowStride, column, ws);
            return;
        }
        int d = Dimension, k = CodebookSize, block = NearestCodeword.BlockRows;
        var residual = ws.Floats(0, block * d);
        var scratch = ws.Floats(1, NearestCodeword.ScratchFloats(_panels[0], block));
        var intScratch = ws.Ints(1, NearestCodeword.ScratchInts(block));
        var best = ws.Ints(0, block);
        Span<byte> sBytes = default;
        Span<float> sFloats = default;
        Span<int> sInts = default;
        if (_screened is not null)
        {
            sBytes = ws.Bytes(0, ScreenedSearch.ScratchBytes(_screened[0], block));
            sFloats = ws.Floats(10, ScreenedSearch.ScratchFloats(_screened[0], block));
            sInts = ws.Ints(3, ScreenedSearch.ScratchInts(_screened[0]));
        }
        for (int t0 = 0; t0 < frames; t0 += block)
        {
            int rows = Math.Min(block, frames - t0);
            var r = residual[..(rows * d)];
            latent.Slice(t0 * d, rows * d).CopyTo(r);
            for (int q = 0; q < levels; q++)
            {
                var cb = Codebook(q);
                if (_screened is not null)
                    ScreenedSearch.Search(r, rows, _screened[q], cb, _panels[q], sBytes, sFloats, sInts, scratch, intScratch, best);
                else
                    NearestCodeword.Search(r, rows, _panels[q], cb, scratch, intScratch, best);
                for (int i = 0; i < rows; i++)
                {
                    int c = best[i];
                    codes[(t0 + i) * rowStride + column + q] = c;
                    // The last level's residual is not needed.
                    if (q + 1 < levels)
                    {
                        var ri = r.Slice(i * d, d);
                        TensorPrimitives.Subtract(ri, cb.Slice(c * d, d), ri);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Decodes codes [frames, levels] into latent [frames, Dimension]: the sum of the chosen codewords,
    /// added in level order (bit-identical to the reference sum in float32).
    /// </summary>
    /// <exception cref="EdgeTokException">Bad sizes or a code outside 0..CodebookSize−1 (<see cref="StatusCode.InvalidArgument"/>).</exception>
    public void Decode(ReadOnlySpan<int> codes, int frames, int levels, Span<float> latent)
    {
        CheckLevels(levels);
        CheckSizes(latent.Length, frames, codes.Length, levels);
        CheckCodes(codes[..(frames * levels)], levels, levels, 0);
        DecodeCore(codes, frames, levels, levels, 0, latent);
    }

    internal void CheckCodes(ReadOnlySpan<int> codes, int levels, int rowStride, int column)
    {
        int frames = codes.Length / rowStride;
        for (int t = 0; t < frames; t++)
            for (int q = 0; q < levels; q++)
            {
                int c = codes[t * rowStride + column + q];
                if ((uint)c >= (uint)CodebookSize)
                    throw EdgeTokException.Argument($"code {c} at frame {t}, codebook {column + q} is outside 0..{CodebookSize - 1}");
            }
    }

    internal void DecodeCore(ReadOnlySpan<int> codes, int frames, int levels, int rowStride, int column, Span<float> latent)
    {
        int d = Dimension;
        for (int t = 0; t < frames; t++)
        {
            var dst = latent.Slice(t * d, d);
            Codebook(0).Slice(codes[t * rowStride + column] * d, d).CopyTo(dst);
            for (int q = 1; q < levels; q++)
                TensorPrimitives.Add(dst, Codebook(q).Slice(codes[t * rowStride + column + q] * d, d), dst);
        }
    }

    private void CheckLevels(int levels)
    {
        if (levels < 1 || levels > Levels) throw EdgeTokException.Argument($"level count {levels} is outside 1..{Levels}");
    }

    private void CheckSizes(int latentLength, int frames, int codesLength, int levels)
    {
        if (frames < 0) throw EdgeTokException.Argument($"frame count {frames} is negative");
        if (latentLength < (long)frames * Dimension)
            throw EdgeTokException.Argument($"latent holds {latentLength} values; {frames} frames × {Dimension} need {(long)frames * Dimension}");
        if (codesLength < (long)frames * levels)
            throw EdgeTokException.Argument($"codes hold {codesLength} values; {frames} frames × {levels} levels need {(long)frames * levels}");
    }
}
