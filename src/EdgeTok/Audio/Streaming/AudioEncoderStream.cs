using System.Numerics.Tensors;
using EdgeTok.Audio.Codecs;

namespace EdgeTok.Audio.Streaming;

/// <summary>
/// A streaming encoder: <see cref="Push"/> interleaved PCM of any length at <see cref="InputSampleRate"/>
/// (resampled inside to the codec's rate with <see cref="StreamingSincResampler"/>), <see cref="Pull"/>
/// whole code frames [n, <see cref="Codebooks"/>] as they become available, <see cref="Flush"/> at the
/// end of input (pads the tail as offline encoding does), <see cref="Reset"/> to start over. Create one
/// with <see cref="AudioCodec.CreateEncoderStream"/>; a codec serves any number of independent streams,
/// each used by one thread at a time.
/// </summary>
public abstract class AudioEncoderStream
{
    private readonly StreamingSincResampler? _resampler;
    private readonly float[]? _resampled;
    private readonly RingQueue<int> _codes;

    private protected AudioEncoderStream(AudioCodecInfo info, int inputRate, int codebooks)
    {
        if (inputRate is < 1 or > IO.Audio.AudioConvert.MaxSampleRate)
            throw EdgeTokException.Argument($"input sample rate {inputRate} is outside 1..{IO.Audio.AudioConvert.MaxSampleRate}");
        CodecInfo = info;
        InputSampleRate = inputRate;
        Codebooks = codebooks;
        if (inputRate != info.SampleRate)
        {
            if (info.Channels != 1)
                throw EdgeTokException.Argument($"the {info.Name} codec takes {info.Channels} channels at {info.SampleRate} Hz; streams resample mono input only, push {info.SampleRate} Hz audio");
            _resampler = new StreamingSincResampler(inputRate, info.SampleRate);
            _resampled = new float[1024];
        }
        _codes = new RingQueue<int>(64 * codebooks);
    }

    /// <summary>The codec this stream encodes for.</summary>
    public AudioCodecInfo CodecInfo { get; }

    /// <summary>Rate of the pushed PCM in Hz.</summary>
    public int InputSampleRate { get; }

    /// <summary>Codes per frame (K).</summary>
    public int Codebooks { get; }

    /// <summary>Whole code frames ready to <see cref="Pull"/>.</summary>
    public int FramesAvailable => _codes.Count / Codebooks;

    /// <summary>True after <see cref="Flush"/> until <see cref="Reset"/>.</summary>
    public bool IsFlushed { get; private set; }

    /// <summary>
    /// Algorithmic latency in samples at the codec's rate: a frame plus the codec's look-ahead, plus the
    /// resampler's look-ahead when the input is resampled (the time from a sample's arrival to the
    /// earliest push after which the frame holding it can be pulled).
    /// </summary>
    public int LatencySamples => CodecLatencySamples + (_resampler is null ? 0
        : (int)Math.Ceiling((double)_resampler.LookaheadInputSamples * CodecInfo.SampleRate / InputSampleRate));

    /// <summary><see cref="LatencySamples"/> as time.</summary>
    public TimeSpan Latency => TimeSpan.FromSeconds((double)LatencySamples / CodecInfo.SampleRate);

    /// <summary>Frame plus look-ahead of the codec itself, samples at the codec's rate.</summary>
    private protected abstract int CodecLatencySamples { get; }

    /// <summary>
    /// Largest sample magnitude a stream takes. PCM is nominally in [−1, 1] and hot or clipped audio
    /// passes unchanged, but a stream keeps state: samples this far out (only a bug upstream makes them)
    /// can overflow a network's activations and poison every later frame, so they are refused like NaN.
    /// </summary>
    public const float MaxSampleMagnitude = 1e30f;

    /// <summary>
    /// Appends interleaved PCM (float in [−1, 1]) and encodes every frame it completes. A refused chunk
    /// (any error) is refused whole, before any sample is taken: the stream goes on as if it never came.
    /// </summary>
    /// <exception cref="EdgeTokException">InvalidState after <see cref="Flush"/>; InvalidArgument for a partial channel group, a NaN or infinite sample, or one beyond ±<see cref="MaxSampleMagnitude"/>.</exception>
    public void Push(ReadOnlySpan<float> pcm)
    {
        if (IsFlushed) throw new EdgeTokException(StatusCode.InvalidState, $"{CodecInfo.Name} encoder stream: push after flush (call Reset to start a new stream)");
        if (pcm.Length % CodecInfo.Channels != 0)
            throw EdgeTokException.Argument($"{pcm.Length} interleaved samples is not a multiple of the codec's {CodecInfo.Channels} channels");
        // One pass covers NaN (MaxMagnitude propagates it), infinities and enormous values (it keeps the sign).
        if (!pcm.IsEmpty && !(Math.Abs(TensorPrimitives.MaxMagnitude(pcm)) <= MaxSampleMagnitude))
        {
            for (int i = 0; i < pcm.Length; i++)
                if (!(Math.Abs(pcm[i]) <= MaxSampleMagnitude))
                    throw EdgeTokException.Argument($"{CodecInfo.Name} encoder stream: sample {i} of the chunk is {pcm[i]}; samples must be finite and within ±{MaxSampleMagnitude:G3} (the chunk was not taken)");
        }
        if (pcm.IsEmpty) return;
        if (_resampler is null) { PushCore(pcm); return; }
        // Bounded slices keep the resampler's buffer (and so memory) independent of the push size.
        while (!pcm.IsEmpty)
        {
            int n = Math.Min(pcm.Length, 512);
            _resampler.Push(pcm[..n]);
            pcm = pcm[n..];
            Drain();
        }
    }

    /// <summary>Ends the input: the tail is padded and encoded as offline encoding does. Further pushes fail until <see cref="Reset"/>; ready frames stay readable.</summary>
    public void Flush()
    {
        if (IsFlushed) return;
        if (_resampler is not null)
        {
            _resampler.Flush();
            Drain();
        }
        FlushCore();
        IsFlushed = true;
    }

    /// <summary>Copies up to <c>codes.Length / Codebooks</c> whole frames, frame-major [n, K]; returns n.</summary>
    public int Pull(Span<int> codes)
    {
        int n = Math.Min(FramesAvailable, codes.Length / Codebooks);
        _codes.Read(codes[..(n * Codebooks)]);
        return n;
    }

    /// <summary>Back to the start of a new stream: model state, resampler history and queued frames cleared.</summary>
    public void Reset()
    {
        _resampler?.Reset();
        _codes.Clear();
        ResetCore();
        IsFlushed = false;
    }

    /// <summary>Queues encoded frames [n, K] for the reader.</summary>
    private protected void Emit(ReadOnlySpan<int> frames) => _codes.Write(frames);

    /// <summary>Encodes PCM at the codec's rate.</summary>
    private protected abstract void PushCore(ReadOnlySpan<float> pcm);

    /// <summary>Encodes the padded tail.</summary>
    private protected abstract void FlushCore();

    /// <summary>Clears the codec state.</summary>
    private protected abstract void ResetCore();

    private void Drain()
    {
        int got;
        do
        {
            got = _resampler!.Read(_resampled);
            if (got > 0) PushCore(_resampled.AsSpan(0, got));
        } while (got == _resampled!.Length);
    }
}
