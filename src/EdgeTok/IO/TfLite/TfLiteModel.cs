namespace EdgeTok.IO.TfLite;

/// <summary>
/// A TFLite model file read with our own flatbuffer reader, following the published schema
/// (tensorflow/lite/schema/schema.fbs, file identifier <c>TFL3</c>). Holds subgraphs, tensors with their
/// constant data and quantization parameters, operators with their builtin codes and options, and
/// signature definitions. Immutable once loaded.
/// </summary>
internal sealed class TfLiteModel
{
    // Field numbers of the schema tables, in declaration order.
    private const int ModelVersion = 0, ModelOperatorCodes = 1, ModelSubgraphs = 2, ModelDescription = 3, ModelBuffers = 4, ModelSignatureDefs = 7;
    private const int CodeDeprecatedBuiltin = 0, CodeCustom = 1, CodeBuiltin = 3;
    private const int SgTensors = 0, SgInputs = 1, SgOutputs = 2, SgOperators = 3, SgName = 4;
    private const int TShape = 0, TType = 1, TBuffer = 2, TName = 3, TQuant = 4;
    private const int QScale = 2, QZeroPoint = 3, QDim = 6;
    private const int OpOpcodeIndex = 0, OpInputs = 1, OpOutputs = 2, OpBuiltinOptions = 4;
    private const int BufData = 0, BufOffset = 1, BufSize = 2;
    private const int SigInputs = 0, SigOutputs = 1, SigKey = 2, SigSubgraph = 4;
    private const int MapName = 0, MapTensor = 1;

    /// <summary>Largest tensor accepted (2^28 elements): a corrupt shape must not turn into a huge allocation.</summary>
    public const long MaxElements = 1L << 28;

    /// <summary>Schema version stored in the file.</summary>
    public uint Version { get; }
    /// <summary>The model description string.</summary>
    public string Description { get; }
    /// <summary>All subgraphs; index 0 is the main graph.</summary>
    public IReadOnlyList<TfLiteSubGraph> SubGraphs { get; }
    /// <summary>Signature definitions.</summary>
    public IReadOnlyList<TfLiteSignature> Signatures { get; }
    /// <summary>Where the model was read from (for messages).</summary>
    public string Source { get; }

    private TfLiteModel(uint version, string description, TfLiteSubGraph[] subGraphs, TfLiteSignature[] signatures, string source)
    {
        Version = version;
        Description = description;
        SubGraphs = subGraphs;
        Signatures = signatures;
        Source = source;
    }

    /// <summary>Reads a model file.</summary>
    public static TfLiteModel Load(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (FileNotFoundException e) { throw new EdgeTokException(StatusCode.NotFound, $"TFLite file not found: {path}", e); }
        catch (DirectoryNotFoundException e) { throw new EdgeTokException(StatusCode.NotFound, $"TFLite file not found: {path}", e); }
        catch (IOException e) { throw new EdgeTokException(StatusCode.IoError, $"cannot read TFLite file {path}: {e.Message}", e); }
        return Parse(bytes, path);
    }

    /// <summary>Parses a model held in memory.</summary>
    public static TfLiteModel Parse(byte[] bytes, string source = "<memory>")
    {
        if (bytes.Length < 8)
            throw EdgeTokException.Format($"{source}: not a TFLite file: {bytes.Length} bytes, a flatbuffer header needs at least 8");
        if (bytes[4] != (byte)'T' || bytes[5] != (byte)'F' || bytes[6] != (byte)'L' || bytes[7] != (byte)'3')
            throw EdgeTokException.Format($"{source}: not a TFLite file: file identifier is '{Printable(bytes.AsSpan(4, 4))}', expected 'TFL3'");
        try
        {
            return ParseChecked(bytes, source);
        }
        catch (EdgeTokException e) when (e.Status == StatusCode.InvalidFormat && !e.Message.StartsWith(source, StringComparison.Ordinal))
        {
            throw EdgeTokException.Format($"{source}: {e.Message}");
        }
    }

