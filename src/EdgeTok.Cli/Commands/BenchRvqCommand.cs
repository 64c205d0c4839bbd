using System.Globalization;
using EdgeTok.Numerics;
using EdgeTok.Runtime;

namespace EdgeTok.Cli.Commands;

/// <summary><c>edgetok bench rvq</c>: milliseconds and GFLOP/s of an RVQ encode on random data, against the measured peak and optionally ONNX Runtime.</summary>
internal sealed class BenchRvqCommand : ICommand
{
    public string[] Path => ["bench", "rvq"];
    public string Summary => "RVQ encode milliseconds and GFLOP/s against the measured peak (and ONNX Runtime)";
    public string Usage =>
        "usage: edgetok bench rvq [--levels L] [--bins K] [--dim D] [--frames T] [--iterations N] [--threads N]\n" +
        "                         [--seed S] [--onnx] [--verify] [--float32] [--json]\n\n" +
        "Encodes T frames of a seeded random latent [T, D] with L random codebooks [K, D] (default: the EnCodec\n" +
        "24 kHz shape, 32 x 1024 x 128, 750 frames = 10 s) after a warm-up, N times (default 10), single thread\n" +
        "unless --threads (frames split over the threads). Prints the median and min-max per encode and the\n" +
        "GFLOP/s (2*T*K*D per level) against this core's FMA peak, measured right before every iteration.\n" +
        "Codebooks of 128+ codewords are searched with 8-bit screening on AVX-VNNI CPUs (exact codes; the\n" +
        "GFLOP/s is then an effective rate); --float32 times the float32 search instead.\n" +
        "--onnx   also times the same search as an ONNX Runtime graph (Gemm + ArgMin per level, same thread\n" +
        "         count), alternating with EdgeTok iteration by iteration, and counts differing codes\n" +
        "--verify checks every code against a float64 brute-force search (slow at large sizes)\n" +
        "--float32 uses the float32 search even where 8-bit screening applies";
    public string[] Flags => ["json", "onnx", "verify", "float32"];

    public int Execute(Args args, TextWriter stdout, TextWriter stderr)
    {
        int levels = args.GetInt("levels", 1, 4096) ?? 32;
        int bins = args.GetInt("bins", 1, 1 << 20) ?? 1024;
        int dim = args.GetInt("dim", 1, 1 << 16) ?? 128;
        int frames = args.GetInt("frames", 1, 1 << 24) ?? 750;
        int iterations = args.GetInt("iterations", 1, 100000) ?? 10;
        int threads = args.GetInt("threads", 1, 256) ?? 1;
        int seed = args.GetInt("seed") ?? 1;
        bool onnx = args.Flag("onnx"), verify = args.Flag("verify"), json = args.Flag("json"), float32 = args.Flag("float32");
        args.EnsureAllUsed();
        if ((long)levels * bins * dim > int.MaxValue) throw new UsageException($"--levels x --bins x --dim = {(long)levels * bins * dim} codebook values exceed the 2^31 limit");
        if ((long)frames * dim > int.MaxValue || (long)frames * levels > int.MaxValue) throw new UsageException($"--frames {frames} with --dim {dim} and --levels {levels} exceeds the 2^31-element limit");

        var r = Benchmarking.Rvq(levels, bins, dim, frames, iterations, threads, onnx, verify, seed, float32);
        var t = r.Timing;
        var inv = CultureInfo.InvariantCulture;
        string isa = CpuFeatures.Name(CpuFeatures.CompiledLevel);
        if (json)
        {
            var sb = new System.Text.StringBuilder();
            sb.Append(string.Format(inv,
                "{{\"bench\":\"rvq\",\"levels\":{0},\"bins\":{1},\"dim\":{2},\"frames\":{3},\"median_ms\":{4:F4},\"min_ms\":{5:F4},\"max_ms\":{6:F4}," +
                "\"gflops\":{7:F2},\"gflops_median\":{8:F2},\"peak_gflops\":{9:F2},\"fraction_of_peak\":{10:F3},\"fraction_of_peak_best\":{11:F3},\"iterations\":{12},\"threads\":{13},\"seed\":{14},\"isa\":\"{15}\",\"search\":\"{16}\"",
                levels, bins, dim, frames, t.MedianMs, t.MinMs, t.MaxMs, r.GigaFlops, r.MedianGigaFlops, r.PeakGigaFlops, r.FractionOfPeak, r.BestFractionOfPeak, iterations, threads, seed, isa, r.Search));
            if (r.Onnx is { } o)
                sb.Append(string.Format(inv, ",\"onnx_median_ms\":{0:F4},\"onnx_min_ms\":{1:F4},\"onnx_max_ms\":{2:F4},\"onnx_gflops\":{3:F2},\"speedup_vs_onnx\":{4:F3},\"onnx_mismatches\":{5}",
                    o.MedianMs, o.MinMs, o.MaxMs, r.Flops / o.MinMs / 1e6, r.OnnxSpeedup, r.OnnxMismatches));
            if (r.ReferenceMismatches >= 0) sb.Append(string.Format(inv, ",\"reference_mismatches\":{0}", r.ReferenceMismatches));
            stdout.WriteLine(sb.Append('}').ToString());
            return 0;
        }
        stdout.WriteLine(string.Format(inv, "rvq {0} levels x {1} bins x {2} dim, {3} frames, {4} thread{5}, {6} iterations ({7}, {8} search)",
            levels, bins, dim, frames, threads, threads == 1 ? "" : "s", iterations, isa, r.Search));
        stdout.WriteLine(string.Format(inv, "edgetok  median {0:F3} ms, min {1:F3} ms, max {2:F3} ms   {3:F1} GFLOP/s (median {4:F1})", t.MedianMs, t.MinMs, t.MaxMs, r.GigaFlops, r.MedianGigaFlops));
        stdout.WriteLine(string.Format(inv, "peak     {0:F1} GFLOP/s{1}; encode / peak run next to it: median {2:P0} (fastest encode / highest peak: {3:P0})",
            r.PeakGigaFlops * threads, threads == 1 ? "" : $" ({threads} x {r.PeakGigaFlops.ToString("F1", inv)})", r.FractionOfPeak, r.BestFractionOfPeak));
        if (r.Onnx is { } ox)
        {
            stdout.WriteLine(string.Format(inv, "onnx     median {0:F3} ms, min {1:F3} ms, max {2:F3} ms   {3:F1} GFLOP/s", ox.MedianMs, ox.MinMs, ox.MaxMs, r.Flops / ox.MinMs / 1e6));
            stdout.WriteLine(string.Format(inv, "edgetok is {0:F2}x faster than ONNX Runtime (median / median); codes differ on {1} of {2}", r.OnnxSpeedup, r.OnnxMismatches, frames * levels));
        }
        if (r.ReferenceMismatches >= 0) stdout.WriteLine(string.Format(inv, "float64 reference: {0} of {1} codes differ", r.ReferenceMismatches, frames * levels));
        return 0;
    }
}
