namespace EdgeTok.TimeSeries.Binning;

/// <summary>
/// The Chronos mean-scale uniform-bin tokenizer: a weight-free map from real values to discrete ids
/// and back (<c>MeanScaleUniformBins</c> of the Chronos reference, specified in
/// <c>docs/chronos-bins.md</c>).
/// </summary>
/// <remarks>
/// <para><b>Bins.</b> <see cref="Centers"/> are <c>linspace(LowLimit, HighLimit, CenterCount)</c> in
/// float32, computed as the scalar path of <c>torch.linspace</c> does: with
/// <c>step = (high − low) / (n − 1)</c>, index <c>i &lt; n/2</c> gets <c>low + step·i</c> and the rest
/// <c>high − step·(n − 1 − i)</c>. <see cref="Boundaries"/> are
/// <c>[−1e20, (c[i] + c[i+1]) / 2 …, +1e20]</c> in float32. (torch's vectorised linspace can round a
/// few centers one ulp differently; that is inside the ±1 near-boundary allowance of the spec.)</para>
/// <para><b>Scale.</b> <c>scale = Σ|x| / count</c> over the observed (non-NaN) values of the context
/// window, in float32; when it is not &gt; 0 (all zero, all missing, empty) it is 1. The sum is a
/// float32 <i>pairwise</i> sum in a fixed order: a run of at most 8 values is added left to right;
/// a longer run is split at <c>⌊n/2⌋</c>, both halves are summed recursively and the first half's
/// sum is added to the second's. This is deterministic on every machine and, like torch's cascade
/// sum, has an error that grows with <c>log n</c> rather than <c>n</c>; the count is converted to
/// float32 and the division is a float32 division.</para>
/// <para><b>Ids.</b> <c>id = bucketize(x / scale, Boundaries, right: true) + SpecialTokenCount</c>,
/// clamped to <c>[0, TokenCount − 1]</c>; bucketize with <c>right = true</c> is the number of
/// boundaries <c>≤ x / scale</c> (binary search). NaN positions get <see cref="MeanScaleUniformBinsConfig.PadTokenId"/>
/// and mask 0, observed positions mask 1, and the appended EOS mask 1. In a context encoding
/// <c>|x / scale| ≤ ContextLength</c>, so ids run from <c>SpecialTokenCount + 1</c> upwards and id
/// <c>SpecialTokenCount</c> (2) is never produced. Labels scaled by a borrowed scale can fall below
/// the first boundary (−1e20) and then get id <c>SpecialTokenCount</c>, exactly as in the reference.</para>
/// <para><b>Infinite values</b> are rejected with <see cref="StatusCode.InvalidArgument"/>: the
/// reference would turn one ±Inf into an infinite scale and collapse every other value to the
/// center bucket (and an infinite label into id 2 or the top id), which is never a useful result.
/// Only values that are tokenized are checked: values dropped by the context truncation are not
/// inspected, as the reference never sees them. A finite series whose Σ|x| overflows float32 is
/// rejected the same way.</para>
/// <para>The instance is immutable and safe to share across threads; encode and decode allocate
/// nothing.</para>
/// </remarks>
public sealed class MeanScaleUniformBins
{
    /// <summary>Largest supported <see cref="MeanScaleUniformBinsConfig.TokenCount"/> (2^24).</summary>
    public const int MaxTokenCount = 1 << 24;

    /// <summary>Largest supported <see cref="MeanScaleUniformBinsConfig.ContextLength"/> (2^30).</summary>
    public const int MaxContextLength = 1 << 30;

    /// <summary>The outer boundary, <c>1e20</c> as float32, that closes the first and last bucket.</summary>
    public const float OuterBoundary = 1e20f;

    private const int PairwiseBlock = 8;

    private readonly float[] _centers;
    private readonly float[] _boundaries;
    private readonly int _tokenCount;
    private readonly int _special;
    private readonly int _pad;
    private readonly int _eos;
    private readonly int _context;
    private readonly bool _appendEos;

