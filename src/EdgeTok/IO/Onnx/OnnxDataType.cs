namespace EdgeTok.IO.Onnx;

/// <summary>Element types of ONNX tensors (the values of <c>TensorProto.DataType</c>).</summary>
public enum OnnxDataType
{
    /// <summary>Not set.</summary>
    Undefined = 0,
    /// <summary>float32.</summary>
    Float = 1,
    /// <summary>uint8.</summary>
    UInt8 = 2,
    /// <summary>int8.</summary>
    Int8 = 3,
    /// <summary>uint16.</summary>
    UInt16 = 4,
    /// <summary>int16.</summary>
    Int16 = 5,
    /// <summary>int32.</summary>
    Int32 = 6,
    /// <summary>int64.</summary>
    Int64 = 7,
    /// <summary>string.</summary>
    String = 8,
    /// <summary>bool (one byte).</summary>
    Bool = 9,
    /// <summary>float16.</summary>
    Float16 = 10,
    /// <summary>float64.</summary>
    Double = 11,
    /// <summary>uint32.</summary>
    UInt32 = 12,
    /// <summary>uint64.</summary>
    UInt64 = 13,
    /// <summary>bfloat16.</summary>
    BFloat16 = 16,
}
