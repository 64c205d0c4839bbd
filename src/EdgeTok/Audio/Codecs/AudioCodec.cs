using EdgeTok.Audio.Quantization;
using EdgeTok.IO.Audio;
using EdgeTok.Audio.Streaming;

namespace EdgeTok.Audio.Codecs;

/// <summary>
/// An audio tokenizer: PCM at the codec's rate → codes [T, K] → PCM. Implementations: neural codecs
/// described by an <c>edgetok.json</c> manifest (<see cref="NeuralAudioCodec"/>: ONNX encoder/decoder,
/// native quantizer) and the weight-free <see cref="MuLawCodec"/>. PCM is float32 in [-1, 1],
/// channels interleaved. A loaded codec is immutable and safe to share across threads.
/// <para>Input contract: the sample rate must equal <see cref="AudioCodecInfo.SampleRate"/> (resample
/// first); the input must hold at least one sample per channel and no NaN or infinity (each is an
/// <see cref="StatusCode.InvalidArgument"/> error). Silence is valid input. Samples outside [-1, 1]
/// (clipped or hot recordings) are passed to neural codecs unchanged and clamped by mu-law.</para>
/// </summary>
public abstract class AudioCodec : IDisposable
{
    /// <summary>The name that selects the weight-free mu-law codec in <see cref="Load"/>.</summary>
    public const string MuLawModelName = "mulaw";

    private protected AudioCodec() { }

    /// <summary>What the codec is.</summary>
    public abstract AudioCodecInfo Info { get; }

    /// <summary>
    /// Loads a codec. <paramref name="folder"/> is a model folder holding <c>edgetok.json</c> and the
    /// files it names, or <c>mulaw</c> for the weight-free 8-bit mu-law codec at 16 kHz. With
    /// <paramref name="manifestPath"/> the manifest may live elsewhere; the files it names still
    /// resolve relative to <paramref name="folder"/>.
    /// </summary>
    /// <remarks>A bare name that is not an existing folder (e.g. <c>lyra-v2</c>) is resolved with
    /// <see cref="Runtime.ModelLocator.Resolve"/>; a Lyra v2 folder loads as <see cref="Lyra.LyraAudioCodec"/>.</remarks>
    /// <exception cref="EdgeTokException">Missing files or an unknown model name (<see cref="StatusCode.NotFound"/>), a malformed manifest, wrong tensor shapes or ONNX graphs that do not match the manifest (<see cref="StatusCode.InvalidFormat"/>), an unknown quantizer (<see cref="StatusCode.Unsupported"/>).</exception>
    public static AudioCodec Load(string folder, string? manifestPath = null, AudioCodecLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (manifestPath is null && string.Equals(folder, MuLawModelName, StringComparison.OrdinalIgnoreCase) && !Directory.Exists(folder))
            return new MuLawCodec();
        // A bare model name (e.g. lyra-v2) resolves through EDGETOK_MODEL_PATH, then models/.
        if (manifestPath is null && !Directory.Exists(folder) && folder.IndexOfAny(['/', '\\']) < 0 && folder is not ("." or ".."))
            folder = Runtime.ModelLocator.Resolve(folder);
        if (manifestPath is null && Lyra.LyraAudioCodec.IsLyraFolder(folder)) return Lyra.LyraAudioCodec.Load(folder);
        return NeuralAudioCodec.Load(folder, manifestPath, options);
    }

    /// <summary>
    /// Encodes interleaved PCM at <paramref name="sampleRate"/> (which must be the codec's rate).
    /// </summary>
    /// <exception cref="EdgeTokException">Wrong rate, empty input, NaN/infinite samples, or a bad codebook/bandwidth choice (<see cref="StatusCode.InvalidArgument"/>).</exception>
    public abstract AudioCodes Encode(ReadOnlySpan<float> pcm, int sampleRate, AudioEncodeOptions? options = null);

    /// <summary>
    /// Encodes a clip at any rate and channel count: channels are mixed down to mono (or a mono clip
    /// duplicated for a stereo codec) and the audio resampled to the codec's rate first.
    /// </summary>
    /// <exception cref="EdgeTokException">A channel layout that cannot be mapped, or the errors of <see cref="Encode(ReadOnlySpan{float}, int, AudioEncodeOptions?)"/>.</exception>
    public AudioCodes Encode(AudioClip clip, AudioEncodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(clip);
        var c = ToCodecLayout(clip);
        return Encode(c.Samples, c.SampleRate, options);
    }

