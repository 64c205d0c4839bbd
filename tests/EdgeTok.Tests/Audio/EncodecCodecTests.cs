using System.Text.Json.Nodes;
using EdgeTok.Audio.Codecs;
using EdgeTok.Audio.Quantization;
using Xunit.Abstractions;

namespace EdgeTok.Tests.Audio;

/// <summary>The tiny EnCodec golden set end to end: ONNX encoder/decoder + native RVQ.</summary>
public class EncodecCodecTests(EncodecCodecTests.Fixture fixture, ITestOutputHelper output) : IClassFixture<EncodecCodecTests.Fixture>
{
    private const int Dim = 32;

    public sealed class Fixture : IDisposable
    {
        public NeuralAudioCodec Codec { get; } = (NeuralAudioCodec)AudioCodec.Load(Folder, ManifestPath);

        public void Dispose() => Codec.Dispose();
    }

    internal static string Folder => TestPaths.SharedPath("golden", "encodec-24k-tiny");

    internal static string ManifestPath => Path.Combine(TestPaths.RepoRoot, "models", "encodec-24k-tiny", "edgetok.json");

    private readonly NeuralAudioCodec _codec = fixture.Codec;

    [Fact]
    public void Info_reflects_the_manifest()
    {
        var i = _codec.Info;
        Assert.Equal(("encodec", 24000, 1, 320, 75.0, 8, 64, 32, "rvq"), (i.Kind, i.SampleRate, i.Channels, i.HopLength, i.FrameRate, i.Codebooks, i.CodebookSize, i.LatentDimension, i.QuantizerType));
        Assert.Equal([0.9, 1.8, 3.6], i.Bandwidths);
        Assert.Equal(3.6, i.BitrateKbps(8), 9);
    }

    [Theory]
    [InlineData("0p9", 0.9, 2)]
    [InlineData("1p8", 1.8, 4)]
    [InlineData("3p6", 3.6, 8)]
    public void CaseA_encode_matches_golden_codes_and_decode_matches_golden_audio(string tag, double kbps, int nq)
    {
        var wav = AudioGolden.F32(AudioGolden.Encodec("caseA_wav.f32"));
        var codes = _codec.Encode(wav, 24000, new AudioEncodeOptions { BandwidthKbps = kbps });
        Assert.Equal((75, nq), (codes.Frames, codes.Codebooks));
        var golden = AudioGolden.Transpose<int>(AudioGolden.I32(AudioGolden.Encodec($"caseA_codes_bw{tag}.i32")), nq, 75);
        // Teacher-forced against the golden latent: the codec's own latent differs from it by ~2e-7.
        var goldenLatent = AudioGolden.Transpose<float>(AudioGolden.F32(AudioGolden.Encodec("caseA_emb.f32")), Dim, 75);
        var (mismatches, ties) = AudioGolden.CompareRvqCodes(goldenLatent, 75, Dim, AudioGolden.F32(AudioGolden.Encodec("codebooks.f32")), 64, golden, codes.Codes, nq);
        output.WriteLine($"bw {kbps}: {mismatches} code mismatches ({ties} accepted near-ties) of {codes.Codes.Length}");
        Assert.Equal(0, mismatches);

        var pcm = _codec.Decode(new AudioCodes(golden, 75, nq));
        var (err, at) = AudioGolden.MaxAbsDiff(pcm, AudioGolden.F32(AudioGolden.Encodec($"caseA_dec_bw{tag}.f32")));
        output.WriteLine($"bw {kbps}: decoded audio max abs error {err:E2} at {at}");
        Assert.True(err <= 1e-4, $"decoded audio max abs error {err} at {at}");
    }

    [Fact]
    public void Encoder_latent_matches_golden()
    {
        foreach (var (n, frames, file) in new[] { (24000, 75, "caseA"), (24000, 75, "onnxcheck_24000"), (48000, 150, "onnxcheck_48000"), (24123, 76, "onnxcheck_24123") })
        {
            string wavFile = file == "caseA" ? "caseA_wav.f32" : $"onnxcheck_wav_{n}.f32";
            string embFile = file == "caseA" ? "caseA_emb.f32" : $"onnxcheck_emb_{n}.f32";
            var latent = EncodeLatent(AudioGolden.F32(AudioGolden.Encodec(wavFile)), frames);
            var golden = AudioGolden.Transpose<float>(AudioGolden.F32(AudioGolden.Encodec(embFile)), Dim, frames);
            var (err, _) = AudioGolden.MaxAbsDiff(latent, golden);
            output.WriteLine($"{file}: latent max abs error {err:E2}");
            Assert.True(err <= 1e-5, $"{file}: latent error {err}");
        }
    }

