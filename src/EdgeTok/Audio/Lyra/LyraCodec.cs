using EdgeTok.IO.TfLite;
using EdgeTok.Runtime.TfLite;

namespace EdgeTok.Audio.Lyra;

/// <summary>
/// Google's Lyra v2 (SoundStream) codec run natively from its three TFLite files: encoder
/// (320 samples → 64-d features), residual VQ (<see cref="LyraQuantizer"/>) and decoder (64-d → 320
/// samples), with the models' streaming state (TFLite resource variables) kept per stream. The loaded
/// codec is immutable and may be shared by any number of streams and threads.
/// </summary>
/// <remarks>
/// Audio is 16 kHz mono, float samples = int16 / 32768. One frame is 20 ms. The int8 layers use TFLite's
/// reference fixed-point requantisation. Codes are 46 per frame; with fewer levels in use the rest are −1.
/// Bitrate = levels × 4 bits × 50 frames/s: 3.2, 6.0, 9.2 kbps are 16, 30, 46 levels (Lyra's 64, 120 and
/// 184 bits per frame, packets of 8, 15 and 23 bytes).
/// Delay: the models have no look-ahead; code frame t depends on samples up to 320·(t + 1), and decoded
/// frame t lines up with input frame t (no delay to compensate when aligning; 20 ms frame latency).
/// </remarks>
public sealed class LyraCodec
{
    /// <summary>Sample rate of the audio the models take and produce (16 kHz).</summary>
    public const int SampleRate = 16000;
    /// <summary>Samples per frame (20 ms).</summary>
    public const int FrameSamples = 320;
    /// <summary>Frames per second (50).</summary>
    public const int FramesPerSecond = SampleRate / FrameSamples;
    /// <summary>Feature dimension between encoder, quantizer and decoder (64).</summary>
    public const int FeatureDimension = 64;

    internal readonly TfLiteGraph EncoderGraph;
    internal readonly TfLiteGraph DecoderGraph;
    internal readonly int EncoderInput, EncoderOutput, DecoderInput, DecoderOutput;

    /// <summary>The residual vector quantizer.</summary>
    public LyraQuantizer Quantizer { get; }

    /// <summary>Number of RVQ levels in a code frame (46).</summary>
    public int Levels => Quantizer.Levels;

    private LyraCodec(TfLiteGraph enc, TfLiteGraph dec, LyraQuantizer q)
    {
        EncoderGraph = enc;
        DecoderGraph = dec;
        Quantizer = q;
        EncoderInput = enc.Input("input_audio");
        EncoderOutput = enc.Output("output_0");
        DecoderInput = dec.Input("input_audio");
        DecoderOutput = dec.Output("output_0");
        Check(enc, EncoderInput, FrameSamples, "encoder input");
        Check(enc, EncoderOutput, FeatureDimension, "encoder output");
        Check(dec, DecoderInput, FeatureDimension, "decoder input");
        Check(dec, DecoderOutput, FrameSamples, "decoder output");
        if (q.Dimension != FeatureDimension) throw EdgeTokException.Format($"Lyra quantizer dimension {q.Dimension}, expected {FeatureDimension}");
    }

    private static void Check(TfLiteGraph g, int tensor, int count, string what)
    {
        if (g.ElementCount[tensor] != count || g.Storage[tensor] != TfLiteStorage.Float)
            throw EdgeTokException.Format($"Lyra {what} is {g.T(tensor)}, expected {count} float32 values");
    }

    /// <summary>
    /// Loads <c>soundstream_encoder.tflite</c>, <c>quantizer.tflite</c> and <c>lyragan.tflite</c> from
    /// <paramref name="folder"/> (Lyra's <c>model_coeffs</c> layout).
    /// </summary>
    /// <exception cref="EdgeTokException">A file is missing (NotFound), malformed (InvalidFormat) or uses an unsupported op (Unsupported).</exception>
    public static LyraCodec Load(string folder) => Load(folder, TfLiteRequantization.Reference);

