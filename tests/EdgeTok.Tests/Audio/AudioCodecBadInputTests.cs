using System.Text.Json.Nodes;
using EdgeTok.Audio.Codecs;
using EdgeTok.Audio.Quantization;

namespace EdgeTok.Tests.Audio;

/// <summary>Manifest, model, audio and code errors: each a clear <see cref="EdgeTokException"/> or documented behaviour.</summary>
public class AudioCodecBadInputTests(EncodecCodecTests.Fixture fixture) : IClassFixture<EncodecCodecTests.Fixture>
{
    private readonly NeuralAudioCodec _codec = fixture.Codec;

    private static EdgeTokException LoadWith(Action<JsonObject> edit, string? folder = null)
    {
        var m = JsonNode.Parse(File.ReadAllText(EncodecCodecTests.ManifestPath))!.AsObject();
        edit(m);
        string dir = TestPaths.TempDir();
        string path = Path.Combine(dir, "edgetok.json");
        File.WriteAllText(path, m.ToJsonString());
        return Assert.Throws<EdgeTokException>(() => AudioCodec.Load(folder ?? EncodecCodecTests.Folder, path).Dispose());
    }

    [Fact]
    public void Missing_manifest_folder_or_weight_file_is_not_found()
    {
        var e = Assert.Throws<EdgeTokException>(() => AudioCodec.Load(EncodecCodecTests.Folder));
        Assert.Equal(StatusCode.NotFound, e.Status); // the golden folder has no edgetok.json of its own
        Assert.Contains("edgetok.json", e.Message);
        Assert.Equal(StatusCode.NotFound, Assert.Throws<EdgeTokException>(() => AudioCodec.Load("/nonexistent/model")).Status);
        var f = LoadWith(m => m["quantizer"]!["codebooks"]!["file"] = "missing.f32");
        Assert.Equal(StatusCode.NotFound, f.Status);
        Assert.Contains("missing.f32", f.Message);
        var g = LoadWith(m => m["decoder"]!["file"] = "nope.onnx");
        Assert.Equal(StatusCode.NotFound, g.Status);
    }

    [Fact]
    public void Wrong_shapes_are_invalid_format()
    {
        var e = LoadWith(m => m["quantizer"]!["codebooks"]!["shape"] = new JsonArray(8, 64, 16));
        Assert.Equal(StatusCode.InvalidFormat, e.Status);
        Assert.Contains("65536 bytes", e.Message);
        var f = LoadWith(m => m["quantizer"]!["codebook_dim"] = 16);
        Assert.Equal(StatusCode.InvalidFormat, f.Status);
        Assert.Contains("expected [8, 64, 16]", f.Message);
        var g = LoadWith(m => m["latent_dim"] = 48);
        Assert.Equal(StatusCode.InvalidFormat, g.Status);
        Assert.Contains("latent_dim 48", g.Message);
    }

    [Fact]
    public void Unknown_quantizer_and_bad_manifest_values()
    {
        var e = LoadWith(m => m["quantizer"]!["type"] = "fsq");
        Assert.Equal(StatusCode.Unsupported, e.Status);
        Assert.Contains("'fsq'", e.Message);
        Assert.Equal(StatusCode.InvalidFormat, LoadWith(m => m.Remove("sample_rate")).Status);
        Assert.Equal(StatusCode.InvalidFormat, LoadWith(m => m["hop_length"] = -320).Status);
        Assert.Equal(StatusCode.InvalidFormat, LoadWith(m => m["segment"] = new JsonObject { ["seconds"] = 1, ["overlap"] = 1.5 }).Status);
        Assert.Equal(StatusCode.Unsupported, LoadWith(m => m["padding"]!["mode"] = "reflect").Status);
        Assert.Equal(StatusCode.Unsupported, LoadWith(m => m["quantizer"]!["codebooks"]!["format"] = "h5").Status);

        string dir = TestPaths.TempDir();
        File.WriteAllText(Path.Combine(dir, "edgetok.json"), "{ \"kind\": ");
        Assert.Equal(StatusCode.InvalidFormat, Assert.Throws<EdgeTokException>(() => AudioCodec.Load(dir)).Status);
    }

