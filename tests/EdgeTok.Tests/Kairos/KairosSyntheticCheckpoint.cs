using System.Globalization;
using EdgeTok.IO.SafeTensors;

namespace EdgeTok.Tests.Kairos;

/// <summary>
/// Builds a Kairos checkpoint of any shape from deterministic random weights: the full tensor list of
/// kairos-spec.md Appendix A for the given sizes, plus a matching config.json. Tests mutate the entry
/// list (drop, add, reshape) to check the loader's errors.
/// </summary>
internal sealed class KairosSyntheticCheckpoint
{
    public int DModel = 256, NumHeads = 4, DKv = 64, DFf = 1024, Layers = 4, DecoderLayers = 4;
    public int Patch = 128, Levels = 3, Null = 2, K = 3, FeatDim = 128, Segments = 2, PredLen = 64, Quantiles = 9;
    public Dictionary<string, string> ConfigOverrides { get; } = new();

    public static KairosSyntheticCheckpoint Size23m() => new() { DModel = 384, NumHeads = 8, DKv = 64, DFf = 1536, Layers = 4, DecoderLayers = 4 };
    public static KairosSyntheticCheckpoint Size50m() => new() { DModel = 512, NumHeads = 8, DKv = 64, DFf = 2048, Layers = 6, DecoderLayers = 6 };
    public static KairosSyntheticCheckpoint Tiny() => new() { DModel = 24, NumHeads = 2, DKv = 8, DFf = 40, Layers = 1, DecoderLayers = 2, Patch = 16, FeatDim = 12, PredLen = 4, Segments = 3 };

    public List<(string Name, long[] Shape)> Tensors()
    {
        int hd = NumHeads * DKv, e = Levels + Null;
        var t = new List<(string, long[])>
        {
            ("shared.weight", [2, DModel]),
            ("fft_norm.weight", [FeatDim]), ("fft_norm.bias", [FeatDim]),
            ("patch.moe.gate.weight", [e, Patch]), ("patch.moe.gate.bias", [e]),
            ("input_patch_embedding.hidden_layer.weight", [Levels, DFf, 2 * Patch]), ("input_patch_embedding.hidden_layer.bias", [Levels, DFf]),
            ("input_patch_embedding.residual_layer.weight", [Levels, DModel, 2 * Patch]), ("input_patch_embedding.residual_layer.bias", [Levels, DModel]),
            ("input_patch_embedding.output_layer.weight", [DModel, DFf]), ("input_patch_embedding.output_layer.bias", [DModel]),
            ("output_patch_embedding.hidden_layer.weight", [DFf, DModel]), ("output_patch_embedding.hidden_layer.bias", [DFf]),
            ("output_patch_embedding.output_layer.weight", [Quantiles * PredLen, DFf]), ("output_patch_embedding.output_layer.bias", [Quantiles * PredLen]),
            ("output_patch_embedding.residual_layer.weight", [Quantiles * PredLen, DModel]), ("output_patch_embedding.residual_layer.bias", [Quantiles * PredLen]),
            ("encoder.final_layer_norm.weight", [DModel]), ("decoder.final_layer_norm.weight", [DModel]),
        };
        void Attn(string p)
        {
            foreach (var x in new[] { "q", "k", "v" }) t.Add(($"{p}.{x}.weight", [hd, DModel]));
            t.Add(($"{p}.o.weight", [DModel, hd]));
            string r = p + ".rotary_emb.";
            t.Add((r + "log_freqs", [DKv / 2]));
            t.Add((r + "instance_wise_param_net.mlp.0.weight", [128, FeatDim])); t.Add((r + "instance_wise_param_net.mlp.0.bias", [128]));
            t.Add((r + "instance_wise_param_net.mlp.2.weight", [64, 128])); t.Add((r + "instance_wise_param_net.mlp.2.bias", [64]));
            t.Add((r + "instance_wise_param_net.mlp.4.weight", [DKv, 64])); t.Add((r + "instance_wise_param_net.mlp.4.bias", [DKv]));
        }
        void Ffn(string p)
        {
            t.Add(($"{p}.DenseReluDense.wi.weight", [DFf, DModel]));
            t.Add(($"{p}.DenseReluDense.wo.weight", [DModel, DFf]));
            t.Add(($"{p}.layer_norm.weight", [DModel]));
        }
        for (int i = 0; i < Layers; i++)
        {
            Attn($"encoder.block.{i}.layer.0.SelfAttention");
            t.Add(($"encoder.block.{i}.layer.0.layer_norm.weight", [DModel]));
            Ffn($"encoder.block.{i}.layer.1");
        }
        for (int i = 0; i < DecoderLayers; i++)
        {
            Attn($"decoder.block.{i}.layer.0.SelfAttention");
            t.Add(($"decoder.block.{i}.layer.0.layer_norm.weight", [DModel]));
            Attn($"decoder.block.{i}.layer.1.EncDecAttention");
            t.Add(($"decoder.block.{i}.layer.1.layer_norm.weight", [DModel]));
            Ffn($"decoder.block.{i}.layer.2");
        }
        return t;
    }

