using System.Buffers.Binary;
using EdgeTok.IO.TfLite;
using Op = EdgeTok.IO.TfLite.TfLiteBuiltinOperator;

namespace EdgeTok.Runtime.TfLite;

/// <summary>
/// One signature of a TFLite model planned for execution: every operator turned into a prepared
/// kernel, constants decoded once (int8 weights kept as their integer values in float, exact for the
/// accumulator sizes these graphs use), reshapes aliased, resource variables given slots and their
/// initial values taken from the CALL_ONCE initialiser subgraph. Immutable and shareable; per-stream
/// state lives in <see cref="TfLiteExecution"/>.
/// </summary>
internal sealed class TfLiteGraph
{
    internal readonly TfLiteSubGraph SubGraph;
    internal readonly TfLiteKernel[] Kernels;
    internal readonly int[] Alias;
    internal readonly TfLiteStorage[] Storage;
    internal readonly int[] ElementCount;
    internal readonly float[]?[] ConstF;
    internal readonly sbyte[]?[] ConstQ;
    internal readonly int[]?[] ConstI;
    internal readonly float[][] VariableInit;
    internal readonly string[] VariableNames;
    internal readonly (int A, int B, int C) ScratchSizes;
    internal readonly (int S, int S2, int I, int I2) IntScratchSizes;
    internal readonly bool UseInt16Kernels;
    internal readonly TfLiteSignature Signature;
    internal readonly TfLiteRequantization Requantization;

    internal int TensorCount => SubGraph.Tensors.Length;

    /// <summary>The op names this executor implements.</summary>
    public static IReadOnlyList<string> SupportedOps { get; } =
    [
        "ADD", "SUB", "MUL", "CONCATENATION", "CONV_2D", "DEPTHWISE_CONV_2D", "TRANSPOSE_CONV", "LEAKY_RELU",
        "QUANTIZE", "DEQUANTIZE", "RESHAPE", "STRIDED_SLICE", "SPLIT", "VAR_HANDLE", "READ_VARIABLE",
        "ASSIGN_VARIABLE", "CALL_ONCE",
    ];

