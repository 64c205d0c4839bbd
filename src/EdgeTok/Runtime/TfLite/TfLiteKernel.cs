namespace EdgeTok.Runtime.TfLite;

/// <summary>
/// One prepared operator: shapes, weights and requantisation constants are resolved when the graph is
/// planned, so <see cref="Run"/> only computes (and allocates nothing).
/// </summary>
internal abstract class TfLiteKernel
{
    /// <summary>Schema name of the op (for messages).</summary>
    public required string OpName { get; init; }

    /// <summary>Floats of each of the three scratch buffers this kernel needs.</summary>
    public virtual (int A, int B, int C) Scratch => (0, 0, 0);

    /// <summary>Elements of the int16, second int16, int32 and second int32 scratch buffers this kernel needs.</summary>
    public virtual (int S, int S2, int I, int I2) IntScratch => (0, 0, 0, 0);

    /// <summary>Executes the op on one execution's tensors.</summary>
    public abstract void Run(TfLiteExecution ex);
}
