using System.Text;
using EdgeTok.TimeSeries.Kairos;
using Xunit.Abstractions;

namespace EdgeTok.Tests.Kairos;

/// <summary>
/// generate() against the golden forecasts: horizon 96 (one forward) and 300 (roll-out), with and
/// without infer_is_positive + force_flip_invariance, with the frozen and the reference-drifting gate
/// bias, through the public API. Case H goes through the joint (reference) batch mode.
/// </summary>
public sealed class KairosGoldenForecastTests(KairosGoldenFixture fx, ITestOutputHelper log) : IClassFixture<KairosGoldenFixture>
{
    public static TheoryData<string, string> AllCases() => KairosGoldenStageTests.AllCases();

    [Theory]
    [MemberData(nameof(AllCases))]
    public void Generate_matches_golden_in_both_bias_modes(string variant, string @case)
    {
        string? v = variant.Length == 0 ? null : variant;
        var model = fx.Model(v);
        var dir = KairosGolden.CaseDir(v, @case);
        var rows = KairosGolden.Inputs(dir);
        var report = new StringBuilder();
        int files = 0;
        // Five generate calls cover the eight files: with a frozen bias (and for the single-forward h96 in
        // either mode) the h96 forecast is exactly the first 96 steps of the h300 one (the roll-out only
        // appends), so h96 frozen files are checked against the h300 prefix; drift + flip at h96 differs
        // from the h300 prefix (the flip pass starts from a bias drifted by 1 instead of 3 forwards) and runs on its own.
        // The variants change only the forward, not generate(); to keep the suite fast they check the two
        // runs (frozen + flip, drift roll-out) that cover both bias modes, flip and roll-out: 5 of 8 files.
        var plan = v is null
            ? new[] { (false, false, 300), (false, true, 300), (true, false, 300), (true, true, 300), (true, true, 96) }
            : new[] { (false, true, 300), (true, false, 300) };
        var runs = new Dictionary<(bool Drift, bool Flip, int H), KairosForecast>();
        foreach (var (drift, flip, h) in plan)
            runs[(drift, flip, h)] = model.ForecastBatch(rows, h, new KairosForecastOptions
            {
                GateBiasMode = drift ? KairosGateBiasMode.ReferenceDrift : KairosGateBiasMode.Frozen,
                InferIsPositive = flip,
                ForceFlipInvariance = flip,
                BatchMode = KairosBatchMode.ReferenceJoint,
            });
        foreach (var file in Directory.GetFiles(dir, "gen_*.npy").Order())
        {
            var name = Path.GetFileNameWithoutExtension(file); // gen_h300_pos_flip.frozen_bias
            var golden = KairosGolden.Read(dir, name);
            int horizon = (int)golden.Shape[2];
            bool flip = name.Contains("_pos_flip", StringComparison.Ordinal);
            bool drift = name.EndsWith("reference_bias_drift", StringComparison.Ordinal);
            var run = Source(runs, drift, flip, horizon);
            if (run is null) continue;
            int b = run.BatchSize, q = run.NumQuantiles;
            var got = new float[b * q * horizon];
            for (int i = 0; i < b; i++)
                for (int k = 0; k < q; k++) run.Row(i, k)[..horizon].CopyTo(got.AsSpan((i * q + k) * horizon));
            Assert.Equal(golden.Shape.Select(x => (int)x), new[] { b, q, horizon });
            var (abs, rel) = KairosGolden.Compare(got, golden.ToFloat32());
            report.AppendLine($"{@case} {name}: abs {abs:E2} rel {rel:E2}");
            Assert.True(rel <= 1e-5, $"{variant}/{@case} {name}: rel {rel:E3} (abs {abs:E3})");
            files++;
        }
        Assert.Equal(v is null ? 8 : 5, files);
        log.WriteLine(report.ToString());
        KairosErrorLog.Append(variant, report.ToString());
    }

