namespace EdgeTok.IO.Onnx;

/// <summary>A graph input or output: name, element type and shape (symbolic dimensions have no value).</summary>
/// <param name="Name">Value name, as used when feeding or fetching it.</param>
/// <param name="ElementType">Element type of the tensor.</param>
/// <param name="Dims">Dimensions; null where the dimension is symbolic or unknown.</param>
/// <param name="DimNames">Symbolic dimension names (e.g. <c>batch</c>), null where the dimension is fixed or unnamed.</param>
public sealed record OnnxValueInfo(string Name, OnnxDataType ElementType, IReadOnlyList<long?> Dims, IReadOnlyList<string?> DimNames)
{
    /// <summary>The shape as text with symbolic dimensions by name, e.g. <c>[1, 32, frames]</c>.</summary>
    public string ShapeText => "[" + string.Join(", ", Dims.Select((d, i) => d?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? DimNames[i] ?? "?")) + "]";
}
