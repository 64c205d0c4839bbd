namespace EdgeTok.Runtime.TfLite;

/// <summary>How int8 convolution accumulators are rescaled to the output's int8 scale.</summary>
public enum TfLiteRequantization
{
    /// <summary>TFLite's reference kernels: Q31 fixed-point multiplier, rounding shift, ties away from zero.</summary>
    Reference = 0,
    /// <summary>XNNPack's scheme: float32 scale per channel, round to nearest even.</summary>
    Float32 = 1,
}
