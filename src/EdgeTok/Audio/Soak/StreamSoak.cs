using System.Diagnostics;
using EdgeTok.Audio.Codecs;
using EdgeTok.Audio.Streaming;
using EdgeTok.IO.Audio;
using EdgeTok.Runtime;

namespace EdgeTok.Audio.Soak;

/// <summary>
/// Long-stream soak: loops real clips through one encoder stream and one decoder stream of a codec
/// for a long time (e.g. an hour of audio) in pushes of seeded random size, and checks that
/// <list type="bullet">
/// <item>no sample or frame is dropped or duplicated: after every push the frames pulled equal
/// floor(samples the resampler can have produced / hop) exactly, after every pull the decoded samples
/// equal frames × hop, and after the flush the frames equal the offline frame count and the decoded
/// length exceeds the (resampled) input by the padding of the last frame only (0 ≤ tail &lt; hop);</item>
/// <item>the content is continuous: the loop is cut to a whole number of frames (and of resampler
/// periods), so for a codec that streams exactly (Lyra, mu-law) every frame before the flush must
/// equal, bit for bit, the offline encode of the first two loops (frames of later loops equal the
/// second loop's), and so must every decoded sample; an offline-only codec's windowed streams
/// re-encode windows whose length depends on the pushes, so their codes must agree closely
/// (<see cref="StreamSoakOptions.MinWindowedAgreement"/>) and their decoded audio is reported as a
/// signal-to-error ratio;</item>
/// <item><c>Reset</c> after the run brings back the initial state (a replayed loop gives the
/// reference codes again);</item>
/// <item>memory stays flat: the live managed heap and the process RSS, read every
/// <see cref="StreamSoakOptions.SampleInterval"/>, stay within <see cref="StreamSoakOptions.MemoryTolerance"/>
/// of their value after warm-up.</item>
/// </list>
/// The runner itself allocates nothing per push, so the heap figures are the streams'. Memory is
/// process-wide: run a soak alone in its process for meaningful figures.
/// </summary>
public sealed class StreamSoak
{
    /// <summary>Longest loop kept (input seconds): bounds the offline reference's cost.</summary>
    public const double MaxLoopSeconds = 300;

    private readonly AudioCodec _codec;
    private readonly StreamSoakOptions _o;
    private readonly int _inRate, _codecRate, _ch, _hop, _k, _window, _maxChunk, _clips;
    private readonly bool _exact;
    private readonly float[] _loop;           // interleaved, _loopIn frames
    private readonly long _loopIn, _loopOut, _loopFrames;
    private readonly int[] _refCodes;         // first two loops' frames [2·loopFrames, K]
    private readonly float[] _refPcm;         // their offline decode, interleaved
    private readonly StreamingSincResampler? _counter;   // counts resampler output; never pushed
    private readonly AudioEncoderStream _enc;
    private readonly AudioDecoderStream _dec;
    private readonly int[] _codesBuf;
    private readonly float[] _pcmBuf, _chunk;
    private readonly Random _rng;
    private readonly List<string> _failures = [];

    // Counters of the phase being run.
    private long _pushed, _frames, _decoded;   // _decoded: interleaved samples
    private bool _compare, _replay, _faulted;
    private long _faultAt;
    private long _checks, _accountingErrors, _framesCompared, _codesDiffering, _samplesCompared, _samplesDiffering;
    private long _resetFrames, _resetCodesDiffering, _resetSamplesDiffering;
    private double _signalEnergy, _errorEnergy;

