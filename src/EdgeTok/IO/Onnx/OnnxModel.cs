using System.Runtime.InteropServices;

namespace EdgeTok.IO.Onnx;

/// <summary>
/// The parts of an ONNX model file the SDK needs without running it: the graph's inputs, outputs,
/// nodes and constant tensors (initializers and <c>Constant</c> node values), read straight from the
/// protobuf wire format (<c>ModelProto</c> → <c>GraphProto</c> → <c>TensorProto</c>). Used to load
/// codebooks and projection weights out of exported quantizer graphs, and to check a graph's
/// signature against a manifest before creating a session.
/// </summary>
public sealed class OnnxModel
{
    /// <summary>Largest file accepted; larger models must be run, not parsed.</summary>
    public const long MaxFileBytes = 1L << 31;

    // ModelProto / GraphProto / TensorProto / NodeProto / AttributeProto field numbers (onnx.proto).
    private const int ModelIrVersion = 1, ModelProducerName = 2, ModelGraph = 7, ModelOpsetImport = 8;
    private const int GraphNode = 1, GraphNameField = 2, GraphInitializer = 5, GraphInput = 11, GraphOutput = 12;
    private const int TensorDims = 1, TensorDataType = 2, TensorFloatData = 4, TensorInt32Data = 5, TensorInt64Data = 7,
        TensorName = 8, TensorRawData = 9, TensorDoubleData = 10, TensorUInt64Data = 11, TensorDataLocation = 14;
    private const int NodeInput = 1, NodeOutput = 2, NodeName = 3, NodeOpType = 4, NodeAttribute = 5, NodeDomain = 7;
    private const int AttrName = 1, AttrF = 2, AttrI = 3, AttrT = 5, AttrInts = 8;

    private readonly Dictionary<string, OnnxTensor> _constants;

    private OnnxModel(string source, long irVersion, string producer, Dictionary<string, long> opsets, string graphName,
        List<OnnxValueInfo> inputs, List<OnnxValueInfo> outputs, List<OnnxNode> nodes, List<OnnxTensor> initializers)
    {
        Source = source;
        IrVersion = irVersion;
        ProducerName = producer;
        OpsetImports = opsets;
        GraphName = graphName;
        var initNames = new HashSet<string>(initializers.Select(t => t.Name), StringComparer.Ordinal);
        // Older exporters list initializers among the inputs too; those are not real inputs.
        Inputs = inputs.Where(i => !initNames.Contains(i.Name)).ToList();
        Outputs = outputs;
        Nodes = nodes;
        Initializers = initializers;
        _constants = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
        foreach (var t in initializers) _constants[t.Name] = t;
        foreach (var n in nodes)
            if (n.OpType == "Constant" && n.Outputs.Count == 1 && n.TensorAttributes.TryGetValue("value", out var v))
                _constants[n.Outputs[0]] = new OnnxTensor(n.Outputs[0], v.Dims.ToArray(), v.DataType, v.RawData.ToArray());
    }

    /// <summary>Where the model was read from (a path, or the name given to <see cref="Parse"/>).</summary>
    public string Source { get; }

    /// <summary>The model's IR version.</summary>
    public long IrVersion { get; }

    /// <summary>The producer recorded in the file (e.g. <c>pytorch</c>).</summary>
    public string ProducerName { get; }

    /// <summary>Operator-set versions by domain (the default domain is the empty string).</summary>
    public IReadOnlyDictionary<string, long> OpsetImports { get; }

    /// <summary>The main graph's name.</summary>
    public string GraphName { get; }

    /// <summary>Graph inputs the caller feeds (initializers listed as inputs are excluded).</summary>
    public IReadOnlyList<OnnxValueInfo> Inputs { get; }

    /// <summary>Graph outputs.</summary>
    public IReadOnlyList<OnnxValueInfo> Outputs { get; }

    /// <summary>Nodes in file order.</summary>
    public IReadOnlyList<OnnxNode> Nodes { get; }

    /// <summary>Graph initializers in file order.</summary>
    public IReadOnlyList<OnnxTensor> Initializers { get; }

    /// <summary>Names of all constant tensors: initializers and <c>Constant</c> node outputs.</summary>
    public IEnumerable<string> ConstantNames => _constants.Keys;

