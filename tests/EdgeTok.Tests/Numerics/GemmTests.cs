using EdgeTok.Numerics;

namespace EdgeTok.Tests.Numerics;

public class GemmTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(3, 5, 7)]
    [InlineData(4, 4, 16)]
    [InlineData(9, 13, 129)]
    [InlineData(17, 33, 64)]
    [InlineData(64, 300, 256)]
    public void MultiplyTransposed_matches_naive_double_product(int m, int n, int k)
    {
        var rng = new Random(m * 1000 + n * 10 + k);
        var a = new float[m * k];
        var b = new float[n * k];
        for (int i = 0; i < a.Length; i++) a[i] = (float)(rng.NextDouble() * 2 - 1);
        for (int i = 0; i < b.Length; i++) b[i] = (float)(rng.NextDouble() * 2 - 1);
        var c = new float[m * n];
        Gemm.MultiplyTransposed(a, b, c, m, n, k);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++) s += (double)a[i * k + p] * b[j * k + p];
                Assert.True(Math.Abs(c[i * n + j] - s) <= 1e-5 * Math.Max(1, Math.Sqrt(k)), $"C[{i},{j}] = {c[i * n + j]}, expected {s}");
            }
        // Accumulate adds on top of what is there.
        var c2 = (float[])c.Clone();
        Gemm.MultiplyTransposed(a, b, c2, m, n, k, accumulate: true);
        for (int i = 0; i < c.Length; i++) Assert.Equal(2 * c[i], c2[i], 4);
    }

    // Every M and N edge (1–3 leftover rows of A or of B) with K below, at and above the vector
    // widths, on exactly-sized operands so a kernel reading past the last row would fault or differ.
    [Theory]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(23)]
    [InlineData(64)]
    public void MultiplyTransposed_handles_every_tail_shape(int k)
    {
        var rng = new Random(k);
        for (int m = 1; m <= 9; m++)
            for (int n = 1; n <= 9; n++)
            {
                var a = new float[m * k];
                var b = new float[n * k];
                for (int i = 0; i < a.Length; i++) a[i] = (float)(rng.NextDouble() * 2 - 1);
                for (int i = 0; i < b.Length; i++) b[i] = (float)(rng.NextDouble() * 2 - 1);
                var c = new float[m * n + 1];
                c[^1] = 42f; // sentinel past the end of C must stay untouched
                Gemm.MultiplyTransposed(a, b, c, m, n, k);
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < n; j++)
                    {
                        double s = 0;
                        for (int p = 0; p < k; p++) s += (double)a[i * k + p] * b[j * k + p];
                        Assert.True(Math.Abs(c[i * n + j] - s) <= 1e-5 * Math.Max(1, Math.Sqrt(k)), $"{m}x{n}x{k}: C[{i},{j}] = {c[i * n + j]}, expected {s}");
                    }
                Assert.Equal(42f, c[^1]);
                var c2 = (float[])c.Clone();
                Gemm.MultiplyTransposed(a, b, c2, m, n, k, accumulate: true);
                for (int i = 0; i < m * n; i++) Assert.Equal(2 * c[i], c2[i], 4);
            }
    }

    // A single row (matrix-vector product) takes its own kernel; its results are bit-identical to the
    // same row inside a larger product.
    [Theory]
    [InlineData(7)]
    [InlineData(128)]
    [InlineData(133)]
    public void MultiplyTransposed_single_row_equals_that_row_of_a_larger_product(int k)
    {
        const int m = 9, n = 11;
        var rng = new Random(k);
        var a = Enumerable.Range(0, m * k).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        var b = Enumerable.Range(0, n * k).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        var all = new float[m * n];
        Gemm.MultiplyTransposed(a, b, all, m, n, k);
        var one = new float[n];
        for (int i = 0; i < m; i++)
        {
            Gemm.MultiplyTransposed(a.AsSpan(i * k, k), b, one, 1, n, k);
            Assert.Equal(all.AsSpan(i * n, n).ToArray(), one);
        }
    }

    [Fact]
    public void MultiplyTransposed_rejects_short_operands()
    {
        Assert.Throws<ArgumentException>(() => Gemm.MultiplyTransposed(new float[3], new float[4], new float[4], 2, 2, 2));
    }
}