    [Fact]
    public void Onnx_graphs_that_do_not_match_the_manifest_are_rejected()
    {
        var e = LoadWith(m => m["encoder"]!["input"] = "audio");
        Assert.Equal(StatusCode.InvalidFormat, e.Status);
        Assert.Contains("input 'audio'", e.Message);
        Assert.Contains("wav", e.Message); // lists what the graph has
        var f = LoadWith(m => m["decoder"]!["output"] = "pcm");
        Assert.Contains("output 'pcm'", f.Message);
        // The decoder graph used as encoder: its input has 32 channels, the codec has 1.
        var g = LoadWith(m => { m["encoder"]!["file"] = "decoder.onnx"; m["encoder"]!["input"] = "emb"; m["encoder"]!["output"] = "wav"; });
        Assert.Equal(StatusCode.InvalidFormat, g.Status);
        Assert.Contains("32 channels", g.Message);
        // The RVQ graph outputs int64 codes, not a float latent.
        var h = LoadWith(m => { m["decoder"]!["file"] = "rvq_encode_nq8.onnx"; m["decoder"]!["output"] = "codes"; });
        Assert.Equal(StatusCode.InvalidFormat, h.Status);
        Assert.Contains("Int64", h.Message);
        // A file that is not ONNX at all.
        string dir = TestPaths.TempDir();
        File.WriteAllBytes(Path.Combine(dir, "bad.onnx"), [1, 2, 3, 4, 5]);
        foreach (var f2 in Directory.GetFiles(EncodecCodecTests.Folder)) File.Copy(f2, Path.Combine(dir, Path.GetFileName(f2)));
        var i = LoadWith(m => m["encoder"]!["file"] = "bad.onnx", dir);
        Assert.Equal(StatusCode.InvalidFormat, i.Status);
    }

    [Fact]
    public void Audio_input_errors()
    {
        var empty = Assert.Throws<EdgeTokException>(() => _codec.Encode([], 24000));
        Assert.Equal(StatusCode.InvalidArgument, empty.Status);
        Assert.Contains("empty", empty.Message);
        var rate = Assert.Throws<EdgeTokException>(() => _codec.Encode(new float[16000], 16000));
        Assert.Contains("16000 Hz", rate.Message);
        Assert.Contains("resample", rate.Message);
        var pcm = new float[4800];
        pcm[1234] = float.NaN;
        var nan = Assert.Throws<EdgeTokException>(() => _codec.Encode(pcm, 24000));
        Assert.Equal(StatusCode.InvalidArgument, nan.Status);
        Assert.Contains("index 1234", nan.Message);
        pcm[1234] = float.NegativeInfinity;
        Assert.Throws<EdgeTokException>(() => _codec.Encode(pcm, 24000));
    }

    [Fact]
    public void Silent_clipped_and_very_short_audio_encode_and_decode()
    {
        // Silence: valid, deterministic codes.
        var silent = _codec.Encode(new float[24000], 24000);
        Assert.Equal(75, silent.Frames);
        Assert.All(silent.Codes, c => Assert.InRange(c, 0, 63));
        var pcm = _codec.Decode(silent);
        Assert.Equal(24000, pcm.Length);
        Assert.True(System.Numerics.Tensors.TensorPrimitives.IsFiniteAll(pcm));

        // Clipped: values beyond ±1 pass to the network unchanged (documented); output stays finite.
        var clipped = new float[24000];
        for (int i = 0; i < clipped.Length; i++) clipped[i] = Math.Clamp(3f * MathF.Sin(i * 0.05f), -1.5f, 1.5f);
        var c2 = _codec.Encode(clipped, 24000);
        Assert.True(System.Numerics.Tensors.TensorPrimitives.IsFiniteAll(_codec.Decode(c2)));

        // Shorter than the graphs' 7-frame minimum: zero-extended, codes cut to ceil(n / hop).
        var wav = AudioGolden.F32(AudioGolden.Encodec("caseA_wav.f32"));
        var shortCodes = _codec.Encode(wav.AsSpan(0, 700), 24000);
        Assert.Equal(3, shortCodes.Frames);
        Assert.Equal(700, _codec.Decode(shortCodes).Length);
        Assert.All(shortCodes.Codes, c => Assert.InRange(c, 0, 63));
        // One sample is enough.
        Assert.Equal(1, _codec.Encode([0.5f], 24000).Frames);
    }

    [Fact]
    public void Code_errors()
    {
        var codes = new int[10 * 8];
        var ok = _codec.Decode(codes, 10, 8);
        Assert.Equal(3200, ok.Length);
        codes[17] = 64;
        var e = Assert.Throws<EdgeTokException>(() => _codec.Decode(codes, 10, 8));
        Assert.Equal(StatusCode.InvalidArgument, e.Status);
        Assert.Contains("code 64 at frame 2, codebook 1", e.Message);
        codes[17] = -5;
        Assert.Throws<EdgeTokException>(() => _codec.Decode(codes, 10, 8));
        var k = Assert.Throws<EdgeTokException>(() => _codec.Decode(new int[90], 10, 9));
        Assert.Contains("9 codebooks", k.Message);
        Assert.Throws<EdgeTokException>(() => _codec.Decode(new int[79], 10, 8));
        Assert.Throws<EdgeTokException>(() => _codec.Decode([], 0, 8));
        Assert.Throws<EdgeTokException>(() => new AudioCodes(new int[5], 2, 3));
        Assert.Throws<EdgeTokException>(() => _codec.Decode(new AudioCodes(new int[16], 2, 8, [1f, 2f])));
    }