    // Which run answers a golden file: the exact run, else the h300 run whose first 96 steps it is (frozen
    // bias: h96 is a prefix of h300; without flip the first forward is the same in both bias modes).
    private static KairosForecast? Source(Dictionary<(bool Drift, bool Flip, int H), KairosForecast> runs, bool drift, bool flip, int horizon)
    {
        if (runs.TryGetValue((drift, flip, horizon), out var exact)) return exact;
        if (horizon == 300) return null;
        if (!drift && runs.TryGetValue((false, flip, 300), out var frozen)) return frozen;
        if (!flip && runs.TryGetValue((!drift, false, 300), out var other)) return other;
        if (!flip && runs.TryGetValue((drift, false, 300), out var same)) return same;
        return null;
    }

    [Fact]
    public void Short_horizon_is_the_prefix_of_a_long_one()
    {
        var model = fx.Model(null);
        var x = KairosGolden.Inputs(KairosGolden.CaseDir(null, "B_len1000_nans"))[0];
        var h96 = model.Forecast(x, 96);
        var h300 = model.Forecast(x, 300);
        for (int k = 0; k < 9; k++) Assert.Equal(h300.Row(0, k)[..96].ToArray(), h96.Row(0, k).ToArray());
    }

    [Fact]
    public void Frozen_and_drift_differ_where_the_reference_says_they_do()
    {
        var model = fx.Model(null);
        var rows = KairosGolden.Inputs(KairosGolden.CaseDir(null, "A_full2048"));
        var frozen = model.Forecast(rows[0], 300);
        var drift = model.Forecast(rows[0], 300, new KairosForecastOptions { GateBiasMode = KairosGateBiasMode.ReferenceDrift });
        // One forward is identical; the roll-out steps see a drifted bias.
        Assert.Equal(frozen.Row(0, 4)[..128].ToArray(), drift.Row(0, 4)[..128].ToArray());
        Assert.NotEqual(frozen.Values, drift.Values);
        // The shared model is not mutated: a second frozen call is bit-identical.
        Assert.Equal(frozen.Values, model.Forecast(rows[0], 300).Values);
    }

    [Fact]
    public void Drift_state_is_caller_owned_and_accumulates_across_calls()
    {
        var model = fx.Model(null);
        var rows = KairosGolden.Inputs(KairosGolden.CaseDir(null, "A_full2048"));
        var state = new KairosGateBias(model.CheckpointGateBias);
        var opts = new KairosForecastOptions { GateBiasMode = KairosGateBiasMode.ReferenceDrift, GateBias = state };
        model.Forecast(rows[0], 96, opts);
        var golden = KairosGolden.Read(KairosGolden.CaseDir(null, "A_full2048"), "gate.bias_after_forward").ToFloat32();
        for (int i = 0; i < golden.Length; i++) Assert.Equal(golden[i], state.Values[i], 1e-7f);
        Assert.Equal(model.CheckpointGateBias, KairosGolden.Read(KairosGolden.CaseDir(null, "A_full2048"), "gate.bias_before").ToFloat32());
    }

    [Fact]
    public void Batch_mates_change_joint_results_but_not_independent_ones()
    {
        var model = fx.Model(null);
        var h = KairosGolden.Inputs(KairosGolden.CaseDir(null, "H_batch_A_E")); // rows A and E
        var a = model.Forecast(h[0], 128);
        var e = model.Forecast(h[1], 128);
        var independent = model.ForecastBatch(h, 128);
        Assert.Equal(a.Values, independent.Series(0).ToArray());
        Assert.Equal(e.Values, independent.Series(1).ToArray());

        var joint = model.ForecastBatch(h, 128, new KairosForecastOptions { BatchMode = KairosBatchMode.ReferenceJoint });
        // Row 1 (E) has the most tokens, so padding does not touch it; row 0 (A) gets [REG] at position 56 instead of 46.
        var (_, relE) = KairosGolden.Compare(joint.Series(1), e.Values);
        var (_, relA) = KairosGolden.Compare(joint.Series(0), a.Values);
        Assert.True(relE < 1e-6, $"row E changed by {relE}");
        Assert.True(relA > 1e-3, $"row A should change with its batch-mate, changed by {relA}");
        log.WriteLine($"joint vs single: A {relA:E2}, E {relE:E2}");
    }
}
