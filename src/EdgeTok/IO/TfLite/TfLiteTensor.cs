namespace EdgeTok.IO.TfLite;

/// <summary>One tensor of a subgraph: shape, element type, constant data (if any) and quantization.</summary>
internal sealed class TfLiteTensor
{
    /// <summary>Index in its subgraph.</summary>
    public required int Index { get; init; }
    /// <summary>Tensor name.</summary>
    public required string Name { get; init; }
    /// <summary>Static shape.</summary>
    public required int[] Shape { get; init; }
    /// <summary>Element type.</summary>
    public required TfLiteTensorType Type { get; init; }
    /// <summary>Constant bytes (empty when the tensor is computed at run time).</summary>
    public required ReadOnlyMemory<byte> Data { get; init; }
    /// <summary>Per-tensor (length 1) or per-channel scales; empty when not quantized.</summary>
    public required float[] Scale { get; init; }
    /// <summary>Zero points, same length as <see cref="Scale"/>.</summary>
    public required long[] ZeroPoint { get; init; }
    /// <summary>Axis the per-channel parameters run along.</summary>
    public required int QuantizedDimension { get; init; }

    /// <summary>True when the tensor holds constant data.</summary>
    public bool IsConstant => !Data.IsEmpty;

    /// <summary>Number of elements.</summary>
    public int ElementCount
    {
        get
        {
            long n = 1;
            foreach (int d in Shape) n *= d;
            return (int)n;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"#{Index} '{Name}' {Type} [{string.Join(",", Shape)}]";
}
