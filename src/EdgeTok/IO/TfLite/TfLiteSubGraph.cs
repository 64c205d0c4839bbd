namespace EdgeTok.IO.TfLite;

/// <summary>One subgraph: its tensors, operators in execution order, and graph inputs/outputs.</summary>
internal sealed class TfLiteSubGraph
{
    /// <summary>Subgraph name.</summary>
    public required string Name { get; init; }
    /// <summary>All tensors.</summary>
    public required TfLiteTensor[] Tensors { get; init; }
    /// <summary>Operators in execution order.</summary>
    public required TfLiteOperator[] Operators { get; init; }
    /// <summary>Graph input tensor indices.</summary>
    public required int[] Inputs { get; init; }
    /// <summary>Graph output tensor indices.</summary>
    public required int[] Outputs { get; init; }
}
