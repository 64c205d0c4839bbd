using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using EdgeTok.IO.Npy;
using EdgeTok.IO.Onnx;
using EdgeTok.IO.SafeTensors;

namespace EdgeTok.Audio.Codecs;

/// <summary>
/// Resolves the tensor references of a manifest to float32 arrays. A reference is a JSON object:
/// <c>{"file": "...", "tensor": "name"}</c> for safetensors or an ONNX initializer/constant;
/// <c>{"file": "x.onnx", "node": "/q/in_proj/Conv", "input": 1}</c> for the tensor feeding a node's
/// input (exporters give weights unstable names such as <c>onnx::Conv_510</c>); <c>{"file": "x.npy"}</c>;
/// <c>{"file": "x.f32", "shape": [...]}</c> for raw little-endian float32. <c>"shape"</c> is checked
/// for every format (size-1 trailing kernel axes of 1×1 convs are tolerated). Paths are relative to
/// the model folder. Files are opened once per loader.
/// </summary>
internal sealed class TensorLoader : IDisposable
{
    private readonly string _folder;
    private readonly Dictionary<string, OnnxModel> _onnx = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SafeTensorsFile> _safetensors = new(StringComparer.Ordinal);

    public TensorLoader(string folder) => _folder = folder;

    public string Resolve(string relative) => Path.GetFullPath(Path.Combine(_folder, relative));

    /// <summary>Loads a reference and checks it has exactly <paramref name="expected"/> elements (reported with <paramref name="what"/>).</summary>
    public float[] Load(JsonElement reference, string what, long expected, string expectedShape)
    {
        var (data, shape) = Load(reference, what);
        if (data.LongLength != expected)
            throw EdgeTokException.Format($"manifest: {what} has shape [{string.Join(", ", shape)}] ({data.Length} values), expected {expectedShape} ({expected} values)");
        return data;
    }

    public (float[] Data, long[] Shape) Load(JsonElement reference, string what)
    {
        if (reference.ValueKind != JsonValueKind.Object)
            throw EdgeTokException.Format($"manifest: {what} must be a tensor reference object with a \"file\"");
        string file = Manifest.RequiredString(reference, "file", what);
        string path = Resolve(file);
        if (!File.Exists(path)) throw EdgeTokException.NotFound($"manifest: {what}: file not found: {path}");
        string format = Manifest.OptionalString(reference, "format", what) ?? Path.GetExtension(path).TrimStart('.').ToLowerInvariant();
        long[]? declared = reference.TryGetProperty("shape", out var sh) ? Manifest.LongArray(sh, what + ".shape") : null;
        float[] data;
        long[] shape;
        switch (format)
        {
            case "f32":
            case "bin":
            case "raw":
            {
                if (declared is null) throw EdgeTokException.Format($"manifest: {what}: raw float32 file {file} needs a \"shape\"");
                long bytes = new FileInfo(path).Length;
                long need;
                // A forged shape can overflow the byte count: that is a malformed manifest.
                try { need = checked(Count(declared) * 4); }
                catch (OverflowException) { throw EdgeTokException.Format($"manifest: {what}: shape [{string.Join(", ", declared)}] overflows"); }
                if (bytes != need) throw EdgeTokException.Format($"manifest: {what}: {file} holds {bytes} bytes, shape [{string.Join(", ", declared)}] needs {need}");
                data = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(path)).ToArray();
                shape = declared;
                break;
            }
            case "npy":
            {
                var a = NpyReader.Read(path);
                data = a.ToFloat32();
                shape = a.Shape;
                break;
            }
            case "safetensors":
            {
                string name = Manifest.RequiredString(reference, "tensor", what);
                if (!_safetensors.TryGetValue(path, out var st)) _safetensors[path] = st = SafeTensorsFile.Open(path);
                shape = st.Info(name).Shape;
                data = st.ReadFloat32(name);
                break;
            }
            case "onnx":
            {
                if (!_onnx.TryGetValue(path, out var m)) _onnx[path] = m = OnnxModel.Open(path);
                OnnxTensor t;
                if (reference.TryGetProperty("node", out var node))
                {
                    if (node.ValueKind != JsonValueKind.String) throw EdgeTokException.Format($"manifest: {what}.node must be a string");
                    string nodeName = Manifest.Text(node, what + ".node");
                    int input = reference.TryGetProperty("input", out var inp) && inp.ValueKind == JsonValueKind.Number && inp.TryGetInt32(out int iv) ? iv : 1;
                    var n = m.Nodes.FirstOrDefault(x => x.Name == nodeName)
                        ?? throw EdgeTokException.NotFound($"manifest: {what}: {file} has no node named '{nodeName}'");
                    if (input < 0 || input >= n.Inputs.Count || n.Inputs[input].Length == 0)
                        throw EdgeTokException.Format($"manifest: {what}: node '{nodeName}' has no input {input}");
                    t = m.GetTensor(n.Inputs[input]);
                }
                else t = m.GetTensor(Manifest.RequiredString(reference, "tensor", what));
                data = t.ToFloat32();
                shape = t.Dims.ToArray();
                break;
            }
            default:
                throw EdgeTokException.Unsupported($"manifest: {what}: unknown tensor file format '{format}' (f32, npy, safetensors, onnx)");
        }
        if (declared is not null && !SameShape(declared, shape))
            throw EdgeTokException.Format($"manifest: {what}: {file} holds shape [{string.Join(", ", shape)}], the manifest says [{string.Join(", ", declared)}]");
        return (data, shape);
    }

    private static bool SameShape(long[] a, long[] b)
    {
        // A 1×1 conv weight [out, in, 1] may be declared as [out, in].
        static long[] Trim(long[] s)
        {
            int n = s.Length;
            while (n > 2 && s[n - 1] == 1) n--;
            return s[..n];
        }
        return Trim(a).AsSpan().SequenceEqual(Trim(b));
    }

    private static long Count(long[] shape)
    {
        long n = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw EdgeTokException.Format($"manifest: negative dimension {d.ToString(CultureInfo.InvariantCulture)}");
            n = checked(n * d);
        }
        return n;
    }

    public void Dispose()
    {
        foreach (var s in _safetensors.Values) s.Dispose();
        _safetensors.Clear();
        _onnx.Clear();
    }
}
