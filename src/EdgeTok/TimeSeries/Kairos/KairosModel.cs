using EdgeTok.IO.SafeTensors;
using EdgeTok.Numerics;

namespace EdgeTok.TimeSeries.Kairos;

/// <summary>
/// A loaded Kairos forecaster (Mixture-of-Size Dynamic Patching tokenizer, instance-adaptive RoPE,
/// T5-style encoder/decoder with forecast tokens and a quantile head), read from the Hugging Face
/// layout (<c>config.json</c> + <c>model.safetensors</c>). Immutable after loading and safe to share
/// between threads: every call keeps its scratch and its router-bias state to itself.
/// </summary>
/// <remarks>
/// Input conventions (as the reference): NaN marks a missing point; only the last
/// <see cref="KairosConfig.ContextLength"/> points are used; the series is not padded to the context
/// length (left-padding with NaN to 2048, the GIFT-Eval protocol, changes the spectral features and the
/// token positions, so it is the caller's choice). An all-NaN series is accepted and forecast from the
/// [REG] token alone, as in the reference. Infinite values are rejected.
/// </remarks>
public sealed class KairosModel
{
    /// <summary>Longest horizon a forecast call accepts (each <see cref="KairosConfig.StepsPerForward"/> steps cost one forward).</summary>
    public const int MaxHorizon = 8192;

    /// <summary>Most series one batch call accepts.</summary>
    public const int MaxBatchSize = 4096;

    private readonly SpectralFeatures _spectral;
    private readonly GranularityRouter _router;
    private readonly MultiSizePatchEmbedding _embedding;
    private readonly T5Block[] _encoder, _decoder;
    private readonly float[] _encoderFinalNorm, _decoderFinalNorm, _shared;
    private readonly QuantileHead _head;
    private readonly T5Attention[] _ropeModules;

    // Stage access for the isolated-stage golden tests.
    internal GranularityRouter Router => _router;
    internal QuantileHead Head => _head;
    internal SpectralFeatures Spectral => _spectral;

    /// <summary>The configuration the model was loaded with.</summary>
    public KairosConfig Config { get; }

    /// <summary>The router bias stored in the checkpoint (a copy).</summary>
    public float[] CheckpointGateBias => (float[])_router.InitialBias.Clone();

    private KairosModel(KairosConfig c, KairosTensorReader r)
    {
        Config = c;
        var shared = r.Read("shared.weight", c.VocabSize, c.DModel);
        _shared = shared;
        _spectral = new SpectralFeatures(r.Read("fft_norm.weight", c.InstanceRopeInputFeatureDim), r.Read("fft_norm.bias", c.InstanceRopeInputFeatureDim));
        var gateW = r.Read("patch.moe.gate.weight", c.NumExperts, c.InputPatchSize);
        // The bias is a persistent buffer; a checkpoint saved without buffers starts from the reference init (zeros).
        var gateB = r.ReadOptional("patch.moe.gate.bias", c.NumExperts) ?? new float[c.NumExperts];
        _router = new GranularityRouter(gateW, gateB, c);
        _embedding = new MultiSizePatchEmbedding(r, c);
        _encoder = new T5Block[c.NumLayers];
        for (int i = 0; i < c.NumLayers; i++) _encoder[i] = new T5Block(r, $"encoder.block.{i}", c, decoder: false);
        _encoderFinalNorm = r.Read("encoder.final_layer_norm.weight", c.DModel);
        _decoder = new T5Block[c.NumDecoderLayers];
        for (int i = 0; i < c.NumDecoderLayers; i++) _decoder[i] = new T5Block(r, $"decoder.block.{i}", c, decoder: true);
        _decoderFinalNorm = r.Read("decoder.final_layer_norm.weight", c.DModel);
        _head = new QuantileHead(r, c);
        r.CheckNoLeftovers([c.VocabSize, c.DModel]);

        var mods = new List<T5Attention>();
        foreach (var b in _encoder) mods.Add(b.SelfAttention);
        foreach (var b in _decoder)
        {
            mods.Add(b.SelfAttention);
            if (b.CrossAttention!.Rope is not null) mods.Add(b.CrossAttention);
        }
        _ropeModules = [.. mods];
    }

