using EdgeTok.Audio.Codecs;

namespace EdgeTok.Audio.Streaming;

/// <summary>
/// A streaming decoder: <see cref="Push(ReadOnlySpan{int})"/> whole code frames [n, <see cref="Codebooks"/>],
/// <see cref="Pull"/> interleaved PCM at the codec's rate as it is decoded, <see cref="Flush"/> at the
/// end, <see cref="Reset"/> to start over. Create one with <see cref="AudioCodec.CreateDecoderStream"/>;
/// one thread at a time per stream.
/// </summary>
public abstract class AudioDecoderStream
{
    private readonly RingQueue<float> _pcm;

    private protected AudioDecoderStream(AudioCodecInfo info, int codebooks)
    {
        CodecInfo = info;
        Codebooks = codebooks;
        _pcm = new RingQueue<float>(Math.Max(4096, 8 * info.HopLength * info.Channels));
    }

    /// <summary>The codec this stream decodes for.</summary>
    public AudioCodecInfo CodecInfo { get; }

    /// <summary>Codes per frame (K) the stream takes.</summary>
    public int Codebooks { get; }

    /// <summary>Interleaved samples ready to <see cref="Pull"/>.</summary>
    public int SamplesAvailable => _pcm.Count;

    /// <summary>True after <see cref="Flush"/> until <see cref="Reset"/>.</summary>
    public bool IsFlushed { get; private set; }

    /// <summary>Samples (codec rate) from pushing a frame to the first of its samples being pullable, plus the frame: the decoder's latency.</summary>
    public abstract int LatencySamples { get; }

    /// <summary>Decodes whole frames [n, K], frame-major.</summary>
    /// <exception cref="EdgeTokException">InvalidArgument for a partial frame or a code out of range; InvalidState after <see cref="Flush"/>.</exception>
    public void Push(ReadOnlySpan<int> codes)
    {
        if (codes.Length % Codebooks != 0)
            throw EdgeTokException.Argument($"{codes.Length} codes is not a whole number of frames of {Codebooks} codebooks");
        Push(codes, codes.Length / Codebooks, Codebooks);
    }

    /// <summary>Decodes [<paramref name="frames"/>, <paramref name="codebooks"/>] codes; <paramref name="codebooks"/> must equal <see cref="Codebooks"/>.</summary>
    /// <exception cref="EdgeTokException">InvalidArgument for the wrong K, a size mismatch or a code out of range; InvalidState after <see cref="Flush"/>.</exception>
    public void Push(ReadOnlySpan<int> codes, int frames, int codebooks)
    {
        if (IsFlushed) throw new EdgeTokException(StatusCode.InvalidState, $"{CodecInfo.Name} decoder stream: push after flush (call Reset to start a new stream)");
        if (codebooks != Codebooks)
            throw EdgeTokException.Argument($"codes have {codebooks} codebooks; this {CodecInfo.Name} decoder stream takes {Codebooks}");
        if (frames < 0 || codes.Length != (long)frames * codebooks)
            throw EdgeTokException.Argument($"codes hold {codes.Length} values, [{frames}, {codebooks}] needs {(long)frames * codebooks}");
        int size = CodecInfo.CodebookSize;
        for (int i = 0; i < codes.Length; i++)
            if ((uint)codes[i] >= (uint)size)
                throw EdgeTokException.Argument($"code {codes[i]} at frame {i / codebooks}, codebook {i % codebooks} is outside 0..{size - 1}");
        if (frames > 0) PushCore(codes, frames);
    }

    /// <summary>Ends the input; decodes what the codec holds back. Further pushes fail until <see cref="Reset"/>.</summary>
    public void Flush()
    {
        if (IsFlushed) return;
        FlushCore();
        IsFlushed = true;
    }

    /// <summary>Copies up to <paramref name="pcm"/>.Length decoded interleaved samples; returns how many.</summary>
    public int Pull(Span<float> pcm) => _pcm.Read(pcm);

    /// <summary>Back to the start of a new stream.</summary>
    public void Reset()
    {
        _pcm.Clear();
        ResetCore();
        IsFlushed = false;
    }

    /// <summary>Queues decoded samples for the reader.</summary>
    private protected void Emit(ReadOnlySpan<float> pcm) => _pcm.Write(pcm);

    /// <summary>Decodes validated frames.</summary>
    private protected abstract void PushCore(ReadOnlySpan<int> codes, int frames);

    /// <summary>Decodes anything held back.</summary>
    private protected virtual void FlushCore() { }

    /// <summary>Clears the codec state.</summary>
    private protected abstract void ResetCore();
}
