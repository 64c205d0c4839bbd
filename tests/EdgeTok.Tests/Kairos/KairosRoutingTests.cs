using EdgeTok.TimeSeries.Kairos;

namespace EdgeTok.Tests.Kairos;

/// <summary><see cref="KairosTokens.Routing"/>: the router's Top-K per coarse patch against the golden gate arrays.</summary>
public sealed class KairosRoutingTests(KairosGoldenFixture fx) : IClassFixture<KairosGoldenFixture>
{
    [Theory]
    [MemberData(nameof(KairosGolden.SingleSeriesCases), MemberType = typeof(KairosGolden))]
    public void Routing_matches_the_golden_gate(string @case)
    {
        var model = fx.Model(null);
        var dir = KairosGolden.CaseDir(null, @case);
        var series = KairosGolden.Inputs(dir)[0];
        var t = model.Tokenize(series);
        var r = t.Routing;
        var c = model.Config;

        Assert.Equal(c.InputPatchSize, r.PatchSize);
        Assert.Equal(c.NumActivatedExperts, r.ActivatedExperts);
        Assert.Equal(Math.Max(0, series.Length - c.ContextLength), r.ContextStart);
        Assert.Equal(Math.Min(series.Length, c.ContextLength), r.ContextLength);
        Assert.Equal(r.Patches * r.PatchSize - r.ContextLength, r.Padding);
        Assert.InRange(r.Padding, 0, r.PatchSize - 1);

        Assert.Equal(KairosGolden.Read(dir, "gate.topk_indices").ToInt64().Select(i => (int)i), r.Experts);
        Assert.True(KairosGolden.Compare(r.Weights, KairosGolden.Read(dir, "gate.topk_weights").ToFloat32()).Abs <= 1e-5);
        Assert.True(KairosGolden.Compare(r.Probabilities, KairosGolden.Read(dir, "gate.probs").ToFloat32()).Abs <= 1e-5);

        // Each patch holds P / token size tokens of that size, in order.
        int at = 0;
        for (int j = 0; j < r.Patches; j++)
        {
            int size = r.TokenSize(j), n = r.PatchSize / size;
            Assert.All(t.TokenSizes.AsSpan(at, n).ToArray(), s => Assert.Equal(size, s));
            Assert.Equal(r.PatchStart(0) + j * r.PatchSize, r.PatchStart(j));
            at += n;
        }
        Assert.Equal(t.Count, at);
        Assert.Equal(0, r.ExpertSize(c.Levels)); // null expert
        Assert.Equal(c.InputPatchSize, r.ExpertSize(0));
    }
}