    /// <summary>Loads <c>config.json</c> and <c>model.safetensors</c> from a model folder.</summary>
    /// <exception cref="EdgeTokException">Missing files, an unsupported configuration, or a checkpoint whose tensors are missing, extra or mis-shaped.</exception>
    public static KairosModel Load(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!Directory.Exists(folder)) throw EdgeTokException.NotFound($"Kairos model folder not found: {folder}");
        return Load(Path.Combine(folder, "config.json"), Path.Combine(folder, "model.safetensors"));
    }

    /// <summary>Loads a model from an explicit <c>config.json</c> and <c>model.safetensors</c> (e.g. a config variant sharing weights).</summary>
    /// <exception cref="EdgeTokException">As <see cref="Load(string)"/>.</exception>
    public static KairosModel Load(string configPath, string weightsPath)
    {
        var config = KairosConfig.Load(configPath);
        using var file = SafeTensorsFile.Open(weightsPath);
        return new KairosModel(config, new KairosTensorReader(file));
    }

    // ---------------------------------------------------------------- public API

    /// <summary>
    /// Tokenizes one series with the checkpoint's router bias: token embeddings (before [REG]), token
    /// sizes, attention mask (with [REG]), loc/scale and the RoPE tables of every attention module.
    /// </summary>
    /// <exception cref="EdgeTokException">Empty input or an infinite value (<see cref="StatusCode.InvalidArgument"/>).</exception>
    public KairosTokens Tokenize(ReadOnlySpan<float> series) => Tokenize(series, null);

    /// <summary>As <see cref="Tokenize(ReadOnlySpan{float})"/>, routing with a caller-chosen gate bias (not modified).</summary>
    /// <exception cref="EdgeTokException">Bad input or a bias of the wrong length.</exception>
    public KairosTokens Tokenize(ReadOnlySpan<float> series, KairosGateBias? gateBias)
    {
        ValidateSeries(series, 0);
        var bias = StartBias(gateBias);
        // The front end runs in this thread's workspace; the result gets its own copies of what it keeps.
        var p = Prepare(series, bias, wantXFinal: false, KairosWorkspace.Current.Prepared(0));
        var c = Config;
        int n = p.NumTokens;
        int lenc = n + (c.UseRegToken ? 1 : 0);
        var mask = new byte[lenc];
        for (int i = 0; i < n; i++) mask[i] = p.Mask[i] != 0f ? (byte)1 : (byte)0;
        if (c.UseRegToken) mask[n] = 1;
        var tables = new List<KairosRopeTable>();
        int half = c.DKv / 2;
        foreach (var m in _ropeModules)
        {
            var gamma = new float[half]; var beta = new float[half]; var omega = new float[half];
            m.Rope!.Frequencies(p.Features, gamma, beta, omega);
            bool decoder = m.Name.StartsWith("decoder", StringComparison.Ordinal);
            bool decoderSelf = decoder && m.Name.EndsWith(".SelfAttention", StringComparison.Ordinal);
            int positions = decoderSelf ? c.NumDecoderSegments : decoder ? Math.Max(lenc, c.NumDecoderSegments) : lenc;
            var cos = new float[positions * half]; var sin = new float[positions * half];
            AdaptiveRope.Tables(omega, positions, cos, sin);
            tables.Add(new KairosRopeTable(m.Name, gamma, beta, omega, positions, cos, sin));
        }
        var routing = new KairosRouting(c.InputPatchSize, c.Levels, c.NumNullExperts, c.NumActivatedExperts, p.NumPatches,
            series.Length - p.Context.Length, p.Context.Length, (int[])p.TopIndices.Clone(), (float[])p.TopWeights.Clone(),
            (float[])p.Probs.Clone(), (int[])p.Finest.Clone());
        return new KairosTokens(n, c.DModel, (float[])p.Embeddings.Clone(), (int[])p.TokenSizes.Clone(), mask, c.UseRegToken, p.Loc, p.Scale,
            (float[])p.Features.Clone(), tables, routing);
    }

    /// <summary>
    /// Forecasts one series <paramref name="horizon"/> steps ahead: quantiles [1, Q, horizon]. Horizons
    /// longer than one forward roll out autoregressively, feeding back the median of each chunk.
    /// </summary>
    /// <exception cref="EdgeTokException">Empty input, infinite values, horizon outside [1, <see cref="MaxHorizon"/>], or an invalid gate bias.</exception>
    public KairosForecast Forecast(ReadOnlySpan<float> series, int horizon, KairosForecastOptions? options = null)
    {
        ValidateSeries(series, 0);
        return ForecastBatch([series.ToArray()], horizon, options);
    }

    /// <summary>Number of floats a forecast of one series needs: <see cref="KairosConfig.NumQuantiles"/> × horizon.</summary>
    /// <exception cref="EdgeTokException">Horizon outside [1, <see cref="MaxHorizon"/>].</exception>
    public int ForecastLength(int horizon)
    {
        if (horizon <= 0) throw EdgeTokException.Argument($"horizon must be at least 1, got {horizon}");
        if (horizon > MaxHorizon) throw EdgeTokException.Limit($"horizon {horizon} exceeds the limit of {MaxHorizon} steps");
        return Config.NumQuantiles * horizon;
    }

    /// <summary>
    /// Span-first form of <see cref="Forecast(ReadOnlySpan{float}, int, KairosForecastOptions?)"/>: writes the
    /// [Q, horizon] quantiles into <paramref name="quantiles"/> and returns the element count
    /// (<see cref="ForecastLength"/>).
    /// </summary>
    /// <exception cref="EdgeTokException">As the allocating overload, or a destination shorter than <see cref="ForecastLength"/> (<see cref="StatusCode.BufferTooSmall"/>).</exception>
    public int Forecast(ReadOnlySpan<float> series, int horizon, Span<float> quantiles, KairosForecastOptions? options = null)
    {
        int need = ForecastLength(horizon);
        if (quantiles.Length < need)
            throw new EdgeTokException(StatusCode.BufferTooSmall, $"destination holds {quantiles.Length} floats, {need} needed");
        Forecast(series, horizon, options).Values.CopyTo(quantiles);
        return need;
    }

    /// <summary>Tokenizes several series independently (each exactly as <see cref="Tokenize(ReadOnlySpan{float})"/>).</summary>
    /// <exception cref="EdgeTokException">An empty batch, a null row, or a bad series.</exception>
    public KairosTokens[] TokenizeBatch(IReadOnlyList<float[]> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (series.Count == 0) throw EdgeTokException.Argument("the batch holds no series");
        if (series.Count > MaxBatchSize) throw EdgeTokException.Limit($"batch of {series.Count} series exceeds the limit of {MaxBatchSize}");
        var result = new KairosTokens[series.Count];
        for (int i = 0; i < result.Length; i++)
        {
            if (series[i] is null) throw new EdgeTokException(StatusCode.NullPointer, $"series {i} is null");
            ValidateSeries(series[i], i);
            result[i] = Tokenize(series[i]);
        }
        return result;
    }

    /// <summary>
    /// Forecasts several series: quantiles [B, Q, horizon]. By default each series is processed on its
    /// own (identical to <see cref="Forecast(ReadOnlySpan{float}, int, KairosForecastOptions?)"/>); <see cref="KairosBatchMode.ReferenceJoint"/> reproduces
    /// the reference's batched forward instead (equal lengths required; results depend on batch-mates).
    /// </summary>
    /// <remarks>
    /// In <see cref="KairosGateBiasMode.ReferenceDrift"/> mode one bias state runs through the whole call:
    /// in independent mode series 0 is forecast first (all its forwards), then series 1 continues from the
    /// drifted bias, and so on; in joint mode every forward updates it once with the counts of the whole batch.
    /// </remarks>
    /// <exception cref="EdgeTokException">As <see cref="Forecast(ReadOnlySpan{float}, int, KairosForecastOptions?)"/>, plus an empty batch or unequal lengths in joint mode.</exception>
    public KairosForecast ForecastBatch(IReadOnlyList<float[]> series, int horizon, KairosForecastOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        options ??= KairosForecastOptions.Default;
        if (series.Count == 0) throw EdgeTokException.Argument("the batch holds no series");
        if (series.Count > MaxBatchSize) throw EdgeTokException.Limit($"batch of {series.Count} series exceeds the limit of {MaxBatchSize}");
        if (horizon <= 0) throw EdgeTokException.Argument($"horizon must be at least 1, got {horizon}");
        if (horizon > MaxHorizon) throw EdgeTokException.Limit($"horizon {horizon} exceeds the limit of {MaxHorizon} steps");
        for (int i = 0; i < series.Count; i++)
        {
            if (series[i] is null) throw new EdgeTokException(StatusCode.NullPointer, $"series {i} is null");
            ValidateSeries(series[i], i);
        }
        bool joint = options.BatchMode == KairosBatchMode.ReferenceJoint && series.Count > 1;
        if (joint)
            for (int i = 1; i < series.Count; i++)
                if (series[i].Length != series[0].Length)
                    throw EdgeTokException.Argument($"joint batch mode needs equal-length rows (series 0 has {series[0].Length} points, series {i} has {series[i].Length}); left-pad with NaN as the reference does");

        var bias = StartBias(options.GateBias);
        bool drift = options.GateBiasMode == KairosGateBiasMode.ReferenceDrift;
        int q = Config.NumQuantiles;
        var result = new float[series.Count * q * horizon];
        if (joint)
        {
            var rows = series.Select(s => s).ToArray();
            Generate(rows, horizon, options, bias, drift, null).CopyTo(result, 0);
        }
        else
        {
            for (int i = 0; i < series.Count; i++)
                Generate([series[i]], horizon, options, bias, drift, null).CopyTo(result, i * q * horizon);
        }
        if (drift && options.GateBias is { } state) bias.CopyTo(state.Values, 0);
        return new KairosForecast(result, series.Count, Config.Quantiles, horizon);
    }

    // ---------------------------------------------------------------- internals (also the test hook)

    private float[] StartBias(KairosGateBias? gateBias)
    {
        if (gateBias is null) return (float[])_router.InitialBias.Clone();
        if (gateBias.Values.Length != Config.NumExperts)
            throw EdgeTokException.Argument($"gate bias has {gateBias.Values.Length} values, the model has {Config.NumExperts} experts");
        foreach (var v in gateBias.Values)
            if (!float.IsFinite(v)) throw EdgeTokException.Argument("gate bias holds a non-finite value");
        return (float[])gateBias.Values.Clone();
    }

    private static void ValidateSeries(ReadOnlySpan<float> s, int index)
    {
        if (s.IsEmpty) throw EdgeTokException.Argument($"series {index} is empty; at least one point (NaN allowed) is needed");
        for (int i = 0; i < s.Length; i++)
            if (float.IsInfinity(s[i])) throw EdgeTokException.Argument($"series {index} holds {s[i]} at index {i}; use NaN for missing values");
    }

    /// <summary>
    /// The reference <c>generate</c>: roll-out on x (and on −x with flip invariance), positivity clamp.
    /// Rows are forecast jointly (one batched forward per step). Returns [B, Q, horizon].
    /// </summary>
    internal float[] Generate(float[][] rows, int horizon, KairosForecastOptions options, float[] bias, bool drift, KairosTrace? trace)
    {
        int b = rows.Length, q = Config.NumQuantiles;
        var pos = Rollout(rows, horizon, bias, drift, trace);
        if (options.ForceFlipInvariance)
        {
            var neg = rows.Select(r => r.Select(v => -v).ToArray()).ToArray();
            var pneg = Rollout(neg, horizon, bias, drift, trace);
            for (int i = 0; i < b; i++)
                for (int k = 0; k < q; k++)
                    for (int t = 0; t < horizon; t++)
                    {
                        int o = (i * q + k) * horizon + t;
                        pos[o] = (pos[o] - pneg[(i * q + (q - 1 - k)) * horizon + t]) / 2f;
                    }
        }
        if (options.InferIsPositive)
        {
            for (int i = 0; i < b; i++)
            {
                bool positive = true;
                foreach (var v in rows[i]) if (v < 0f) { positive = false; break; }
                if (!positive) continue;
                var blk = pos.AsSpan(i * q * horizon, q * horizon);
                for (int j = 0; j < blk.Length; j++) if (blk[j] < 0f) blk[j] = 0f;
            }
        }
        if (options.SortQuantiles)
        {
            var col = new float[q];
            for (int i = 0; i < b; i++)
                for (int t = 0; t < horizon; t++)
                {
                    for (int k = 0; k < q; k++) col[k] = pos[(i * q + k) * horizon + t];
                    Array.Sort(col);
                    for (int k = 0; k < q; k++) pos[(i * q + k) * horizon + t] = col[k];
                }
        }
        return pos;
    }

    private float[] Rollout(float[][] rows, int horizon, float[] bias, bool drift, KairosTrace? trace)
    {
        var c = Config;
        int b = rows.Length, q = c.NumQuantiles, step = c.StepsPerForward, med = c.MedianIndex;
        int steps = (horizon + step - 1) / step;
        // Rows are replaced by longer ones as the roll-out grows, never written, so the caller's arrays are used as they are
        // (Prepare truncates to the context itself).
        var ctx = (float[][])rows.Clone();
        var result = new float[b * q * horizon];
        for (int s = 0; s < steps; s++)
        {
            var outp = Forward(ctx, bias, drift, trace); // [B, Q, step]
            int take = Math.Min(step, horizon - s * step);
            for (int i = 0; i < b; i++)
                for (int k = 0; k < q; k++)
                    outp.AsSpan((i * q + k) * step, take).CopyTo(result.AsSpan((i * q + k) * horizon + s * step, take));
            if (s + 1 == steps) break;
            for (int i = 0; i < b; i++)
            {
                // Feed back the de-normalised median of the whole chunk; older points beyond the context are never read again.
                var grown = new float[ctx[i].Length + step];
                ctx[i].CopyTo(grown, 0);
                outp.AsSpan((i * q + med) * step, step).CopyTo(grown.AsSpan(ctx[i].Length));
                ctx[i] = grown.Length > c.ContextLength ? grown[^c.ContextLength..] : grown;
            }
        }
        return result;
    }

    /// <summary>Front end of one series (no transformer).</summary>
    internal sealed class Prepared
    {
        public float[] Context = [], Normalized = [], Amplitude = [], Features = [];
        public float Loc, Scale;
        public int NumPatches;
        public float[] PatchValues = [], PatchObserved = [];
        public float[] Probs = [], TopWeights = [];
        public int[] TopIndices = [];
        public float[] Counts = [];
        public int NumTokens;
        public int[] TokenPatch = [], TokenOffset = [], TokenSizes = [];
        public float[] Embeddings = [], Mask = [];
        public float[]? XFinal;
        public float[] LevelWeight = [];
        public int[] Finest = [];
    }

    internal Prepared Prepare(ReadOnlySpan<float> series, ReadOnlySpan<float> bias, bool wantXFinal) =>
        Prepare(series, bias, wantXFinal, new Prepared());

    /// <summary>
    /// The front end into <paramref name="p"/>, reusing its arrays where the lengths match (a per-thread
    /// workspace's state) and allocating exact-length ones otherwise; every array starts zeroed as if new.
    /// </summary>
    internal Prepared Prepare(ReadOnlySpan<float> series, ReadOnlySpan<float> bias, bool wantXFinal, Prepared p)
    {
        var c = Config;
        var x = series.Length > c.ContextLength ? series[^c.ContextLength..] : series;
        int len = x.Length;
        p.Context = Reuse(p.Context, len);
        x.CopyTo(p.Context);
        p.Normalized = Reuse(p.Normalized, len);
        (p.Loc, p.Scale) = InstanceNormalizer.Normalize(x, p.Normalized);
        p.Amplitude = Reuse(p.Amplitude, _spectral.Bins);
        p.Features = Reuse(p.Features, _spectral.Bins);
        _spectral.Compute(p.Normalized, p.Amplitude, p.Features);

        int P = c.InputPatchSize, E = c.NumExperts, K = c.NumActivatedExperts, L = c.Levels;
        int np = (len + P - 1) / P;
        int pad = np * P - len;
        p.NumPatches = np;
        p.PatchValues = Reuse(p.PatchValues, np * P);
        p.PatchObserved = Reuse(p.PatchObserved, np * P);
        p.PatchValues.AsSpan(0, pad).Fill(float.NaN);
        for (int i = 0; i < len; i++)
        {
            float z = p.Normalized[i];
            p.PatchValues[pad + i] = z;
            p.PatchObserved[pad + i] = float.IsNaN(z) ? 0f : 1f;
        }

        p.Probs = Reuse(p.Probs, np * E);
        p.TopIndices = Reuse(p.TopIndices, np * K);
        p.TopWeights = Reuse(p.TopWeights, np * K);
        p.Counts = Reuse(p.Counts, E);
        var levelWeight = p.LevelWeight = Reuse(p.LevelWeight, np * L);
        var finest = p.Finest = Reuse(p.Finest, np);
        int n = 0;
        for (int j = 0; j < np; j++)
        {
            _router.Route(p.PatchValues.AsSpan(j * P, P), bias, p.Probs.AsSpan(j * E, E), p.TopIndices.AsSpan(j * K, K), p.TopWeights.AsSpan(j * K, K));
            float realSum = 0f;
            int f = 0;
            for (int k = 0; k < K; k++)
            {
                int e = p.TopIndices[j * K + k];
                float w = p.TopWeights[j * K + k];
                p.Counts[e] += w;
                if (e < L) { realSum += w; f = Math.Max(f, e); }
            }
            // Renormalised over the real experts only (null weight is dropped, not used as shrinkage).
            for (int k = 0; k < K; k++)
            {
                int e = p.TopIndices[j * K + k];
                if (e < L) levelWeight[j * L + e] = p.TopWeights[j * K + k] / realSum;
            }
            finest[j] = f;
            n += 1 << f;
        }

        p.NumTokens = n;
        p.TokenPatch = Reuse(p.TokenPatch, n);
        p.TokenOffset = Reuse(p.TokenOffset, n);
        p.TokenSizes = Reuse(p.TokenSizes, n);
        p.Mask = Reuse(p.Mask, n);
        int t = 0;
        for (int j = 0; j < np; j++)
        {
            int size = P >> finest[j];
            for (int o = 0; o < P; o += size, t++)
            {
                p.TokenPatch[t] = j;
                p.TokenOffset[t] = o;
                p.TokenSizes[t] = size;
                bool any = false;
                for (int i = 0; i < size; i++) if (p.PatchObserved[j * P + o + i] != 0f) { any = true; break; }
                p.Mask[t] = any ? 1f : 0f;
            }
        }
        p.Embeddings = Reuse(p.Embeddings, n * c.DModel);
        p.XFinal = wantXFinal ? new float[L * n * 2 * P] : null;
        _embedding.Embed(p.PatchValues, p.PatchObserved, p.TokenPatch, p.TokenOffset, levelWeight, p.Embeddings, null, 0, p.XFinal, n);
        return p;
    }

    // An exact-length zeroed array: the old one cleared when its length fits, a new one otherwise.
    private static T[] Reuse<T>(T[] current, int length) where T : struct
    {
        if (current.Length != length) return new T[length];
        Array.Clear(current);
        return current;
    }

    /// <summary>
    /// One batched forward of the reference: rows are tokenized independently, right-padded to the
    /// longest token count, [REG] appended, encoder + decoder + head. Returns de-normalised quantiles
    /// [B, Q, S·PL]. Updates <paramref name="bias"/> afterwards when <paramref name="drift"/> is set.
    /// </summary>
    internal float[] Forward(float[][] rows, float[] bias, bool drift, KairosTrace? trace)
    {
        var c = Config;
        int B = rows.Length, d = c.DModel, half = c.DKv / 2, S = c.NumDecoderSegments;
        bool tracing = trace is { Frozen: false };
        // A traced forward gets fresh exact-size arrays (the trace keeps references); otherwise this thread's buffers.
        var ws = trace is null ? KairosWorkspace.Current : new KairosWorkspace(exact: true);
        var biasBefore = tracing ? (float[])bias.Clone() : bias;
        var prep = B == 1 ? ws.PreparedBatch1 : new Prepared[B];
        int nMax = 0;
        for (int b = 0; b < B; b++)
        {
            prep[b] = Prepare(rows[b], bias, tracing, ws.Prepared(b));
            nMax = Math.Max(nMax, prep[b].NumTokens);
        }
        int lenc = nMax + (c.UseRegToken ? 1 : 0);

        // Encoder input: tokens, padding rows (= output bias, mask 0), then [REG] at N_max.
        var x = ws.Floats(KairosWorkspace.Slot.X, B * lenc * d);
        var encMask = ws.Floats(KairosWorkspace.Slot.EncMask, B * lenc);
        for (int b = 0; b < B; b++)
        {
            var p = prep[b];
            p.Embeddings.CopyTo(x.AsSpan(b * lenc * d));
            for (int t = p.NumTokens; t < nMax; t++) _embedding.OutputBias.CopyTo(x.AsSpan((b * lenc + t) * d, d));
            p.Mask.CopyTo(encMask.AsSpan(b * lenc));
            if (c.UseRegToken)
            {
                _shared.AsSpan(c.RegTokenId * d, d).CopyTo(x.AsSpan((b * lenc + nMax) * d, d));
                encMask[b * lenc + nMax] = 1f;
            }
        }
        if (tracing) TraceFrontEnd(trace!, prep, biasBefore, nMax, lenc, x, encMask);

        // Per-module, per-series RoPE tables covering both the encoder length and the S decoder positions.
        int positions = Math.Max(lenc, S);
        var (ropeCos, ropeSin) = ws.RopeTables(_ropeModules.Length, B, positions * half);
        for (int mi = 0; mi < _ropeModules.Length; mi++)
        {
            var m = _ropeModules[mi];
            var cs = ropeCos[mi]; var sn = ropeSin[mi];
            var gAll = ws.Floats(KairosWorkspace.Slot.Gamma, B * half);
            var bAll = ws.Floats(KairosWorkspace.Slot.Beta, B * half);
            var wAll = ws.Floats(KairosWorkspace.Slot.Omega, B * half);
            for (int b = 0; b < B; b++)
            {
                m.Rope!.Frequencies(prep[b].Features, gAll.AsSpan(b * half, half), bAll.AsSpan(b * half, half), wAll.AsSpan(b * half, half));
                AdaptiveRope.Tables(wAll.AsSpan(b * half, half), positions, cs[b], sn[b]);
            }
            if (tracing)
            {
                trace!.Add(m.Name + ".rotary_emb.gamma", gAll, B, half);
                trace.Add(m.Name + ".rotary_emb.beta", bAll, B, half);
                trace.Add(m.Name + ".rotary_emb.scaled_freqs", wAll, B, half);
                if (m == _encoder[0].SelfAttention)
                {
                    var tc = new float[B * lenc * half]; var ts = new float[B * lenc * half];
                    for (int b = 0; b < B; b++) { cs[b].AsSpan(0, lenc * half).CopyTo(tc.AsSpan(b * lenc * half)); sn[b].AsSpan(0, lenc * half).CopyTo(ts.AsSpan(b * lenc * half)); }
                    trace.Add("rope.enc0.cos", tc, B, lenc, half);
                    trace.Add("rope.enc0.sin", ts, B, lenc, half);
                }
            }
        }

        int maxLen = Math.Max(lenc, S);
        var scratch = ws.Attention(B, maxLen, c.NumHeads, c.DKv);
        var normed = ws.Floats(KairosWorkspace.Slot.Normed, B * maxLen * d);
        var ffHidden = ws.Floats(KairosWorkspace.Slot.FfHidden, B * maxLen * c.DFf);
        float[][] RopeOf(float[][][] tables, T5Attention m) => tables[Array.IndexOf(_ropeModules, m)];
        KairosTrace? qkTrace(T5Block blk, T5Attention m, T5Block first) => tracing && blk == first ? trace : null;

        // Encoder (pre-norm T5).
        int re = B * lenc;
        foreach (var blk in _encoder)
        {
            RmsNorm.Apply(x, blk.SelfNorm, c.LayerNormEpsilon, normed, re, d);
            blk.SelfAttention.Forward(normed, lenc, normed, lenc, B, encMask, causal: false, flipKeys: false,
                RopeOf(ropeCos, blk.SelfAttention), RopeOf(ropeSin, blk.SelfAttention), x, scratch, qkTrace(blk, blk.SelfAttention, _encoder[0]));
            RmsNorm.Apply(x, blk.FeedForwardNorm, c.LayerNormEpsilon, normed, re, d);
            blk.FeedForward.Forward(normed, x, re, ffHidden);
        }
        var enc = ws.Floats(KairosWorkspace.Slot.Enc, re * d);
        RmsNorm.Apply(x, _encoderFinalNorm, c.LayerNormEpsilon, enc, re, d);
        if (tracing) trace!.Add("enc.last_hidden", enc, B, lenc, d);

        // Decoder: S identical forecast tokens, causal self-attention, cross-attention to the encoder.
        int rd = B * S;
        var y = ws.Floats(KairosWorkspace.Slot.Y, rd * d);
        for (int i = 0; i < rd; i++) _shared.AsSpan(c.DecoderStartTokenId * d, d).CopyTo(y.AsSpan(i * d, d));
        var decMask = ws.Floats(KairosWorkspace.Slot.DecMask, rd);
        decMask.AsSpan(0, rd).Fill(1f);
        foreach (var blk in _decoder)
        {
            RmsNorm.Apply(y, blk.SelfNorm, c.LayerNormEpsilon, normed, rd, d);
            blk.SelfAttention.Forward(normed, S, normed, S, B, decMask, causal: true, flipKeys: false,
                RopeOf(ropeCos, blk.SelfAttention), RopeOf(ropeSin, blk.SelfAttention), y, scratch, qkTrace(blk, blk.SelfAttention, _decoder[0]));
            var cross = blk.CrossAttention!;
            RmsNorm.Apply(y, blk.CrossNorm!, c.LayerNormEpsilon, normed, rd, d);
            bool rot = cross.Rope is not null;
            cross.Forward(normed, S, enc, lenc, B, encMask, causal: false, flipKeys: rot && c.CrossAttentionPeFlip,
                rot ? RopeOf(ropeCos, cross) : null, rot ? RopeOf(ropeSin, cross) : null, y, scratch, qkTrace(blk, cross, _decoder[0]));
            RmsNorm.Apply(y, blk.FeedForwardNorm, c.LayerNormEpsilon, normed, rd, d);
            blk.FeedForward.Forward(normed, y, rd, ffHidden);
        }
        var dec = ws.Floats(KairosWorkspace.Slot.Dec, rd * d);
        RmsNorm.Apply(y, _decoderFinalNorm, c.LayerNormEpsilon, dec, rd, d);
        if (tracing) trace!.Add("dec.last_hidden", dec, B, S, d);

        // Quantile head, [B, S, Q·PL] → [B, Q, S·PL], de-normalised.
        int qpl = _head.OutFeatures, Q = c.NumQuantiles, PL = c.PredictionLength;
        var raw = ws.Floats(KairosWorkspace.Slot.Raw, rd * qpl);
        _head.Forward(dec, raw, rd);
        if (tracing) trace!.Add("head.raw", raw, B, S, qpl);
        var outp = ws.Floats(KairosWorkspace.Slot.Out, B * Q * S * PL);
        for (int b = 0; b < B; b++)
        {
            float loc = prep[b].Loc, scale = prep[b].Scale;
            for (int s = 0; s < S; s++)
                for (int k = 0; k < Q; k++)
                    for (int t = 0; t < PL; t++)
                        outp[(b * Q + k) * S * PL + s * PL + t] = raw[(b * S + s) * qpl + k * PL + t] * scale + loc;
        }
        if (tracing) trace!.Add("forward.prediction_outputs", outp, B, Q, S * PL);

        if (drift)
        {
            Span<float> counts = stackalloc float[c.NumExperts];
            counts.Clear();
            foreach (var p in prep)
                for (int e = 0; e < counts.Length; e++) counts[e] += p.Counts[e];
            GranularityRouter.UpdateBias(bias, counts, c);
        }
        if (tracing)
        {
            var after = (float[])biasBefore.Clone();
            var counts = new float[c.NumExperts];
            foreach (var p in prep)
                for (int e = 0; e < counts.Length; e++) counts[e] += p.Counts[e];
            GranularityRouter.UpdateBias(after, counts, c);
            trace!.Add("gate.bias_after_forward", after, c.NumExperts);
            trace.Frozen = true;
        }
        return outp;
    }

    private void TraceFrontEnd(KairosTrace tr, Prepared[] prep, float[] biasBefore, int nMax, int lenc, float[] x, float[] encMask)
    {
        var c = Config;
        int B = prep.Length, P = c.InputPatchSize, E = c.NumExperts, K = c.NumActivatedExperts, L = c.Levels, F = _spectral.Bins, d = c.DModel;
        int len = prep[0].Context.Length, np = prep[0].NumPatches;
        float[] Cat(Func<Prepared, float[]> f) => prep.SelectMany(f).ToArray();
        tr.Add("norm.context_in", Cat(p => p.Context), B, len);
        tr.Add("norm.loc", prep.Select(p => p.Loc).ToArray(), B, 1);
        tr.Add("norm.scale", prep.Select(p => p.Scale).ToArray(), B, 1);
        tr.Add("norm.normalized", Cat(p => p.Normalized), B, len);
        tr.Add("fft.amplitude_features", Cat(p => p.Amplitude), B, F);
        tr.Add("fft.s_features", Cat(p => p.Features), B, F);
        tr.Add("gate.input", Cat(p => p.PatchValues), B * np, P);
        tr.Add("gate.bias_before", biasBefore, E);
        tr.Add("gate.probs", Cat(p => p.Probs), B * np, E);
        tr.Add("gate.topk_indices", prep.SelectMany(p => p.TopIndices.Select(i => (float)i)).ToArray(), B * np, K);
        tr.Add("gate.topk_weights", Cat(p => p.TopWeights), B * np, K);

        var sizes = new float[B * nMax];
        var px = new float[B * nMax * P];
        var pm = new float[B * nMax * P];
        var ei = new float[B * nMax * K];
        var ew = new float[B * nMax * K];
        // The reference's x_final has max(K, levels) slots indexed by expert id; null-expert slots stay zero.
        int slots = Math.Max(K, L);
        var xf = new float[slots * B * nMax * 2 * P];
        var emb = new float[B * nMax * d];
        for (int b = 0; b < B; b++)
        {
            var p = prep[b];
            for (int t = 0; t < p.NumTokens; t++)
            {
                int row = b * nMax + t, size = p.TokenSizes[t], src = p.TokenPatch[t] * P + p.TokenOffset[t];
                sizes[row] = size;
                p.PatchValues.AsSpan(src, size).CopyTo(px.AsSpan(row * P));
                p.PatchObserved.AsSpan(src, size).CopyTo(pm.AsSpan(row * P));
                for (int k = 0; k < K; k++)
                {
                    ei[row * K + k] = p.TopIndices[p.TokenPatch[t] * K + k];
                    ew[row * K + k] = p.TopWeights[p.TokenPatch[t] * K + k];
                }
                for (int g = 0; g < L; g++)
                    p.XFinal!.AsSpan((g * p.NumTokens + t) * 2 * P, 2 * P).CopyTo(xf.AsSpan((g * B * nMax + row) * 2 * P));
                // Slots of chosen null experts (id < K) hold a P>>id view in the reference too; the model never uses them.
                for (int g = L; g < slots; g++)
                {
                    int gs = P >> g;
                    bool chosen = false;
                    for (int k = 0; k < K; k++) chosen |= p.TopIndices[p.TokenPatch[t] * K + k] == g;
                    if (!chosen || gs == 0) continue;
                    int start = p.TokenPatch[t] * P + p.TokenOffset[t] / gs * gs;
                    var dst = xf.AsSpan((g * B * nMax + row) * 2 * P, 2 * P);
                    for (int j = 0; j < gs; j++)
                    {
                        float v = p.PatchValues[start + j];
                        dst[j] = float.IsNaN(v) ? 0f : v;
                        dst[P + j] = p.PatchObserved[start + j];
                    }
                }
            }
            x.AsSpan(b * lenc * d, nMax * d).CopyTo(emb.AsSpan(b * nMax * d));
        }
        tr.Add("patch.token_size", sizes, B, nMax);
        tr.Add("patch.patched_x", px, B, nMax, P);
        tr.Add("patch.patched_mask", pm, B, nMax, P);
        tr.Add("patch.token_expert_indices", ei, B, nMax, K);
        tr.Add("patch.token_expert_weights", ew, B, nMax, K);
        tr.Add("patch.x_final", xf, slots, B * nMax, 2 * P);
        tr.Add("emb.input_embeds", emb, B, nMax, d);
        tr.Add("enc.attention_mask_with_reg", encMask, B, lenc);
    }
}