    private StreamSoak(AudioCodec codec, IReadOnlyList<AudioClip> clips, StreamSoakOptions o)
    {
        _codec = codec;
        _o = o;
        var info = codec.Info;
        _codecRate = info.SampleRate;
        _ch = info.Channels;
        _hop = info.HopLength;
        _inRate = o.InputSampleRate ?? clips[0].SampleRate;
        if (_inRate is < 1 or > AudioConvert.MaxSampleRate) throw EdgeTokException.Argument($"input sample rate {_inRate} is outside 1..{AudioConvert.MaxSampleRate}");
        if (_inRate != _codecRate && _ch != 1)
            throw EdgeTokException.Argument($"the {info.Name} codec takes {_ch} channels; streams resample mono input only, so soak it at its own rate ({_codecRate} Hz)");

        // The loop length must be a whole number of frames at the codec's rate and of resampler periods
        // at the input rate, so every later loop lines up with the reference sample for sample.
        long g = Gcd(_inRate, _codecRate), up = _codecRate / g, down = _inRate / g;
        long unit = down * (_hop / Gcd(up, _hop));
        var mono = Concatenate(clips, _inRate, (long)(MaxLoopSeconds * _inRate) + unit, out _clips);
        _loopIn = mono.Length / unit * unit;
        if (_loopIn < _inRate)
            throw EdgeTokException.Argument($"the clips hold {mono.Length} samples at {_inRate} Hz; a soak loop needs at least 1 s ({Math.Max(unit, _inRate)} samples)");
        _loopOut = _loopIn * up / down;
        _loopFrames = _loopOut / _hop;
        _loop = Interleave(mono.AsSpan(0, (int)_loopIn), _ch);

        long total = InputSamplesFor(o.Duration);
        long codecTotal = _inRate == _codecRate ? total : AudioConvert.ResampledLength(total, _inRate, _codecRate);
        if (codecTotal > int.MaxValue)
            throw EdgeTokException.Limit($"{o.Duration} of audio is {codecTotal} samples at {_codecRate} Hz; a soak counts at most {int.MaxValue} (the codecs' frame-count limit)");
        _maxChunk = (int)Math.Clamp(Math.Round(o.MaxChunkSeconds * _inRate), 1, _loopIn);

        _enc = codec.CreateEncoderStream(_inRate, o.StreamOptions);
        _k = _enc.Codebooks;
        _dec = codec.CreateDecoderStream(_k, o.StreamOptions?.ContextFrames);
        _exact = _enc is not WindowedEncoderStream;
        _window = _enc is WindowedEncoderStream w ? w.ContextFrames : 0;
        if (_inRate != _codecRate) _counter = new StreamingSincResampler(_inRate, _codecRate);

        // Offline reference: two loops plus enough of a third that the resampler's look-ahead and the
        // last frame of the second loop see real audio, as they do in the stream.
        long margin = (_counter?.LookaheadInputSamples ?? 0) + (long)Math.Ceiling((_hop + 1.0) * _inRate / _codecRate) + 2;
        var refIn = new float[(2 * _loopIn + margin) * _ch];
        _loop.CopyTo(refIn, 0);
        _loop.CopyTo(refIn, _loop.Length);
        _loop.AsSpan(0, (int)(margin * _ch)).CopyTo(refIn.AsSpan(2 * _loop.Length));
        var offline = codec.Encode(new AudioClip(refIn, _inRate, _ch), new AudioEncodeOptions { Codebooks = _k });
        int refFrames = (int)(2 * _loopFrames);
        if (offline.Frames < refFrames) throw new EdgeTokException(StatusCode.Internal, $"offline reference gave {offline.Frames} frames, {refFrames} expected");
        _refCodes = offline.Codes.AsSpan(0, refFrames * _k).ToArray();
        _refPcm = codec.Decode(_refCodes, refFrames, _k);
        if (_refPcm.LongLength < (long)refFrames * _hop * _ch) throw new EdgeTokException(StatusCode.Internal, $"offline decode of {refFrames} frames gave {_refPcm.Length} samples");

        _codesBuf = new int[64 * _k];
        _pcmBuf = new float[Math.Max(4096, 64 * _hop * _ch)];
        _chunk = new float[_maxChunk * _ch];
        _rng = new Random(o.Seed);
    }

    /// <summary>
    /// Runs a soak of <paramref name="codec"/>'s streams over <paramref name="clips"/> (mixed to mono,
    /// resampled to the input rate, concatenated and looped). <paramref name="onSample"/> sees each
    /// memory reading as it is taken (progress). Check failures are reported, not thrown.
    /// </summary>
    /// <exception cref="EdgeTokException">Bad options, clips shorter than 1 s, a duration beyond the frame-count limit (<see cref="StatusCode.LimitExceeded"/>), or stream creation errors.</exception>
    public static StreamSoakReport Run(AudioCodec codec, IReadOnlyList<AudioClip> clips, StreamSoakOptions? options = null, Action<StreamSoakSample>? onSample = null)
    {
        ArgumentNullException.ThrowIfNull(codec);
        ArgumentNullException.ThrowIfNull(clips);
        options ??= new StreamSoakOptions();
        Validate(clips, options);
        return new StreamSoak(codec, clips, options).Execute(onSample);
    }

