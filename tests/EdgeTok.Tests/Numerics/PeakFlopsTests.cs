using EdgeTok.Numerics;

namespace EdgeTok.Tests.Numerics;

public class PeakFlopsTests
{
    [Fact]
    public void Measures_with_the_widest_vectors_in_use()
    {
        var r = PeakFlops.Measure(repetitions: 2, milliseconds: 5);
        Assert.Equal(CpuFeatures.VectorBits, r.VectorBits);
        Assert.Equal(2, r.RepetitionMs.Length);
        Assert.True(r.GigaFlops > 0 && double.IsFinite(r.GigaFlops));
        Assert.True(r.GigaFlops >= r.MedianGigaFlops);
        Assert.Throws<EdgeTokException>(() => PeakFlops.Measure(0, 5));
    }
}
