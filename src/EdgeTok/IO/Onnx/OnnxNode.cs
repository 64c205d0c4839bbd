namespace EdgeTok.IO.Onnx;

/// <summary>
/// One node of an ONNX graph: operator, inputs, outputs, and the attributes the SDK reads
/// (integer, integer-list, float and tensor attributes; others are skipped).
/// </summary>
public sealed class OnnxNode
{
    internal OnnxNode(string name, string opType, string domain, string[] inputs, string[] outputs,
        Dictionary<string, long> ints, Dictionary<string, long[]> intLists, Dictionary<string, float> floats, Dictionary<string, OnnxTensor> tensors)
    {
        Name = name;
        OpType = opType;
        Domain = domain;
        Inputs = inputs;
        Outputs = outputs;
        IntAttributes = ints;
        IntListAttributes = intLists;
        FloatAttributes = floats;
        TensorAttributes = tensors;
    }

    /// <summary>Node name (may be empty).</summary>
    public string Name { get; }

    /// <summary>Operator type, e.g. <c>MatMul</c>.</summary>
    public string OpType { get; }

    /// <summary>Operator domain; empty for the default ONNX domain.</summary>
    public string Domain { get; }

    /// <summary>Input value names (an empty name marks an omitted optional input).</summary>
    public IReadOnlyList<string> Inputs { get; }

    /// <summary>Output value names.</summary>
    public IReadOnlyList<string> Outputs { get; }

    /// <summary>Integer attributes by name.</summary>
    public IReadOnlyDictionary<string, long> IntAttributes { get; }

    /// <summary>Integer-list attributes by name (e.g. <c>kernel_shape</c>).</summary>
    public IReadOnlyDictionary<string, long[]> IntListAttributes { get; }

    /// <summary>Float attributes by name.</summary>
    public IReadOnlyDictionary<string, float> FloatAttributes { get; }

    /// <summary>Tensor attributes by name (e.g. a <c>Constant</c> node's <c>value</c>).</summary>
    public IReadOnlyDictionary<string, OnnxTensor> TensorAttributes { get; }
}
