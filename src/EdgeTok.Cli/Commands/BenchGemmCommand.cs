using System.Globalization;
using EdgeTok.Numerics;
using EdgeTok.Runtime;

namespace EdgeTok.Cli.Commands;

/// <summary><c>edgetok bench gemm</c>: GFLOP/s of C = A·Bᵀ at given shapes, as a fraction of the measured FMA peak.</summary>
internal sealed class BenchGemmCommand : ICommand
{
    public string[] Path => ["bench", "gemm"];
    public string Summary => "GEMM GFLOP/s (C = A·Bᵀ) against the measured peak";
    public string Usage =>
        "usage: edgetok bench gemm [--shape MxNxK[,MxNxK...]] [--kernel panel|dot] [--iterations N] [--json]\n\n" +
        "Times C = A·Bᵀ (single thread) at each shape (default: the Kairos 10m/23m/50m linear-layer shapes)\n" +
        "after measuring the FMA peak in the same process. --kernel panel (default) is the Kairos linear\n" +
        "layers' kernel (weights packed once, rows packed per call); dot is the dot-product GEMM of attention\n" +
        "and the audio projections. --json prints one object per shape, one per line.";
    public string[] Flags => ["json"];

    // Kairos linear layers at context 2048 (46 encoder tokens + [REG] = 47 rows): attention projections
    // d_model→H·d_kv and back (H·d_kv = 512 for 23m, else d_model) and the feed-forward d_model↔d_ff, for
    // d_model 256/384/512 (10m/23m/50m).
    private const string DefaultShapes = "47x256x256,47x1024x256,47x256x1024,47x512x384,47x384x512,47x1536x384,47x384x1536,47x512x512,47x2048x512,47x512x2048";

    public int Execute(Args args, TextWriter stdout, TextWriter stderr)
    {
        string shapes = args.Get("shape") ?? DefaultShapes;
        int iterations = args.GetInt("iterations", 1, 100000) ?? 15;
        string kernel = args.Get("kernel") ?? "panel";
        if (kernel is not ("panel" or "dot")) throw new UsageException($"--kernel wants panel or dot, got '{kernel}'");
        bool json = args.Flag("json");
        args.EnsureAllUsed();
        var parsed = shapes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Parse).ToArray();
        var inv = CultureInfo.InvariantCulture;
        if (!json) stdout.WriteLine("     shape (MxNxK)   median ms     GFLOP/s (best/median)   peak GFLOP/s   % of peak");
        foreach (var (m, n, k) in parsed)
        {
            var r = Benchmarking.Gemm(m, n, k, iterations, panel: kernel == "panel");
            if (json)
                stdout.WriteLine(string.Format(inv,
                    "{{\"bench\":\"gemm\",\"shape\":\"{0}x{1}x{2}\",\"median_ms\":{3:F5},\"min_ms\":{4:F5},\"max_ms\":{5:F5},\"gflops\":{6:F2},\"gflops_median\":{7:F2},\"peak_gflops\":{8:F2},\"fraction_of_peak\":{9:F3},\"iterations\":{10},\"threads\":1,\"isa\":\"{11}\",\"kernel\":\"{12}\"}}",
                    m, n, k, r.Timing.MedianMs, r.Timing.MinMs, r.Timing.MaxMs, r.GigaFlops, r.MedianGigaFlops, r.PeakGigaFlops, r.FractionOfPeak, iterations, CpuFeatures.Name(CpuFeatures.CompiledLevel), kernel));
            else
                stdout.WriteLine(string.Format(inv, "{0,18}   {1,9:F4}   {2,8:F1} / {3,-8:F1}        {4,8:F1}      {5,5:P0}",
                    $"{m}x{n}x{k}", r.Timing.MedianMs, r.GigaFlops, r.MedianGigaFlops, r.PeakGigaFlops, r.FractionOfPeak));
        }
        return 0;
    }

    private static (int M, int N, int K) Parse(string s)
    {
        var p = s.Split('x');
        if (p.Length != 3 || !int.TryParse(p[0], out int m) || !int.TryParse(p[1], out int n) || !int.TryParse(p[2], out int k) || m < 1 || n < 1 || k < 1 || (long)m * n * k > 1L << 32)
            throw new UsageException($"--shape wants MxNxK with positive sizes, got '{s}'");
        return (m, n, k);
    }
}
