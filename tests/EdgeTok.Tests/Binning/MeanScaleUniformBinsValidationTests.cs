using EdgeTok.TimeSeries.Binning;

namespace EdgeTok.Tests.Binning;

public class MeanScaleUniformBinsValidationTests
{
    private static readonly MeanScaleUniformBins Bins = new();

    public static TheoryData<string> BadConfigs => new()
    {
        "tokens=special+1", "tokens<special", "special<0", "tokens>max", "pad<0", "pad>=tokens", "eos>=tokens",
        "low=high", "low>high", "low=nan", "high=inf", "context=0", "context<0", "context>max", "collapse", "outside1e20",
    };

    private static MeanScaleUniformBinsConfig Make(string name) => name switch
    {
        "tokens=special+1" => new() { TokenCount = 3, SpecialTokenCount = 2, EosTokenId = 1 },
        "tokens<special" => new() { TokenCount = 2, SpecialTokenCount = 5 },
        "special<0" => new() { SpecialTokenCount = -1 },
        "tokens>max" => new() { TokenCount = MeanScaleUniformBins.MaxTokenCount + 1 },
        "pad<0" => new() { PadTokenId = -1 },
        "pad>=tokens" => new() { PadTokenId = 4096 },
        "eos>=tokens" => new() { EosTokenId = 5000 },
        "low=high" => new() { LowLimit = 3, HighLimit = 3 },
        "low>high" => new() { LowLimit = 15, HighLimit = -15 },
        "low=nan" => new() { LowLimit = float.NaN },
        "high=inf" => new() { HighLimit = float.PositiveInfinity },
        "context=0" => new() { ContextLength = 0 },
        "context<0" => new() { ContextLength = -4 },
        "context>max" => new() { ContextLength = MeanScaleUniformBins.MaxContextLength + 1 },
        // 4,093 centers over [1e6, 1e6 + 1]: float32 spacing there is 0.0625, so centers repeat.
        "collapse" => new() { LowLimit = 1e6f, HighLimit = 1e6f + 1f },
        "outside1e20" => new() { LowLimit = -1e21f, HighLimit = 1e21f },
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(BadConfigs))]
    public void Invalid_configs_are_rejected(string name)
    {
        var ex = Assert.Throws<EdgeTokException>(() => new MeanScaleUniformBins(Make(name)));
        Assert.Equal(StatusCode.InvalidArgument, ex.Status);
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
    }

    [Fact]
    public void Null_config_means_the_default()
    {
        var bins = new MeanScaleUniformBins(null);
        Assert.Same(MeanScaleUniformBinsConfig.Default, bins.Config);
        Assert.Equal(4093, bins.Centers.Length);
    }

    [Fact]
    public void Negative_lengths_are_rejected()
    {
        Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<EdgeTokException>(() => Bins.GetTokenCount(-1)).Status);
        Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<EdgeTokException>(() => Bins.GetLabelTokenCount(-1)).Status);
        Assert.Equal(StatusCode.LimitExceeded, Assert.Throws<EdgeTokException>(() => Bins.GetLabelTokenCount(int.MaxValue)).Status);
        Assert.Equal(513, Bins.GetTokenCount(int.MaxValue));
    }

    [Theory]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void Infinite_values_are_rejected_and_nothing_is_written(float inf)
    {
        var ids = Enumerable.Repeat(-9, 4).ToArray();
        var mask = Enumerable.Repeat((byte)9, 4).ToArray();
        var ex = Assert.Throws<EdgeTokException>(() => Bins.Encode([1f, 2f, inf], ids, mask));
        Assert.Equal(StatusCode.InvalidArgument, ex.Status);
        Assert.Contains("series[2]", ex.Message);
        Assert.Contains("Inf", ex.Message);
        ex = Assert.Throws<EdgeTokException>(() => Bins.EncodeLabels([inf, 1f], 1f, ids, mask));
        Assert.Equal(StatusCode.InvalidArgument, ex.Status);
        Assert.Contains("future[0]", ex.Message);
        Assert.All(ids, id => Assert.Equal(-9, id));
        Assert.All(mask, m => Assert.Equal(9, m));
    }

    [Fact]
    public void Overflowing_mean_is_rejected()
    {
        var ex = Assert.Throws<EdgeTokException>(() => Bins.Encode([float.MaxValue, float.MaxValue], new int[3], new byte[3]));
        Assert.Equal(StatusCode.InvalidArgument, ex.Status);
        Assert.Contains("overflows", ex.Message);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-1f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void Bad_scales_are_rejected(float scale)
    {
        Assert.Equal(StatusCode.InvalidArgument,
            Assert.Throws<EdgeTokException>(() => Bins.EncodeLabels([1f], scale, new int[2], new byte[2])).Status);
        Assert.Equal(StatusCode.InvalidArgument,
            Assert.Throws<EdgeTokException>(() => Bins.Decode([5], scale, new float[1])).Status);
    }

    [Fact]
    public void Short_outputs_report_buffer_too_small_and_write_nothing()
    {
        var ids = Enumerable.Repeat(-9, 3).ToArray();
        var mask = Enumerable.Repeat((byte)9, 4).ToArray();
        var ex = Assert.Throws<EdgeTokException>(() => Bins.Encode([1f, 2f, 3f], ids, mask));
        Assert.Equal(StatusCode.BufferTooSmall, ex.Status);
        Assert.Contains("4", ex.Message);
        Assert.All(ids, id => Assert.Equal(-9, id));
        Assert.All(mask, m => Assert.Equal(9, m));

        var ids4 = new int[4];
        var mask3 = new byte[3];
        Assert.Equal(StatusCode.BufferTooSmall, Assert.Throws<EdgeTokException>(() => Bins.Encode([1f, 2f, 3f], ids4, mask3)).Status);
        Assert.Equal(StatusCode.BufferTooSmall, Assert.Throws<EdgeTokException>(() => Bins.EncodeLabels([1f, 2f, 3f], 1f, ids, mask)).Status);
        Assert.All(ids, id => Assert.Equal(-9, id));

        var values = Enumerable.Repeat(-9f, 1).ToArray();
        Assert.Equal(StatusCode.BufferTooSmall, Assert.Throws<EdgeTokException>(() => Bins.Decode([3, 4], 1f, values)).Status);
        Assert.Equal(-9f, values[0]);
    }
}
