using System.Diagnostics;
using System.Numerics.Tensors;
using EdgeTok.Audio.Codecs;
using EdgeTok.Audio.Quantization;
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
    /// Times C = A·Bᵀ on random [M,K]·[N,K]ᵀ operands, each iteration repeating the product until it lasts
    /// about a millisecond so the timer resolution does not matter, and measures the FMA peak right before
    /// it so both see the same machine state. <paramref name="panel"/> (the Kairos linear layers' kernel):
    /// B packed once into a <see cref="Numerics.PanelMatrix"/>, A's rows packed on every call as a layer
    /// does; otherwise <see cref="Numerics.Gemm.MultiplyTransposed"/> (attention, audio projections).
    /// </summary>
    /// <exception cref="EdgeTokException">Non-positive dimensions or iteration count.</exception>
    public static GemmResult Gemm(int m, int n, int k, int iterations, bool panel = true)
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
        Action run;
        if (panel)
        {
            var pb = new Numerics.PanelMatrix(b, n, k);
            var packed = new float[Numerics.PanelMatrix.PackedLength(m, k)];
            run = () =>
            {
                for (int r = 0; r < reps; r++)
                {
                    if (m == 1) pb.MultiplyRow(a, c);
                    else
                    {
                        Numerics.PanelMatrix.PackRows(a, m, k, packed);
                        pb.Multiply(packed, m, c, n);
                    }
                }
            };
        }
        else run = () => { for (int r = 0; r < reps; r++) Numerics.Gemm.MultiplyTransposed(a, b, c, m, n, k); };
        var t = Measure(run, iterations, warmup: 3);
        var perCall = new Timing(t.Milliseconds.Select(x => x / reps).ToArray(), t.AllocatedBytesPerIteration / reps);
        return new GemmResult(perCall, flops / perCall.MinMs / 1e6, flops / perCall.MedianMs / 1e6, peak.GigaFlops);
    }

    /// <summary>Result of <see cref="Rvq"/>: one RVQ encode against this core's measured FMA peak, optionally next to ONNX Runtime.</summary>
    /// <param name="Timing">One encode of all frames and levels per iteration.</param>
    /// <param name="Flops">Floating-point operations of one encode: 2·frames·bins·dim per level (the codeword norms are precomputed).</param>
    /// <param name="PeakGigaFlops">Single-thread FP32 FMA peak measured in the same process (<see cref="PeakFlops.Measure"/>).</param>
    /// <param name="Threads">Threads the frames were split over (and ONNX Runtime's intra-op threads).</param>
    /// <param name="Onnx">The same encode as an ONNX Runtime graph, timed alternately with EdgeTok; null unless requested.</param>
    /// <param name="OnnxMismatches">Codes where the ONNX Runtime graph (float32 argmin) and EdgeTok (float64 re-check of near-ties) differ; −1 when not run.</param>
    /// <param name="ReferenceMismatches">Codes where EdgeTok differs from a float64 brute-force search; −1 when not run.</param>
    /// <param name="PairedFractions">Per iteration: that encode's GFLOP/s over the FMA peak measured right before it (× threads).</param>
    /// <param name="Search">The search that ran: <c>screened-int8</c> (8-bit screening on AVX-VNNI, exact re-rank), <c>small-codebook</c> (≤ 64 codewords) or <c>float32</c>.</param>
    public sealed record RvqResult(Timing Timing, double Flops, double PeakGigaFlops, int Threads, Timing? Onnx, int OnnxMismatches, int ReferenceMismatches, double[] PairedFractions, string Search)
    {
        /// <summary>Throughput of the fastest iteration.</summary>
        public double GigaFlops => Flops / Timing.MinMs / 1e6;
        /// <summary>Throughput of the median iteration.</summary>
        public double MedianGigaFlops => Flops / Timing.MedianMs / 1e6;
        /// <summary>
        /// Median over iterations of the encode's throughput over the peak measured right next to it (of
        /// the cores used: peak × threads); pairing each iteration with its own peak run keeps a changing
        /// machine load from being read as kernel speed.
        /// </summary>
        public double FractionOfPeak => PairedFractions.Order().ElementAt(PairedFractions.Length / 2);
        /// <summary>Fastest encode over the highest peak seen, both of the whole run.</summary>
        public double BestFractionOfPeak => GigaFlops / (PeakGigaFlops * Threads);
        /// <summary>Median ONNX Runtime time over median EdgeTok time (above 1: EdgeTok is faster); NaN without ONNX.</summary>
        public double OnnxSpeedup => Onnx is null ? double.NaN : Onnx.MedianMs / Timing.MedianMs;
    }

    /// <summary>
    /// Times <see cref="ResidualVectorQuantizer.Encode"/> on seeded random data: codebooks [levels, bins, dim]
    /// of Gaussian values scaled by 0.8^level (later levels smaller, as in trained RVQs), a Gaussian
    /// latent [frames, dim] of standard deviation 1.5. The FMA peak is measured first in the same process.
    /// With <paramref name="compareOnnx"/> the same search runs as an ONNX Runtime graph
    /// (<see cref="RvqOnnxBaseline"/>) on the same threads, alternating with EdgeTok iteration by iteration
    /// so load changes hit both; with <paramref name="verify"/> the codes are checked against a float64 brute force.
    /// With <paramref name="threads"/> &gt; 1 the frames are split into that many contiguous parts encoded concurrently.
    /// <paramref name="float32Only"/> times the float32 search even where the quantizer would screen with
    /// 8-bit codebooks (same codes; for comparing the two). Throughput is always counted as 2·T·K·D float
    /// operations per level, so for the screened search it is an effective rate.
    /// </summary>
    /// <exception cref="EdgeTokException">Sizes or counts below 1, or sizes beyond the quantizer's limits.</exception>
    public static RvqResult Rvq(int levels, int bins, int dim, int frames, int iterations, int threads = 1, bool compareOnnx = false, bool verify = false, int seed = 1, bool float32Only = false)
    {
        if (levels < 1 || bins < 1 || dim < 1 || frames < 1) throw EdgeTokException.Argument($"RVQ sizes must be positive, got {levels} levels, {bins} bins, {dim} dims, {frames} frames");
        if (iterations < 1) throw EdgeTokException.Argument($"iterations must be at least 1, got {iterations}");
        if (threads < 1) throw EdgeTokException.Argument($"threads must be at least 1, got {threads}");
        if ((long)frames * dim > int.MaxValue || (long)frames * levels > int.MaxValue) throw EdgeTokException.Limit($"{frames} frames exceed the 2^31-element buffer limit");
        var rng = new Random(seed);
        long need = (long)levels * bins * dim;
        if (need > int.MaxValue) throw EdgeTokException.Limit($"RVQ codebooks of {need} elements exceed the 2^31 limit");
        var codebooks = new float[need];
        for (int q = 0; q < levels; q++)
        {
            float scale = MathF.Pow(0.8f, q);
            for (int i = 0; i < bins * dim; i++) codebooks[q * bins * dim + i] = Gauss(rng) * scale;
        }
        var latent = new float[frames * dim];
        for (int i = 0; i < latent.Length; i++) latent[i] = Gauss(rng) * 1.5f;
        var rvq = new ResidualVectorQuantizer(codebooks, levels, bins, dim, screening: !float32Only);
        var codes = new int[frames * levels];
        var parts = Math.Min(threads, frames);
        var workspaces = Enumerable.Range(0, parts).Select(_ => new QuantizerWorkspace()).ToArray();
        void EncodePart(int p)
        {
            int t0 = (int)((long)frames * p / parts), t1 = (int)((long)frames * (p + 1) / parts);
            rvq.Encode(latent.AsSpan(t0 * dim, (t1 - t0) * dim), t1 - t0, codes.AsSpan(t0 * levels, (t1 - t0) * levels), levels, workspaces[p]);
        }
        Action native = parts == 1 ? () => EncodePart(0)
            : () => Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, EncodePart);

        double flops = 2.0 * frames * bins * dim * levels;
        int referenceMismatches = -1, onnxMismatches = -1;
        native();
        if (verify) referenceMismatches = CountRvqMismatches(codebooks, latent, levels, bins, dim, frames, codes);
        native();
        // A peak run about as long as one encode (5..50 ms) right before each timed encode.
        var probe = PeakFlops.CreateProbe(Math.Clamp(Measure(native, 1, warmup: 0).Milliseconds[0], 5, 50));
        probe();

        RvqOnnxBaseline? onnx = compareOnnx ? new RvqOnnxBaseline(codebooks, levels, bins, dim, frames, threads) : null;
        try
        {
            var onnxCodes = new int[frames * levels];
            Action ort = () => onnx!.Encode(latent, onnxCodes);
            if (onnx is not null)
            {
                ort();
                ort();
                onnxMismatches = 0;
                for (int i = 0; i < codes.Length; i++) if (codes[i] != onnxCodes[i]) onnxMismatches++;
            }
            // With ONNX Runtime, alternate one iteration each so both sides see the same machine state.
            var a = new double[iterations];
            var b = new double[iterations];
            var fractions = new double[iterations];
            double peak = 0;
            for (int i = 0; i < iterations; i++)
            {
                double p = probe();
                peak = Math.Max(peak, p);
                a[i] = Measure(native, 1, warmup: 0).Milliseconds[0];
                fractions[i] = flops / a[i] / 1e6 / (p * threads);
                if (onnx is not null) b[i] = Measure(ort, 1, warmup: 0).Milliseconds[0];
            }
            return new RvqResult(new Timing(a, 0), flops, peak, threads, onnx is null ? null : new Timing(b, 0), onnxMismatches, referenceMismatches, fractions, rvq.Screened ? "screened-int8" : rvq.UsesSmallCodebookSearch ? "small-codebook" : "float32");
        }
        finally
        {
            onnx?.Dispose();
        }
    }

    // Float64 brute force of the same greedy RVQ (residual updated in float32 like the quantizer);
    // ties go to the lowest index.
    private static int CountRvqMismatches(float[] codebooks, float[] latent, int levels, int bins, int dim, int frames, int[] codes)
    {
        int mismatches = 0;
        var r = new float[dim];
        for (int t = 0; t < frames; t++)
        {
            latent.AsSpan(t * dim, dim).CopyTo(r);
            for (int q = 0; q < levels; q++)
            {
                int best = 0;
                double bestD = double.PositiveInfinity;
                for (int k = 0; k < bins; k++)
                {
                    var c = codebooks.AsSpan((q * bins + k) * dim, dim);
                    double s = 0;
                    for (int i = 0; i < dim; i++)
                    {
                        double e = (double)r[i] - c[i];
                        s += e * e;
                    }
                    if (s < bestD)
                    {
                        bestD = s;
                        best = k;
                    }
                }
                if (codes[t * levels + q] != best) mismatches++;
                // Follow EdgeTok's choice so one difference does not cascade into every later level.
                var chosen = codebooks.AsSpan((q * bins + codes[t * levels + q]) * dim, dim);
                TensorPrimitives.Subtract(r, chosen, r);
            }
        }
        return mismatches;
    }

    /// <summary>Result of <see cref="Codec"/>: encode and decode of a synthetic clip.</summary>
    /// <param name="Encode">One encode of the whole clip per iteration.</param>
    /// <param name="Decode">One decode of its codes per iteration.</param>
    /// <param name="Seconds">Length of the clip.</param>
    /// <param name="Frames">Code frames of the clip.</param>
    /// <param name="Codebooks">Codebooks used.</param>
    public sealed record CodecResult(Timing Encode, Timing Decode, double Seconds, int Frames, int Codebooks)
    {
        /// <summary>Real-time factor of encoding: median encode time over the clip length (below 1: faster than real time).</summary>
        public double EncodeRtf => Encode.MedianMs / 1000 / Seconds;
        /// <summary>Real-time factor of decoding.</summary>
        public double DecodeRtf => Decode.MedianMs / 1000 / Seconds;
    }

    /// <summary>
    /// Real-time factor of <paramref name="codec"/> on <paramref name="seconds"/> of a seeded synthetic
    /// signal at the codec's rate and channel count (a gliding harmonic tone with a syllable-rate envelope
    /// plus noise, so the encoder sees speech-like spectra, not silence): <paramref name="iterations"/>
    /// timed encodes, then as many decodes of the codes, each after a warm-up.
    /// </summary>
    /// <exception cref="EdgeTokException">A length that is not positive or too long, counts below 1, or the codec's own encode/decode errors.</exception>
    public static CodecResult Codec(AudioCodec codec, double seconds, int iterations, int? codebooks = null, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(codec);
        var info = codec.Info;
        if (!(seconds > 0) || seconds * info.SampleRate * info.Channels > int.MaxValue)
            throw EdgeTokException.Argument($"clip length must be positive and below {int.MaxValue / ((double)info.SampleRate * info.Channels):F0} s, got {seconds} s");
        if (iterations < 1) throw EdgeTokException.Argument($"iterations must be at least 1, got {iterations}");
        int n = (int)Math.Round(seconds * info.SampleRate);
        if (n < 1) throw EdgeTokException.Argument($"{seconds} s is shorter than one sample at {info.SampleRate} Hz");
        var rng = new Random(seed);
        var pcm = new float[n * info.Channels];
        double phase = 0;
        for (int t = 0; t < n; t++)
        {
            double time = (double)t / info.SampleRate;
            double f0 = 140 + 40 * Math.Sin(2 * Math.PI * 0.7 * time);
            phase += 2 * Math.PI * f0 / info.SampleRate;
            double v = 0;
            for (int h = 1; h <= 8; h++) v += Math.Sin(h * phase) / h;
            double envelope = 0.5 + 0.5 * Math.Sin(2 * Math.PI * 4 * time);
            float sample = (float)(0.15 * envelope * v + 0.01 * Gauss(rng));
            for (int ch = 0; ch < info.Channels; ch++) pcm[t * info.Channels + ch] = sample;
        }
        var options = new AudioEncodeOptions { Codebooks = codebooks };
        var codes = codec.Encode(pcm, info.SampleRate, options);
        var enc = Measure(() => codec.Encode(pcm, info.SampleRate, options), iterations);
        var dec = Measure(() => codec.Decode(codes), iterations);
        return new CodecResult(enc, dec, (double)n / info.SampleRate, codes.Frames, codes.Codebooks);
    }

    private static float Gauss(Random rng) =>
        (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
}
