namespace EdgeTok.IO.TfLite;

/// <summary>One operator of a subgraph: builtin code, tensor indices (-1 = optional input absent), options table.</summary>
internal sealed class TfLiteOperator
{
    /// <summary>Position in the subgraph's execution order.</summary>
    public required int Index { get; init; }
    /// <summary>Builtin operator code (<see cref="TfLiteBuiltinOperator"/>).</summary>
    public required int BuiltinCode { get; init; }
    /// <summary>Custom op name for CUSTOM ops, else empty.</summary>
    public required string CustomCode { get; init; }
    /// <summary>Input tensor indices.</summary>
    public required int[] Inputs { get; init; }
    /// <summary>Output tensor indices.</summary>
    public required int[] Outputs { get; init; }
    /// <summary>The builtin options table (absent when the op has none).</summary>
    public required FlatBufferTable Options { get; init; }

    /// <summary>The schema name of the op.</summary>
    public string OpName => BuiltinCode == 32 && CustomCode.Length > 0 ? $"CUSTOM({CustomCode})" : TfLiteBuiltinOperator.Name(BuiltinCode);
}
