using EdgeTok.Audio.Codecs;

namespace EdgeTok.Tests.Audio;

public class MuLawCodecTests
{
    [Fact]
    public void Known_values()
    {
        Assert.Equal(128, MuLawCodec.EncodeSample(0f));
        Assert.Equal(255, MuLawCodec.EncodeSample(1f));
        Assert.Equal(0, MuLawCodec.EncodeSample(-1f));
        // y = ln(1 + 255·0.5)/ln(256) = 0.87555…; (y + 1)/2·255 + 0.5 = 239.63… → 239.
        Assert.Equal(239, MuLawCodec.EncodeSample(0.5f));
        Assert.Equal(0f, MuLawCodec.DecodeSample(0) + 1f, 6);
        Assert.Equal(1f, MuLawCodec.DecodeSample(255), 6);
    }

    [Fact]
    public void Every_code_round_trips_and_decoding_is_monotone()
    {
        for (int c = 0; c < 256; c++)
        {
            Assert.Equal(c, MuLawCodec.EncodeSample(MuLawCodec.DecodeSample(c)));
            if (c > 0) Assert.True(MuLawCodec.DecodeSample(c) > MuLawCodec.DecodeSample(c - 1));
        }
    }

    [Fact]
    public void Clipped_input_is_clamped_and_info_is_weight_free()
    {
        using var codec = AudioCodec.Load("mulaw");
        var info = codec.Info;
        Assert.Equal(("mulaw", 16000, 1, 1, 256, "mulaw"), (info.Kind, info.SampleRate, info.Codebooks, info.HopLength, info.CodebookSize, info.QuantizerType));
        Assert.Equal(128.0, info.BitrateKbps(1), 9);
        var codes = codec.Encode([2f, -7f, 0f], 16000);
        Assert.Equal([255, 0, 128], codes.Codes);
        Assert.Equal((3, 1), (codes.Frames, codes.Codebooks));
        Assert.Throws<EdgeTokException>(() => codec.Encode([float.NaN], 16000));
        Assert.Throws<EdgeTokException>(() => codec.Encode([0f], 8000));
        Assert.Throws<EdgeTokException>(() => codec.Encode([], 16000));
        Assert.Throws<EdgeTokException>(() => codec.Encode([0f], 16000, new AudioEncodeOptions { Codebooks = 2 }));
        Assert.Throws<EdgeTokException>(() => codec.Decode([256], 1, 1));
        Assert.Throws<EdgeTokException>(() => codec.Decode([1, 2], 1, 2));
        Assert.Throws<EdgeTokException>(() => new MuLawCodec(0));
    }

    [Fact]
    public void Stereo_codes_one_codebook_per_channel()
    {
        using var codec = new MuLawCodec(8000, 2);
        var codes = codec.Encode([0f, 1f, -1f, 0f], 8000);
        Assert.Equal((2, 2), (codes.Frames, codes.Codebooks));
        Assert.Equal([128, 255, 0, 128], codes.Codes);
        Assert.Equal(4, codec.Decode(codes).Length);
    }
}
