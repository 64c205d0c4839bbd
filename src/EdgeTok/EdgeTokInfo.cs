using System.Text;
using System.Text.Json;
using EdgeTok.Numerics;

namespace EdgeTok;

/// <summary>Version numbers and a description of the running build.</summary>
public static class EdgeTokInfo
{
    /// <summary>Semantic version of the library.</summary>
    public const string Version = "0.1.0";

    /// <summary>Major version of the C ABI: bumped only on incompatible change.</summary>
    public const int AbiMajor = 1;

    /// <summary>Minor version of the C ABI: bumped when functions are added.</summary>
    public const int AbiMinor = 1;

    /// <summary>Version of the ONNX Runtime package this build links against.</summary>
    public const string OnnxRuntimeVersion = "1.31.1";

    /// <summary>True when this code runs as a native-AOT image rather than under the JIT.</summary>
    public static bool IsNativeAot => !System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported;

    /// <summary>
    /// Build info as one JSON object: version, ABI, runtime kind, the ISA level the code was compiled
    /// for and the CPU's, the active vector path and width, and the ONNX Runtime version.
    /// </summary>
    public static string BuildInfoJson()
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = false }))
        {
            w.WriteStartObject();
            w.WriteString("version", Version);
            w.WriteString("abi", $"{AbiMajor}.{AbiMinor}");
            w.WriteString("runtime", IsNativeAot ? "native-aot" : "jit");
            w.WriteString("os", System.Runtime.InteropServices.RuntimeInformation.OSDescription);
            w.WriteString("arch", System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant());
            w.WriteString("isa_compiled", CpuFeatures.Name(CpuFeatures.CompiledLevel));
            w.WriteString("isa_cpu", CpuFeatures.Name(CpuFeatures.CpuLevel));
            w.WriteString("vector_path", CpuFeatures.VectorPath);
            w.WriteNumber("vector_bits", CpuFeatures.VectorBits);
            w.WriteString("onnxruntime", OnnxRuntimeVersion);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }
}
