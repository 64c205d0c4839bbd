using System.Globalization;
using System.Text.Json;

namespace EdgeTok.TimeSeries.Kairos;

/// <summary>
/// The hyper-parameters of a Kairos checkpoint, read from its Hugging Face <c>config.json</c>.
/// Every value that sizes a tensor or changes the computation comes from here; keys that are
/// missing take the reference defaults, keys the computation does not support are rejected with
/// <see cref="StatusCode.Unsupported"/>. Framework-only keys (dropout, cache flags, ...) are ignored.
/// </summary>
public sealed class KairosConfig
{
    /// <summary>Model width (<c>d_model</c>).</summary>
    public int DModel { get; private init; }
    /// <summary>Per-head width (<c>d_kv</c>); num_heads·d_kv may differ from d_model.</summary>
    public int DKv { get; private init; }
    /// <summary>Feed-forward width (<c>d_ff</c>), also the hidden width of the patch-embedding MLPs.</summary>
    public int DFf { get; private init; }
    /// <summary>Attention heads (<c>num_heads</c>).</summary>
    public int NumHeads { get; private init; }
    /// <summary>Encoder blocks (<c>num_layers</c>).</summary>
    public int NumLayers { get; private init; }
    /// <summary>Decoder blocks (<c>num_decoder_layers</c>, defaults to <see cref="NumLayers"/>).</summary>
    public int NumDecoderLayers { get; private init; }
    /// <summary>RMSNorm epsilon (<c>layer_norm_epsilon</c>, default 1e-6).</summary>
    public float LayerNormEpsilon { get; private init; }
    /// <summary>Activation of the FFNs and patch MLPs (<c>dense_act_fn</c>); only "relu" is supported.</summary>
    public string DenseActFn { get; private init; } = "relu";
    /// <summary>Coarse patch length P (<c>input_patch_size</c> = <c>input_patch_stride</c>).</summary>
    public int InputPatchSize { get; private init; }
    /// <summary>Number of real granularities (<c>levels</c>): sizes P, P/2, ..., P/2^(levels−1).</summary>
    public int Levels { get; private init; }
    /// <summary>Experts chosen per coarse patch (<c>n_activated_experts</c>, K ≥ levels).</summary>
    public int NumActivatedExperts { get; private init; }
    /// <summary>Null experts appended after the real ones (<c>n_null_experts</c>).</summary>
    public int NumNullExperts { get; private init; }
    /// <summary>Total router experts E = levels + null experts.</summary>
    public int NumExperts => Levels + NumNullExperts;
    /// <summary>Target expert distribution of the reference bias update (<c>target_dist</c>, length E).</summary>
    public IReadOnlyList<float> TargetDist { get; private init; } = [];
    /// <summary>Step size of the reference bias update (<c>update_bias_rate</c>, default 0.001).</summary>
    public float UpdateBiasRate { get; private init; }
    /// <summary>Multiplier of the top-K weights (<c>route_scale</c>); cancels in the renormalisation.</summary>
    public float RouteScale { get; private init; }
    /// <summary>Whether a [REG] token is appended to the encoder input (<c>use_reg_token</c>).</summary>
    public bool UseRegToken { get; private init; }
    /// <summary>Row of <c>shared.weight</c> used as the [REG] embedding (<c>reg_token_id</c>).</summary>
    public int RegTokenId { get; private init; }
    /// <summary>Rows of <c>shared.weight</c> (<c>vocab_size</c>).</summary>
    public int VocabSize { get; private init; }
    /// <summary>Row of <c>shared.weight</c> used for every decoder forecast token (<c>decoder_start_token_id</c>).</summary>
    public int DecoderStartTokenId { get; private init; }
    /// <summary>Forecast tokens per forward S (<c>num_decoder_segments</c>).</summary>
    public int NumDecoderSegments { get; private init; }
    /// <summary>Steps per forecast token (<c>prediction_length</c>).</summary>
    public int PredictionLength { get; private init; }
    /// <summary>Quantile levels of the head (<c>quantiles</c>).</summary>
    public IReadOnlyList<float> Quantiles { get; private init; } = [];
    /// <summary>Longest context the model reads (<c>context_length</c>); longer inputs keep their last points.</summary>
    public int ContextLength { get; private init; }
    /// <summary>Number of spectral bins fed to every RoPE net (<c>instance_rope_input_feature_dim</c>).</summary>
    public int InstanceRopeInputFeatureDim { get; private init; }
    /// <summary>Whether cross-attention is rotated too (<c>is_cross_attention_pe</c>, default true).</summary>
    public bool IsCrossAttentionPe { get; private init; }
    /// <summary>Whether cross-attention keys are time-reversed before rotation (<c>cross_attention_pe_flip</c>).</summary>
    public bool CrossAttentionPeFlip { get; private init; }
    /// <summary>RoPE base-frequency init (<c>rope_init</c>); used only when <c>log_freqs</c> is absent from the weights.</summary>
    public string RopeInit { get; private init; } = "exp";
    /// <summary><c>min_period</c> as written in the file (only "original_rope_init" can rebuild <c>log_freqs</c>).</summary>
    public string MinPeriod { get; private init; } = "original_rope_init";
    /// <summary><c>max_period</c> as written in the file (only "original_rope_init" can rebuild <c>log_freqs</c>).</summary>
    public string MaxPeriod { get; private init; } = "original_rope_init";

