using EdgeTok.Audio.Lyra;

namespace EdgeTok.Tests.Lyra;

public sealed class LyraStreamingTests
{
    private const string Clip = "cmu_arctic_aew_a0001";

    private static readonly Lazy<float[]> s_input = new(() => LyraGolden.F32(Clip, "input.f32"));
    private static readonly Lazy<int[]> s_offline46 = new(() => LyraGolden.Codec.Encode(s_input.Value, 46));

    [Fact]
    public void Offline_codes_equal_golden_at_46_levels()
    {
        // The whole chain from PCM: encoder exact to ref_tflite, quantizer exact, so the codes are ref_tflite's.
        Assert.Equal(LyraGolden.I32(Clip, "codes_46.i32", reference: true), s_offline46.Value);
    }

    [Theory]
    [InlineData(160, 46)]   // 10 ms
    [InlineData(320, 46)]   // 20 ms
    [InlineData(592, 46)]   // 37 ms
    public void Streaming_in_chunks_gives_exactly_the_offline_codes(int chunk, int levels)
    {
        var codec = LyraGolden.Codec;
        var input = s_input.Value;
        var offline = levels == 46 ? s_offline46.Value : codec.Encode(input, levels);
        var enc = codec.CreateEncoder(levels);
        var got = new List<int>();
        var buf = new int[4 * codec.Levels];
        for (int i = 0; i < input.Length; i += chunk)
        {
            enc.Push(input.AsSpan(i, Math.Min(chunk, input.Length - i)));
            int n;
            while ((n = enc.ReadFrames(buf)) > 0) got.AddRange(buf.AsSpan(0, n * codec.Levels).ToArray());
        }
        enc.Flush();
        while (enc.ReadFrames(buf) is var n2 && n2 > 0) got.AddRange(buf.AsSpan(0, n2 * codec.Levels).ToArray());
        Assert.Equal(offline, got.ToArray());
    }

    [Fact]
    public void Reset_restarts_the_stream_and_partial_frames_are_zero_padded()
    {
        var codec = LyraGolden.Codec;
        var input = s_input.Value.AsSpan(0, 10 * 320 + 100).ToArray();
        var enc = codec.CreateEncoder();
        enc.Push(input);
        Assert.Equal(10, enc.AvailableFrames);
        Assert.Equal(100, enc.PendingSamples);
        enc.Flush();
        Assert.Equal(11, enc.AvailableFrames);
        var first = new int[11 * 46];
        Assert.Equal(11, enc.ReadFrames(first));
        enc.Reset();
        var padded = new float[11 * 320];
        input.CopyTo(padded, 0);
        enc.Push(padded);
        var second = new int[11 * 46];
        Assert.Equal(11, enc.ReadFrames(second));
        Assert.Equal(first, second);
        Assert.Equal(first, codec.Encode(input));
    }

    [Fact]
    public void Decoder_stream_equals_offline_decode_and_resets()
    {
        var codec = LyraGolden.Codec;
        var codes = s_offline46.Value.AsSpan(0, 30 * 46).ToArray();
        var offline = codec.Decode(codes);
        var dec = codec.CreateDecoder();
        dec.Push(codes);            // all frames at once: the output queue grows
        var pcm = new float[offline.Length];
        Assert.Equal(offline.Length, dec.ReadSamples(pcm));
        Assert.Equal(offline, pcm);
        dec.Reset();
        dec.Push(codes.AsSpan(0, 46));
        var frame = new float[320];
        Assert.Equal(320, dec.ReadSamples(frame));
        Assert.Equal(offline.AsSpan(0, 320).ToArray(), frame);
        // 16-level codes given as 16 per frame decode like 46-wide frames padded with -1.
        var c16 = codec.Encode(s_input.Value.AsSpan(0, 3200), 16);
        var narrow = new int[10 * 16];
        for (int t = 0; t < 10; t++) c16.AsSpan(t * 46, 16).CopyTo(narrow.AsSpan(t * 16));
        Assert.Equal(codec.Decode(c16), codec.Decode(narrow, 16));
    }