    private TfLiteGraph(TfLiteModel model, TfLiteSignature sig, TfLiteRequantization requant, bool useInt16)
    {
        UseInt16Kernels = useInt16 && PackedInt16Weights.IsSupported;
        Signature = sig;
        Requantization = requant;
        SubGraph = model.SubGraphs[sig.SubGraphIndex];
        int n = SubGraph.Tensors.Length;
        Alias = new int[n];
        Storage = new TfLiteStorage[n];
        ElementCount = new int[n];
        ConstF = new float[]?[n];
        ConstQ = new sbyte[]?[n];
        ConstI = new int[]?[n];
        for (int t = 0; t < n; t++)
        {
            var ts = SubGraph.Tensors[t];
            Alias[t] = t;
            ElementCount[t] = Math.Max(0, ts.ElementCount);
            Storage[t] = ts.Type switch
            {
                TfLiteTensorType.Float32 => TfLiteStorage.Float,
                TfLiteTensorType.Int8 => TfLiteStorage.Int8,
                TfLiteTensorType.Int32 => TfLiteStorage.Int32,
                _ => TfLiteStorage.None,
            };
            if (!ts.IsConstant) continue;
            var span = ts.Data.Span;
            switch (ts.Type)
            {
                case TfLiteTensorType.Float32:
                    var f = new float[ElementCount[t]];
                    for (int i = 0; i < f.Length; i++) f[i] = BinaryPrimitives.ReadSingleLittleEndian(span[(4 * i)..]);
                    ConstF[t] = f;
                    break;
                case TfLiteTensorType.Int8:
                    var q = new sbyte[ElementCount[t]];
                    for (int i = 0; i < q.Length; i++) q[i] = (sbyte)span[i];
                    ConstQ[t] = q;
                    break;
                case TfLiteTensorType.Int32:
                    var iv = new int[ElementCount[t]];
                    for (int i = 0; i < iv.Length; i++) iv[i] = BinaryPrimitives.ReadInt32LittleEndian(span[(4 * i)..]);
                    ConstI[t] = iv;
                    break;
            }
        }

        var varSlots = new Dictionary<string, int>(StringComparer.Ordinal);
        var varOfTensor = new Dictionary<int, int>();
        var inits = new List<float[]?>();
        var names = new List<string>();
        int Slot(string name)
        {
            if (!varSlots.TryGetValue(name, out int s)) { s = varSlots.Count; varSlots[name] = s; inits.Add(null); names.Add(name); }
            return s;
        }

        var kernels = new List<TfLiteKernel>();
        foreach (var op in SubGraph.Operators)
        {
            string name = op.OpName;
            switch (op.BuiltinCode)
            {
                case Op.CallOnce:
                    RunInitSubGraph(model, op.Options.GetInt32(0), Slot, inits);
                    break;
                case Op.VarHandle:
                    varOfTensor[op.Outputs[0]] = Slot(VarName(op));
                    break;
                case Op.ReadVariable:
                    Need(op, 1, 1);
                    if (Storage[op.Outputs[0]] != TfLiteStorage.Float) throw EdgeTokException.Unsupported($"TFLite op {name} (operator {op.Index}): only float32 resource variables are supported");
                    kernels.Add(new ReadVariableKernel { OpName = name, Slot = VarSlot(varOfTensor, op, 0), Out = op.Outputs[0], Count = ElementCount[op.Outputs[0]] });
                    break;
                case Op.AssignVariable:
                    Need(op, 2, 0);
                    if (Storage[op.Inputs[1]] != TfLiteStorage.Float) throw EdgeTokException.Unsupported($"TFLite op {name} (operator {op.Index}): only float32 resource variables are supported");
                    kernels.Add(new AssignVariableKernel { OpName = name, Slot = VarSlot(varOfTensor, op, 0), In = op.Inputs[1], Count = ElementCount[op.Inputs[1]] });
                    break;
                case Op.Reshape:
                    Need(op, 1, 1);
                    if (ElementCount[op.Inputs[0]] != ElementCount[op.Outputs[0]] || Storage[op.Inputs[0]] != Storage[op.Outputs[0]])
                        throw Bad(op, "input and output differ in size or type");
                    Alias[op.Outputs[0]] = Alias[op.Inputs[0]];
                    break;
                default:
                    kernels.Add(TfLiteKernels.Create(this, op));
                    break;
            }
        }
        Kernels = [.. kernels];
        VariableNames = [.. names];
        VariableInit = new float[inits.Count][];
        for (int v = 0; v < inits.Count; v++)
            VariableInit[v] = inits[v] ?? throw EdgeTokException.Format($"TFLite resource variable '{names[v]}' is never initialised by the CALL_ONCE subgraph");
        // Every read/assign must match the variable's size.
        foreach (var k in Kernels)
        {
            if (k is ReadVariableKernel r && r.Count != VariableInit[r.Slot].Length)
                throw EdgeTokException.Format($"READ_VARIABLE of '{names[r.Slot]}' reads {r.Count} elements, the variable holds {VariableInit[r.Slot].Length}");
            if (k is AssignVariableKernel a && a.Count != VariableInit[a.Slot].Length)
                throw EdgeTokException.Format($"ASSIGN_VARIABLE of '{names[a.Slot]}' writes {a.Count} elements, the variable holds {VariableInit[a.Slot].Length}");
        }
        int sa = 0, sb = 0, sc = 0;
        foreach (var k in Kernels)
        {
            var (a, b, c) = k.Scratch;
            sa = Math.Max(sa, a); sb = Math.Max(sb, b); sc = Math.Max(sc, c);
        }
        ScratchSizes = (sa, sb, sc);
        int s1 = 0, s2 = 0, si = 0, si2 = 0;
        foreach (var k in Kernels)
        {
            var (a, b, c, d) = k.IntScratch;
            s1 = Math.Max(s1, a); s2 = Math.Max(s2, b); si = Math.Max(si, c); si2 = Math.Max(si2, d);
        }
        IntScratchSizes = (s1, s2, si, si2);
    }