    /// <summary>Reads and parses a model file.</summary>
    /// <exception cref="EdgeTokException">Missing file (<see cref="StatusCode.NotFound"/>), malformed protobuf (<see cref="StatusCode.InvalidFormat"/>).</exception>
    public static OnnxModel Open(string path)
    {
        if (!File.Exists(path)) throw EdgeTokException.NotFound($"ONNX file not found: {path}");
        long len = new FileInfo(path).Length;
        if (len > MaxFileBytes) throw EdgeTokException.Limit($"{path}: {len} bytes exceeds the {MaxFileBytes}-byte limit of the ONNX reader");
        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>Parses model bytes; <paramref name="source"/> names them in error messages.</summary>
    public static OnnxModel Parse(ReadOnlySpan<byte> bytes, string source = "onnx")
    {
        if (bytes.IsEmpty) throw EdgeTokException.Format($"{source}: empty file is not an ONNX model");
        var r = new ProtoReader(bytes, source);
        long ir = 0;
        string producer = "";
        var opsets = new Dictionary<string, long>(StringComparer.Ordinal);
        bool haveGraph = false;
        string graphName = "";
        var inputs = new List<OnnxValueInfo>();
        var outputs = new List<OnnxValueInfo>();
        var nodes = new List<OnnxNode>();
        var inits = new List<OnnxTensor>();
        while (r.TryReadTag(out int f, out int wt))
        {
            if (f == ModelIrVersion && wt == ProtoReader.WireVarint) ir = r.ReadInt64();
            else if (f == ModelProducerName && wt == ProtoReader.WireLengthDelimited) producer = r.ReadString();
            else if (f == ModelOpsetImport && wt == ProtoReader.WireLengthDelimited) ParseOpset(r.ReadBytes(), source, opsets);
            else if (f == ModelGraph && wt == ProtoReader.WireLengthDelimited)
            {
                haveGraph = true;
                graphName = ParseGraph(r.ReadBytes(), source, inputs, outputs, nodes, inits);
            }
            else r.Skip(wt);
        }
        if (!haveGraph) throw EdgeTokException.Format($"{source}: not an ONNX model (no graph)");
        if (ir <= 0) throw EdgeTokException.Format($"{source}: not an ONNX model (no IR version)");
        return new OnnxModel(source, ir, producer, opsets, graphName, inputs, outputs, nodes, inits);
    }

    /// <summary>True when a constant tensor (initializer or <c>Constant</c> output) of that name exists.</summary>
    public bool ContainsTensor(string name) => _constants.ContainsKey(name);

    /// <summary>A constant tensor by name: an initializer, or the value of a <c>Constant</c> node's output.</summary>
    /// <exception cref="EdgeTokException">No such tensor (<see cref="StatusCode.NotFound"/>).</exception>
    public OnnxTensor GetTensor(string name) =>
        _constants.TryGetValue(name, out var t) ? t : throw EdgeTokException.NotFound($"{Source}: no initializer or constant named '{name}'");

    private static void ParseOpset(ReadOnlySpan<byte> b, string source, Dictionary<string, long> opsets)
    {
        var r = new ProtoReader(b, source);
        string domain = "";
        long version = 0;
        while (r.TryReadTag(out int f, out int wt))
        {
            if (f == 1 && wt == ProtoReader.WireLengthDelimited) domain = r.ReadString();
            else if (f == 2 && wt == ProtoReader.WireVarint) version = r.ReadInt64();
            else r.Skip(wt);
        }
        opsets[domain] = version;
    }

    private static string ParseGraph(ReadOnlySpan<byte> b, string source, List<OnnxValueInfo> inputs, List<OnnxValueInfo> outputs,
        List<OnnxNode> nodes, List<OnnxTensor> inits)
    {
        var r = new ProtoReader(b, source);
        string name = "";
        while (r.TryReadTag(out int f, out int wt))
        {
            if (wt != ProtoReader.WireLengthDelimited) { r.Skip(wt); continue; }
            switch (f)
            {
                case GraphNode: nodes.Add(ParseNode(r.ReadBytes(), source)); break;
                case GraphNameField: name = r.ReadString(); break;
                case GraphInitializer: inits.Add(ParseTensor(r.ReadBytes(), source)); break;
                case GraphInput: inputs.Add(ParseValueInfo(r.ReadBytes(), source)); break;
                case GraphOutput: outputs.Add(ParseValueInfo(r.ReadBytes(), source)); break;
                default: r.Skip(wt); break;
            }
        }
        return name;
    }

    private static OnnxNode ParseNode(ReadOnlySpan<byte> b, string source)
    {
        var r = new ProtoReader(b, source);
        string name = "", op = "", domain = "";
        var ins = new List<string>();
        var outs = new List<string>();
        var ints = new Dictionary<string, long>(StringComparer.Ordinal);
        var intLists = new Dictionary<string, long[]>(StringComparer.Ordinal);
        var floats = new Dictionary<string, float>(StringComparer.Ordinal);
        var tensors = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
        while (r.TryReadTag(out int f, out int wt))
        {
            if (wt != ProtoReader.WireLengthDelimited) { r.Skip(wt); continue; }
            switch (f)
            {
                case NodeInput: ins.Add(r.ReadString()); break;
                case NodeOutput: outs.Add(r.ReadString()); break;
                case NodeName: name = r.ReadString(); break;
                case NodeOpType: op = r.ReadString(); break;
                case NodeDomain: domain = r.ReadString(); break;
                case NodeAttribute: ParseAttribute(r.ReadBytes(), source, ints, intLists, floats, tensors); break;
                default: r.Skip(wt); break;
            }
        }
        if (op.Length == 0) throw EdgeTokException.Format($"{source}: graph node '{name}' has no op_type");
        return new OnnxNode(name, op, domain, ins.ToArray(), outs.ToArray(), ints, intLists, floats, tensors);
    }

    private static void ParseAttribute(ReadOnlySpan<byte> b, string source, Dictionary<string, long> ints,
        Dictionary<string, long[]> intLists, Dictionary<string, float> floats, Dictionary<string, OnnxTensor> tensors)
    {
        var r = new ProtoReader(b, source);
        string name = "";
        long? i = null;
        float? fl = null;
        OnnxTensor? t = null;
        List<long>? list = null;
        while (r.TryReadTag(out int f, out int wt))
        {
            if (f == AttrName && wt == ProtoReader.WireLengthDelimited) name = r.ReadString();
            else if (f == AttrI && wt == ProtoReader.WireVarint) i = r.ReadInt64();
            else if (f == AttrF && wt == ProtoReader.WireFixed32) fl = BitConverter.UInt32BitsToSingle(r.ReadFixed32());
            else if (f == AttrT && wt == ProtoReader.WireLengthDelimited) t = ParseTensor(r.ReadBytes(), source);
            else if (f == AttrInts)
            {
                list ??= new List<long>();
                if (wt == ProtoReader.WireVarint) list.Add(r.ReadInt64());
                else if (wt == ProtoReader.WireLengthDelimited)
                {
                    var pr = new ProtoReader(r.ReadBytes(), source);
                    while (!pr.End) list.Add(pr.ReadInt64());
                }
                else r.Skip(wt);
            }
            else r.Skip(wt);
        }
        if (i is { } iv) ints[name] = iv;
        if (fl is { } fv) floats[name] = fv;
        if (t is not null) tensors[name] = t;
        if (list is not null) intLists[name] = list.ToArray();
    }

    private static OnnxValueInfo ParseValueInfo(ReadOnlySpan<byte> b, string source)
    {
        var r = new ProtoReader(b, source);
        string name = "";
        var elem = OnnxDataType.Undefined;
        var dims = new List<long?>();
        var dimNames = new List<string?>();
        while (r.TryReadTag(out int f, out int wt))
        {
            if (f == 1 && wt == ProtoReader.WireLengthDelimited) name = r.ReadString();
            else if (f == 2 && wt == ProtoReader.WireLengthDelimited)
            {
                // TypeProto.tensor_type (1) → elem_type (1), shape (2) → dim (1) → dim_value (1) | dim_param (2).
                var tr = new ProtoReader(r.ReadBytes(), source);
                while (tr.TryReadTag(out int tf, out int twt))
                {
                    if (tf != 1 || twt != ProtoReader.WireLengthDelimited) { tr.Skip(twt); continue; }
                    var ttr = new ProtoReader(tr.ReadBytes(), source);
                    while (ttr.TryReadTag(out int ttf, out int ttwt))
                    {
                        if (ttf == 1 && ttwt == ProtoReader.WireVarint) elem = (OnnxDataType)ttr.ReadInt32();
                        else if (ttf == 2 && ttwt == ProtoReader.WireLengthDelimited)
                        {
                            var sr = new ProtoReader(ttr.ReadBytes(), source);
                            while (sr.TryReadTag(out int sf, out int swt))
                            {
                                if (sf != 1 || swt != ProtoReader.WireLengthDelimited) { sr.Skip(swt); continue; }
                                var dr = new ProtoReader(sr.ReadBytes(), source);
                                long? v = null;
                                string? p = null;
                                while (dr.TryReadTag(out int df, out int dwt))
                                {
                                    if (df == 1 && dwt == ProtoReader.WireVarint) v = dr.ReadInt64();
                                    else if (df == 2 && dwt == ProtoReader.WireLengthDelimited) p = dr.ReadString();
                                    else dr.Skip(dwt);
                                }
                                dims.Add(v);
                                dimNames.Add(p);
                            }
                        }
                        else ttr.Skip(ttwt);
                    }
                }
            }
            else r.Skip(wt);
        }
        return new OnnxValueInfo(name, elem, dims, dimNames);
    }

    private static OnnxTensor ParseTensor(ReadOnlySpan<byte> b, string source)
    {
        var r = new ProtoReader(b, source);
        string name = "";
        var dims = new List<long>();
        var type = OnnxDataType.Undefined;
        byte[]? raw = null;
        var floats = new List<float>();
        var i32 = new List<int>();
        var i64 = new List<long>();
        var f64 = new List<double>();
        bool external = false;
        while (r.TryReadTag(out int f, out int wt))
        {
            switch (f)
            {
                case TensorDims: ReadRepeatedVarint(ref r, wt, source, v => dims.Add(v)); break;
                case TensorDataType when wt == ProtoReader.WireVarint: type = (OnnxDataType)r.ReadInt32(); break;
                case TensorName when wt == ProtoReader.WireLengthDelimited: name = r.ReadString(); break;
                case TensorRawData when wt == ProtoReader.WireLengthDelimited: raw = r.ReadBytes().ToArray(); break;
                case TensorFloatData:
                    if (wt == ProtoReader.WireLengthDelimited) floats.AddRange(MemoryMarshal.Cast<byte, float>(r.ReadBytes()).ToArray());
                    else if (wt == ProtoReader.WireFixed32) floats.Add(BitConverter.UInt32BitsToSingle(r.ReadFixed32()));
                    else r.Skip(wt);
                    break;
                case TensorDoubleData:
                    if (wt == ProtoReader.WireLengthDelimited) f64.AddRange(MemoryMarshal.Cast<byte, double>(r.ReadBytes()).ToArray());
                    else if (wt == ProtoReader.WireFixed64) f64.Add(BitConverter.UInt64BitsToDouble(r.ReadFixed64()));
                    else r.Skip(wt);
                    break;
                case TensorInt32Data: ReadRepeatedVarint(ref r, wt, source, v => i32.Add((int)v)); break;
                case TensorInt64Data: ReadRepeatedVarint(ref r, wt, source, v => i64.Add(v)); break;
                case TensorUInt64Data: ReadRepeatedVarint(ref r, wt, source, v => i64.Add(v)); break;
                case TensorDataLocation when wt == ProtoReader.WireVarint: external = r.ReadInt64() == 1; break;
                default: r.Skip(wt); break;
            }
        }
        if (external) throw EdgeTokException.Unsupported($"{source}: tensor '{name}' uses external data, which this reader does not follow");
        long count = 1;
        foreach (var d in dims)
        {
            if (d < 0) throw EdgeTokException.Format($"{source}: tensor '{name}' has negative dimension {d}");
            if (d != 0 && count > long.MaxValue / 16 / d) throw EdgeTokException.Format($"{source}: tensor '{name}' has an impossibly large shape [{string.Join(", ", dims)}]");
            count *= d;
        }
        int size = OnnxTensor.ElementSize(type);
        if (size == 0) return new OnnxTensor(name, dims.ToArray(), type, raw ?? []);
        byte[] data;
        if (raw is not null) data = raw;
        else if (floats.Count > 0) data = MemoryMarshal.AsBytes(floats.ToArray().AsSpan()).ToArray();
        else if (f64.Count > 0) data = MemoryMarshal.AsBytes(f64.ToArray().AsSpan()).ToArray();
        else if (i64.Count > 0) data = MemoryMarshal.AsBytes(i64.ToArray().AsSpan()).ToArray();
        else if (i32.Count > 0) data = PackInt32Field(type, i32, name, source);
        else data = [];
        if (data.LongLength != count * size)
            throw EdgeTokException.Format($"{source}: tensor '{name}' of shape [{string.Join(", ", dims)}] and type {type} needs {count * size} bytes, the file holds {data.LongLength}");
        return new OnnxTensor(name, dims.ToArray(), type, data);
    }

    // int32_data carries every type narrower than 32 bits too (int8, uint8, int16, uint16, bool, float16 bits).
    private static byte[] PackInt32Field(OnnxDataType type, List<int> values, string name, string source)
    {
        int size = OnnxTensor.ElementSize(type);
        var data = new byte[values.Count * size];
        for (int i = 0; i < values.Count; i++)
        {
            int v = values[i];
            switch (size)
            {
                case 4: System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(4 * i), v); break;
                case 2: System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(2 * i), (ushort)v); break;
                case 1: data[i] = (byte)v; break;
                default: throw EdgeTokException.Format($"{source}: tensor '{name}' of type {type} cannot use int32_data");
            }
        }
        return data;
    }

    private delegate void LongSink(long v);

    private static void ReadRepeatedVarint(ref ProtoReader r, int wt, string source, LongSink sink)
    {
        if (wt == ProtoReader.WireVarint) sink(r.ReadInt64());
        else if (wt == ProtoReader.WireLengthDelimited)
        {
            var pr = new ProtoReader(r.ReadBytes(), source);
            while (!pr.End) sink(pr.ReadInt64());
        }
        else r.Skip(wt);
    }
}