    private static void Validate(IReadOnlyList<AudioClip> clips, StreamSoakOptions o)
    {
        if (clips.Count == 0) throw EdgeTokException.Argument("a soak needs at least one clip");
        foreach (var c in clips) ArgumentNullException.ThrowIfNull(c);
        if (!(o.Duration > TimeSpan.Zero) || o.Duration > TimeSpan.FromDays(7)) throw EdgeTokException.Argument($"soak duration {o.Duration} is outside (0, 7 days]");
        if (!(o.MaxChunkSeconds > 0) || o.MaxChunkSeconds > 60) throw EdgeTokException.Argument($"largest chunk {o.MaxChunkSeconds} s is outside (0, 60] s");
        if (o.SampleInterval is { } si && !(si > TimeSpan.Zero)) throw EdgeTokException.Argument($"sample interval {si} must be positive");
        if (!(o.WarmupFraction >= 0 && o.WarmupFraction < 1)) throw EdgeTokException.Argument($"warm-up fraction {o.WarmupFraction} is outside [0, 1)");
        if (!(o.MemoryTolerance > 0)) throw EdgeTokException.Argument($"memory tolerance {o.MemoryTolerance} must be positive");
        if (!(o.MinWindowedAgreement is >= 0 and <= 1)) throw EdgeTokException.Argument($"windowed agreement bound {o.MinWindowedAgreement} is outside [0, 1]");
    }

    private long InputSamplesFor(TimeSpan d) => Math.Max(1, (long)Math.Round(d.TotalSeconds * _inRate));

    private StreamSoakReport Execute(Action<StreamSoakSample>? onSample)
    {
        long total = InputSamplesFor(_o.Duration);
        double interval = Math.Max(1.0, _o.SampleInterval?.TotalSeconds ?? _o.Duration.TotalSeconds / 100);
        long step = Math.Max(1, (long)Math.Round(interval * _inRate));
        var samples = new List<StreamSoakSample>((int)Math.Min(100_000, total / step + 4));
        var clock = Stopwatch.StartNew();
        long readingBytes = 0;   // what the readings themselves allocate, left out of the streams' rate
        var readingBytesAt = new List<long>(samples.Capacity);
        void Read()
        {
            long a0 = GC.GetTotalAllocatedBytes(precise: true);
            var s = new StreamSoakSample((double)_pushed / _inRate, clock.Elapsed.TotalSeconds, ProcessMemory.Measure());
            samples.Add(s);
            readingBytesAt.Add(readingBytes);
            onSample?.Invoke(s);
            readingBytes += GC.GetTotalAllocatedBytes(precise: true) - a0;
        }

        // Setup (clips, offline reference) leaves garbage and committed memory behind; hand it back to
        // the OS once so the readings start from a trimmed process rather than watch it drain.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        Read();
        clock.Restart();
        long nextReading = step, pushes = 0;
        _faultAt = total / 2;
        _compare = true;
        while (_pushed < total)
        {
            pushes += PushOne(total);
            if (_pushed >= nextReading && _pushed < total)
            {
                Read();
                nextReading += step;
            }
        }
        FlushAndCheck();
        double wall = clock.Elapsed.TotalSeconds;
        long frames = _frames, decoded = _decoded / _ch, pushed = _pushed;
        Read();

        // Reset both streams and replay the first loop: the initial state must come back.
        _enc.Reset();
        _dec.Reset();
        _pushed = _frames = _decoded = 0;
        _replay = true;
        _compare = true;
        long replay = Math.Min(total, _loopIn);
        while (_pushed < replay) PushOne(replay);
        FlushAndCheck();

        int baseline = samples.FindIndex(s => s.AudioSeconds >= _o.WarmupFraction * _o.Duration.TotalSeconds && s.AudioSeconds > 0);
        if (baseline < 0) baseline = samples.Count - 1;
        var heap = MemoryRange.Of(samples, baseline, s => s.Memory.LiveHeapBytes);
        var rss = MemoryRange.Of(samples, baseline, s => s.Memory.ResidentBytes);
        CheckMemory("live managed heap", heap);
        CheckMemory("resident set size", rss);
        double audioAfterBaseline = samples[^1].AudioSeconds - samples[baseline].AudioSeconds;
        long streamBytes = samples[^1].Memory.AllocatedBytes - samples[baseline].Memory.AllocatedBytes - (readingBytesAt[^1] - readingBytesAt[baseline]);
        double allocRate = audioAfterBaseline > 0 ? Math.Max(0, streamBytes) / audioAfterBaseline : 0;

        double agreement = _framesCompared > 0 ? 1 - (double)_codesDiffering / (_framesCompared * _k) : 1;
        double resetAgreement = _resetFrames > 0 ? 1 - (double)_resetCodesDiffering / (_resetFrames * _k) : 1;
        if (_exact)
        {
            if (_codesDiffering > 0) Fail($"{_codesDiffering} codes of {_framesCompared} frames compared differ from the offline reference");
            if (_resetCodesDiffering > 0) Fail($"after Reset, {_resetCodesDiffering} codes of the replayed loop differ from the reference");
        }
        else
        {
            // Windowed streams re-encode a window whose length depends on the pushes: close, not exact.
            if (agreement < _o.MinWindowedAgreement)
                Fail($"windowed codes agree with the offline reference on {agreement:P2}, below the {_o.MinWindowedAgreement:P0} bound");
            if (resetAgreement < _o.MinWindowedAgreement)
                Fail($"after Reset, windowed codes agree with the reference on {resetAgreement:P2}, below the {_o.MinWindowedAgreement:P0} bound");
        }
        if (_samplesDiffering > 0) Fail($"{_samplesDiffering} of {_samplesCompared} decoded samples differ from the offline decode");
        if (_resetSamplesDiffering > 0) Fail($"after Reset, {_resetSamplesDiffering} decoded samples of the replayed loop differ from the reference");

        return new StreamSoakReport
        {
            CodecKind = _codec.Info.Kind,
            CodecName = _codec.Info.Name,
            InputSampleRate = _inRate,
            CodecSampleRate = _codecRate,
            Channels = _ch,
            HopLength = _hop,
            Codebooks = _k,
            Exact = _exact,
            ContextFrames = _window,
            Seed = _o.Seed,
            MaxChunkSamples = _maxChunk,
            Clips = _clips,
            LoopInputSamples = _loopIn,
            LoopFrames = _loopFrames,
            Pushes = pushes,
            InputSamples = pushed,
            CodecSamples = CodecLength(pushed),
            Frames = frames,
            ExpectedFrames = _codec.EncodedFrameCount(pushed, _inRate),
            DecodedSamples = decoded,
            AccountingChecks = _checks,
            AccountingErrors = _accountingErrors,
            FramesCompared = _framesCompared,
            CodesDiffering = _codesDiffering,
            SamplesCompared = _samplesCompared,
            SamplesDiffering = _samplesDiffering,
            Agreement = agreement,
            DecodedSnrDb = _errorEnergy == 0 ? double.PositiveInfinity : 10 * Math.Log10(_signalEnergy / _errorEnergy),
            ResetFramesCompared = _resetFrames,
            ResetCodesDiffering = _resetCodesDiffering,
            ResetSamplesDiffering = _resetSamplesDiffering,
            Samples = samples,
            BaselineIndex = baseline,
            LiveHeap = heap,
            Resident = rss,
            AllocatedBytesPerAudioSecond = allocRate,
            MemoryTolerance = _o.MemoryTolerance,
            WallSeconds = wall,
            Failures = _failures.ToArray(),
        };
    }