    /// <summary>Plans the subgraph behind signature <paramref name="signatureKey"/>.</summary>
    /// <param name="model">The model.</param>
    /// <param name="signatureKey">Signature to plan.</param>
    /// <param name="requant">Requantisation scheme of int8 convolutions.</param>
    /// <param name="useInt16Kernels">Use the int16 multiply-add kernels for int8 layers when the CPU has them (false: the exact float path, for testing).</param>
    public static TfLiteGraph Create(TfLiteModel model, string signatureKey, TfLiteRequantization requant = TfLiteRequantization.Reference, bool useInt16Kernels = true)
    {
        var sig = model.Signature(signatureKey);
        try
        {
            return new TfLiteGraph(model, sig, requant, useInt16Kernels);
        }
        catch (EdgeTokException e) when (!e.Message.StartsWith(model.Source, StringComparison.Ordinal))
        {
            throw new EdgeTokException(e.Status, $"{model.Source}: {e.Message}", e);
        }
    }

    /// <summary>A new execution (tensor storage and variables at their initial values).</summary>
    public TfLiteExecution CreateExecution() => new(this);

    /// <summary>Tensor index of the signature input <paramref name="name"/>.</summary>
    public int Input(string name) => Signature.Input(name);

    /// <summary>Tensor index of the signature output <paramref name="name"/>.</summary>
    public int Output(string name) => Signature.Output(name);

    private static string VarName(TfLiteOperator op)
    {
        // VarHandleOptions: container (0), shared_name (1).
        string shared = op.Options.Exists ? op.Options.GetString(1) : "";
        return shared.Length > 0 ? shared : throw EdgeTokException.Format($"VAR_HANDLE operator {op.Index} has no shared_name");
    }

    private static int VarSlot(Dictionary<int, int> varOfTensor, TfLiteOperator op, int input)
    {
        if (op.Inputs.Length <= input || !varOfTensor.TryGetValue(op.Inputs[input], out int slot))
            throw EdgeTokException.Format($"{op.OpName} operator {op.Index}: resource input is not produced by a VAR_HANDLE");
        return slot;
    }

    private static void RunInitSubGraph(TfLiteModel model, int index, Func<string, int> slot, List<float[]?> inits)
    {
        if (index < 0 || index >= model.SubGraphs.Count) throw EdgeTokException.Format($"CALL_ONCE names subgraph {index}, the model has {model.SubGraphs.Count}");
        var sg = model.SubGraphs[index];
        var handles = new Dictionary<int, int>();
        // The initialiser is executed here, once: it may only bind constants to variables.
        foreach (var op in sg.Operators)
        {
            if (op.BuiltinCode == Op.VarHandle) { handles[op.Outputs[0]] = slot(VarName(op)); continue; }
            if (op.BuiltinCode != Op.AssignVariable)
                throw EdgeTokException.Unsupported($"TFLite op {op.OpName} in initialiser subgraph '{sg.Name}' is not supported (only VAR_HANDLE and ASSIGN_VARIABLE of constants)");
            if (!handles.TryGetValue(op.Inputs[0], out int s)) throw EdgeTokException.Format($"ASSIGN_VARIABLE in '{sg.Name}': resource not from a VAR_HANDLE");
            var value = sg.Tensors[op.Inputs[1]];
            if (!value.IsConstant || value.Type != TfLiteTensorType.Float32)
                throw EdgeTokException.Unsupported($"initialiser subgraph '{sg.Name}' assigns a non-constant or non-float32 value ({value})");
            var f = new float[value.ElementCount];
            var span = value.Data.Span;
            for (int i = 0; i < f.Length; i++) f[i] = BinaryPrimitives.ReadSingleLittleEndian(span[(4 * i)..]);
            inits[s] = f;
        }
    }

    internal void Need(TfLiteOperator op, int inputs, int outputs)
    {
        if (op.Inputs.Length < inputs || op.Outputs.Length < outputs)
            throw Bad(op, $"needs {inputs} inputs and {outputs} outputs, has {op.Inputs.Length} and {op.Outputs.Length}");
    }

    internal static EdgeTokException Bad(TfLiteOperator op, string detail) =>
        EdgeTokException.Format($"TFLite op {op.OpName} (operator {op.Index}): {detail}");

    internal TfLiteTensor T(int index) => SubGraph.Tensors[index];
}
