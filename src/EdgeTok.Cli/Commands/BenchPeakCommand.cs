using System.Globalization;
using EdgeTok.Numerics;

namespace EdgeTok.Cli.Commands;

/// <summary><c>edgetok bench peak</c>: this core's FP32 FMA throughput, the limit kernels are reported against.</summary>
internal sealed class BenchPeakCommand : ICommand
{
    public string[] Path => ["bench", "peak"];
    public string Summary => "measured peak FP32 FMA GFLOP/s of one core";
    public string Usage => "usage: edgetok bench peak [--iterations N] [--json]\n\nRuns an FMA-bound kernel with the widest vectors this binary uses (single thread) N times (default 7)\nafter a warm-up; prints the median and min–max time per run and the GFLOP/s. On CPUs with AVX-VNNI it\nalso measures the 8-bit integer multiply-add peak (GOP/s), the limit of the screened RVQ search.";
    public string[] Flags => ["json"];

    public int Execute(Args args, TextWriter stdout, TextWriter stderr)
    {
        int iterations = args.GetInt("iterations", 1, 1000) ?? 7;
        bool json = args.Flag("json");
        args.EnsureAllUsed();
        PeakFlops.Measure(1, 20); // warm-up
        var r = PeakFlops.Measure(iterations, 100);
        var i8 = PeakFlops.MeasureInt8(iterations, 100);
        var sorted = r.RepetitionMs.Order().ToArray();
        double median = sorted[sorted.Length / 2];
        var inv = CultureInfo.InvariantCulture;
        if (json)
        {
            stdout.WriteLine(string.Format(inv,
                "{{\"bench\":\"peak\",\"median_ms\":{0:F3},\"min_ms\":{1:F3},\"max_ms\":{2:F3},\"iterations\":{3},\"gflops\":{4:F2},\"gflops_median\":{5:F2},\"vector_bits\":{6},\"isa\":\"{7}\",\"threads\":1{8}}}",
                median, sorted[0], sorted[^1], iterations, r.GigaFlops, r.MedianGigaFlops, r.VectorBits, CpuFeatures.Name(CpuFeatures.CompiledLevel),
                i8 is null ? "" : string.Format(inv, ",\"int8_gops\":{0:F2},\"int8_gops_median\":{1:F2}", i8.GigaFlops, i8.MedianGigaFlops)));
            return 0;
        }
        stdout.WriteLine(string.Format(inv, "peak fp32 fma  {0:F1} GFLOP/s (median {1:F1}), {2}-bit vectors, 1 thread", r.GigaFlops, r.MedianGigaFlops, r.VectorBits));
        if (i8 is not null)
            stdout.WriteLine(string.Format(inv, "peak int8 vnni {0:F1} GOP/s (median {1:F1}), 256-bit u8 x s8 multiply-adds, 1 thread", i8.GigaFlops, i8.MedianGigaFlops));
        stdout.WriteLine(string.Format(inv, "time per run   median {0:F2} ms, min {1:F2} ms, max {2:F2} ms over {3} runs", median, sorted[0], sorted[^1], iterations));
        return 0;
    }
}