    /// <summary>One push of random size from the loop, then everything it made ready is pulled and checked.</summary>
    private int PushOne(long total)
    {
        int n = (int)Math.Min(_rng.Next(1, _maxChunk + 1), total - _pushed);
        long at = _pushed % _loopIn;
        ReadOnlySpan<float> chunk;
        if (at + n <= _loopIn) chunk = _loop.AsSpan((int)(at * _ch), n * _ch);
        else
        {
            // The chunk wraps to the loop's start: copied so it stays one push of n samples.
            int first = (int)(_loopIn - at);
            _loop.AsSpan((int)(at * _ch), first * _ch).CopyTo(_chunk);
            _loop.AsSpan(0, (n - first) * _ch).CopyTo(_chunk.AsSpan(first * _ch));
            chunk = _chunk.AsSpan(0, n * _ch);
        }
        if (_o.Fault == SoakFault.DropInputSample && !_faulted && n > 1 && _pushed >= _faultAt)
        {
            _faulted = true;
            chunk = chunk[_ch..];
        }
        _enc.Push(chunk);
        _pushed += n;
        DrainEncoder();
        // Every stream emits a frame as soon as its last sample is in (no frame held back or repeated).
        long ready = _counter?.ReadyLength(_pushed) ?? _pushed;
        Expect(_frames == ready / _hop, "frames after a push", _frames, ready / _hop);
        return 1;
    }

    private void FlushAndCheck()
    {
        _enc.Flush();
        _compare = false;   // the flushed tail is zero-padded: nothing to compare it with
        DrainEncoder();
        _dec.Flush();
        DrainDecoder();
        long expected = _codec.EncodedFrameCount(_pushed, _inRate);
        Expect(_frames == expected, "frames after the flush (offline frame count)", _frames, expected);
        Expect(_decoded == _frames * _hop * _ch, "decoded samples after the flush", _decoded, _frames * _hop * _ch);
        long tail = _decoded / _ch - CodecLength(_pushed);
        Expect(tail >= 0 && tail < _hop, "decoded minus input samples after the flush (the last frame's padding)", tail, _hop - 1);
    }

