using EdgeTok.TimeSeries.Kairos;

namespace EdgeTok.Tests.Kairos;

/// <summary>
/// Stages fed with the golden output of the previous stage (golden/README.md §2.9 step 1), so a failure
/// points at one stage: spectral features from norm.normalized, router from gate.input, quantile head
/// from dec.last_hidden.
/// </summary>
public sealed class KairosIsolatedStageTests(KairosGoldenFixture fx) : IClassFixture<KairosGoldenFixture>
{
    public static TheoryData<string> Cases()
    {
        var d = new TheoryData<string>();
        foreach (var c in KairosGolden.Cases(null)) d.Add(c);
        return d;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_stage_reproduces_golden_from_golden_inputs(string @case)
    {
        var m = fx.Model(null);
        var c = m.Config;
        var dir = KairosGolden.CaseDir(null, @case);

        var z = KairosGolden.Read(dir, "norm.normalized");
        int b = (int)z.Shape[0], t = (int)z.Shape[1];
        var zf = z.ToFloat32();
        var amp = new float[b * 128];
        var s = new float[b * 128];
        for (int i = 0; i < b; i++) m.Spectral.Compute(zf.AsSpan(i * t, t), amp.AsSpan(i * 128, 128), s.AsSpan(i * 128, 128));
        Assert.True(KairosGolden.Compare(amp, KairosGolden.Read(dir, "fft.amplitude_features").ToFloat32()).Rel <= 1e-5);
        Assert.True(KairosGolden.Compare(s, KairosGolden.Read(dir, "fft.s_features").ToFloat32()).Rel <= 1e-5);

        var gin = KairosGolden.Read(dir, "gate.input").ToFloat32();
        var bias = KairosGolden.Read(dir, "gate.bias_before").ToFloat32();
        int np = gin.Length / c.InputPatchSize, e = c.NumExperts, k = c.NumActivatedExperts;
        var probs = new float[np * e];
        var idx = new int[np * k];
        var w = new float[np * k];
        for (int p = 0; p < np; p++)
            m.Router.Route(gin.AsSpan(p * c.InputPatchSize, c.InputPatchSize), bias, probs.AsSpan(p * e, e), idx.AsSpan(p * k, k), w.AsSpan(p * k, k));
        Assert.True(KairosGolden.Compare(probs, KairosGolden.Read(dir, "gate.probs").ToFloat32()).Rel <= 1e-5);
        Assert.Equal(KairosGolden.Read(dir, "gate.topk_indices").ToInt64().Select(x => (int)x), idx);
        Assert.True(KairosGolden.Compare(w, KairosGolden.Read(dir, "gate.topk_weights").ToFloat32()).Rel <= 1e-5);

        var dec = KairosGolden.Read(dir, "dec.last_hidden");
        int rows = (int)(dec.Shape[0] * dec.Shape[1]);
        var raw = new float[rows * m.Head.OutFeatures];
        m.Head.Forward(dec.ToFloat32(), raw, rows);
        Assert.True(KairosGolden.Compare(raw, KairosGolden.Read(dir, "head.raw").ToFloat32()).Rel <= 1e-5);
    }
}
