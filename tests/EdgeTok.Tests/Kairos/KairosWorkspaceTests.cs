using EdgeTok.TimeSeries.Kairos;

namespace EdgeTok.Tests.Kairos;

/// <summary>
/// The per-thread forward workspace: reused buffers must never leak state between calls (different
/// lengths, token counts, horizons) or between threads sharing one model.
/// </summary>
public class KairosWorkspaceTests
{
    private static readonly Lazy<KairosModel> s_model = new(() => KairosGolden.LoadModel(null));
    private static readonly Lazy<float[]> s_series = new(() => KairosGolden.Read(KairosGolden.CaseDir(null, "A_full2048"), "input_past_target").ToFloat32());

    [Fact]
    public void Interleaved_shapes_give_the_same_result_as_a_fresh_run()
    {
        var m = s_model.Value;
        var x = s_series.Value;
        var full = m.Forecast(x, 96).Values;
        var shortX = x[^300..];
        var shortFirst = m.Forecast(shortX, 24).Values;
        // Long, short, long again on the same thread: the buffers shrink in use and grow back.
        AssertClose(full, m.Forecast(x, 96).Values);
        AssertClose(shortFirst, m.Forecast(shortX, 24).Values);
        AssertClose(full, m.Forecast(x, 96).Values);
        // Tokenize shares the front-end state; its results are copies the next call must not touch.
        var t1 = m.Tokenize(x);
        var emb = t1.Embeddings.ToArray();
        m.Tokenize(shortX);
        m.Forecast(shortX, 24);
        Assert.Equal(emb, t1.Embeddings.ToArray()); // the returned tokens are owned copies: bit-identical
    }

    [Fact]
    public void Concurrent_forecasts_on_one_model_match_the_sequential_ones()
    {
        var m = s_model.Value;
        var x = s_series.Value;
        var inputs = new[] { x, x[^1000..], x[^300..], x[^2000..] };
        var expected = inputs.Select(s => m.Forecast(s, 64).Values).ToArray();
        var actual = new float[16][];
        Parallel.For(0, actual.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => actual[i] = m.Forecast(inputs[i % 4], 64).Values);
        for (int i = 0; i < actual.Length; i++) AssertClose(expected[i % 4], actual[i]);
    }

    // A leaked buffer shows up as a gross error; the tolerance only absorbs last-bit differences between
    // JIT tiers (a method can be re-jitted between two calls, and the software FMA fallback of a
    // 128-bit-only run may round differently from tier to tier).
    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        var (_, rel) = KairosGolden.Compare(actual, expected);
        Assert.True(rel < 1e-5, $"max relative difference {rel:E2}");
    }

    [Fact]
    public void A_steady_state_forecast_allocates_little_more_than_its_result()
    {
        var m = s_model.Value;
        var x = s_series.Value;
        m.Forecast(x, 96);
        // The fewest bytes of three calls: a gen-2 GC lets ArrayPool trim its buffers, and the call after
        // that rents fresh ones, which is expected and must not fail the test under a busy test run.
        long bytes = long.MaxValue;
        for (int i = 0; i < 3; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            m.Forecast(x, 96);
            bytes = Math.Min(bytes, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        // Result (9×96 floats, a few copies) and the input copy: tens of KB. Before the workspace it was ~1.6 MB.
        Assert.True(bytes < 64 * 1024, $"a repeated forecast allocated {bytes} bytes");
    }
}
