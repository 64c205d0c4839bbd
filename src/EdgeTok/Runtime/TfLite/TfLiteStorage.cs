namespace EdgeTok.Runtime.TfLite;

/// <summary>Which typed array holds a tensor at run time.</summary>
internal enum TfLiteStorage : byte { None = 0, Float, Int8, Int32 }