    public string ConfigJson()
    {
        var q = string.Join(", ", Enumerable.Range(1, Quantiles).Select(i => (i / (double)(Quantiles + 1)).ToString("R", CultureInfo.InvariantCulture)));
        var td = string.Join(", ", Enumerable.Repeat((1.0 / (Levels + Null)).ToString("R", CultureInfo.InvariantCulture), Levels + Null));
        var kv = new Dictionary<string, string>
        {
            ["d_model"] = $"{DModel}", ["num_heads"] = $"{NumHeads}", ["d_kv"] = $"{DKv}", ["d_ff"] = $"{DFf}",
            ["num_layers"] = $"{Layers}", ["num_decoder_layers"] = $"{DecoderLayers}", ["dense_act_fn"] = "\"relu\"", ["feed_forward_proj"] = "\"relu\"",
            ["is_gated_act"] = "false", ["layer_norm_epsilon"] = "1e-06", ["input_patch_size"] = $"{Patch}", ["input_patch_stride"] = $"{Patch}",
            ["levels"] = $"{Levels}", ["n_activated_experts"] = $"{K}", ["n_null_experts"] = $"{Null}", ["target_dist"] = $"[{td}]",
            ["update_bias_rate"] = "0.001", ["route_scale"] = "1.0", ["use_reg_token"] = "true", ["reg_token_id"] = "1", ["vocab_size"] = "2",
            ["decoder_start_token_id"] = "0", ["num_decoder_segments"] = $"{Segments}", ["diff_decoder_token_id"] = "false",
            ["prediction_length"] = $"{PredLen}", ["quantiles"] = $"[{q}]", ["context_length"] = "2048", ["instance_rope_input_feature_dim"] = $"{FeatDim}",
            ["position_embedding_type"] = "\"instance_wise_rope\"", ["is_cross_attention_pe"] = "true", ["cross_attention_pe_flip"] = "false",
            ["rope_init"] = "\"exp\"", ["min_period"] = "\"original_rope_init\"", ["max_period"] = "\"original_rope_init\"", ["scale_method"] = "\"log\"",
            ["dropout_rate"] = "0.1", ["use_cache"] = "false", ["is_encoder_decoder"] = "true",
        };
        foreach (var o in ConfigOverrides) kv[o.Key] = o.Value;
        return "{\n" + string.Join(",\n", kv.Select(p => $"  \"{p.Key}\": {p.Value}")) + "\n}\n";
    }

    /// <summary>Deterministic small random weights (uniform ±1/√fan_in; norms near 1; standard RoPE log_freqs).</summary>
    public static float[] Weights(string name, long[] shape, ref ulong rng)
    {
        long n = 1;
        foreach (var d in shape) n *= d;
        var w = new float[n];
        if (name.EndsWith("log_freqs", StringComparison.Ordinal))
        {
            for (int j = 0; j < n; j++) w[j] = (float)(-2.0 * j / (2 * n) * Math.Log(10000));
            return w;
        }
        bool norm = name.Contains("layer_norm", StringComparison.Ordinal) || name == "fft_norm.weight";
        double scale = norm ? 0.1 : 1.0 / Math.Sqrt(shape[^1]);
        for (long i = 0; i < n; i++)
        {
            rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
            double u = (rng >> 11) * (1.0 / (1UL << 53)) * 2 - 1;
            w[i] = (float)((norm ? 1.0 : 0.0) + u * scale);
        }
        return w;
    }

    /// <summary>Writes config.json and model.safetensors into a new temp folder; <paramref name="edit"/> may alter the tensor list.</summary>
    public string Write(Action<List<SafeTensorsWriter.Entry>>? edit = null)
    {
        var dir = TestPaths.TempDir();
        File.WriteAllText(Path.Combine(dir, "config.json"), ConfigJson());
        ulong rng = 0x9E3779B97F4A7C15UL;
        var entries = Tensors().Select(t => SafeTensorsWriter.Float32(t.Name, Weights(t.Name, t.Shape, ref rng), t.Shape)).ToList();
        edit?.Invoke(entries);
        SafeTensorsWriter.Write(Path.Combine(dir, "model.safetensors"), entries);
        return dir;
    }
}
