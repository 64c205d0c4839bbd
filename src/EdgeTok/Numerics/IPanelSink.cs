using System.Runtime.Intrinsics;

namespace EdgeTok.Numerics;

/// <summary>
/// Where a <see cref="PanelMatrix"/> kernel delivers its results: for one row and one panel, the
/// accumulated products Σᵢ x[row, i]·B[16·panel + lane, i] of some of the panel's 16 columns (lanes).
/// Each row/panel pair is delivered exactly once, in one of the four widths; what happens next (store
/// to a matrix, or turn into an RVQ score and keep the minimum) is the sink's business. Implemented by structs
/// (ref structs included) so each kernel is compiled for its sink and the call inlines.
/// </summary>
internal interface IPanelSink
{
    /// <summary>All 16 lanes.</summary>
    void Put(int row, int panel, Vector512<float> acc);

    /// <summary>Lanes <paramref name="lane0"/>..<paramref name="lane0"/>+7 (0 or 8).</summary>
    void Put(int row, int panel, int lane0, Vector256<float> acc);

    /// <summary>Lanes <paramref name="lane0"/>..<paramref name="lane0"/>+3 (0, 4, 8 or 12).</summary>
    void Put(int row, int panel, int lane0, Vector128<float> acc);

    /// <summary>One lane.</summary>
    void Put(int row, int panel, int lane, float acc);
}