    private long CodecLength(long inputSamples) => _counter?.OutputLength(inputSamples) ?? inputSamples;

    private void DrainEncoder()
    {
        int f;
        while ((f = _enc.Pull(_codesBuf)) > 0)
        {
            var codes = _codesBuf.AsSpan(0, f * _k);
            if (_compare) CompareCodes(codes, f);
            _dec.Push(codes);
            if (_o.Fault == SoakFault.DuplicateFrame && !_faulted && _pushed >= _faultAt)
            {
                _faulted = true;
                _dec.Push(codes[^_k..]);
            }
            _frames += f;
            DrainDecoder();
            Expect(_decoded == _frames * _hop * _ch, "decoded samples after a decoder push", _decoded, _frames * _hop * _ch);
        }
    }

    private void DrainDecoder()
    {
        int n;
        while ((n = _dec.Pull(_pcmBuf)) > 0)
        {
            if (_compare) ComparePcm(_pcmBuf.AsSpan(0, n));
            _decoded += n;
        }
    }

    // Frame t of the stream corresponds to reference frame t in the first two loops, and to the same
    // position in the second loop after that (the loop repeats exactly).
    private long RefFrame(long t) => t < 2 * _loopFrames ? t : _loopFrames + t % _loopFrames;

    private void CompareCodes(ReadOnlySpan<int> codes, int frames)
    {
        for (int i = 0; i < frames; i++)
        {
            long t = _frames + i;
            var got = codes.Slice(i * _k, _k);
            var want = _refCodes.AsSpan((int)(RefFrame(t) * _k), _k);
            int diff = 0;
            for (int q = 0; q < _k; q++) if (got[q] != want[q]) diff++;
            if (_replay)
            {
                _resetFrames++;
                _resetCodesDiffering += diff;
            }
            else
            {
                _framesCompared++;
                _codesDiffering += diff;
            }
        }
    }

    private void ComparePcm(ReadOnlySpan<float> pcm)
    {
        long period = _loopOut * _ch;
        for (int i = 0; i < pcm.Length; i++)
        {
            long s = _decoded + i;
            float want = _refPcm[s < 2 * period ? s : period + s % period];
            if (_replay)
            {
                if (_exact && BitConverter.SingleToInt32Bits(pcm[i]) != BitConverter.SingleToInt32Bits(want)) _resetSamplesDiffering++;
                continue;
            }
            double e = pcm[i] - (double)want;
            _signalEnergy += (double)want * want;
            _errorEnergy += e * e;
            if (!_exact) continue;
            _samplesCompared++;
            if (BitConverter.SingleToInt32Bits(pcm[i]) != BitConverter.SingleToInt32Bits(want)) _samplesDiffering++;
        }
    }

    private void Expect(bool ok, string what, long got, long want)
    {
        _checks++;
        if (ok) return;
        _accountingErrors++;
        if (_accountingErrors <= 5)
            Fail($"{(_replay ? "after Reset: " : "")}{what}: {got}, expected {want} (at {_pushed} input samples, {_frames} frames)");
    }

    private void CheckMemory(string what, MemoryRange r)
    {
        if (r.MaxDeviation > _o.MemoryTolerance)
            Fail($"{what} left ±{_o.MemoryTolerance:P0} of its post-warm-up baseline {r.Baseline} bytes: min {r.Min}, max {r.Max} ({r.MaxDeviation:P2})");
    }

    private void Fail(string message) => _failures.Add(message);

    private static float[] Concatenate(IReadOnlyList<AudioClip> clips, int rate, long cap, out int used)
    {
        var parts = new List<float[]>();
        long n = 0;
        foreach (var c in clips)
        {
            if (n >= cap) break;
            var s = c.ToMono().Resample(rate).Samples;
            parts.Add(s);
            n += s.Length;
        }
        used = parts.Count;
        var all = new float[Math.Min(n, cap)];
        int at = 0;
        foreach (var p in parts)
        {
            int take = Math.Min(p.Length, all.Length - at);
            p.AsSpan(0, take).CopyTo(all.AsSpan(at));
            at += take;
        }
        return all;
    }

    private static float[] Interleave(ReadOnlySpan<float> mono, int channels)
    {
        if (channels == 1) return mono.ToArray();
        var x = new float[mono.Length * channels];
        for (int t = 0; t < mono.Length; t++)
            for (int c = 0; c < channels; c++) x[t * channels + c] = mono[t];
        return x;
    }

    private static long Gcd(long a, long b)
    {
        while (b != 0) (a, b) = (b, a % b);
        return a;
    }
}
