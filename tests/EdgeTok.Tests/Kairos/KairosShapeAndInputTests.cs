using EdgeTok.IO.SafeTensors;
using EdgeTok.TimeSeries.Kairos;

namespace EdgeTok.Tests.Kairos;

/// <summary>Other model sizes from random weights, checkpoint validation and bad input.</summary>
public sealed class KairosShapeAndInputTests(KairosGoldenFixture fx) : IClassFixture<KairosGoldenFixture>
{
    private static float[] Sine(int n, double period = 24, double offset = 10) =>
        Enumerable.Range(0, n).Select(i => (float)(offset + Math.Sin(2 * Math.PI * i / period) + 0.1 * Math.Cos(i * 0.37))).ToArray();

    [Theory]
    [InlineData("23m", 23_000_965L, 187)]
    [InlineData("50m", 50_128_965L, 271)]
    public void Published_sizes_load_and_forecast_from_random_weights(string size, long parameters, int tensors)
    {
        var ck = size == "23m" ? KairosSyntheticCheckpoint.Size23m() : KairosSyntheticCheckpoint.Size50m();
        var list = ck.Tensors();
        Assert.Equal(tensors, list.Count);
        Assert.Equal(parameters, list.Sum(t => t.Shape.Aggregate(1L, (a, b) => a * b)));
        var dir = ck.Write();
        try
        {
            var model = KairosModel.Load(dir);
            Assert.Equal(ck.DModel, model.Config.DModel);
            Assert.Equal(ck.NumHeads * ck.DKv, model.Config.InnerDim);
            var x = Sine(700);
            var tokens = model.Tokenize(x);
            Assert.Equal(tokens.Count * ck.DModel, tokens.Embeddings.Length);
            Assert.Equal(tokens.Count + 1, tokens.AttentionMask.Length);
            Assert.Equal(ck.Layers + 2 * ck.DecoderLayers, tokens.Rope.Count);
            Assert.Equal(700, tokens.TokenSizes.Sum() - (128 - 700 % 128));
            var f = model.Forecast(x, 150);
            Assert.Equal([1, 9, 150], f.Shape);
            Assert.All(f.Values, v => Assert.True(float.IsFinite(v)));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Odd_shapes_are_read_from_the_config_not_constants()
    {
        // d_model 24, 2 heads × d_kv 8 (inner 16 ≠ d_model), patch 16, 3 forecast tokens of 4 steps, 1 encoder / 2 decoder layers.
        var ck = KairosSyntheticCheckpoint.Tiny();
        var dir = ck.Write();
        try
        {
            var model = KairosModel.Load(dir);
            Assert.Equal(12, model.Config.StepsPerForward);
            var x = Sine(100, 8);
            var t = model.Tokenize(x);
            Assert.All(t.TokenSizes, s => Assert.Contains(s, new[] { 16, 8, 4 }));
            Assert.Equal(112, t.TokenSizes.Sum()); // 100 points left-padded to 7 patches of 16
            Assert.Equal(4, t.Rope[0].HalfDim);
            var f = model.Forecast(x, 30, new KairosForecastOptions { ForceFlipInvariance = true, GateBiasMode = KairosGateBiasMode.ReferenceDrift });
            Assert.Equal([1, 9, 30], f.Shape);
            Assert.All(f.Values, v => Assert.True(float.IsFinite(v)));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Checkpoint_without_persistent_buffers_rebuilds_them()
    {
        // log_freqs are rebuilt as standard RoPE (what the synthetic checkpoint stores), the gate bias as zeros.
        var ck = KairosSyntheticCheckpoint.Tiny();
        var full = ck.Write();
        var bare = ck.Write(l => l.RemoveAll(e => e.Name.EndsWith("log_freqs", StringComparison.Ordinal) || e.Name == "patch.moe.gate.bias"));
        try
        {
            var a = KairosModel.Load(full);
            var b = KairosModel.Load(bare);
            Assert.All(b.CheckpointGateBias, v => Assert.Equal(0f, v));
            var x = Sine(200, 8);
            var fa = a.Forecast(x, 24).Values;
            var fb = b.Forecast(x, 24, new KairosForecastOptions { GateBias = new KairosGateBias(a.CheckpointGateBias) }).Values;
            var (_, rel) = KairosGolden.Compare(fb, fa);
            Assert.True(rel < 1e-5, $"rel {rel}");
        }
        finally { Directory.Delete(full, true); Directory.Delete(bare, true); }
    }

    private static EdgeTokException LoadFails(KairosSyntheticCheckpoint ck, Action<List<SafeTensorsWriter.Entry>>? edit = null)
    {
        var dir = ck.Write(edit);
        try { return Assert.Throws<EdgeTokException>(() => KairosModel.Load(dir)); }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Missing_tensor_is_named()
    {
        const string name = "decoder.block.1.layer.1.EncDecAttention.v.weight";
        var e = LoadFails(KairosSyntheticCheckpoint.Tiny(), l => l.RemoveAll(x => x.Name == name));
        Assert.Equal(StatusCode.InvalidFormat, e.Status);
        Assert.Contains(name, e.Message);
    }

    [Fact]
    public void Extra_tensor_is_named()
    {
        var e = LoadFails(KairosSyntheticCheckpoint.Tiny(), l => l.Add(SafeTensorsWriter.Float32("encoder.block.7.layer.0.SelfAttention.q.weight", new float[4], 2, 2)));
        Assert.Equal(StatusCode.InvalidFormat, e.Status);
        Assert.Contains("unexpected tensor 'encoder.block.7.layer.0.SelfAttention.q.weight'", e.Message);
    }

    [Fact]
    public void Misshaped_tensor_names_both_shapes()
    {
        const string name = "encoder.block.0.layer.1.DenseReluDense.wi.weight";
        var e = LoadFails(KairosSyntheticCheckpoint.Tiny(), l =>
        {
            int i = l.FindIndex(x => x.Name == name);
            l[i] = SafeTensorsWriter.Float32(name, new float[24 * 41], 41, 24);
        });
        Assert.Equal(StatusCode.InvalidFormat, e.Status);
        Assert.Contains(name, e.Message);
        Assert.Contains("[41, 24]", e.Message);
        Assert.Contains("[40, 24]", e.Message);
    }

    [Fact]
    public void Checkpoint_of_another_size_is_rejected()
    {
        // 10m config with 23m-shaped tensors: the first mismatch is reported with both shapes.
        var ck = KairosSyntheticCheckpoint.Tiny();
        ck.ConfigOverrides["d_model"] = "32";
        var e = LoadFails(ck);
        Assert.Equal(StatusCode.InvalidFormat, e.Status);
        Assert.Contains("expected [2, 32]", e.Message);
    }

    [Theory]
    [InlineData("dense_act_fn", "\"gelu\"", "dense_act_fn")]
    [InlineData("feed_forward_proj", "\"gated-gelu\"", "feed_forward_proj")]
    [InlineData("n_activated_experts", "2", "n_activated_experts >= levels")]
    [InlineData("n_activated_experts", "6", "cannot exceed")]
    [InlineData("position_embedding_type", "\"relative\"", "position_embedding_type")]
    [InlineData("diff_decoder_token_id", "true", "diff_decoder_token_id")]
    [InlineData("target_dist", "null", "target_dist")]
    [InlineData("target_dist", "[0.5, 0.5]", "target_dist")]
    [InlineData("input_patch_stride", "8", "input_patch_stride")]
    [InlineData("levels", "6", "divisible")]
    [InlineData("d_kv", "7", "even")]
    [InlineData("decoder_start_token_id", "null", "decoder_start_token_id")]
    [InlineData("quantiles", "[0.5, 1.5]", "quantiles")]
    public void Unsupported_config_values_are_rejected_with_the_key(string key, string value, string expected)
    {
        var ck = KairosSyntheticCheckpoint.Tiny();
        ck.ConfigOverrides[key] = value;
        var dir = TestPaths.TempDir();
        try
        {
            File.WriteAllText(Path.Combine(dir, "config.json"), ck.ConfigJson());
            var e = Assert.Throws<EdgeTokException>(() => KairosConfig.Load(Path.Combine(dir, "config.json")));
            Assert.Equal(StatusCode.Unsupported, e.Status);
            Assert.Contains(expected, e.Message);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Malformed_or_missing_config_is_reported()
    {
        Assert.Equal(StatusCode.InvalidFormat, Assert.Throws<EdgeTokException>(() => KairosConfig.Parse("{\"d_model\": "u8.ToArray())).Status);
        Assert.Equal(StatusCode.InvalidFormat, Assert.Throws<EdgeTokException>(() => KairosConfig.Parse("{\"d_model\": \"big\"}"u8.ToArray())).Status);
        Assert.Equal(StatusCode.NotFound, Assert.Throws<EdgeTokException>(() => KairosModel.Load("/nonexistent/kairos")).Status);
        Assert.Equal(StatusCode.NotFound, Assert.Throws<EdgeTokException>(() => KairosModel.Load(TestPaths.TempDir())).Status);
    }

    [Fact]
    public void Golden_config_is_read_completely()
    {
        var c = fx.Model(null).Config;
        Assert.Equal((256, 64, 1024, 4, 4, 4), (c.DModel, c.DKv, c.DFf, c.NumHeads, c.NumLayers, c.NumDecoderLayers));
        Assert.Equal((128, 3, 3, 2, 5), (c.InputPatchSize, c.Levels, c.NumActivatedExperts, c.NumNullExperts, c.NumExperts));
        Assert.Equal((2, 64, 2048, 128, 4), (c.NumDecoderSegments, c.PredictionLength, c.ContextLength, c.InstanceRopeInputFeatureDim, c.MedianIndex));
        Assert.True(c.UseRegToken && c.IsCrossAttentionPe && !c.CrossAttentionPeFlip);
        Assert.Equal(1e-6f, c.LayerNormEpsilon);
        Assert.Equal(0.001f, c.UpdateBiasRate);
        Assert.Equal(9, c.NumQuantiles);
        Assert.True(fx.Model("xflip").Config.CrossAttentionPeFlip);
        Assert.False(fx.Model("noxpe").Config.IsCrossAttentionPe);
        Assert.Equal(4, fx.Model("k4null2").Config.NumActivatedExperts);
    }

    [Fact]
    public void Bad_series_and_horizons_are_rejected()
    {
        var m = fx.Model(null);
        var x = Sine(300);
        Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<EdgeTokException>(() => m.Forecast([], 10)).Status);
        Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<EdgeTokException>(() => m.Tokenize([])).Status);
        var inf = (float[])x.Clone(); inf[17] = float.PositiveInfinity;
        var e = Assert.Throws<EdgeTokException>(() => m.Forecast(inf, 10));
        Assert.Equal(StatusCode.InvalidArgument, e.Status);
        Assert.Contains("index 17", e.Message);
        inf[17] = float.NegativeInfinity;
        Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<EdgeTokException>(() => m.Tokenize(inf)).Status);
        Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<EdgeTokException>(() => m.Forecast(x, 0)).Status);
        Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<EdgeTokException>(() => m.Forecast(x, -5)).Status);
        Assert.Equal(StatusCode.LimitExceeded, Assert.Throws<EdgeTokException>(() => m.Forecast(x, KairosModel.MaxHorizon + 1)).Status);
        Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<EdgeTokException>(() => m.ForecastBatch([], 10)).Status);
        Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<EdgeTokException>(() =>
            m.ForecastBatch([x, Sine(200)], 10, new KairosForecastOptions { BatchMode = KairosBatchMode.ReferenceJoint })).Status);
        Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<EdgeTokException>(() =>
            m.Forecast(x, 10, new KairosForecastOptions { GateBias = new KairosGateBias(new float[3]) })).Status);
    }

    [Fact]
    public void Span_and_batch_overloads_agree_with_the_single_calls()
    {
        var m = fx.Model(null);
        var x = Sine(500);
        var y = Sine(300, 12, -3);
        Assert.Equal(9 * 40, m.ForecastLength(40));
        var dst = new float[9 * 40 + 3];
        Assert.Equal(9 * 40, m.Forecast(x, 40, dst));
        Assert.Equal(m.Forecast(x, 40).Values, dst[..(9 * 40)]);
        Assert.Equal(StatusCode.BufferTooSmall, Assert.Throws<EdgeTokException>(() => m.Forecast(x, 40, new float[10])).Status);
        var tb = m.TokenizeBatch([x, y]);
        Assert.Equal(m.Tokenize(y).Embeddings, tb[1].Embeddings);
        Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<EdgeTokException>(() => m.TokenizeBatch([])).Status);
    }

    [Fact]
    public void All_nan_series_runs_from_the_reg_token_alone_as_the_reference_does()
    {
        var m = fx.Model(null);
        var x = Enumerable.Repeat(float.NaN, 300).ToArray();
        var t = m.Tokenize(x);
        Assert.Equal(0f, t.Loc);
        Assert.Equal(1f, t.Scale);
        Assert.All(t.AttentionMask[..^1], b => Assert.Equal(0, b));
        Assert.Equal(1, t.AttentionMask[^1]);
        var f = m.Forecast(x, 64);
        Assert.All(f.Values, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void Context_longer_than_the_model_keeps_the_last_points()
    {
        var m = fx.Model(null);
        var x = Sine(3000, 37);
        var tail = x[^2048..];
        Assert.Equal(m.Forecast(tail, 200).Values, m.Forecast(x, 200).Values);
        var t = m.Tokenize(x);
        Assert.Equal(2048, t.TokenSizes.Sum());
        // One point is enough (left-padded to one patch).
        var one = m.Forecast([3f], 5);
        Assert.All(one.Values, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void Model_is_safe_to_share_between_threads()
    {
        var m = fx.Model(null);
        var x = Sine(1000, 24);
        var expected = m.Forecast(x, 96, new KairosForecastOptions { GateBiasMode = KairosGateBiasMode.ReferenceDrift, ForceFlipInvariance = true }).Values;
        var results = new float[4][];
        Parallel.For(0, 4, i => results[i] = m.Forecast(x, 96, new KairosForecastOptions { GateBiasMode = KairosGateBiasMode.ReferenceDrift, ForceFlipInvariance = true }).Values);
        Assert.All(results, r => Assert.Equal(expected, r));
    }
}