    /// <summary>The clip converted to the codec's channel count and sample rate.</summary>
    /// <exception cref="EdgeTokException">A channel layout that cannot be mapped (<see cref="StatusCode.InvalidArgument"/>).</exception>
    public AudioClip ToCodecLayout(AudioClip clip)
    {
        ArgumentNullException.ThrowIfNull(clip);
        var info = Info;
        if (clip.Channels != info.Channels)
        {
            if (info.Channels == 1) clip = clip.ToMono();
            else if (clip.Channels == 1)
            {
                var dup = new float[clip.Frames * info.Channels];
                for (int t = 0; t < clip.Frames; t++)
                    for (int ch = 0; ch < info.Channels; ch++) dup[t * info.Channels + ch] = clip.Samples[t];
                clip = new AudioClip(dup, clip.SampleRate, info.Channels);
            }
            else throw EdgeTokException.Argument($"cannot map {clip.Channels} channels to the codec's {info.Channels}");
        }
        return clip.Resample(info.SampleRate);
    }

    /// <summary>Decodes codes to a clip at the codec's rate and channel count.</summary>
    public AudioClip DecodeToClip(AudioCodes codes) => new(Decode(codes), Info.SampleRate, Info.Channels);

    /// <summary>Decodes codes to interleaved PCM, applying the stored scales and trimming to the encoded length when known.</summary>
    /// <param name="codes">The codes to decode.</param>
    /// <param name="progress">Receives the fraction decoded (0..1, ending with 1) as whole pieces finish; null for none.</param>
    /// <exception cref="EdgeTokException">Codes out of range or a codebook count the codec cannot decode (<see cref="StatusCode.InvalidArgument"/>).</exception>
    public abstract float[] Decode(AudioCodes codes, IProgress<double>? progress = null);

    /// <summary>
    /// Decodes codes [frames, codebooks] (e.g. read from a file) to the decoder's full output:
    /// <see cref="DecodedSampleCount"/> samples per channel, untrimmed.
    /// </summary>
    /// <param name="codes">Codes [frames, codebooks], frame-major.</param>
    /// <param name="frames">Number of frames.</param>
    /// <param name="codebooks">Codebooks per frame.</param>
    /// <param name="progress">Receives the fraction decoded (0..1, ending with 1) as whole pieces finish; null for none.</param>
    /// <exception cref="EdgeTokException">Codes out of range, a wrong codebook count or a length that is not frames × codebooks (<see cref="StatusCode.InvalidArgument"/>).</exception>
    public abstract float[] Decode(ReadOnlySpan<int> codes, int frames, int codebooks, IProgress<double>? progress = null);

    /// <summary>Number of code frames an input of <paramref name="samples"/> samples per channel produces.</summary>
    public abstract int EncodedFrameCount(int samples);

    /// <summary>Number of samples per channel <see cref="Decode(ReadOnlySpan{int}, int, int, IProgress{double})"/> returns for <paramref name="frames"/> frames.</summary>
    public abstract long DecodedSampleCount(int frames);

    /// <summary>
    /// Number of code frames <see cref="Encode(AudioClip, AudioEncodeOptions?)"/> produces for
    /// <paramref name="samples"/> samples per channel at <paramref name="sampleRate"/> (after
    /// resampling to the codec's rate).
    /// </summary>
    /// <exception cref="EdgeTokException">A rate outside the supported range (<see cref="StatusCode.InvalidArgument"/>).</exception>
    public int EncodedFrameCount(long samples, int sampleRate)
    {
        if (sampleRate is < 1 or > AudioConvert.MaxSampleRate) throw EdgeTokException.Argument($"sample rate {sampleRate} is outside 1..{AudioConvert.MaxSampleRate}");
        if (samples < 0) throw EdgeTokException.Argument($"sample count {samples} is negative");
        long n = sampleRate == Info.SampleRate ? samples : AudioConvert.ResampledLength(samples, sampleRate, Info.SampleRate);
        if (n > int.MaxValue) throw EdgeTokException.Limit($"{n} samples exceed the {int.MaxValue}-sample limit");
        return EncodedFrameCount((int)n);
    }

    /// <summary>The codebook count an encode with <paramref name="options"/> uses.</summary>
    /// <exception cref="EdgeTokException">Both or invalid values set (<see cref="StatusCode.InvalidArgument"/>).</exception>
    public int CodebooksFor(AudioEncodeOptions? options)
    {
        var info = Info;
        if (options is null || (options.BandwidthKbps is null && options.Codebooks is null)) return info.Codebooks;
        if (options.BandwidthKbps is not null && options.Codebooks is not null)
            throw EdgeTokException.Argument("give either a bandwidth or a codebook count, not both");
        if (options.Codebooks is { } k)
        {
            int min = MinCodebooks;
            if (k < min || k > info.Codebooks) throw EdgeTokException.Argument($"codebook count {k} is outside {min}..{info.Codebooks}");
            return k;
        }
        return Math.Max(MinCodebooks, ResidualVectorQuantizer.LevelsForBandwidth(options.BandwidthKbps!.Value, info.FrameRate, info.CodebookSize, info.Codebooks));
    }

