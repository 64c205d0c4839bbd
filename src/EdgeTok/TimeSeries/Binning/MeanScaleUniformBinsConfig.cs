namespace EdgeTok.TimeSeries.Binning;

/// <summary>
/// Configuration of the Chronos mean-scale uniform-bin tokenizer (<see cref="MeanScaleUniformBins"/>).
/// The defaults are those of the published Chronos (T5) models: 4,096 tokens of which 2 are special,
/// pad id 0, EOS id 1, bins over [−15, 15], context length 512 and an EOS token appended.
/// </summary>
/// <remarks>
/// The record is immutable; <see cref="MeanScaleUniformBins"/> validates it when constructed
/// (see <see cref="MeanScaleUniformBins(MeanScaleUniformBinsConfig?)"/> for the rules).
/// </remarks>
public sealed record MeanScaleUniformBinsConfig
{
    /// <summary>The published Chronos configuration (all defaults).</summary>
    public static MeanScaleUniformBinsConfig Default { get; } = new();

    /// <summary>
    /// Vocabulary size (<c>n_tokens</c>), special tokens included. Ids are clamped to
    /// <c>[0, TokenCount − 1]</c>. Default 4096.
    /// </summary>
    public int TokenCount { get; init; } = 4096;

    /// <summary>
    /// Number of special ids at the bottom of the vocabulary (<c>n_special_tokens</c>); bucket
    /// indices are shifted up by this amount. Default 2.
    /// </summary>
    public int SpecialTokenCount { get; init; } = 2;

    /// <summary>Id written for missing (NaN) positions (<c>pad_token_id</c>). Default 0.</summary>
    public int PadTokenId { get; init; }

    /// <summary>Id appended at the end when <see cref="AppendEos"/> is set (<c>eos_token_id</c>). Default 1.</summary>
    public int EosTokenId { get; init; } = 1;

    /// <summary>Value of the first bin center (<c>low_limit</c>), in units of the scale. Default −15.</summary>
    public float LowLimit { get; init; } = -15f;

    /// <summary>Value of the last bin center (<c>high_limit</c>), in units of the scale. Default 15.</summary>
    public float HighLimit { get; init; } = 15f;

    /// <summary>
    /// Maximum number of context values (<c>context_length</c>); a longer series keeps only its last
    /// <c>ContextLength</c> values. Default 512.
    /// </summary>
    public int ContextLength { get; init; } = 512;

    /// <summary>
    /// Whether an EOS token (mask 1) is appended to both context and label ids (<c>use_eos_token</c>
    /// of the seq2seq models). Default <see langword="true"/>.
    /// </summary>
    public bool AppendEos { get; init; } = true;

    /// <summary>Number of bin centers, <c>TokenCount − SpecialTokenCount − 1</c> (4,093 by default).</summary>
    public int CenterCount => TokenCount - SpecialTokenCount - 1;
}
