using System.Text.Json;
using EdgeTok.Numerics;

namespace EdgeTok.Cli.Commands;

/// <summary><c>edgetok info</c>: version, runtime and the active vector path.</summary>
internal sealed class InfoCommand : ICommand
{
    public string[] Path => ["info"];
    public string Summary => "version, build and the vector instruction path in use";
    public string Usage => "usage: edgetok info [--json]\n\nPrints the version, the ISA level this binary was compiled for, the CPU's level and the active vector path.";
    public string[] Flags => ["json"];

    public int Execute(Args args, TextWriter stdout, TextWriter stderr)
    {
        bool json = args.Flag("json");
        args.EnsureAllUsed();
        var info = EdgeTokInfo.BuildInfoJson();
        if (json)
        {
            stdout.WriteLine(info);
            return 0;
        }
        using var doc = JsonDocument.Parse(info);
        var r = doc.RootElement;
        stdout.WriteLine($"edgetok        {r.GetProperty("version").GetString()} (C ABI {r.GetProperty("abi").GetString()})");
        stdout.WriteLine($"runtime        {r.GetProperty("runtime").GetString()}, {r.GetProperty("os").GetString()}, {r.GetProperty("arch").GetString()}");
        stdout.WriteLine($"binary         {Environment.ProcessPath}");
        stdout.WriteLine($"isa compiled   {r.GetProperty("isa_compiled").GetString()}");
        stdout.WriteLine($"isa cpu        {r.GetProperty("isa_cpu").GetString()}");
        stdout.WriteLine($"vector path    {r.GetProperty("vector_path").GetString()} ({r.GetProperty("vector_bits").GetInt32()}-bit)");
        stdout.WriteLine($"onnxruntime    {r.GetProperty("onnxruntime").GetString()}");
        if (CpuFeatures.CompiledLevel < CpuFeatures.CpuLevel)
            stdout.WriteLine($"note           this CPU supports {CpuFeatures.Name(CpuFeatures.CpuLevel)}; the wider edgetok-{CpuFeatures.Name(CpuFeatures.CpuLevel)} image was not used");
        return 0;
    }
}
