namespace EdgeTok.TimeSeries.Kairos;

/// <summary>How the router's gate bias behaves during a forecast.</summary>
public enum KairosGateBiasMode
{
    /// <summary>
    /// The checkpoint's <c>patch.moe.gate.bias</c> (or the caller's <see cref="KairosGateBias"/>) is held
    /// fixed: results depend only on the input. The default.
    /// </summary>
    Frozen = 0,

    /// <summary>
    /// Emulates the reference, which updates the bias inside every forward (eval mode too):
    /// bias += rate·(target·Σw − counts)/Σw after each internal forward (every roll-out step and the
    /// flip pass). The drift lives in per-call state (or in a caller-owned <see cref="KairosGateBias"/>),
    /// never in the shared model.
    /// </summary>
    ReferenceDrift = 1,
}