    /// <summary>
    /// Creates the tokenizer and computes its centers and boundaries once.
    /// </summary>
    /// <param name="config">The configuration; <see langword="null"/> means <see cref="MeanScaleUniformBinsConfig.Default"/>.</param>
    /// <exception cref="EdgeTokException">
    /// <see cref="StatusCode.InvalidArgument"/> when <c>SpecialTokenCount &lt; 0</c>,
    /// <c>TokenCount ≤ SpecialTokenCount + 1</c> (at least one center is needed), <c>TokenCount &gt; </c><see cref="MaxTokenCount"/>,
    /// the pad or EOS id is outside <c>[0, TokenCount)</c>, a limit is not finite, <c>LowLimit ≥ HighLimit</c>,
    /// <c>ContextLength</c> is outside <c>[1, </c><see cref="MaxContextLength"/><c>]</c>, or the bins collapse in
    /// float32 (centers not strictly increasing, a center outside ±1e20, or a center that does not fall in its own bucket).
    /// </exception>
    public MeanScaleUniformBins(MeanScaleUniformBinsConfig? config = null)
    {
        config ??= MeanScaleUniformBinsConfig.Default;
        Validate(config);
        Config = config;
        _tokenCount = config.TokenCount;
        _special = config.SpecialTokenCount;
        _pad = config.PadTokenId;
        _eos = config.EosTokenId;
        _context = config.ContextLength;
        _appendEos = config.AppendEos;

        int n = config.CenterCount;
        _centers = new float[n];
        Linspace(config.LowLimit, config.HighLimit, _centers);

        _boundaries = new float[n + 1];
        _boundaries[0] = -OuterBoundary;
        for (int i = 0; i + 1 < n; i++) _boundaries[i + 1] = (_centers[i + 1] + _centers[i]) / 2f;
        _boundaries[n] = OuterBoundary;

        CheckBins();
    }

    /// <summary>The configuration this instance was built from.</summary>
    public MeanScaleUniformBinsConfig Config { get; }

    /// <summary>The bin centers (<see cref="MeanScaleUniformBinsConfig.CenterCount"/> values, 4,093 by default), in units of the scale.</summary>
    public ReadOnlySpan<float> Centers => _centers;

    /// <summary>The bucket boundaries: <c>−1e20</c>, the midpoints between consecutive centers, <c>+1e20</c> (<c>CenterCount + 1</c> values).</summary>
    public ReadOnlySpan<float> Boundaries => _boundaries;

    /// <summary>
    /// Number of ids (and mask entries) <see cref="Encode"/> writes for a series of the given
    /// length: <c>min(seriesLength, ContextLength)</c>, plus one when EOS is appended.
    /// </summary>
    /// <param name="seriesLength">Length of the whole series, before truncation (≥ 0).</param>
    /// <exception cref="EdgeTokException"><see cref="StatusCode.InvalidArgument"/> when <paramref name="seriesLength"/> is negative.</exception>
    public int GetTokenCount(int seriesLength)
    {
        if (seriesLength < 0) throw EdgeTokException.Argument($"series length must be >= 0, got {seriesLength}");
        return Math.Min(seriesLength, _context) + (_appendEos ? 1 : 0);
    }

    /// <summary>
    /// Number of ids (and mask entries) <see cref="EncodeLabels"/> writes for a future window of
    /// the given length: <c>futureLength</c> (labels are not truncated), plus one when EOS is appended.
    /// </summary>
    /// <param name="futureLength">Length of the future window (≥ 0).</param>
    /// <exception cref="EdgeTokException"><see cref="StatusCode.InvalidArgument"/> when <paramref name="futureLength"/> is negative or too large.</exception>
    public int GetLabelTokenCount(int futureLength)
    {
        if (futureLength < 0) throw EdgeTokException.Argument($"future length must be >= 0, got {futureLength}");
        if (_appendEos && futureLength == int.MaxValue) throw EdgeTokException.Limit("future window too long: the id count with EOS does not fit an int");
        return futureLength + (_appendEos ? 1 : 0);
    }

    /// <summary>
    /// Tokenizes a context: keeps the last <c>ContextLength</c> values, computes the mean scale,
    /// writes one id and one mask byte per kept value (NaN → pad id, mask 0) and then the EOS id
    /// (mask 1) when configured.
    /// </summary>
    /// <param name="series">The series; NaN marks a missing value. ±Inf is rejected (only within the kept window).</param>
    /// <param name="ids">Receives <see cref="GetTokenCount"/><c>(series.Length)</c> ids; may be longer (the rest is untouched).</param>
    /// <param name="attentionMask">Receives the same number of mask bytes (1 observed or EOS, 0 missing).</param>
    /// <returns>The scale (finite and &gt; 0) to pass to <see cref="EncodeLabels"/> and <see cref="Decode"/>.</returns>
    /// <exception cref="EdgeTokException">
    /// <see cref="StatusCode.BufferTooSmall"/> when an output span is too short;
    /// <see cref="StatusCode.InvalidArgument"/> when a kept value is ±Inf or Σ|x| overflows float32.
    /// Nothing is written when an exception is thrown.
    /// </exception>
    public float Encode(ReadOnlySpan<float> series, Span<int> ids, Span<byte> attentionMask)
    {
        int count = GetTokenCount(series.Length);
        CheckOutputs(count, ids.Length, attentionMask.Length);
        int offset = series.Length - Math.Min(series.Length, _context);
        ReadOnlySpan<float> window = series[offset..];
        CheckFinite(window, offset, "series");

        int observed = 0;
        foreach (float x in window) if (!float.IsNaN(x)) observed++;
        float sum = PairwiseAbsSum(window);
        float scale = sum / (float)observed;
        if (!(scale > 0f)) scale = 1f;
        if (float.IsPositiveInfinity(scale))
            throw EdgeTokException.Argument("the mean absolute value of the series overflows float32; rescale the input");

        WriteIds(window, scale, ids, attentionMask);
        return scale;
    }

