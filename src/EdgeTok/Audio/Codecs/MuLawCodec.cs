namespace EdgeTok.Audio.Codecs;

/// <summary>
/// The weight-free 8-bit mu-law tokenizer (WaveNet): one code per sample, K = 1, 256 symbols.
/// Encode: x clamped to [-1, 1], y = sign(x)·ln(1 + μ|x|)/ln(1 + μ) with μ = 255, code =
/// floor((y + 1)/2 · μ + 0.5). Decode: y = 2·code/μ − 1, x = sign(y)·((1 + μ)^|y| − 1)/μ.
/// Needs no model files.
/// </summary>
public sealed class MuLawCodec : AudioCodec
{
    /// <summary>μ of 8-bit mu-law.</summary>
    public const int Mu = 255;

    private static readonly float[] s_table = BuildTable();

    /// <summary>Creates the codec for audio at <paramref name="sampleRate"/> Hz (16 kHz by default, as WaveNet).</summary>
    /// <exception cref="EdgeTokException">Rate outside 1..768000 or channels outside 1..16 (<see cref="StatusCode.InvalidArgument"/>).</exception>
    public MuLawCodec(int sampleRate = 16000, int channels = 1)
    {
        if (sampleRate is < 1 or > 768000) throw EdgeTokException.Argument($"sample rate {sampleRate} is outside 1..768000");
        if (channels is < 1 or > 16) throw EdgeTokException.Argument($"channel count {channels} is outside 1..16");
        Info = new AudioCodecInfo("mulaw", "mulaw-8bit", sampleRate, channels, 1, sampleRate, channels, Mu + 1, 0, "mulaw", []);
    }

    /// <inheritdoc />
    public override AudioCodecInfo Info { get; }

    /// <summary>Codes one sample (clamped to [-1, 1]; NaN is not allowed).</summary>
    public static int EncodeSample(float x)
    {
        double c = Math.Clamp((double)x, -1.0, 1.0);
        double y = Math.Sign(c) * Math.Log(1 + Mu * Math.Abs(c)) / Math.Log(1 + Mu);
        return (int)Math.Floor((y + 1) / 2 * Mu + 0.5);
    }

    /// <summary>The sample value of a code (0..255).</summary>
    public static float DecodeSample(int code) => s_table[code];

    /// <inheritdoc />
    public override AudioCodes Encode(ReadOnlySpan<float> pcm, int sampleRate, AudioEncodeOptions? options = null)
    {
        int n = CheckPcm(pcm, sampleRate);
        int k = CodebooksFor(options);
        if (k != Info.Codebooks) throw EdgeTokException.Argument($"mu-law uses exactly {Info.Codebooks} codebook(s) (one per channel), not {k}");
        var codes = new int[pcm.Length];
        for (int i = 0; i < pcm.Length; i++) codes[i] = EncodeSample(pcm[i]);
        options?.Progress?.Report(1);
        return new AudioCodes(codes, n, Info.Channels, null, n);
    }

    /// <inheritdoc />
    public override float[] Decode(AudioCodes codes, IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(codes);
        return Decode(codes.Codes, codes.Frames, codes.Codebooks, progress);
    }

    /// <inheritdoc />
    public override float[] Decode(ReadOnlySpan<int> codes, int frames, int codebooks, IProgress<double>? progress = null)
    {
        CheckCodes(codes, frames, codebooks);
        if (codebooks != Info.Channels) throw EdgeTokException.Argument($"mu-law codes need {Info.Channels} codebook(s), got {codebooks}");
        var pcm = new float[codes.Length];
        for (int i = 0; i < codes.Length; i++) pcm[i] = s_table[codes[i]];
        progress?.Report(1);
        return pcm;
    }

    /// <inheritdoc />
    public override int EncodedFrameCount(int samples) => Math.Max(0, samples);

    /// <inheritdoc />
    public override long DecodedSampleCount(int frames) => Math.Max(0, frames);

    private protected override int MinCodebooks => Info.Codebooks;

    /// <summary>An exact sample-by-sample streaming encoder (one frame per sample, K = channels).</summary>
    /// <exception cref="EdgeTokException">A rate out of range, a rate change for a multi-channel codec, or a codebook count other than the channel count.</exception>
    public override Streaming.AudioEncoderStream CreateEncoderStream(int inputSampleRate, Streaming.AudioStreamOptions? options = null)
    {
        int k = CodebooksFor(ToEncodeOptions(options));
        if (k != Info.Codebooks) throw EdgeTokException.Argument($"mu-law uses exactly {Info.Codebooks} codebook(s) (one per channel), not {k}");
        return new Streaming.MuLawEncoderStream(this, inputSampleRate);
    }

    /// <summary>An exact code-by-code streaming decoder; <paramref name="contextFrames"/> is ignored.</summary>
    /// <exception cref="EdgeTokException">A codebook count other than the channel count.</exception>
    public override Streaming.AudioDecoderStream CreateDecoderStream(int? codebooks = null, int? contextFrames = null)
    {
        CheckStreamCodebooks(codebooks);
        return new Streaming.MuLawDecoderStream(this);
    }

    private static float[] BuildTable()
    {
        var t = new float[Mu + 1];
        for (int c = 0; c <= Mu; c++)
        {
            double y = 2.0 * c / Mu - 1;
            t[c] = (float)(Math.Sign(y) * (Math.Pow(1 + Mu, Math.Abs(y)) - 1) / Mu);
        }
        return t;
    }
}