    internal static LyraCodec Load(string folder, TfLiteRequantization requant, bool useInt16Kernels = true)
    {
        if (!Directory.Exists(folder)) throw EdgeTokException.NotFound($"Lyra model folder not found: {folder}");
        var enc = TfLiteGraph.Create(TfLiteModel.Load(Path.Combine(folder, "soundstream_encoder.tflite")), "serving_default", requant, useInt16Kernels);
        var q = LyraQuantizer.Load(Path.Combine(folder, "quantizer.tflite"));
        var dec = TfLiteGraph.Create(TfLiteModel.Load(Path.Combine(folder, "lyragan.tflite")), "serving_default", requant, useInt16Kernels);
        return new LyraCodec(enc, dec, q);
    }

    /// <summary>Number of code frames <see cref="Encode(ReadOnlySpan{float}, int)"/> produces for <paramref name="samples"/> samples (the last partial frame is zero-padded).</summary>
    public static int FrameCount(int samples) => samples < 0 ? throw EdgeTokException.Argument("negative sample count") : (samples + FrameSamples - 1) / FrameSamples;

    /// <summary>A streaming encoder using the first <paramref name="levels"/> RVQ levels.</summary>
    /// <param name="levels">Levels in use, 1..46 (see <see cref="LyraQuantizer.LevelsForBitrate"/>).</param>
    /// <param name="sampleRate">Rate of the pushed audio; must be 16000.</param>
    /// <exception cref="EdgeTokException">Level count out of range, or another sample rate.</exception>
    public LyraEncoderStream CreateEncoder(int levels = 46, int sampleRate = SampleRate)
    {
        if (sampleRate != SampleRate) throw EdgeTokException.Argument($"Lyra takes {SampleRate} Hz audio, got {sampleRate} Hz (resample first)");
        if (levels < 1 || levels > Levels) throw EdgeTokException.Argument($"Lyra levels must be in 1..{Levels}, got {levels}");
        return new LyraEncoderStream(this, levels);
    }

    /// <summary>A streaming decoder.</summary>
    public LyraDecoderStream CreateDecoder() => new(this);

    /// <summary>
    /// Encodes a whole signal (16 kHz, float in [−1, 1)) from fresh state: returns
    /// <see cref="FrameCount"/> × <see cref="Levels"/> codes, row-major [frame, level], −1 beyond <paramref name="levels"/>.
    /// </summary>
    /// <exception cref="EdgeTokException">Level count out of range.</exception>
    public int[] Encode(ReadOnlySpan<float> pcm, int levels = 46)
    {
        var codes = new int[FrameCount(pcm.Length) * Levels];
        Encode(pcm, levels, codes);
        return codes;
    }

    /// <summary>
    /// Encodes into a caller buffer of at least <see cref="FrameCount"/>(pcm.Length) × <see cref="Levels"/>
    /// codes; returns the number of frames written.
    /// </summary>
    /// <param name="pcm">16 kHz PCM.</param>
    /// <param name="levels">RVQ levels to use.</param>
    /// <param name="codes">Output [frames, <see cref="Levels"/>].</param>
    /// <param name="progress">Receives the fraction encoded after every second of audio (ending with 1); null for none.</param>
    /// <exception cref="EdgeTokException">BufferTooSmall when <paramref name="codes"/> is too short; InvalidArgument for the level count.</exception>
    public int Encode(ReadOnlySpan<float> pcm, int levels, Span<int> codes, IProgress<double>? progress = null)
    {
        int frames = FrameCount(pcm.Length);
        if (codes.Length < frames * Levels)
            throw new EdgeTokException(StatusCode.BufferTooSmall, $"Lyra encode: {frames * Levels} codes needed, buffer holds {codes.Length}");
        var enc = CreateEncoder(levels);
        // Pushed a second at a time (the stream is exact however it is chunked) so progress can be
        // reported and the stream's queue stays small.
        int got = 0;
        for (int at = 0; at < pcm.Length; at += SampleRate)
        {
            enc.Push(pcm.Slice(at, Math.Min(SampleRate, pcm.Length - at)));
            if (at + SampleRate >= pcm.Length) enc.Flush();
            got += enc.ReadFrames(codes[(got * Levels)..]);
            progress?.Report((double)got / frames);
        }
        if (got != frames) throw new EdgeTokException(StatusCode.Internal, $"Lyra encoder produced {got} frames, {frames} expected");
        return got;
    }