    /// <summary>Number of quantile levels Q.</summary>
    public int NumQuantiles => Quantiles.Count;
    /// <summary>num_heads · d_kv, the width of the q/k/v projections.</summary>
    public int InnerDim => NumHeads * DKv;
    /// <summary>Steps produced by one forward: S · prediction_length.</summary>
    public int StepsPerForward => NumDecoderSegments * PredictionLength;
    /// <summary>Index of the quantile nearest 0.5 (fed back in the roll-out).</summary>
    public int MedianIndex
    {
        get
        {
            int best = 0;
            for (int i = 1; i < Quantiles.Count; i++)
                if (Math.Abs(Quantiles[i] - 0.5f) < Math.Abs(Quantiles[best] - 0.5f)) best = i;
            return best;
        }
    }
    /// <summary>Length of the token of granularity <paramref name="level"/>: P / 2^level.</summary>
    public int GranularitySize(int level) => InputPatchSize >> level;

    private KairosConfig() { }

    /// <summary>Reads and validates a <c>config.json</c> file.</summary>
    /// <exception cref="EdgeTokException">Missing file, malformed JSON or an unsupported value.</exception>
    public static KairosConfig Load(string path)
    {
        if (!File.Exists(path)) throw EdgeTokException.NotFound($"Kairos config not found: {path}");
        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>Parses and validates the bytes of a <c>config.json</c>; <paramref name="source"/> names it in messages.</summary>
    /// <exception cref="EdgeTokException">Malformed JSON (<see cref="StatusCode.InvalidFormat"/>) or an unsupported value (<see cref="StatusCode.Unsupported"/>).</exception>
    public static KairosConfig Parse(ReadOnlySpan<byte> json, string source = "config.json")
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 16, CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }); }
        catch (JsonException e) { throw EdgeTokException.Format($"{source}: not valid JSON: {e.Message}"); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw EdgeTokException.Format($"{source}: the root must be a JSON object");
            // System.Text.Json parses a lone surrogate escape ("\ud800") or a number beyond double's
            // range without complaint and only throws when the value is read: those are malformed files.
            try { return FromJson(new Reader(doc.RootElement, source)); }
            catch (Exception e) when (e is InvalidOperationException or FormatException)
            {
                throw EdgeTokException.Format($"{source}: a value cannot be read: {e.Message}");
            }
        }
    }

    private static KairosConfig FromJson(Reader r)
    {
        string src = r.Source;
        int dModel = r.Int("d_model", 512, min: 1);
        int dKv = r.Int("d_kv", 64, min: 2);
        if (dKv % 2 != 0) throw Unsupported(src, "d_kv", dKv, "RoPE rotates pairs, so d_kv must be even");
        int numLayers = r.Int("num_layers", 6, min: 1);

        // T5Config derives dense_act_fn / is_gated_act from feed_forward_proj; honour either spelling.
        string ffp = r.String("feed_forward_proj", "relu");
        bool gated = ffp.StartsWith("gated-", StringComparison.Ordinal) || r.Bool("is_gated_act", false);
        if (gated) throw Unsupported(src, "feed_forward_proj", ffp, "gated FFNs (wi_0/wi_1) are not part of Kairos; only \"relu\" is supported");
        string act = r.String("dense_act_fn", ffp);
        if (act != "relu") throw Unsupported(src, "dense_act_fn", act, "only \"relu\" is supported");

        string pet = r.String("position_embedding_type", "instance_wise_rope");
        if (pet != "instance_wise_rope") throw Unsupported(src, "position_embedding_type", pet, "only \"instance_wise_rope\" is supported");

        int patch = r.Int("input_patch_size", 128, min: 1);
        int stride = r.Int("input_patch_stride", patch, min: 1);
        if (stride != patch) throw Unsupported(src, "input_patch_stride", stride, $"must equal input_patch_size ({patch}): overlapping or gapped coarse patches are not supported");
        int levels = r.Int("levels", 3, min: 1, max: 16);
        if ((patch >> (levels - 1)) << (levels - 1) != patch || (patch >> (levels - 1)) == 0)
            throw Unsupported(src, "levels", levels, $"input_patch_size {patch} must be divisible by 2^(levels-1) = {1 << (levels - 1)}");
        int nNull = r.Int("n_null_experts", 2, min: 0, max: 64);
        int e = levels + nNull;
        int k = r.Int("n_activated_experts", 3, min: 1);
        if (k < levels) throw Unsupported(src, "n_activated_experts", k, $"the reference only runs with n_activated_experts >= levels ({levels}); smaller K raises IndexError there");
        if (k > e) throw Unsupported(src, "n_activated_experts", k, $"cannot exceed levels + n_null_experts = {e}");

        var target = r.FloatArray("target_dist");
        if (target is null) throw Unsupported(src, "target_dist", "null", "the reference forward fails without a target distribution; give one value per expert");
        if (target.Length != e) throw Unsupported(src, "target_dist", $"{target.Length} values", $"needs exactly levels + n_null_experts = {e} values");

        var quantiles = r.FloatArray("quantiles") ?? [0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 0.9f];
        if (quantiles.Length == 0) throw Unsupported(src, "quantiles", "[]", "at least one quantile level is needed");
        foreach (var q in quantiles)
            if (!(q > 0f && q < 1f)) throw Unsupported(src, "quantiles", q, "every level must lie strictly between 0 and 1");

        bool useReg = r.Bool("use_reg_token", true);
        int vocab = r.Int("vocab_size", useReg ? 2 : 1, min: 1, max: 1 << 20);
        int regId = r.Int("reg_token_id", 1, min: 0);
        int startId = r.Int("decoder_start_token_id", -1, min: -1);
        if (startId < 0) throw Unsupported(src, "decoder_start_token_id", "null", "the decoder input row must be set (the reference fails without it)");
        if (startId >= vocab) throw Unsupported(src, "decoder_start_token_id", startId, $"must be a row of shared.weight (vocab_size {vocab})");
        if (useReg && regId >= vocab) throw Unsupported(src, "reg_token_id", regId, $"must be a row of shared.weight (vocab_size {vocab})");
        int segments = r.Int("num_decoder_segments", 2, min: 1, max: 1024);
        if (r.Bool("diff_decoder_token_id", false))
            throw Unsupported(src, "diff_decoder_token_id", "true", "per-segment decoder token ids are not supported (the reference indexes past shared.weight with S >= 2)");

        int featDim = r.Int("instance_rope_input_feature_dim", 128, min: 1, max: 1 << 16);
        string ropeInit = r.String("rope_init", "exp");
        string minP = r.String("min_period", "original_rope_init");
        string maxP = r.String("max_period", "original_rope_init");

        float eps = r.Float("layer_norm_epsilon", 1e-6f);
        if (!(eps > 0f)) throw Unsupported(src, "layer_norm_epsilon", eps, "must be positive");
        float rate = r.Float("update_bias_rate", 0.001f);
        if (!float.IsFinite(rate)) throw Unsupported(src, "update_bias_rate", rate, "must be finite");
        float routeScale = r.Float("route_scale", 1f);
        if (!(routeScale > 0f) || !float.IsFinite(routeScale)) throw Unsupported(src, "route_scale", routeScale, "must be positive and finite");

        return new KairosConfig
        {
            DModel = dModel,
            DKv = dKv,
            DFf = r.Int("d_ff", 2048, min: 1),
            NumHeads = r.Int("num_heads", 8, min: 1),
            NumLayers = numLayers,
            NumDecoderLayers = r.Int("num_decoder_layers", numLayers, min: 1),
            LayerNormEpsilon = eps,
            DenseActFn = act,
            InputPatchSize = patch,
            Levels = levels,
            NumActivatedExperts = k,
            NumNullExperts = nNull,
            TargetDist = target,
            UpdateBiasRate = rate,
            RouteScale = routeScale,
            UseRegToken = useReg,
            RegTokenId = regId,
            VocabSize = vocab,
            DecoderStartTokenId = startId,
            NumDecoderSegments = segments,
            PredictionLength = r.Int("prediction_length", 64, min: 1, max: 1 << 16),
            Quantiles = quantiles,
            ContextLength = r.Int("context_length", 2048, min: 1, max: 1 << 20),
            InstanceRopeInputFeatureDim = featDim,
            IsCrossAttentionPe = r.Bool("is_cross_attention_pe", true),
            CrossAttentionPeFlip = r.Bool("cross_attention_pe_flip", false),
            RopeInit = ropeInit,
            MinPeriod = minP,
            MaxPeriod = maxP,
        };
    }

    private static EdgeTokException Unsupported(string src, string key, object value, string why) =>
        EdgeTokException.Unsupported($"{src}: {key} = {Convert.ToString(value, CultureInfo.InvariantCulture)} is not supported: {why}");

    // Typed access with the reference defaults; a null value counts as "absent" (HF writes null for unset keys).
    private readonly struct Reader(JsonElement root, string source)
    {
        public string Source => source;

        private bool TryGet(string key, out JsonElement v) =>
            root.TryGetProperty(key, out v) && v.ValueKind != JsonValueKind.Null;

        private EdgeTokException Bad(string key, JsonElement v, string expected) =>
            EdgeTokException.Format($"{source}: {key} must be {expected}, found {v.GetRawText()}");

        public int Int(string key, int def, int min = int.MinValue, int max = int.MaxValue)
        {
            if (!TryGet(key, out var v)) return def;
            if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out int x)) throw Bad(key, v, "an integer");
            if (x < min || x > max)
                throw EdgeTokException.Unsupported($"{source}: {key} = {x} is out of the supported range [{min}, {max}]");
            return x;
        }

        public float Float(string key, float def)
        {
            if (!TryGet(key, out var v)) return def;
            if (v.ValueKind != JsonValueKind.Number) throw Bad(key, v, "a number");
            return (float)v.GetDouble();
        }

        public bool Bool(string key, bool def)
        {
            if (!TryGet(key, out var v)) return def;
            return v.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw Bad(key, v, "true or false"),
            };
        }

        public string String(string key, string def)
        {
            if (!TryGet(key, out var v)) return def;
            if (v.ValueKind != JsonValueKind.String) throw Bad(key, v, "a string");
            return v.GetString()!;
        }

        public float[]? FloatArray(string key)
        {
            if (!TryGet(key, out var v)) return null;
            if (v.ValueKind != JsonValueKind.Array) throw Bad(key, v, "an array of numbers");
            var a = new float[v.GetArrayLength()];
            int i = 0;
            foreach (var x in v.EnumerateArray())
            {
                if (x.ValueKind != JsonValueKind.Number) throw Bad(key, v, "an array of numbers");
                a[i++] = (float)x.GetDouble();
            }
            return a;
        }
    }
}
