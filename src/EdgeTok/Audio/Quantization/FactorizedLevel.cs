namespace EdgeTok.Audio.Quantization;

/// <summary>
/// Weights of one level of a factorized quantizer (DAC, SNAC): a codebook [CodebookSize, CodeDim],
/// an input projection latent → code space and an output projection back (1×1 convolutions, with
/// weight norm already folded; see <see cref="WeightNorm"/>), and a temporal stride (1 for DAC).
/// </summary>
/// <param name="Codebook">[codebookSize, codeDim], raw (unnormalised) codewords.</param>
/// <param name="InProjWeight">[codeDim, latentDim] (a 1×1 conv weight [out, in, 1] flattened).</param>
/// <param name="InProjBias">[codeDim], or empty for no bias.</param>
/// <param name="OutProjWeight">[latentDim, codeDim].</param>
/// <param name="OutProjBias">[latentDim], or empty for no bias.</param>
/// <param name="Stride">Temporal stride: average-pool by this factor before the level, repeat after (SNAC); 1 = none.</param>
public sealed record FactorizedLevel(float[] Codebook, float[] InProjWeight, float[] InProjBias, float[] OutProjWeight, float[] OutProjBias, int Stride = 1);