    private static TfLiteModel ParseChecked(byte[] bytes, string source)
    {
        var root = FlatBufferTable.Root(bytes, "Model");
        uint version = root.GetUInt32(ModelVersion);
        string description = root.GetString(ModelDescription);

        var codeTables = root.GetTableVector(ModelOperatorCodes, "Model.operator_codes");
        var codes = new (int Builtin, string Custom)[codeTables.Length];
        for (int i = 0; i < codes.Length; i++)
        {
            // Codes above 127 live in the int32 builtin_code field; older files only have the int8 one.
            int dep = codeTables[i].GetSByte(CodeDeprecatedBuiltin);
            int full = codeTables[i].GetInt32(CodeBuiltin);
            codes[i] = (Math.Max(dep, full), codeTables[i].GetString(CodeCustom));
        }

        var bufTables = root.GetTableVector(ModelBuffers, "Model.buffers");
        var buffers = new ReadOnlyMemory<byte>[bufTables.Length];
        for (int i = 0; i < buffers.Length; i++)
        {
            var (s, n) = bufTables[i].GetVector(BufData, 1);
            if (n > 0) { buffers[i] = new ReadOnlyMemory<byte>(bytes, s, n); continue; }
            ulong off = bufTables[i].GetUInt64(BufOffset), size = bufTables[i].GetUInt64(BufSize);
            if (off > 1 && size > 0)
            {
                if (off + size > (ulong)bytes.Length)
                    throw EdgeTokException.Format($"buffer {i}: external data [{off}, {off + size}) runs past the end of the file ({bytes.Length} bytes)");
                buffers[i] = new ReadOnlyMemory<byte>(bytes, (int)off, (int)size);
            }
        }

        var sgTables = root.GetTableVector(ModelSubgraphs, "Model.subgraphs");
        if (sgTables.Length == 0) throw EdgeTokException.Format("model has no subgraphs");
        var subGraphs = new TfLiteSubGraph[sgTables.Length];
        for (int g = 0; g < sgTables.Length; g++)
        {
            var sg = sgTables[g];
            string where = $"subgraph {g}";
            var tTables = sg.GetTableVector(SgTensors, where + ".tensors");
            var tensors = new TfLiteTensor[tTables.Length];
            for (int t = 0; t < tensors.Length; t++)
            {
                var tt = tTables[t];
                uint bi = tt.GetUInt32(TBuffer);
                if (bi >= (uint)buffers.Length && !(bi == 0 && buffers.Length == 0))
                    throw EdgeTokException.Format($"{where} tensor {t}: buffer index {bi} out of range (file has {buffers.Length} buffers)");
                var type = (TfLiteTensorType)tt.GetByte(TType);
                int[] shape = tt.GetInt32Vector(TShape);
                var data = buffers.Length == 0 ? ReadOnlyMemory<byte>.Empty : buffers[bi];
                var q = tt.GetTable(TQuant, where + $" tensor {t} quantization");
                float[] scale = q.Exists ? q.GetFloatVector(QScale) : [];
                long[] zp = q.Exists ? q.GetInt64Vector(QZeroPoint) : [];
                var tensor = new TfLiteTensor
                {
                    Index = t, Name = tt.GetString(TName), Shape = shape, Type = type, Data = data,
                    Scale = scale, ZeroPoint = zp, QuantizedDimension = q.Exists ? q.GetInt32(QDim) : 0,
                };
                long elements = 1;
                foreach (int d in shape)
                {
                    if (d < 0) throw EdgeTokException.Format($"{where} {tensor}: negative dimension (dynamic shapes are not supported)");
                    elements *= d;
                    if (elements > MaxElements) throw EdgeTokException.Format($"{where} {tensor}: more than {MaxElements} elements");
                }
                int es = ElementSize(type);
                if (tensor.IsConstant && es > 0 && (long)data.Length < (long)tensor.ElementCount * es)
                    throw EdgeTokException.Format($"{where} {tensor}: constant data holds {data.Length} bytes, {(long)tensor.ElementCount * es} needed");
                tensors[t] = tensor;
            }
            int[] inputs = CheckIndices(sg.GetInt32Vector(SgInputs), tensors.Length, where + " inputs", false);
            int[] outputs = CheckIndices(sg.GetInt32Vector(SgOutputs), tensors.Length, where + " outputs", false);
            var opTables = sg.GetTableVector(SgOperators, where + ".operators");
            var ops = new TfLiteOperator[opTables.Length];
            for (int o = 0; o < ops.Length; o++)
            {
                var ot = opTables[o];
                uint ci = ot.GetUInt32(OpOpcodeIndex);
                if (ci >= (uint)codes.Length) throw EdgeTokException.Format($"{where} operator {o}: opcode index {ci} out of range ({codes.Length} operator codes)");
                ops[o] = new TfLiteOperator
                {
                    Index = o, BuiltinCode = codes[ci].Builtin, CustomCode = codes[ci].Custom,
                    Inputs = CheckIndices(ot.GetInt32Vector(OpInputs), tensors.Length, $"{where} operator {o} inputs", true),
                    Outputs = CheckIndices(ot.GetInt32Vector(OpOutputs), tensors.Length, $"{where} operator {o} outputs", false),
                    Options = ot.GetTable(OpBuiltinOptions, $"{where} operator {o} options"),
                };
            }
            subGraphs[g] = new TfLiteSubGraph { Name = sg.GetString(SgName), Tensors = tensors, Operators = ops, Inputs = inputs, Outputs = outputs };
        }

        var sigTables = root.GetTableVector(ModelSignatureDefs, "Model.signature_defs");
        var sigs = new TfLiteSignature[sigTables.Length];
        for (int i = 0; i < sigs.Length; i++)
        {
            uint sgi = sigTables[i].GetUInt32(SigSubgraph);
            if (sgi >= (uint)subGraphs.Length) throw EdgeTokException.Format($"signature {i}: subgraph index {sgi} out of range");
            sigs[i] = new TfLiteSignature
            {
                Key = sigTables[i].GetString(SigKey), SubGraphIndex = (int)sgi,
                Inputs = Maps(sigTables[i], SigInputs, subGraphs[sgi], $"signature {i} inputs"),
                Outputs = Maps(sigTables[i], SigOutputs, subGraphs[sgi], $"signature {i} outputs"),
            };
        }
        return new TfLiteModel(version, description, subGraphs, sigs, source);
    }

