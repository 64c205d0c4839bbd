using EdgeTok.TimeSeries.Binning;
using static EdgeTok.Tests.Binning.BinsTestHelpers;

namespace EdgeTok.Tests.Binning;

public class MeanScaleUniformBinsTests
{
    private static readonly MeanScaleUniformBins Bins = new();

    // Id of a scaled value of exactly 0, 1 and 2 under the default bins, worked out by hand:
    // step = 30/4092; 0 is center 2046, 1.0 is nearest center round(16/step) = 2182 (2182.4),
    // 2.0 is nearest center round(17/step) = 2319 (2318.8); id = center index + 3.
    private const int IdZero = 2049, IdOne = 2185, IdTwo = 2322;

    [Fact]
    public void Default_config_is_the_published_one()
    {
        var c = MeanScaleUniformBinsConfig.Default;
        Assert.Equal(4096, c.TokenCount);
        Assert.Equal(2, c.SpecialTokenCount);
        Assert.Equal(0, c.PadTokenId);
        Assert.Equal(1, c.EosTokenId);
        Assert.Equal(-15f, c.LowLimit);
        Assert.Equal(15f, c.HighLimit);
        Assert.Equal(512, c.ContextLength);
        Assert.True(c.AppendEos);
        Assert.Equal(4093, c.CenterCount);
        Assert.Same(c, Bins.Config);
    }

    [Fact]
    public void Centers_are_4093_uniform_values_from_minus_15_to_15()
    {
        var c = Bins.Centers;
        Assert.Equal(4093, c.Length);
        Assert.Equal(-15f, c[0]);
        Assert.Equal(15f, c[^1]);
        double step = 30.0 / 4092;
        for (int i = 0; i < c.Length; i++)
        {
            Assert.True(Math.Abs(c[i] - (-15 + step * i)) < 2e-6, $"center {i} = {c[i]}");
            if (i > 0) Assert.True(c[i] > c[i - 1], $"centers not increasing at {i}");
        }
        // torch's formula makes the two halves exact mirrors of each other.
        for (int i = 0; i < c.Length; i++) Assert.Equal(-c[i], c[c.Length - 1 - i]);
        Assert.True(Math.Abs(c[2046]) < 1e-6);
    }

    [Fact]
    public void Boundaries_are_outer_limits_and_float32_midpoints()
    {
        var b = Bins.Boundaries;
        var c = Bins.Centers;
        Assert.Equal(4094, b.Length);
        Assert.Equal(-1e20f, b[0]);
        Assert.Equal(1e20f, b[^1]);
        for (int i = 1; i < b.Length - 1; i++)
        {
            Assert.Equal((c[i - 1] + c[i]) / 2f, b[i]);
            Assert.True(b[i] > b[i - 1]);
        }
    }

    [Fact]
    public void Centers_round_trip_through_ids_exactly()
    {
        var (ids, mask) = EncodeLabels(Bins, Bins.Centers, 1f);
        for (int i = 0; i < Bins.Centers.Length; i++)
        {
            Assert.Equal(i + 3, ids[i]);
            Assert.Equal(1, mask[i]);
        }
        var back = new float[Bins.Centers.Length];
        Bins.Decode(ids.AsSpan(0, back.Length), 1f, back);
        Assert.Equal(Bins.Centers.ToArray(), back);
    }

    [Fact]
    public void Values_exactly_on_a_boundary_go_to_the_upper_bucket()
    {
        // bucketize(right=True): b[k-1] <= x < b[k] is bucket k, so x == b[k] belongs to bucket k+1.
        var b = Bins.Boundaries;
        var on = b[1..^1].ToArray();
        var below = on.Select(MathF.BitDecrement).ToArray();
        var (idsOn, _) = EncodeLabels(Bins, on, 1f);
        var (idsBelow, _) = EncodeLabels(Bins, below, 1f);
        for (int i = 0; i < on.Length; i++)
        {
            int k = i + 1;
            Assert.Equal(k + 1 + 2, idsOn[i]);
            Assert.Equal(k + 2, idsBelow[i]);
        }
        // The outer boundaries themselves: -1e20 is bucket 1 (id 3), +1e20 is bucket 4094, clamped to 4095.
        var (outer, _) = EncodeLabels(Bins, [-1e20f, 1e20f], 1f);
        Assert.Equal([3, 4095, 1], outer);
    }

