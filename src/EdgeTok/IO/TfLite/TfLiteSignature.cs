namespace EdgeTok.IO.TfLite;

/// <summary>A signature: a named entry point binding input/output names to tensors of one subgraph.</summary>
internal sealed class TfLiteSignature
{
    /// <summary>Signature key, e.g. <c>serving_default</c>.</summary>
    public required string Key { get; init; }
    /// <summary>Index of the subgraph the signature runs.</summary>
    public required int SubGraphIndex { get; init; }
    /// <summary>Input name → tensor index.</summary>
    public required IReadOnlyList<KeyValuePair<string, int>> Inputs { get; init; }
    /// <summary>Output name → tensor index.</summary>
    public required IReadOnlyList<KeyValuePair<string, int>> Outputs { get; init; }

    /// <summary>Tensor index of the input called <paramref name="name"/>.</summary>
    public int Input(string name) => Find(Inputs, name, "input");

    /// <summary>Tensor index of the output called <paramref name="name"/>.</summary>
    public int Output(string name) => Find(Outputs, name, "output");

    private int Find(IReadOnlyList<KeyValuePair<string, int>> list, string name, string kind)
    {
        foreach (var kv in list) if (kv.Key == name) return kv.Value;
        throw EdgeTokException.NotFound($"TFLite signature '{Key}' has no {kind} named '{name}'");
    }
}
