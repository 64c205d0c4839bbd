namespace EdgeTok.IO.SafeTensors;

/// <summary>One tensor's entry in a safetensors header.</summary>
/// <param name="Name">Tensor name as stored (e.g. <c>encoder.block.0.layer.0.SelfAttention.q.weight</c>).</param>
/// <param name="DType">Element type.</param>
/// <param name="Shape">Dimensions, outermost first (C order).</param>
/// <param name="Begin">Byte offset of the first element, relative to the data block.</param>
/// <param name="End">Byte offset one past the last element, relative to the data block.</param>
public sealed record SafeTensorInfo(string Name, TensorDType DType, long[] Shape, long Begin, long End)
{
    /// <summary>Number of elements (product of <see cref="Shape"/>).</summary>
    public long ElementCount => TensorDTypes.ElementCount(Shape);

    /// <summary>Number of bytes of the tensor's data.</summary>
    public long ByteLength => End - Begin;

    /// <summary>The shape as text, e.g. <c>[256, 128]</c>.</summary>
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}