    [Fact]
    public void Boundary_values_through_encode_with_an_exact_scale()
    {
        // A context whose mean |x| is exactly 1: [b, 2 - b] with 1 < b < 2 (2 - b is exact in float32),
        // so the scaled first value is exactly the boundary b and must take the upper bucket.
        float b = Bins.Boundaries[2200];   // ≈ 1.13
        var (ids, _, scale) = Encode(Bins, [b, 2f - b]);
        Assert.Equal(1f, scale);
        Assert.Equal(2200 + 1 + 2, ids[0]);
    }

    [Fact]
    public void All_nan_series_is_all_pad_with_mask_zero_and_scale_one()
    {
        var series = Enumerable.Repeat(float.NaN, 7).ToArray();
        var (ids, mask, scale) = Encode(Bins, series);
        Assert.Equal(1f, scale);
        Assert.Equal([0, 0, 0, 0, 0, 0, 0, 1], ids);
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 0, 0, 1 }, mask);
    }

    [Fact]
    public void All_zero_series_has_scale_one_and_the_zero_id()
    {
        var (ids, mask, scale) = Encode(Bins, new float[5]);
        Assert.Equal(1f, scale);
        Assert.Equal([IdZero, IdZero, IdZero, IdZero, IdZero, 1], ids);
        Assert.All(mask, m => Assert.Equal(1, m));
        // -0.0 behaves as 0.
        var (idsNeg, _, scaleNeg) = Encode(Bins, [-0f, 0f]);
        Assert.Equal(1f, scaleNeg);
        Assert.Equal([IdZero, IdZero, 1], idsNeg);
    }

    [Theory]
    [InlineData(7.5f)]
    [InlineData(1e-30f)]
    [InlineData(123456.789f)]
    [InlineData(-4f)]
    public void Constant_series_scales_to_plus_or_minus_one(float value)
    {
        var series = Enumerable.Repeat(value, 10).ToArray();
        var (ids, mask, scale) = Encode(Bins, series);
        Assert.Equal(MathF.Abs(value), scale);
        int expected = value > 0 ? IdOne : 4098 - IdOne;
        Assert.All(ids[..^1], id => Assert.Equal(expected, id));
        Assert.Equal(1, ids[^1]);
        Assert.All(mask, m => Assert.Equal(1, m));
        var decoded = new float[10];
        Bins.Decode(ids.AsSpan(0, 10), scale, decoded);
        Assert.All(decoded, d => Assert.Equal(value, d, Math.Abs(value) * 0.004f));
    }

    [Fact]
    public void Negative_series_mirrors_the_positive_one()
    {
        var rng = new Random(3);
        var pos = Enumerable.Range(0, 300).Select(_ => (float)(rng.NextDouble() * 50 + 0.01)).ToArray();
        var neg = pos.Select(x => -x).ToArray();
        var (idsPos, _, scalePos) = Encode(Bins, pos);
        var (idsNeg, _, scaleNeg) = Encode(Bins, neg);
        Assert.Equal(scalePos, scaleNeg);
        for (int i = 0; i < pos.Length; i++)
        {
            Assert.True(idsNeg[i] < IdZero, $"negative value {neg[i]} got id {idsNeg[i]}");
            Assert.Equal(4098 - idsPos[i], idsNeg[i]);
        }
        var decoded = new float[pos.Length];
        Bins.Decode(idsNeg.AsSpan(0, pos.Length), scaleNeg, decoded);
        Assert.All(decoded, d => Assert.True(d < 0));
    }

    [Fact]
    public void Huge_values_stay_in_range_and_reach_the_extreme_real_ids()
    {
        // One spike among 19 zeros: x/scale = ±20, beyond ±15, so the last / first real bucket.
        var spike = new float[20];
        spike[0] = 1e30f;
        var (ids, _, scale) = Encode(Bins, spike);
        Assert.Equal(1e30f / 20f, scale);
        Assert.Equal(4095, ids[0]);
        Assert.Equal(IdZero, ids[1]);
        spike[0] = -1e30f;
        (ids, _, _) = Encode(Bins, spike);
        Assert.Equal(3, ids[0]);
        // float32 extremes whose Σ|x| still fits.
        var (idsMax, _, scaleMax) = Encode(Bins, [float.MaxValue / 2, -float.MaxValue / 2]);
        Assert.Equal(float.MaxValue / 2, scaleMax);
        Assert.Equal([4098 - IdOne, IdOne], [idsMax[1], idsMax[0]]);
        // Tiny (subnormal) magnitudes give a positive scale too.
        var (idsTiny, _, scaleTiny) = Encode(Bins, [float.Epsilon, -float.Epsilon]);
        Assert.Equal(float.Epsilon, scaleTiny);
        Assert.Equal([IdOne, 4098 - IdOne, 1], idsTiny);
    }

    [Fact]
    public void Labels_beyond_the_outer_boundaries_clamp_to_the_vocabulary()
    {
        // With a borrowed scale the ratio is unbounded: above 1e20 the bucket index is 4094 and the
        // id 4096 is clamped to 4095; below -1e20 the bucket is 0, giving id 2 (a reference quirk).
        var (ids, mask) = EncodeLabels(Bins, [1e25f, float.MaxValue, -1e25f, -float.MaxValue, 14.999f, 14.99f], 1f);
        Assert.Equal([4095, 4095, 2, 2, 4095, 4094, 1], ids);
        Assert.All(mask, m => Assert.Equal(1, m));
        Assert.All(ids, id => Assert.InRange(id, 0, 4095));
    }

    [Fact]
    public void Encode_never_produces_id_two()
    {
        var rng = new Random(11);
        for (int trial = 0; trial < 200; trial++)
        {
            int n = rng.Next(1, 700);
            var s = new float[n];
            for (int i = 0; i < n; i++)
            {
                double u = rng.NextDouble();
                s[i] = u < 0.05 ? float.NaN
                     : u < 0.10 ? (float)(-rng.NextDouble() * 1e30)
                     : u < 0.15 ? (float)(rng.NextDouble() * 1e30)
                     : (float)((rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-20, 20)));
            }
            var (ids, mask, _) = Encode(Bins, s);
            for (int i = 0; i < ids.Length - 1; i++)
            {
                if (mask[i] == 0) Assert.Equal(0, ids[i]);
                else Assert.InRange(ids[i], 3, 4095);
            }
        }
        // The most negative ratio a context can have: one value against n−1 zeros gives −n.
        var worst = new float[512];
        worst[^1] = -1f;
        Assert.Equal(3, Encode(Bins, worst).Ids[511]);
    }

    [Fact]
    public void Length_zero_gives_only_eos()
    {
        Assert.Equal(1, Bins.GetTokenCount(0));
        var (ids, mask, scale) = Encode(Bins, ReadOnlySpan<float>.Empty);
        Assert.Equal(1f, scale);
        Assert.Equal([1], ids);
        Assert.Equal(new byte[] { 1 }, mask);

        var noEos = new MeanScaleUniformBins(new MeanScaleUniformBinsConfig { AppendEos = false });
        Assert.Equal(0, noEos.GetTokenCount(0));
        Assert.Equal(1f, noEos.Encode(ReadOnlySpan<float>.Empty, Span<int>.Empty, Span<byte>.Empty));
    }

    [Fact]
    public void Length_one_series()
    {
        Assert.Equal(2, Bins.GetTokenCount(1));
        var (ids, mask, scale) = Encode(Bins, [5f]);
        Assert.Equal(5f, scale);
        Assert.Equal([IdOne, 1], ids);
        Assert.Equal(new byte[] { 1, 1 }, mask);

        (ids, mask, scale) = Encode(Bins, [-3f]);
        Assert.Equal(3f, scale);
        Assert.Equal([4098 - IdOne, 1], ids);

        (ids, mask, scale) = Encode(Bins, [float.NaN]);
        Assert.Equal(1f, scale);
        Assert.Equal([0, 1], ids);
        Assert.Equal(new byte[] { 0, 1 }, mask);
    }

    [Fact]
    public void Longer_than_context_keeps_the_last_values_only()
    {
        var rng = new Random(5);
        var tail = Enumerable.Range(0, 512).Select(_ => (float)(rng.NextDouble() * 10 - 3)).ToArray();
        var series = new float[600];
        for (int i = 0; i < 88; i++) series[i] = i % 3 == 0 ? float.PositiveInfinity : 1e9f;   // dropped
        tail.CopyTo(series, 88);

        Assert.Equal(513, Bins.GetTokenCount(600));
        var (ids, mask, scale) = Encode(Bins, series);
        var (idsTail, maskTail, scaleTail) = Encode(Bins, tail);
        Assert.Equal(513, ids.Length);
        Assert.Equal(scaleTail, scale);
        Assert.Equal(idsTail, ids);
        Assert.Equal(maskTail, mask);

        // An Inf inside the kept window is reported with its index in the whole series.
        series[88] = float.NegativeInfinity;
        var ex = Assert.Throws<EdgeTokException>(() => Encode(Bins, series));
        Assert.Equal(StatusCode.InvalidArgument, ex.Status);
        Assert.Contains("series[88]", ex.Message);

        // A small context length truncates too.
        var small = new MeanScaleUniformBins(new MeanScaleUniformBinsConfig { ContextLength = 3 });
        var (idsSmall, _, scaleSmall) = Encode(small, [100f, 1f, 2f, 3f]);
        Assert.Equal(2f, scaleSmall);
        Assert.Equal(4, idsSmall.Length);
        Assert.Equal(IdOne, idsSmall[1]);
    }

    [Fact]
    public void Missing_values_eos_and_mask_layout()
    {
        var (ids, mask, scale) = Encode(Bins, [float.NaN, 2f, float.NaN, -4f, 6f, float.NaN]);
        Assert.Equal(4f, scale);   // (2 + 4 + 6) / 3
        Assert.Equal(new byte[] { 0, 1, 0, 1, 1, 0, 1 }, mask);
        Assert.Equal(0, ids[0]);
        Assert.Equal(0, ids[2]);
        Assert.Equal(0, ids[5]);
        Assert.Equal(4098 - IdOne, ids[3]);
        Assert.Equal(1, ids[6]);

        // Custom pad/EOS ids, and no EOS.
        var custom = new MeanScaleUniformBins(new MeanScaleUniformBinsConfig { PadTokenId = 5, EosTokenId = 7 });
        var (idsC, maskC, _) = Encode(custom, [float.NaN, 1f]);
        Assert.Equal([5, IdOne, 7], idsC);
        Assert.Equal(new byte[] { 0, 1, 1 }, maskC);
        var noEos = new MeanScaleUniformBins(new MeanScaleUniformBinsConfig { AppendEos = false });
        var (idsN, maskN, _) = Encode(noEos, [float.NaN, 1f]);
        Assert.Equal([0, IdOne], idsN);
        Assert.Equal(new byte[] { 0, 1 }, maskN);
        Assert.Equal(2, noEos.GetLabelTokenCount(2));
    }

    [Fact]
    public void Outputs_longer_than_needed_are_untouched_past_the_count()
    {
        var ids = Enumerable.Repeat(-9, 6).ToArray();
        var mask = Enumerable.Repeat((byte)9, 6).ToArray();
        Bins.Encode([1f, 1f], ids, mask);
        Assert.Equal([IdOne, IdOne, 1, -9, -9, -9], ids);
        Assert.Equal(new byte[] { 1, 1, 1, 9, 9, 9 }, mask);
    }

    [Fact]
    public void Labels_reuse_the_context_scale()
    {
        var (_, _, scale) = Encode(Bins, [1f, 2f, 3f, 4f]);
        Assert.Equal(2.5f, scale);
        var future = new[] { 2.5f, 5f, float.NaN, -2.5f };
        var (ids, mask) = EncodeLabels(Bins, future, scale);
        Assert.Equal([IdOne, IdTwo, 0, 4098 - IdOne, 1], ids);
        Assert.Equal(new byte[] { 1, 1, 0, 1, 1 }, mask);
        // Encoding the same window as a context would use its own scale (10/3) and other ids.
        var (own, _, ownScale) = Encode(Bins, future);
        Assert.Equal(10f / 3f, ownScale);
        Assert.NotEqual(ids[1], own[1]);
        // Labels are not truncated to the context length.
        var longFuture = Enumerable.Repeat(2.5f, 600).ToArray();
        Assert.Equal(601, Bins.GetLabelTokenCount(600));
        var (longIds, _) = EncodeLabels(Bins, longFuture, scale);
        Assert.Equal(601, longIds.Length);
        Assert.All(longIds[..^1], id => Assert.Equal(IdOne, id));
    }

    [Fact]
    public void Decode_is_center_of_clamped_index_times_scale()
    {
        var c = Bins.Centers;
        int[] ids = [0, 1, 2, 3, 4, IdZero, IdOne, 4094, 4095, 4096, -5, int.MinValue, int.MaxValue];
        var values = new float[ids.Length];
        const float scale = 2.5f;
        Bins.Decode(ids, scale, values);
        float[] expected =
        [
            c[0] * scale, c[0] * scale, c[0] * scale, c[0] * scale, c[1] * scale, c[2046] * scale, c[2182] * scale,
            c[4091] * scale, c[4092] * scale, c[4092] * scale, c[0] * scale, c[0] * scale, c[4092] * scale,
        ];
        Assert.Equal(expected, values);
        Assert.Equal(-37.5f, values[0]);
        Assert.Equal(37.5f, values[8]);
        // Decoding the encoded ids lands within half a bin (15/4092 · scale) of the input.
        var series = new[] { 3f, -7f, 0.5f, 12f };
        var (encoded, _, s) = Encode(Bins, series);
        var back = new float[4];
        Bins.Decode(encoded.AsSpan(0, 4), s, back);
        for (int i = 0; i < 4; i++) Assert.True(Math.Abs(back[i] - series[i]) <= 15.0 / 4092 * s * 1.0001, $"{series[i]} -> {back[i]}");
    }

    [Fact]
    public void Scale_is_a_pairwise_float32_sum_in_the_documented_order()
    {
        // [2^24, 1 × 15]: a left-to-right float32 sum loses every +1 (2^24 + 1 rounds to 2^24);
        // the pairwise sum adds the 7 ones of the first block one by one (lost too), sums the second
        // block of 8 ones to 8 and adds 8 to 2^24 exactly.
        var s = new float[16];
        s[0] = 16777216f;
        for (int i = 1; i < 16; i++) s[i] = 1f;
        Assert.Equal(16777224f, MeanScaleUniformBins.PairwiseAbsSum(s));
        var (_, _, scale) = Encode(Bins, s);
        Assert.Equal(1048576.5f, scale);

        // NaN contributes nothing, to the sum or to the count.
        Assert.Equal(6f, MeanScaleUniformBins.PairwiseAbsSum([float.NaN, -2f, float.NaN, 4f]));
        Assert.Equal(3f, Encode(Bins, [float.NaN, -2f, float.NaN, 4f]).Scale);

        // Close to the float64 sum for a long random window.
        var rng = new Random(9);
        var w = Enumerable.Range(0, 512).Select(_ => (float)(rng.NextDouble() * 1000 - 500)).ToArray();
        double exact = w.Sum(x => Math.Abs((double)x));
        Assert.True(Math.Abs(MeanScaleUniformBins.PairwiseAbsSum(w) - exact) / exact < 1e-6);
    }

    [Fact]
    public void Custom_small_vocabulary()
    {
        // 10 tokens, 2 special: 7 centers linspace(-1, 1, 7) = -1, -2/3, -1/3, 0, 1/3, 2/3, 1.
        var small = new MeanScaleUniformBins(new MeanScaleUniformBinsConfig { TokenCount = 10, LowLimit = -1, HighLimit = 1 });
        Assert.Equal(7, small.Centers.Length);
        Assert.Equal(8, small.Boundaries.Length);
        Assert.Equal(0f, small.Centers[3]);
        var (ids, _) = EncodeLabels(small, [-5f, -1f, -0.5f, 0f, 0.2f, 1f, 5f], 1f);
        // -0.5 is the boundary between -2/3 and -1/3 up to float32 rounding of the midpoint.
        int expectedHalf = -0.5f >= small.Boundaries[2] ? 5 : 4;
        Assert.Equal([3, 3, expectedHalf, 6, 7, 9, 9, 1], ids);

        // A single center (n_tokens = n_special + 2): everything maps to id n_special + 1.
        var one = new MeanScaleUniformBins(new MeanScaleUniformBinsConfig { TokenCount = 4, LowLimit = -1, HighLimit = 1 });
        Assert.Equal([-1f], one.Centers.ToArray());
        Assert.Equal([-1e20f, 1e20f], one.Boundaries.ToArray());
        Assert.Equal([3, 3, 3, 1], EncodeLabels(one, [-100f, 0f, 100f], 1f).Ids);
    }

    [Fact]
    public void Encode_and_decode_allocate_nothing()
    {
        var series = Enumerable.Range(0, 700).Select(i => i % 17 == 0 ? float.NaN : MathF.Sin(i)).ToArray();
        var ids = new int[513];
        var mask = new byte[513];
        var values = new float[513];
        float scale = Bins.Encode(series, ids, mask);
        Bins.EncodeLabels(series.AsSpan(0, 100), scale, ids, mask);
        Bins.Decode(ids, scale, values);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
        {
            scale = Bins.Encode(series, ids, mask);
            Bins.EncodeLabels(series.AsSpan(0, 100), scale, ids, mask);
            Bins.Decode(ids, scale, values);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void One_instance_is_safe_to_share_across_threads()
    {
        var rng = new Random(2);
        var inputs = Enumerable.Range(0, 16).Select(_ => Enumerable.Range(0, 400).Select(_ => (float)rng.NextDouble() * 100).ToArray()).ToArray();
        var expected = inputs.Select(s => Encode(Bins, s).Ids).ToArray();
        Parallel.For(0, 64, k =>
        {
            var (ids, _, _) = Encode(Bins, inputs[k % 16]);
            Assert.Equal(expected[k % 16], ids);
        });
    }
}
