using EdgeTok.Audio.Lyra;
using Xunit.Abstractions;

namespace EdgeTok.Tests.Lyra;

public sealed class LyraQuantizerTests(ITestOutputHelper output)
{
    public static TheoryData<string, int, bool> Cases()
    {
        var d = new TheoryData<string, int, bool>();
        foreach (var c in LyraGolden.Clips)
            foreach (int l in new[] { 16, 30, 46 })
                foreach (bool r in new[] { false, true }) d.Add(c, l, r);
        return d;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Codes_and_dequantized_features_match_golden_exactly(string clip, int levels, bool reference)
    {
        var q = LyraGolden.Codec.Quantizer;
        var feats = LyraGolden.F32(clip, "features.f32", reference);
        var golden = LyraGolden.I32(clip, $"codes_{levels}.i32", reference);
        var goldenDeq = LyraGolden.F32(clip, $"dequantized_{levels}.f32", reference);
        int frames = feats.Length / 64;
        Assert.Equal(frames * 46, golden.Length);
        var codes = new int[46];
        var deq = new float[64];
        int codeMismatch = 0, deqMismatch = 0;
        for (int t = 0; t < frames; t++)
        {
            q.Encode(feats.AsSpan(t * 64, 64), levels, codes);
            for (int l = 0; l < 46; l++) if (codes[l] != golden[t * 46 + l]) codeMismatch++;
            // Dequantize the golden codes so a code mismatch cannot hide a dequantization error.
            q.Decode(golden.AsSpan(t * 46, 46), deq);
            for (int d = 0; d < 64; d++)
                if (BitConverter.SingleToInt32Bits(deq[d]) != BitConverter.SingleToInt32Bits(goldenDeq[t * 64 + d])) deqMismatch++;
        }
        output.WriteLine($"{clip} L{levels} {(reference ? "ref_tflite" : "litert")}: {codeMismatch} code mismatches, {deqMismatch} dequantized mismatches over {frames} frames");
        Assert.Equal(0, codeMismatch);
        Assert.Equal(0, deqMismatch);
    }

    [Fact]
    public void Shape_and_bitrate_mapping()
    {
        var q = LyraGolden.Codec.Quantizer;
        Assert.Equal(46, q.Levels);
        Assert.Equal(16, q.CodebookSize);
        Assert.Equal(64, q.Dimension);
        Assert.Equal(16, LyraQuantizer.LevelsForBitrate(3.2));
        Assert.Equal(30, LyraQuantizer.LevelsForBitrate(6.0));
        Assert.Equal(46, LyraQuantizer.LevelsForBitrate(9.2));
        Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<EdgeTokException>(() => LyraQuantizer.LevelsForBitrate(5.1)).Status);
        Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<EdgeTokException>(() => LyraQuantizer.LevelsForBitrate(9.4)).Status);
        Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<EdgeTokException>(() => LyraQuantizer.LevelsForBitrate(0)).Status);
    }

    [Fact]
    public void Bad_codes_are_rejected()
    {
        var q = LyraGolden.Codec.Quantizer;
        var deq = new float[64];
        var e = Assert.Throws<EdgeTokException>(() => q.Decode(new int[30], deq));
        Assert.Equal(StatusCode.InvalidArgument, e.Status);
        var bad = new int[46];
        bad[3] = 16;
        Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<EdgeTokException>(() => q.Decode(bad, deq)).Status);
        Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<EdgeTokException>(() => q.Encode(new float[64], 47, new int[46])).Status);
    }
}