    [Fact]
    public void Steady_state_streaming_allocates_nothing()
    {
        var codec = LyraGolden.Codec;
        var input = s_input.Value;
        var enc = codec.CreateEncoder(30);
        var dec = codec.CreateDecoder();
        var codes = new int[codec.Levels];
        var pcm = new float[LyraCodec.FrameSamples];
        int frames = 0, samples = 0;
        // No asserts inside the measured loop: xUnit's Assert.Equal allocates a comparer per call.
        void Frame(int t)
        {
            enc.Push(input.AsSpan(t * 320 % (input.Length - 320), 320));
            frames += enc.ReadFrames(codes);
            dec.Push(codes);
            samples += dec.ReadSamples(pcm);
        }
        for (int t = 0; t < 20; t++) Frame(t);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int t = 20; t < 120; t++) Frame(t);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(120, frames);
        Assert.Equal(120 * 320, samples);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Bad_input_gets_clear_errors()
    {
        var codec = LyraGolden.Codec;
        var enc = codec.CreateEncoder();
        enc.Push(new float[100]);
        enc.Flush();
        var e = Assert.Throws<EdgeTokException>(() => enc.Push(new float[10]));
        Assert.Equal(StatusCode.InvalidState, e.Status);
        Assert.Contains("push after flush", e.Message);
        var dec = codec.CreateDecoder();
        Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<EdgeTokException>(() => dec.Push(new int[45])).Status);
        dec.Flush();
        Assert.Equal(StatusCode.InvalidState, Assert.Throws<EdgeTokException>(() => dec.Push(new int[46])).Status);
        Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<EdgeTokException>(() => codec.Decode(new int[47])).Status);
        Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<EdgeTokException>(() => codec.Decode(new int[46], 47)).Status);
        Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<EdgeTokException>(() => codec.CreateEncoder(46, 44100)).Status);
        Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<EdgeTokException>(() => codec.CreateEncoder(0)).Status);
        Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<EdgeTokException>(() => codec.Encode(new float[320], 47)).Status);
        var badCodes = new int[46];
        badCodes[0] = 99;
        Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<EdgeTokException>(() => codec.Decode(badCodes)).Status);
        Assert.Equal(StatusCode.NotFound, Assert.Throws<EdgeTokException>(() => LyraCodec.Load(Path.Combine(LyraGolden.ModelDir, "nope"))).Status);
    }

    [Fact]
    public void Whole_chain_reproduces_the_reference_runtime_chain()
    {
        // PCM → codes → PCM through the public API equals TFLite's reference-kernel chain (ref_tflite):
        // the encoder and quantizer are bit-exact, the decoder differs only by float summation order.
        var codec = LyraGolden.Codec;
        var codes = codec.Encode(s_input.Value, 16);
        Assert.Equal(LyraGolden.I32(Clip, "codes_16.i32", reference: true), codes);
        var pcm = codec.Decode(codes);
        double rel = LyraGolden.RelRms(pcm, LyraGolden.F32(Clip, "decoded_16.f32", reference: true));
        Assert.True(rel < 1e-4, $"whole chain rel RMS vs ref_tflite {rel}");
    }

    [Fact]
    public void One_codec_serves_independent_streams_on_several_threads()
    {
        var codec = LyraGolden.Codec;
        var input = s_input.Value.AsSpan(0, 50 * 320).ToArray();
        var expected = codec.Encode(input, 30);
        var results = new int[4][];
        Parallel.For(0, 4, i =>
        {
            var enc = codec.CreateEncoder(30);
            var codes = new int[50 * 46];
            for (int t = 0; t < 50; t++) enc.Push(input.AsSpan(t * 320, 320));
            enc.ReadFrames(codes);
            results[i] = codes;
        });
        foreach (var r in results) Assert.Equal(expected, r);
    }

    [Fact]
    public void Int16_pcm_encodes_like_its_float_scaling()
    {
        // input.f32 is int16 / 32768 exactly, so the int16 route must give the same codes.
        var codec = LyraGolden.Codec;
        var f = s_input.Value.AsSpan(0, 40 * 320 + 17).ToArray();
        var s16 = f.Select(v => (short)Math.Round(v * 32768f)).ToArray();
        var enc = codec.CreateEncoder();
        for (int i = 0; i < s16.Length; i += 123) enc.Push(s16.AsSpan(i, Math.Min(123, s16.Length - i)));
        enc.Flush();
        var codes = new int[41 * 46];
        Assert.Equal(41, enc.ReadFrames(codes));
        Assert.Equal(codec.Encode(f), codes);
        Assert.Equal(codec.Encode(s16), codes);
    }

    [Fact]
    public void Span_overloads_and_int16_output()
    {
        var codec = LyraGolden.Codec;
        var pcm = s_input.Value.AsSpan(0, 5 * 320).ToArray();
        var codes = new int[5 * 46];
        Assert.Equal(5, codec.Encode(pcm, 46, codes));
        Assert.Equal(codec.Encode(pcm), codes);
        Assert.Equal(StatusCode.BufferTooSmall, Assert.Throws<EdgeTokException>(() => codec.Encode(pcm, 46, new int[10])).Status);
        Assert.Equal(5 * 320, codec.DecodedSampleCount(codes.Length));
        var audio = new float[5 * 320];
        Assert.Equal(audio.Length, codec.Decode(codes, audio));
        Assert.Equal(codec.Decode(codes), audio);
        Assert.Equal(StatusCode.BufferTooSmall, Assert.Throws<EdgeTokException>(() => codec.Decode(codes, new float[10])).Status);
        var s16 = new short[4];
        LyraCodec.ToInt16([0.5f, -1.5f, 2f, -0.99999f / 32768f], s16);
        Assert.Equal(new short[] { 16384, -32768, 32767, 0 }, s16);
    }
}