    /// <summary>
    /// Tokenizes a future window (training labels) with the scale of its context, as returned by
    /// <see cref="Encode"/>: one id and one mask byte per value (NaN → pad id, mask 0), no
    /// truncation, then the EOS id (mask 1) when configured.
    /// </summary>
    /// <param name="future">The future values; NaN marks a missing value, ±Inf is rejected.</param>
    /// <param name="scale">The context's scale; must be finite and &gt; 0.</param>
    /// <param name="ids">Receives <see cref="GetLabelTokenCount"/><c>(future.Length)</c> ids; may be longer.</param>
    /// <param name="attentionMask">Receives the same number of mask bytes.</param>
    /// <exception cref="EdgeTokException">
    /// <see cref="StatusCode.BufferTooSmall"/> when an output span is too short;
    /// <see cref="StatusCode.InvalidArgument"/> for a bad scale or a ±Inf value. Nothing is written then.
    /// </exception>
    public void EncodeLabels(ReadOnlySpan<float> future, float scale, Span<int> ids, Span<byte> attentionMask)
    {
        int count = GetLabelTokenCount(future.Length);
        CheckScale(scale);
        CheckOutputs(count, ids.Length, attentionMask.Length);
        CheckFinite(future, 0, "future");
        WriteIds(future, scale, ids, attentionMask);
    }

    /// <summary>
    /// Maps ids back to values: <c>values[i] = Centers[clamp(ids[i] − SpecialTokenCount − 1, 0, CenterCount − 1)] · scale</c>
    /// (float32 product). As in the reference, any id is accepted: special ids and ids below the
    /// first real id decode to the first center, ids above the vocabulary to the last.
    /// </summary>
    /// <param name="ids">The ids to decode.</param>
    /// <param name="scale">The scale returned by <see cref="Encode"/>; must be finite and &gt; 0.</param>
    /// <param name="values">Receives <c>ids.Length</c> values; may be longer (the rest is untouched).</param>
    /// <exception cref="EdgeTokException">
    /// <see cref="StatusCode.BufferTooSmall"/> when <paramref name="values"/> is too short;
    /// <see cref="StatusCode.InvalidArgument"/> for a bad scale.
    /// </exception>
    public void Decode(ReadOnlySpan<int> ids, float scale, Span<float> values)
    {
        CheckScale(scale);
        if (values.Length < ids.Length)
            throw new EdgeTokException(StatusCode.BufferTooSmall, $"values needs {ids.Length} elements, got {values.Length}");
        long last = _centers.Length - 1;
        long shift = (long)_special + 1;
        for (int i = 0; i < ids.Length; i++)
        {
            long index = Math.Clamp(ids[i] - shift, 0L, last);
            values[i] = _centers[index] * scale;
        }
    }

