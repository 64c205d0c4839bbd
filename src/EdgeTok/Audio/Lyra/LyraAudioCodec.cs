using EdgeTok.Audio.Codecs;
using EdgeTok.Audio.Streaming;

namespace EdgeTok.Audio.Lyra;

/// <summary>
/// Lyra v2 behind the common <see cref="AudioCodec"/> surface (what <see cref="AudioCodec.Load"/>
/// returns for a Lyra folder or the name <c>lyra-v2</c>): codes [T, K] with K = levels in use (the first
/// K of Lyra's 46 RVQ levels; 16, 30, 46 for 3.2, 6.0, 9.2 kbps), 16 kHz mono, 320 samples per frame.
/// Streams are exact (stateful models).
/// </summary>
public sealed class LyraAudioCodec : AudioCodec
{
    private LyraAudioCodec(LyraCodec codec)
    {
        Codec = codec;
        Info = new AudioCodecInfo("lyra", "lyra-v2", LyraCodec.SampleRate, 1, LyraCodec.FrameSamples, LyraCodec.FramesPerSecond,
            codec.Levels, 16, LyraCodec.FeatureDimension, "rvq", [3.2, 6.0, 9.2]);
    }

    /// <summary>The native Lyra codec.</summary>
    public LyraCodec Codec { get; }

    /// <inheritdoc />
    public override AudioCodecInfo Info { get; }

    /// <summary>True when <paramref name="folder"/> holds Lyra's <c>soundstream_encoder.tflite</c>.</summary>
    public static bool IsLyraFolder(string folder) => File.Exists(Path.Combine(folder, "soundstream_encoder.tflite"));

    /// <summary>Loads Lyra's three TFLite files from <paramref name="folder"/>.</summary>
    /// <exception cref="EdgeTokException">See <see cref="LyraCodec.Load(string)"/>.</exception>
    public static LyraAudioCodec Load(string folder) => new(LyraCodec.Load(folder));

    /// <inheritdoc />
    public override AudioCodes Encode(ReadOnlySpan<float> pcm, int sampleRate, AudioEncodeOptions? options = null)
    {
        int n = CheckPcm(pcm, sampleRate);
        int k = CodebooksFor(options);
        var full = new int[LyraCodec.FrameCount(pcm.Length) * Codec.Levels];
        Codec.Encode(pcm, k, full, options?.Progress);
        int frames = full.Length / Codec.Levels;
        var codes = new int[frames * k];
        for (int t = 0; t < frames; t++) full.AsSpan(t * Codec.Levels, k).CopyTo(codes.AsSpan(t * k));
        return new AudioCodes(codes, frames, k, null, n);
    }

    /// <inheritdoc />
    public override float[] Decode(AudioCodes codes, IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(codes);
        var pcm = Decode(codes.Codes, codes.Frames, codes.Codebooks, progress);
        return codes.SampleCount > 0 && codes.SampleCount < pcm.Length ? pcm[..codes.SampleCount] : pcm;
    }

    /// <inheritdoc />
    public override float[] Decode(ReadOnlySpan<int> codes, int frames, int codebooks, IProgress<double>? progress = null)
    {
        CheckCodes(codes, frames, codebooks);
        var pcm = new float[Codec.DecodedSampleCount(codes.Length, codebooks)];
        Codec.Decode(codes, pcm, codebooks, progress);
        return pcm;
    }

    /// <inheritdoc />
    public override int EncodedFrameCount(int samples) => samples <= 0 ? 0 : LyraCodec.FrameCount(samples);

    /// <inheritdoc />
    public override long DecodedSampleCount(int frames) => Math.Max(0, frames) * (long)LyraCodec.FrameSamples;

    /// <summary>An exact streaming encoder (state carried between 20 ms frames, no look-ahead).</summary>
    /// <exception cref="EdgeTokException">A rate out of range or a bad level choice.</exception>
    public override AudioEncoderStream CreateEncoderStream(int inputSampleRate, AudioStreamOptions? options = null) =>
        new LyraEncoderStreamAdapter(Codec, Info, inputSampleRate, CodebooksFor(ToEncodeOptions(options)));

    /// <summary>An exact streaming decoder for frames of <paramref name="codebooks"/> levels; <paramref name="contextFrames"/> is ignored.</summary>
    /// <exception cref="EdgeTokException">A level count outside 1..46.</exception>
    public override AudioDecoderStream CreateDecoderStream(int? codebooks = null, int? contextFrames = null) =>
        new LyraDecoderStreamAdapter(Codec, Info, CheckStreamCodebooks(codebooks));
}
