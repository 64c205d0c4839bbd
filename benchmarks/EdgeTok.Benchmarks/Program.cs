using BenchmarkDotNet.Running;

namespace EdgeTok.Benchmarks;

/// <summary>
/// BenchmarkDotNet entry point. Examples:
///   dotnet run -c Release --project benchmarks/EdgeTok.Benchmarks -- --filter '*Gemm*' --job short
///   dotnet run -c Release --project benchmarks/EdgeTok.Benchmarks -- --list flat
/// </summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