    /// <summary>
    /// <c>torch.bucketize(v, Boundaries, right=True)</c>: the number of boundaries <c>≤ v</c>
    /// (upper bound by binary search; a NaN lands past the end, as in torch).
    /// </summary>
    internal int BucketIndex(float v)
    {
        float[] b = _boundaries;
        int lo = 0, hi = b.Length;
        while (lo < hi)
        {
            int mid = lo + ((hi - lo) >> 1);
            if (!(b[mid] > v)) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /// <summary>The id of one observed value already divided by its scale (bucket + special, clamped).</summary>
    internal int IdOfScaled(float scaled) => Math.Clamp(BucketIndex(scaled) + _special, 0, _tokenCount - 1);

    /// <summary>The float32 pairwise Σ|x| over the non-NaN values (order documented on the type).</summary>
    internal static float PairwiseAbsSum(ReadOnlySpan<float> values)
    {
        if (values.Length <= PairwiseBlock)
        {
            float s = 0f;
            foreach (float x in values) if (!float.IsNaN(x)) s += MathF.Abs(x);
            return s;
        }
        int half = values.Length / 2;
        float first = PairwiseAbsSum(values[..half]);
        float second = PairwiseAbsSum(values[half..]);
        return first + second;
    }

    private void WriteIds(ReadOnlySpan<float> values, float scale, Span<int> ids, Span<byte> mask)
    {
        for (int i = 0; i < values.Length; i++)
        {
            float x = values[i];
            if (float.IsNaN(x))
            {
                ids[i] = _pad;
                mask[i] = 0;
            }
            else
            {
                ids[i] = IdOfScaled(x / scale);
                mask[i] = 1;
            }
        }
        if (_appendEos)
        {
            ids[values.Length] = _eos;
            mask[values.Length] = 1;
        }
    }

    private static void CheckOutputs(int count, int idsLength, int maskLength)
    {
        if (idsLength < count)
            throw new EdgeTokException(StatusCode.BufferTooSmall, $"ids needs {count} elements, got {idsLength}");
        if (maskLength < count)
            throw new EdgeTokException(StatusCode.BufferTooSmall, $"attention mask needs {count} elements, got {maskLength}");
    }

    private static void CheckFinite(ReadOnlySpan<float> values, int offset, string name)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (float.IsInfinity(values[i]))
                throw EdgeTokException.Argument($"{name}[{offset + i}] is {(values[i] > 0 ? "+Inf" : "-Inf")}; only finite values and NaN (missing) are allowed");
        }
    }

    private static void CheckScale(float scale)
    {
        if (!float.IsFinite(scale) || !(scale > 0f))
            throw EdgeTokException.Argument($"scale must be finite and > 0, got {scale}");
    }

    /// <summary>float32 linspace with the arithmetic of torch's scalar kernel.</summary>
    private static void Linspace(float start, float end, Span<float> output)
    {
        int steps = output.Length;
        if (steps == 1)
        {
            output[0] = start;
            return;
        }
        float step = (end - start) / (float)(steps - 1);
        int halfway = steps / 2;
        for (int i = 0; i < steps; i++)
            output[i] = i < halfway ? start + step * (float)i : end - step * (float)(steps - i - 1);
    }

    private static void Validate(MeanScaleUniformBinsConfig c)
    {
        if (c.SpecialTokenCount < 0)
            throw EdgeTokException.Argument($"SpecialTokenCount (n_special_tokens) must be >= 0, got {c.SpecialTokenCount}");
        if (c.TokenCount > MaxTokenCount)
            throw EdgeTokException.Argument($"TokenCount (n_tokens) must be <= {MaxTokenCount}, got {c.TokenCount}");
        if ((long)c.TokenCount <= (long)c.SpecialTokenCount + 1)
            throw EdgeTokException.Argument($"TokenCount (n_tokens) must exceed SpecialTokenCount + 1 (at least one bin center), got n_tokens {c.TokenCount}, n_special_tokens {c.SpecialTokenCount}");
        if (c.PadTokenId < 0 || c.PadTokenId >= c.TokenCount)
            throw EdgeTokException.Argument($"PadTokenId must be in [0, {c.TokenCount}), got {c.PadTokenId}");
        if (c.EosTokenId < 0 || c.EosTokenId >= c.TokenCount)
            throw EdgeTokException.Argument($"EosTokenId must be in [0, {c.TokenCount}), got {c.EosTokenId}");
        if (!float.IsFinite(c.LowLimit) || !float.IsFinite(c.HighLimit))
            throw EdgeTokException.Argument($"LowLimit and HighLimit must be finite, got {c.LowLimit} and {c.HighLimit}");
        if (!(c.LowLimit < c.HighLimit))
            throw EdgeTokException.Argument($"LowLimit must be < HighLimit, got {c.LowLimit} and {c.HighLimit}");
        if (c.ContextLength < 1 || c.ContextLength > MaxContextLength)
            throw EdgeTokException.Argument($"ContextLength must be in [1, {MaxContextLength}], got {c.ContextLength}");
    }

    private void CheckBins()
    {
        float[] c = _centers, b = _boundaries;
        for (int i = 0; i < c.Length; i++)
        {
            // Every center strictly inside (−1e20, 1e20), strictly increasing, and in its own bucket:
            // b[i] <= c[i] < b[i+1]. This is what makes centers → ids → centers exact.
            if (!(c[i] > -OuterBoundary && c[i] < OuterBoundary) || (i > 0 && !(c[i] > c[i - 1])) || !(b[i] <= c[i] && c[i] < b[i + 1]))
                throw EdgeTokException.Argument(
                    $"the bins collapse in float32 at center {i} ({c[i]}): choose LowLimit/HighLimit/TokenCount so that consecutive centers are distinct and inside ±1e20");
        }
    }
}
