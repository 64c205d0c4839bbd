namespace EdgeTok.IO.TfLite;

/// <summary>TFLite element types (schema.fbs <c>TensorType</c>).</summary>
internal enum TfLiteTensorType : byte
{
    Float32 = 0, Float16 = 1, Int32 = 2, UInt8 = 3, Int64 = 4, String = 5, Bool = 6, Int16 = 7,
    Complex64 = 8, Int8 = 9, Float64 = 10, Complex128 = 11, UInt64 = 12, Resource = 13, Variant = 14,
    UInt32 = 15, UInt16 = 16, Int4 = 17,
}
