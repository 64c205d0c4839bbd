using EdgeTok.Numerics;

namespace EdgeTok.Tests.Audio;

public class CodebookPanelsTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(7, 13, 3)]
    [InlineData(9, 64, 32)]
    [InlineData(17, 100, 8)]
    [InlineData(65, 1024, 128)]
    public void Distances_match_a_double_reference(int rows, int k, int d)
    {
        var rng = new Random(rows * 31 + k);
        var cb = new float[k * d];
        var x = new float[rows * d];
        for (int i = 0; i < cb.Length; i++) cb[i] = (float)(rng.NextDouble() * 2 - 1);
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        var norms = new float[k];
        for (int j = 0; j < k; j++)
            for (int i = 0; i < d; i++) norms[j] += cb[j * d + i] * cb[j * d + i];
        var p = new CodebookPanels(cb, norms, k, d);
        Assert.Equal((k + 15) / 16 * 16, p.PaddedK);
        var dist = new float[rows * p.PaddedK];
        p.Distances(x, rows, dist);
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < k; j++)
            {
                double dot = 0;
                for (int i = 0; i < d; i++) dot += (double)x[r * d + i] * cb[j * d + i];
                double expected = norms[j] - 2 * dot;
                Assert.True(Math.Abs(dist[r * p.PaddedK + j] - expected) <= 1e-5 * (1 + d), $"row {r}, codeword {j}: {dist[r * p.PaddedK + j]} vs {expected}");
            }
    }
}
