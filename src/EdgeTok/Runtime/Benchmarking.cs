using System.Diagnostics;
using EdgeTok.Numerics;
using EdgeTok.TimeSeries.Kairos;

namespace EdgeTok.Runtime;

/// <summary>
/// Timing loops behind <c>edgetok bench</c>: warm-up first, then timed iterations measured one by one,
/// so the CLI (and any embedding application) only has to format the result. Timing is wall clock;
/// on a shared machine compare medians and minima taken side by side in one run, not absolute values.
/// </summary>
public static class Benchmarking
{
    /// <summary>Durations of the timed iterations of one operation, with their summary statistics.</summary>
    /// <param name="Milliseconds">Duration of each timed iteration, in run order.</param>
    /// <param name="AllocatedBytesPerIteration">Managed bytes allocated per iteration on the timing thread (the median; 0 when nothing was allocated).</param>
    public sealed record Timing(double[] Milliseconds, long AllocatedBytesPerIteration)
    {
        /// <summary>Median iteration time in milliseconds.</summary>
        public double MedianMs => Sorted()[Milliseconds.Length / 2];
        /// <summary>Fastest iteration in milliseconds.</summary>
        public double MinMs => Sorted()[0];
        /// <summary>Slowest iteration in milliseconds.</summary>
        public double MaxMs => Sorted()[^1];
        private double[] Sorted() => Milliseconds.Order().ToArray();
    }

    /// <summary>Result of <see cref="Kairos"/>: forecast and tokenize timings for one series.</summary>
    /// <param name="Forecast">One full forecast (all forwards for the horizon) per iteration.</param>
    /// <param name="Tokenize">One tokenize per iteration.</param>
    /// <param name="ContextLength">Points of the series actually used (after truncation to the model's context).</param>
    /// <param name="Tokens">Tokens the series produced.</param>
    /// <param name="Threads">Series forecast concurrently per iteration (1 = single-thread latency).</param>
    /// <param name="FirstForecast">The quantiles [Q, horizon] of the warm-up forecast, for checking against a reference.</param>
    public sealed record KairosResult(Timing Forecast, Timing Tokenize, int ContextLength, int Tokens, int Threads, float[] FirstForecast);

    /// <summary>Runs <paramref name="action"/> <paramref name="warmup"/> times untimed, then <paramref name="iterations"/> times timed.</summary>
    /// <exception cref="EdgeTokException">A non-positive iteration count.</exception>
    public static Timing Measure(Action action, int iterations, int warmup = 2)
    {
        ArgumentNullException.ThrowIfNull(action);
        if (iterations < 1) throw EdgeTokException.Argument($"iterations must be at least 1, got {iterations}");
        for (int i = 0; i < warmup; i++) action();
        var ms = new double[iterations];
        var bytes = new long[iterations];
        for (int i = 0; i < iterations; i++)
        {
            long b0 = GC.GetAllocatedBytesForCurrentThread();
            long t0 = Stopwatch.GetTimestamp();
            action();
            ms[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            bytes[i] = GC.GetAllocatedBytesForCurrentThread() - b0;
        }
        Array.Sort(bytes);
        return new Timing(ms, bytes[iterations / 2]);
    }

    /// <summary>
    /// Steady-state Kairos cost for one series: <paramref name="iterations"/> timed forecasts of
    /// <paramref name="horizon"/> steps and as many tokenizes, after a warm-up. With
    /// <paramref name="threads"/> &gt; 1 each iteration forecasts (tokenizes) the series on that many
    /// threads at once, so the time is that of a batch of independent series (the model is shared and thread-safe).
    /// </summary>
    /// <exception cref="EdgeTokException">Bad series or horizon (as <see cref="KairosModel.Forecast(ReadOnlySpan{float}, int, KairosForecastOptions?)"/>), or counts below 1.</exception>
    public static KairosResult Kairos(KairosModel model, float[] series, int horizon, int iterations, int threads = 1, int warmup = 2)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(series);
        if (threads < 1) throw EdgeTokException.Argument($"threads must be at least 1, got {threads}");
        var first = model.Forecast(series, horizon);
        var tokens = model.Tokenize(series);
        Action forecast = threads == 1 ? () => model.Forecast(series, horizon)
            : () => Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ => model.Forecast(series, horizon));
        Action tokenize = threads == 1 ? () => model.Tokenize(series)
            : () => Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ => model.Tokenize(series));
        var f = Measure(forecast, iterations, warmup);
        var t = Measure(tokenize, iterations, warmup);
        return new KairosResult(f, t, Math.Min(series.Length, model.Config.ContextLength), tokens.Count, threads, first.Values.ToArray());
    }

    /// <summary>Result of <see cref="Gemm"/>: one GEMM shape against this core's measured FMA peak.</summary>
    /// <param name="Timing">One C = A·Bᵀ per iteration.</param>
    /// <param name="GigaFlops">2·M·N·K over the fastest iteration.</param>
    /// <param name="MedianGigaFlops">2·M·N·K over the median iteration.</param>
    /// <param name="PeakGigaFlops">Single-thread FP32 FMA peak measured in the same process (<see cref="PeakFlops.Measure"/>).</param>
    public sealed record GemmResult(Timing Timing, double GigaFlops, double MedianGigaFlops, double PeakGigaFlops)
    {
        /// <summary>Best throughput as a fraction of the peak.</summary>
        public double FractionOfPeak => GigaFlops / PeakGigaFlops;
    }

    /// <summary>
    /// Times <see cref="Numerics.Gemm.MultiplyTransposed"/> on random [M,K]·[N,K]ᵀ operands, each iteration
    /// repeating the product until it lasts about a millisecond so the timer resolution does not matter,
    /// and measures the FMA peak right before it so both see the same machine state.
    /// </summary>
    /// <exception cref="EdgeTokException">Non-positive dimensions or iteration count.</exception>
    public static GemmResult Gemm(int m, int n, int k, int iterations)
    {
        if (m < 1 || n < 1 || k < 1) throw EdgeTokException.Argument($"GEMM dimensions must be positive, got {m}x{n}x{k}");
        var rng = new Random(1);
        var a = new float[m * k];
        var b = new float[n * k];
        var c = new float[m * n];
        for (int i = 0; i < a.Length; i++) a[i] = (float)(rng.NextDouble() - 0.5);
        for (int i = 0; i < b.Length; i++) b[i] = (float)(rng.NextDouble() - 0.5);
        double flops = 2.0 * m * n * k;
        int reps = (int)Math.Clamp(2e7 / flops, 1, 1 << 20); // ~1 ms at 20 GFLOP/s
        var peak = PeakFlops.Measure(Math.Max(3, Math.Min(iterations, 9)), 50);
        var t = Measure(() => { for (int r = 0; r < reps; r++) Numerics.Gemm.MultiplyTransposed(a, b, c, m, n, k); }, iterations, warmup: 3);
        var perCall = new Timing(t.Milliseconds.Select(x => x / reps).ToArray(), t.AllocatedBytesPerIteration / reps);
        return new GemmResult(perCall, flops / perCall.MinMs / 1e6, flops / perCall.MedianMs / 1e6, peak.GigaFlops);
    }
}