    [Fact]
    public void Dequantized_latent_is_exact()
    {
        var q = _codec.Quantizer;
        var golden = AudioGolden.Transpose<int>(AudioGolden.I32(AudioGolden.Encodec("caseA_codes_bw3p6.i32")), 8, 75);
        var latent = new float[75 * Dim];
        q.Decode(golden, 75, 8, latent);
        Assert.Equal(AudioGolden.Transpose<float>(AudioGolden.F32(AudioGolden.Encodec("caseA_qemb_bw3p6.f32")), Dim, 75), latent);
    }

    [Theory]
    [InlineData(24000, 75)]
    [InlineData(48000, 150)]
    public void Onnxcheck_lengths_codes_and_unquantized_decode(int samples, int frames)
    {
        var wav = AudioGolden.F32(AudioGolden.Encodec($"onnxcheck_wav_{samples}.f32"));
        Assert.Equal(frames, _codec.EncodedFrameCount(samples));
        var codes = _codec.Encode(wav, 24000);
        Assert.Equal((frames, 8, samples), (codes.Frames, codes.Codebooks, codes.SampleCount));
        var goldenLatent = AudioGolden.Transpose<float>(AudioGolden.F32(AudioGolden.Encodec($"onnxcheck_emb_{samples}.f32")), Dim, frames);
        var golden = AudioGolden.Transpose<int>(AudioGolden.I32(AudioGolden.Encodec($"onnxcheck_codes_nq8_{samples}.i32")), 8, frames);
        var (mismatches, ties) = AudioGolden.CompareRvqCodes(goldenLatent, frames, Dim, AudioGolden.F32(AudioGolden.Encodec("codebooks.f32")), 64, golden, codes.Codes, 8);
        output.WriteLine($"onnxcheck {samples}: {mismatches} mismatches ({ties} near-ties)");
        Assert.Equal(ties, mismatches);
        Assert.Equal(samples, _codec.DecodedSampleCount(frames));
        Assert.Equal(samples, _codec.Decode(codes).Length);
    }

    [Fact]
    public void Onnxcheck_24123_non_multiple_of_hop_gives_76_frames()
    {
        var wav = AudioGolden.F32(AudioGolden.Encodec("onnxcheck_wav_24123.f32"));
        Assert.Equal(76, _codec.EncodedFrameCount(24123));
        var codes = _codec.Encode(wav, 24000);
        Assert.Equal(76, codes.Frames);
        Assert.Equal(76 * 320, _codec.Decode(codes.Codes, 76, 8).Length);
        Assert.Equal(24123, _codec.Decode(codes).Length);
    }

    [Fact]
    public void CaseB_non_multiple_of_hop_codes_match_raw_and_zero_padded_golden()
    {
        var wav = AudioGolden.F32(AudioGolden.Encodec("caseB_wav.f32"));
        Assert.Equal(12123, wav.Length);
        var codes = _codec.Encode(wav, 24000);
        Assert.Equal(38, codes.Frames);
        var golden = AudioGolden.I32(AudioGolden.Encodec("caseB_codes_rawlen.i32"));
        Assert.Equal(golden, AudioGolden.I32(AudioGolden.Encodec("caseB_codes_zeropadded.i32")));
        var g = AudioGolden.Transpose<int>(golden, 8, 38);
        int mismatches = 0;
        for (int i = 0; i < g.Length; i++) if (g[i] != codes.Codes[i]) mismatches++;
        output.WriteLine($"caseB: {mismatches} mismatches of {g.Length}");
        Assert.Equal(0, mismatches);
        // Zero-padding to a multiple of the hop gives the same codes here too.
        var padded = new float[38 * 320];
        wav.CopyTo(padded, 0);
        Assert.Equal(codes.Codes, _codec.Encode(padded, 24000).Codes);
    }