    [Fact]
    public void Thread_count_option_is_validated_and_honoured()
    {
        Assert.Throws<EdgeTokException>(() => NeuralAudioCodec.Load(EncodecCodecTests.Folder, EncodecCodecTests.ManifestPath, new AudioCodecLoadOptions { IntraOpThreads = -1 }));
        using var two = NeuralAudioCodec.Load(EncodecCodecTests.Folder, EncodecCodecTests.ManifestPath, new AudioCodecLoadOptions { IntraOpThreads = 2 });
        var wav = AudioGolden.F32(AudioGolden.Encodec("caseA_wav.f32"));
        Assert.Equal(_codec.Encode(wav, 24000).Codes, two.Encode(wav, 24000).Codes);
    }

    [Fact]
    public void Quantizer_only_manifest_has_no_codec()
    {
        var e = Assert.Throws<EdgeTokException>(() => AudioCodec.Load(AudioGolden.Snac(), Path.Combine(TestPaths.RepoRoot, "models", "snac-24k-quantizer", "edgetok.json")));
        Assert.Equal(StatusCode.InvalidFormat, e.Status);
        Assert.Contains("\"encoder\"", e.Message);
    }

    [Fact]
    public void Quantizer_loads_from_npy_and_safetensors_with_weight_norm()
    {
        string dir = TestPaths.TempDir();
        // rvq from .npy
        var cb = AudioGolden.F32(AudioGolden.Encodec("codebooks.f32"));
        EdgeTok.IO.Npy.NpyWriter.WriteFloat32(Path.Combine(dir, "cb.npy"), cb, 8, 64, 32);
        File.WriteAllText(Path.Combine(dir, "rvq.json"), """
            {"quantizer": {"type": "rvq", "codebook_count": 8, "codebook_size": 64, "codebook_dim": 32, "codebooks": {"file": "cb.npy"}}}
            """);
        var q = LatentQuantizer.Load(Path.Combine(dir, "rvq.json"));
        var latent = AudioGolden.Transpose<float>(AudioGolden.F32(AudioGolden.Encodec("caseA_emb.f32")), 32, 75);
        var codes = new int[75 * 8];
        q.Encode(latent, 75, codes, 8);
        Assert.Equal(AudioGolden.Transpose<int>(AudioGolden.I32(AudioGolden.Encodec("caseA_codes_bw3p6.i32")), 8, 75), codes);

        // factorized from safetensors with weight_g / weight_v (folded at load)
        float[] book = [2, 0, 0, 3, -1, 0];
        EdgeTok.IO.SafeTensors.SafeTensorsWriter.Write(Path.Combine(dir, "dac.safetensors"),
        [
            EdgeTok.IO.SafeTensors.SafeTensorsWriter.Float32("q.0.codebook.weight", book, 3, 2),
            EdgeTok.IO.SafeTensors.SafeTensorsWriter.Float32("q.0.in_proj.weight_g", [2f, 1f], 2, 1, 1),
            EdgeTok.IO.SafeTensors.SafeTensorsWriter.Float32("q.0.in_proj.weight_v", [5f, 0f, 0f, 0.5f], 2, 2, 1),
            EdgeTok.IO.SafeTensors.SafeTensorsWriter.Float32("q.0.out_proj.weight", [1f, 0f, 0f, 1f], 2, 2, 1),
            EdgeTok.IO.SafeTensors.SafeTensorsWriter.Float32("q.0.out_proj.bias", [0f, 1f], 2),
        ]);
        File.WriteAllText(Path.Combine(dir, "dac.json"), """
            {"quantizer": {"type": "factorized", "codebook_count": 1, "codebook_size": 3, "codebook_dim": 2, "latent_dim": 2,
              "levels": [{"codebook": {"file": "dac.safetensors", "tensor": "q.0.codebook.weight"},
                          "in_proj": {"weight_g": {"file": "dac.safetensors", "tensor": "q.0.in_proj.weight_g"},
                                      "weight_v": {"file": "dac.safetensors", "tensor": "q.0.in_proj.weight_v"}},
                          "out_proj": {"weight": {"file": "dac.safetensors", "tensor": "q.0.out_proj.weight"},
                                       "bias": {"file": "dac.safetensors", "tensor": "q.0.out_proj.bias"}}}]}}
            """);
        var dac = LatentQuantizer.Load(Path.Combine(dir, "dac.json"));
        Assert.Equal("factorized", dac.Type);
        var c = new int[1];
        // in_proj = diag(2, 1) after folding: (1, 1) → (2, 1) → nearest direction (1, 0) → code 0; decode (2, 0) + (0, 1).
        dac.Encode([1f, 1f], 1, c, 1);
        Assert.Equal(0, c[0]);
        var z = new float[2];
        dac.Decode(c, 1, 1, z);
        Assert.Equal([2f, 1f], z);
    }
}