    /// <summary>The signature with key <paramref name="key"/>.</summary>
    public TfLiteSignature Signature(string key)
    {
        foreach (var s in Signatures) if (s.Key == key) return s;
        throw EdgeTokException.NotFound($"{Source}: no signature '{key}' (has: {string.Join(", ", Signatures.Select(s => s.Key))})");
    }

    private static KeyValuePair<string, int>[] Maps(FlatBufferTable sig, int field, TfLiteSubGraph sg, string where)
    {
        var tables = sig.GetTableVector(field, where);
        var r = new KeyValuePair<string, int>[tables.Length];
        for (int i = 0; i < r.Length; i++)
        {
            uint t = tables[i].GetUInt32(MapTensor);
            if (t >= (uint)sg.Tensors.Length) throw EdgeTokException.Format($"{where}[{i}]: tensor index {t} out of range");
            r[i] = new(tables[i].GetString(MapName), (int)t);
        }
        return r;
    }

    private static int[] CheckIndices(int[] idx, int count, string where, bool allowOptional)
    {
        foreach (int i in idx)
            if (i >= count || i < (allowOptional ? -1 : 0))
                throw EdgeTokException.Format($"{where}: tensor index {i} out of range ({count} tensors)");
        return idx;
    }

    /// <summary>Bytes per element, or 0 for types without a fixed size.</summary>
    public static int ElementSize(TfLiteTensorType t) => t switch
    {
        TfLiteTensorType.Float32 or TfLiteTensorType.Int32 or TfLiteTensorType.UInt32 => 4,
        TfLiteTensorType.Int64 or TfLiteTensorType.Float64 or TfLiteTensorType.UInt64 or TfLiteTensorType.Complex64 => 8,
        TfLiteTensorType.Int8 or TfLiteTensorType.UInt8 or TfLiteTensorType.Bool => 1,
        TfLiteTensorType.Int16 or TfLiteTensorType.UInt16 or TfLiteTensorType.Float16 => 2,
        _ => 0,
    };

    private static string Printable(ReadOnlySpan<byte> b)
    {
        Span<char> c = stackalloc char[b.Length];
        for (int i = 0; i < b.Length; i++) c[i] = b[i] is >= 32 and < 127 ? (char)b[i] : '.';
        return new string(c);
    }
}