    /// <summary>Encodes int16 PCM at 16 kHz (scaled by 1/32768, as Lyra does).</summary>
    /// <exception cref="EdgeTokException">Level count out of range.</exception>
    public int[] Encode(ReadOnlySpan<short> pcm, int levels = 46)
    {
        var f = new float[pcm.Length];
        for (int i = 0; i < f.Length; i++) f[i] = pcm[i] / 32768f;
        return Encode(f, levels);
    }

    /// <summary>
    /// Decodes codes from fresh state into 16 kHz audio, 320 samples per frame. <paramref name="codes"/>
    /// holds <paramref name="levelsPerFrame"/> codes per frame (row-major); missing levels count as unused.
    /// </summary>
    /// <exception cref="EdgeTokException">The code count is not a multiple of <paramref name="levelsPerFrame"/>, or a code is outside −1..15.</exception>
    public float[] Decode(ReadOnlySpan<int> codes, int levelsPerFrame = 46)
    {
        var pcm = new float[DecodedSampleCount(codes.Length, levelsPerFrame)];
        Decode(codes, pcm, levelsPerFrame);
        return pcm;
    }

    /// <summary>Samples <see cref="Decode(ReadOnlySpan{int}, int)"/> produces for <paramref name="codeCount"/> codes of <paramref name="levelsPerFrame"/> levels per frame.</summary>
    /// <exception cref="EdgeTokException">The code count is not a whole number of frames, or the level count is out of range.</exception>
    public int DecodedSampleCount(int codeCount, int levelsPerFrame = 46)
    {
        if (levelsPerFrame < 1 || levelsPerFrame > Levels) throw EdgeTokException.Argument($"Lyra levels per frame must be in 1..{Levels}, got {levelsPerFrame}");
        if (codeCount < 0 || codeCount % levelsPerFrame != 0)
            throw EdgeTokException.Argument($"Lyra decode: {codeCount} codes is not a whole number of frames of {levelsPerFrame} levels");
        return codeCount / levelsPerFrame * FrameSamples;
    }

    /// <summary>Decodes into a caller buffer of at least <see cref="DecodedSampleCount"/> samples; returns the samples written.</summary>
    /// <param name="codes">Codes, <paramref name="levelsPerFrame"/> per frame.</param>
    /// <param name="pcm">Output, 320 samples per frame.</param>
    /// <param name="levelsPerFrame">Codes per frame in <paramref name="codes"/>.</param>
    /// <param name="progress">Receives the fraction decoded after every second of audio (ending with 1); null for none.</param>
    /// <exception cref="EdgeTokException">BufferTooSmall, or the errors of <see cref="Decode(ReadOnlySpan{int}, int)"/>.</exception>
    public int Decode(ReadOnlySpan<int> codes, Span<float> pcm, int levelsPerFrame = 46, IProgress<double>? progress = null)
    {
        int samples = DecodedSampleCount(codes.Length, levelsPerFrame);
        if (pcm.Length < samples) throw new EdgeTokException(StatusCode.BufferTooSmall, $"Lyra decode: {samples} samples needed, buffer holds {pcm.Length}");
        int frames = codes.Length / levelsPerFrame;
        var dec = CreateDecoder();
        Span<int> frame = stackalloc int[Levels];
        for (int t = 0; t < frames; t++)
        {
            frame.Fill(-1);
            codes.Slice(t * levelsPerFrame, levelsPerFrame).CopyTo(frame);
            dec.Push(frame);
            dec.ReadSamples(pcm.Slice(t * FrameSamples, FrameSamples));
            if (progress is not null && ((t + 1) % FramesPerSecond == 0 || t + 1 == frames)) progress.Report((double)(t + 1) / frames);
        }
        return samples;
    }

    /// <summary>
    /// Lyra's float → int16 output conversion: x·32768 clipped to [−32768, 32767], truncated toward zero
    /// (the C++ cast Lyra uses).
    /// </summary>
    /// <exception cref="EdgeTokException">The spans differ in length.</exception>
    public static void ToInt16(ReadOnlySpan<float> pcm, Span<short> output)
    {
        if (output.Length != pcm.Length) throw EdgeTokException.Argument($"ToInt16: {pcm.Length} samples into a buffer of {output.Length}");
        for (int i = 0; i < pcm.Length; i++)
        {
            float v = pcm[i] * 32768f;
            output[i] = v >= 32767f ? short.MaxValue : v <= -32768f ? short.MinValue : float.IsNaN(v) ? (short)0 : (short)v;
        }
    }
}
