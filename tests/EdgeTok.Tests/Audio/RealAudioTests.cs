using EdgeTok.Audio.Codecs;
using EdgeTok.IO.Audio;
using Xunit.Abstractions;

namespace EdgeTok.Tests.Audio;

/// <summary>Real recordings at several rates through the tiny EnCodec and mu-law: lengths, frame counts, round trips.</summary>
public class RealAudioTests(EncodecCodecTests.Fixture fixture, ITestOutputHelper output) : IClassFixture<EncodecCodecTests.Fixture>
{
    public static TheoryData<string, int> Clips => new()
    {
        { "audio/speech/fsdd/0_jackson_0.wav", 8000 },
        { "audio/speech/cmu_arctic/cmu_arctic_us_aew_a0001.wav", 16000 },
        { "audio/speech/ljspeech/LJ001-0002.wav", 22050 },
        { "audio/speech/vctk/p240_00000.wav", 24000 },
        { "audio/speech/alsa/Front_Center.wav", 48000 },
    };

    [Theory]
    [MemberData(nameof(Clips))]
    public void Tiny_encodec_encodes_and_decodes_real_clips_at_any_rate(string file, int rate)
    {
        var clip = WavReader.Read(TestPaths.SharedPath("data", file));
        Assert.Equal(rate, clip.SampleRate);
        var codec = fixture.Codec;
        var at24k = codec.ToCodecLayout(clip);
        int n = at24k.Frames;
        Assert.Equal(AudioConvert.ResampledLength(clip.Frames, rate, 24000), n);
        var codes = codec.Encode(clip, new AudioEncodeOptions { BandwidthKbps = 1.8 });
        Assert.Equal((n + 319) / 320, codes.Frames);
        Assert.Equal(4, codes.Codebooks);
        Assert.Equal(codec.EncodedFrameCount(n), codes.Frames);
        var decoded = codec.DecodeToClip(codes);
        Assert.Equal((24000, 1, n), (decoded.SampleRate, decoded.Channels, decoded.Frames));
        Assert.True(System.Numerics.Tensors.TensorPrimitives.IsFiniteAll(decoded.Samples));
        Assert.Equal((long)codes.Frames * 320, codec.Decode(codes.Codes, codes.Frames, codes.Codebooks).Length);
        output.WriteLine($"{file}: {clip.Frames} samples at {rate} Hz → {n} at 24 kHz → {codes.Frames} frames, {codes.Codes.Distinct().Count()} distinct codes");
    }

    [Theory]
    [MemberData(nameof(Clips))]
    public void Mulaw_round_trips_real_clips_with_8bit_quality(string file, int rate)
    {
        var clip = WavReader.Read(TestPaths.SharedPath("data", file));
        using var codec = AudioCodec.Load("mulaw");
        var codes = codec.Encode(clip);
        var pcm = codec.Decode(codes);
        var reference = codec.ToCodecLayout(clip).Samples;
        Assert.Equal(reference.Length, pcm.Length);
        Assert.Equal(AudioConvert.ResampledLength(clip.Frames, rate, 16000), codes.Frames);
        double sig = 0, err = 0;
        for (int i = 0; i < pcm.Length; i++)
        {
            double r = Math.Clamp(reference[i], -1f, 1f);
            sig += r * r;
            err += (r - pcm[i]) * (r - pcm[i]);
        }
        double snr = 10 * Math.Log10(sig / err);
        output.WriteLine($"{file}: mu-law SNR {snr:F1} dB");
        Assert.True(snr > 25, $"mu-law SNR {snr:F1} dB");
    }
}
