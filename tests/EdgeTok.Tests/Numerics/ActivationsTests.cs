using EdgeTok.Numerics;

namespace EdgeTok.Tests.Numerics;

public class ActivationsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(31)]
    [InlineData(64)]
    [InlineData(101)]
    public void Relu_zeroes_negatives_zeros_and_NaN_at_every_length(int n)
    {
        var rng = new Random(n);
        var x = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        x[0] = float.NaN;
        if (n > 2) x[n - 1] = -0f;
        if (n > 3) x[n - 2] = float.NaN;
        var expected = x.Select(v => v > 0f ? v : 0f).ToArray();
        Activations.Relu(x);
        Assert.Equal(expected, x);
        Assert.All(x, v => Assert.False(float.IsNegative(v)));
    }
}
