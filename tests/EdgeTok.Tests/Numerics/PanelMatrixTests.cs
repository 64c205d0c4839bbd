using EdgeTok.Numerics;

namespace EdgeTok.Tests.Numerics;

public class PanelMatrixTests
{
    // Rows around the 4- and 12-row blocks, columns around the 16-wide panels (and an odd panel count),
    // K below and above the vector widths; C has a wider row stride and a sentinel past its end.
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(3, 17, 5)]
    [InlineData(4, 16, 64)]
    [InlineData(11, 40, 33)]
    [InlineData(13, 48, 128)]
    [InlineData(25, 7, 256)]
    [InlineData(46, 80, 96)]
    public void Multiply_matches_naive_double_product_with_bias_and_accumulate(int m, int n, int k)
    {
        var rng = new Random(m * 1000 + n * 10 + k);
        float[] Random(int len) => Enumerable.Range(0, len).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var a = Random(m * k);
        var b = Random(n * k);
        var bias = Random(n);
        int ldc = n + 3;
        var pm = new PanelMatrix(b, n, k);
        var packed = new float[PanelMatrix.PackedLength(m, k)];
        PanelMatrix.PackRows(a, m, k, packed);

        var c = new float[(m - 1) * ldc + n + 1];
        c[^1] = 42f;
        pm.Multiply(packed, m, c, ldc);
        var cb = (float[])c.Clone();
        pm.Multiply(packed, m, cb, ldc, accumulate: true, bias: bias);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++) s += (double)a[i * k + p] * b[j * k + p];
                float got = c[i * ldc + j];
                Assert.True(Math.Abs(got - s) <= 1e-5 * Math.Max(1, Math.Sqrt(k)), $"C[{i},{j}] = {got}, expected {s}");
                Assert.Equal(got + got + bias[j], cb[i * ldc + j]);
            }
        // The gaps of the row stride and the sentinel are never written.
        for (int i = 0; i < m - 1; i++)
            for (int j = n; j < ldc; j++) Assert.Equal(0f, cb[i * ldc + j]);
        Assert.Equal(42f, cb[^1]);
    }

    [Fact]
    public void Multiply_rows_do_not_depend_on_their_batch_mates()
    {
        const int m = 30, n = 33, k = 70;
        var rng = new Random(5);
        var a = Enumerable.Range(0, m * k).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        var b = Enumerable.Range(0, n * k).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        var pm = new PanelMatrix(b, n, k);
        var packed = new float[PanelMatrix.PackedLength(m, k)];
        PanelMatrix.PackRows(a, m, k, packed);
        var all = new float[m * n];
        pm.Multiply(packed, m, all, n);
        var one = new float[n];
        var packedOne = new float[PanelMatrix.PackedLength(1, k)];
        for (int i = 0; i < m; i++)
        {
            PanelMatrix.PackRows(a.AsSpan(i * k, k), 1, k, packedOne);
            pm.Multiply(packedOne, 1, one, n);
            Assert.Equal(all.AsSpan(i * n, n).ToArray(), one);
        }
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(64, 128)]
    [InlineData(70, 33)]
    [InlineData(128, 128)]
    public void MultiplyRow_equals_the_packed_product_of_that_row(int n, int k)
    {
        var rng = new Random(n + k);
        var x = Enumerable.Range(0, k).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        var b = Enumerable.Range(0, n * k).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        var bias = Enumerable.Range(0, n).Select(_ => (float)rng.NextDouble()).ToArray();
        var pm = new PanelMatrix(b, n, k);
        var packed = new float[PanelMatrix.PackedLength(1, k)];
        PanelMatrix.PackRows(x, 1, k, packed);
        var expected = Enumerable.Range(0, n).Select(_ => (float)rng.NextDouble()).ToArray();
        var got = (float[])expected.Clone();
        pm.Multiply(packed, 1, expected, n, accumulate: true, bias: bias);
        pm.MultiplyRow(x, got, accumulate: true, bias: bias);
        Assert.Equal(expected, got);
        pm.Multiply(packed, 1, expected, n);
        pm.MultiplyRow(x, got);
        Assert.Equal(expected, got);
    }

    [Fact]
    public void Multiply_rejects_a_short_destination_or_bias()
    {
        var pm = new PanelMatrix(new float[8 * 4], 8, 4);
        var packed = new float[PanelMatrix.PackedLength(2, 4)];
        Assert.Throws<ArgumentException>(() => pm.Multiply(packed, 2, new float[15], 8));
        Assert.Throws<ArgumentException>(() => pm.Multiply(packed, 2, new float[16], 8, bias: new float[7]));
        Assert.Throws<ArgumentException>(() => pm.Multiply(packed, 2, new float[16], 7));
    }
}