    [Fact]
    public void Segmented_overlap_add_decode_matches_golden()
    {
        // The golden run used segment = 0.25 s, overlap = 0.01 on the same weights: write that manifest elsewhere.
        string dir = TestPaths.TempDir();
        var m = JsonNode.Parse(File.ReadAllText(ManifestPath))!.AsObject();
        m["segment"] = new JsonObject { ["seconds"] = 0.25, ["overlap"] = 0.01 };
        string manifest = Path.Combine(dir, "edgetok.json");
        File.WriteAllText(manifest, m.ToJsonString());
        using var codec = NeuralAudioCodec.Load(Folder, manifest);
        Assert.Equal((6000, 5940), (codec.SegmentLength, codec.SegmentStride));
        var wav = AudioGolden.F32(AudioGolden.Encodec("caseA_wav.f32"));
        var codes = codec.Encode(wav, 24000, new AudioEncodeOptions { BandwidthKbps = 3.6 });
        Assert.Equal(4 * 19 + 1, codes.Frames);
        var pcm = codec.Decode(codes.Codes, codes.Frames, 8);
        var golden = AudioGolden.F32(AudioGolden.Encodec("caseA_segmented_decode.f32"));
        Assert.Equal(24080, golden.Length);
        Assert.Equal(golden.Length, pcm.Length);
        // Segments 0–3 (19 frames each) and their overlap-add regions: ≤ 1e-4.
        var (e1, a1) = AudioGolden.MaxAbsDiff(pcm.AsSpan(0, 23760), golden.AsSpan(0, 23760));
        output.WriteLine($"segmented decode, samples 0..23759: max abs error {e1:E2} at {a1}");
        Assert.True(e1 <= 1e-4, $"segmented decode error {e1} at {a1}");
        // The last segment is 240 samples = 1 frame, below the exported graphs' 7-frame minimum; the
        // codec zero-extends it (documented), where PyTorch reflect-pads inside the network, so this
        // 320-sample tail is close but not exact.
        var (e2, a2) = AudioGolden.MaxAbsDiff(pcm.AsSpan(23760), golden.AsSpan(23760));
        output.WriteLine($"segmented decode, 1-frame tail segment: max abs error {e2:E2} at {23760 + a2}");
        Assert.True(e2 <= 0.05, $"tail error {e2}");
        Assert.Equal(24000, codec.Decode(codes).Length);
    }

    [Fact]
    public void Codebook_choice_by_count_and_bandwidth()
    {
        var wav = AudioGolden.F32(AudioGolden.Encodec("caseA_wav.f32"));
        var all = _codec.Encode(wav, 24000);
        var three = _codec.Encode(wav, 24000, new AudioEncodeOptions { Codebooks = 3 });
        Assert.Equal(3, three.Codebooks);
        for (int t = 0; t < 75; t++)
            for (int q = 0; q < 3; q++) Assert.Equal(all[t, q], three[t, q]);
        Assert.Equal(2, _codec.CodebooksFor(new AudioEncodeOptions { BandwidthKbps = 0.9 }));
        Assert.Equal(8, _codec.CodebooksFor(new AudioEncodeOptions { BandwidthKbps = 24 }));
        Assert.Throws<EdgeTokException>(() => _codec.CodebooksFor(new AudioEncodeOptions { BandwidthKbps = 1, Codebooks = 2 }));
        Assert.Throws<EdgeTokException>(() => _codec.CodebooksFor(new AudioEncodeOptions { Codebooks = 9 }));
        Assert.Throws<EdgeTokException>(() => _codec.CodebooksFor(new AudioEncodeOptions { Codebooks = 0 }));
        Assert.Throws<EdgeTokException>(() => _codec.CodebooksFor(new AudioEncodeOptions { BandwidthKbps = -1 }));
    }

    private float[] EncodeLatent(float[] wav, int frames)
    {
        var latent = _codec.EncodeLatent(wav, 24000);
        Assert.Equal(Dim * frames, latent.Length);
        return latent;
    }

    [Theory]
    [InlineData(24000, 75)]
    [InlineData(48000, 150)]
    public void Decoder_on_the_unquantized_latent_matches_golden(int samples, int frames)
    {
        var latent = AudioGolden.Transpose<float>(AudioGolden.F32(AudioGolden.Encodec($"onnxcheck_emb_{samples}.f32")), Dim, frames);
        var pcm = _codec.DecodeLatent(latent, frames);
        var (err, at) = AudioGolden.MaxAbsDiff(pcm, AudioGolden.F32(AudioGolden.Encodec($"onnxcheck_dec_{samples}.f32")));
        output.WriteLine($"onnxcheck_dec_{samples}: max abs error {err:E2} at {at}");
        Assert.True(err <= 1e-5, $"decoder error {err} at {at}");
        Assert.Throws<EdgeTokException>(() => _codec.DecodeLatent(latent.AsSpan(1), frames));
    }
}
