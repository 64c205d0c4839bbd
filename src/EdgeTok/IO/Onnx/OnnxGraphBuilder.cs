using System.Runtime.InteropServices;
using System.Text;

namespace EdgeTok.IO.Onnx;

/// <summary>
/// Writes a small ONNX model (one graph, default domain) in the protobuf wire format. Used to build
/// reference graphs for benchmarks and malformed or mismatched models for tests; not a general exporter.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    private readonly string _name;
    private readonly int _opset;
    private readonly List<byte[]> _nodes = new();
    private readonly List<byte[]> _inits = new();
    private readonly List<byte[]> _inputs = new();
    private readonly List<byte[]> _outputs = new();

    public OnnxGraphBuilder(string name, int opset = 17)
    {
        _name = name;
        _opset = opset;
    }

    /// <summary>Adds a graph input; each dim is a <see cref="long"/> (fixed) or a <see cref="string"/> (symbolic).</summary>
    public OnnxGraphBuilder AddInput(string name, OnnxDataType type, params object[] dims)
    {
        _inputs.Add(ValueInfo(name, type, dims));
        return this;
    }

    /// <summary>Adds a graph output; each dim is a <see cref="long"/> (fixed) or a <see cref="string"/> (symbolic).</summary>
    public OnnxGraphBuilder AddOutput(string name, OnnxDataType type, params object[] dims)
    {
        _outputs.Add(ValueInfo(name, type, dims));
        return this;
    }

    public OnnxGraphBuilder AddInitializer(string name, long[] dims, ReadOnlySpan<float> data) =>
        AddInitializer(name, dims, OnnxDataType.Float, MemoryMarshal.AsBytes(data));

    public OnnxGraphBuilder AddInitializer(string name, long[] dims, ReadOnlySpan<long> data) =>
        AddInitializer(name, dims, OnnxDataType.Int64, MemoryMarshal.AsBytes(data));

    public OnnxGraphBuilder AddInitializer(string name, long[] dims, OnnxDataType type, ReadOnlySpan<byte> raw)
    {
        _inits.Add(Tensor(name, dims, type, raw));
        return this;
    }

    /// <summary>Adds a node with optional integer attributes.</summary>
    public OnnxGraphBuilder AddNode(string opType, string[] inputs, string[] outputs, params (string Name, long Value)[] intAttributes)
    {
        var w = new ProtoWriter();
        foreach (var i in inputs) w.String(1, i);
        foreach (var o in outputs) w.String(2, o);
        w.String(3, $"{opType}_{_nodes.Count}");
        w.String(4, opType);
        foreach (var (n, v) in intAttributes)
        {
            var a = new ProtoWriter();
            a.String(1, n);
            a.Varint(3, (ulong)v);
            a.Varint(20, 2); // AttributeType.INT
            w.Message(5, a);
        }
        _nodes.Add(w.ToArray());
        return this;
    }

    public byte[] ToBytes()
    {
        var g = new ProtoWriter();
        foreach (var n in _nodes) g.Bytes(1, n);
        g.String(2, _name);
        foreach (var t in _inits) g.Bytes(5, t);
        foreach (var i in _inputs) g.Bytes(11, i);
        foreach (var o in _outputs) g.Bytes(12, o);
        var m = new ProtoWriter();
        m.Varint(1, 8); // IR version 8 (ONNX 1.13+), accepted by ONNX Runtime 1.31
        m.String(2, "edgetok");
        m.Message(7, g);
        var op = new ProtoWriter();
        op.String(1, "");
        op.Varint(2, (ulong)_opset);
        m.Message(8, op);
        return m.ToArray();
    }

    private static byte[] Tensor(string name, long[] dims, OnnxDataType type, ReadOnlySpan<byte> raw)
    {
        var t = new ProtoWriter();
        foreach (var d in dims) t.Varint(1, (ulong)d);
        t.Varint(2, (ulong)type);
        t.String(8, name);
        t.Bytes(9, raw);
        return t.ToArray();
    }

    private static byte[] ValueInfo(string name, OnnxDataType type, object[] dims)
    {
        var shape = new ProtoWriter();
        foreach (var d in dims)
        {
            var dim = new ProtoWriter();
            if (d is string s) dim.String(2, s);
            else dim.Varint(1, (ulong)Convert.ToInt64(d, System.Globalization.CultureInfo.InvariantCulture));
            shape.Message(1, dim);
        }
        var tt = new ProtoWriter();
        tt.Varint(1, (ulong)type);
        tt.Message(2, shape);
        var tp = new ProtoWriter();
        tp.Message(1, tt);
        var vi = new ProtoWriter();
        vi.String(1, name);
        vi.Message(2, tp);
        return vi.ToArray();
    }

    private sealed class ProtoWriter
    {
        private readonly MemoryStream _s = new();

        public void Varint(int field, ulong v)
        {
            Raw(((ulong)field << 3) | 0);
            Raw(v);
        }

        public void Bytes(int field, ReadOnlySpan<byte> b)
        {
            Raw(((ulong)field << 3) | 2);
            Raw((ulong)b.Length);
            _s.Write(b);
        }

        public void String(int field, string s) => Bytes(field, Encoding.UTF8.GetBytes(s));

        public void Message(int field, ProtoWriter w) => Bytes(field, w.ToArray());

        public byte[] ToArray() => _s.ToArray();

        private void Raw(ulong v)
        {
            while (v >= 0x80)
            {
                _s.WriteByte((byte)(v | 0x80));
                v >>= 7;
            }
            _s.WriteByte((byte)v);
        }
    }
}