    /// <summary>
    /// A streaming encoder taking PCM at <paramref name="inputSampleRate"/> (resampled inside; mono
    /// input when it differs from the codec's rate). Stateful codecs (Lyra, mu-law) stream exactly;
    /// offline-only ONNX codecs use a left-context window (<see cref="WindowedEncoderStream"/>).
    /// </summary>
    /// <exception cref="EdgeTokException">A rate out of range, a rate change for a multi-channel codec, or a bad codebook choice (<see cref="StatusCode.InvalidArgument"/>).</exception>
    public virtual AudioEncoderStream CreateEncoderStream(int inputSampleRate, AudioStreamOptions? options = null) =>
        new WindowedEncoderStream(this, inputSampleRate, CodebooksFor(ToEncodeOptions(options)), options?.ContextFrames ?? WindowedEncoderStream.DefaultContextFrames);

    /// <summary>A streaming decoder for frames of <paramref name="codebooks"/> codes (null = all); <paramref name="contextFrames"/> is the left-context window of offline-only codecs.</summary>
    /// <exception cref="EdgeTokException">A codebook count the codec cannot decode (<see cref="StatusCode.InvalidArgument"/>).</exception>
    public virtual AudioDecoderStream CreateDecoderStream(int? codebooks = null, int? contextFrames = null) =>
        new WindowedDecoderStream(this, CheckStreamCodebooks(codebooks), contextFrames ?? WindowedEncoderStream.DefaultContextFrames);

    /// <summary>The codebook count of a decoder stream, validated.</summary>
    private protected int CheckStreamCodebooks(int? codebooks)
    {
        int k = codebooks ?? Info.Codebooks;
        if (k < MinCodebooks || k > Info.Codebooks)
            throw EdgeTokException.Argument($"codebook count {k} is outside {MinCodebooks}..{Info.Codebooks} for the {Info.Name} codec");
        return k;
    }

    /// <summary>The encode options a stream's options select.</summary>
    private protected static AudioEncodeOptions? ToEncodeOptions(AudioStreamOptions? o) =>
        o is null || (o.Codebooks is null && o.BandwidthKbps is null) ? null : new AudioEncodeOptions { Codebooks = o.Codebooks, BandwidthKbps = o.BandwidthKbps };

    /// <summary>Smallest codebook count the codec accepts.</summary>
    private protected virtual int MinCodebooks => 1;

    /// <summary>Validates the shared input contract and returns the samples per channel.</summary>
    private protected int CheckPcm(ReadOnlySpan<float> pcm, int sampleRate)
    {
        var info = Info;
        if (sampleRate != info.SampleRate)
            throw EdgeTokException.Argument($"input is at {sampleRate} Hz but the {info.Name} codec runs at {info.SampleRate} Hz; resample first");
        if (pcm.IsEmpty) throw EdgeTokException.Argument("input audio is empty");
        if (pcm.Length % info.Channels != 0)
            throw EdgeTokException.Argument($"{pcm.Length} interleaved samples is not a multiple of the codec's {info.Channels} channels");
        if (!System.Numerics.Tensors.TensorPrimitives.IsFiniteAll(pcm))
        {
            for (int i = 0; i < pcm.Length; i++)
                if (!float.IsFinite(pcm[i]))
                    throw EdgeTokException.Argument($"input audio holds a non-finite sample ({pcm[i]}) at index {i}");
        }
        return pcm.Length / info.Channels;
    }

    /// <summary>Validates a codes buffer against the codec before decoding.</summary>
    private protected void CheckCodes(ReadOnlySpan<int> codes, int frames, int codebooks)
    {
        var info = Info;
        if (frames < 1) throw EdgeTokException.Argument($"frame count {frames} must be ≥ 1");
        if (codebooks < MinCodebooks || codebooks > info.Codebooks)
            throw EdgeTokException.Argument($"codes have {codebooks} codebooks; the {info.Name} codec decodes {MinCodebooks}..{info.Codebooks}");
        if (codes.Length != (long)frames * codebooks)
            throw EdgeTokException.Argument($"codes hold {codes.Length} values, [{frames}, {codebooks}] needs {(long)frames * codebooks}");
        for (int i = 0; i < codes.Length; i++)
            if ((uint)codes[i] >= (uint)info.CodebookSize)
                throw EdgeTokException.Argument($"code {codes[i]} at frame {i / codebooks}, codebook {i % codebooks} is outside 0..{info.CodebookSize - 1}");
    }

    /// <summary>Releases native resources (ONNX Runtime sessions).</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases resources; overridden by codecs that hold native sessions.</summary>
    protected virtual void Dispose(bool disposing) { }
}
