using System.Text.Json;
using EdgeTok.Audio.Quantization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeTok.Audio.Codecs;

/// <summary>
/// A neural codec described by an <c>edgetok.json</c> manifest: ONNX encoder (PCM [1, C, N] → latent
/// [1, D, T]), native quantizer (<see cref="LatentQuantizer"/>), ONNX decoder (latent → PCM).
/// Handles the manifest's padding rule, optional per-segment normalisation and 1 s-style segments
/// decoded with triangular overlap-add (EnCodec 48 kHz), and a minimum encoder length (shorter
/// inputs are zero-padded to it and the codes cut back to the input's frame count).
/// </summary>
public sealed class NeuralAudioCodec : AudioCodec
{
    private readonly InferenceSession _encoder;
    private readonly InferenceSession _decoder;
    private readonly string _encIn, _encOut, _decIn, _decOut;
    private readonly bool _normalize;
    private readonly int _segmentLength, _segmentStride; // 0 = whole input is one segment
    private readonly int _padMultiple;
    private readonly int _minFrames;
    private readonly RunOptions _runOptions = new();

    private NeuralAudioCodec(AudioCodecInfo info, LatentQuantizer quantizer, InferenceSession encoder, string encIn, string encOut,
        InferenceSession decoder, string decIn, string decOut, bool normalize, int segmentLength, int segmentStride, int padMultiple, int minFrames)
    {
        Info = info;
        Quantizer = quantizer;
        _encoder = encoder;
        _decoder = decoder;
        _encIn = encIn;
        _encOut = encOut;
        _decIn = decIn;
        _decOut = decOut;
        _normalize = normalize;
        _segmentLength = segmentLength;
        _segmentStride = segmentStride;
        _padMultiple = padMultiple;
        _minFrames = minFrames;
    }

    /// <inheritdoc />
    public override AudioCodecInfo Info { get; }

    /// <summary>The codec's quantizer (usable on its own: latent in, codes out).</summary>
    public LatentQuantizer Quantizer { get; }

    /// <summary>Segment length in samples (0 when the whole input is one segment).</summary>
    public int SegmentLength => _segmentLength;

    /// <summary>Distance in samples between segment starts (0 when not segmenting).</summary>
    public int SegmentStride => _segmentStride;

    /// <summary>Loads a codec from a model folder and a manifest (default: <c>folder/edgetok.json</c>).</summary>
    /// <exception cref="EdgeTokException">See <see cref="AudioCodec.Load"/>.</exception>
    public static new NeuralAudioCodec Load(string folder, string? manifestPath = null, AudioCodecLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(folder);
        options ??= new AudioCodecLoadOptions();
        if (options.IntraOpThreads < 0) throw EdgeTokException.Argument($"thread count {options.IntraOpThreads} must be ≥ 0 (0 = ONNX Runtime's default)");
        if (!Directory.Exists(folder)) throw EdgeTokException.NotFound($"model folder not found: {folder}");
        manifestPath ??= Path.Combine(folder, "edgetok.json");
        using var doc = Manifest.Parse(manifestPath);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw EdgeTokException.Format($"{manifestPath}: manifest must be a JSON object");
        const string M = "manifest";
        string kind = Manifest.RequiredString(root, "kind", M);
        string name = Manifest.OptionalString(root, "name", M) ?? Path.GetFileName(Path.GetFullPath(folder).TrimEnd('/'));
        int rate = Manifest.RequiredInt(root, "sample_rate", M);
        int channels = Manifest.OptionalInt(root, "channels", M) ?? 1;
        int hop = Manifest.RequiredInt(root, "hop_length", M);
        double frameRate = Manifest.OptionalDouble(root, "frame_rate", M) ?? Math.Ceiling((double)rate / hop);
        if (!(frameRate > 0)) throw EdgeTokException.Format("manifest: frame_rate must be positive");
        int latentDim = Manifest.RequiredInt(root, "latent_dim", M);
        var bandwidths = new List<double>();
        if (root.TryGetProperty("bandwidths_kbps", out var bw) && bw.ValueKind == JsonValueKind.Array)
            foreach (var b in bw.EnumerateArray()) bandwidths.Add(Manifest.Number(b, "manifest.bandwidths_kbps[]"));

        using var loader = new TensorLoader(folder);
        var quantizer = LatentQuantizer.Load(Manifest.RequiredObject(root, "quantizer", M), loader);
        if (quantizer.LatentDimension != latentDim)
            throw EdgeTokException.Format($"manifest: quantizer latent dimension {quantizer.LatentDimension} ≠ latent_dim {latentDim}");

        bool normalize = Manifest.OptionalBool(root, "normalize", M, false);
        int segLen = 0, segStride = 0;
        if (root.TryGetProperty("segment", out var seg) && seg.ValueKind == JsonValueKind.Object)
        {
            double seconds = Manifest.OptionalDouble(seg, "seconds", "manifest.segment") ?? throw EdgeTokException.Format("manifest: segment needs \"seconds\"");
            double overlap = Manifest.OptionalDouble(seg, "overlap", "manifest.segment") ?? 0;
            if (seconds <= 0 || overlap < 0 || overlap >= 1) throw EdgeTokException.Format($"manifest: segment seconds {seconds} must be > 0 and overlap {overlap} in [0, 1)");
            // Same integer truncation as the reference: int(segment · sr), int((1 − overlap) · length).
            segLen = (int)(seconds * rate);
            segStride = Math.Max(1, (int)((1 - overlap) * segLen));
            if (segLen < 1) throw EdgeTokException.Format("manifest: segment is shorter than one sample");
        }
        int padMultiple = 1;
        if (root.TryGetProperty("padding", out var pad) && pad.ValueKind == JsonValueKind.Object)
        {
            string mode = Manifest.OptionalString(pad, "mode", "manifest.padding") ?? "none";
            if (mode == "right_zero") padMultiple = Manifest.RequiredInt(pad, "multiple", "manifest.padding");
            else if (mode != "none") throw EdgeTokException.Unsupported($"manifest: padding mode '{mode}' is not supported (none, right_zero)");
        }
        int minFrames = Manifest.OptionalInt(root, "min_frames", M) ?? 1;

        var encJ = Manifest.RequiredObject(root, "encoder", M);
        var decJ = Manifest.RequiredObject(root, "decoder", M);
        using var so = new SessionOptions
        {
            IntraOpNumThreads = options.IntraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        var (enc, encIn, encOut) = OpenSession(loader, encJ, "encoder", so, channels, latentDim, inputIsAudio: true);
        try
        {
            var (dec, decIn, decOut) = OpenSession(loader, decJ, "decoder", so, channels, latentDim, inputIsAudio: false);
            var info = new AudioCodecInfo(kind, name, rate, channels, hop, frameRate, quantizer.Codebooks, quantizer.CodebookSize, latentDim, quantizer.Type, bandwidths);
            return new NeuralAudioCodec(info, quantizer, enc, encIn, encOut, dec, decIn, decOut, normalize, segLen, segStride, padMultiple, minFrames);
        }
        catch
        {
            enc.Dispose();
            throw;
        }
    }

    // Opens a session and checks its signature: one float input and output of rank 3, named as the
    // manifest says, with the latent dimension where the graph fixes it.
    private static (InferenceSession Session, string Input, string Output) OpenSession(TensorLoader loader, JsonElement j, string what,
        SessionOptions so, int channels, int latentDim, bool inputIsAudio)
    {
        string file = Manifest.RequiredString(j, "file", "manifest." + what);
        string path = loader.Resolve(file);
        if (!File.Exists(path)) throw EdgeTokException.NotFound($"manifest: {what} file not found: {path}");
        string input = Manifest.RequiredString(j, "input", "manifest." + what);
        string output = Manifest.RequiredString(j, "output", "manifest." + what);
        InferenceSession s;
        try
        {
            s = new InferenceSession(path, so);
        }
        catch (OnnxRuntimeException e)
        {
            throw new EdgeTokException(StatusCode.InvalidFormat, $"{what} {path}: ONNX Runtime cannot load it: {e.Message}", e);
        }
        try
        {
            string Sig(IReadOnlyDictionary<string, NodeMetadata> m) => string.Join(", ", m.Select(kv => $"{kv.Key} {kv.Value.ElementDataType} [{string.Join(", ", kv.Value.Dimensions)}]"));
            if (s.InputMetadata.Count != 1 || !s.InputMetadata.TryGetValue(input, out var im))
                throw EdgeTokException.Format($"{what} {file}: the manifest names input '{input}', the graph has inputs: {Sig(s.InputMetadata)}");
            if (!s.OutputMetadata.TryGetValue(output, out var om))
                throw EdgeTokException.Format($"{what} {file}: the manifest names output '{output}', the graph has outputs: {Sig(s.OutputMetadata)}");
            foreach (var (n, m, isAudio) in new[] { (input, im, inputIsAudio), (output, om, !inputIsAudio) })
            {
                if (m.ElementDataType != TensorElementType.Float || m.Dimensions.Length != 3)
                    throw EdgeTokException.Format($"{what} {file}: '{n}' is {m.ElementDataType} of rank {m.Dimensions.Length}, expected float of rank 3");
                int expect = isAudio ? channels : latentDim;
                if (m.Dimensions[1] > 0 && m.Dimensions[1] != expect)
                    throw EdgeTokException.Format($"{what} {file}: '{n}' has {m.Dimensions[1]} channels, the manifest needs {expect} ({(isAudio ? "audio channels" : "latent_dim")})");
            }
            return (s, input, output);
        }
        catch
        {
            s.Dispose();
            throw;
        }
    }

    private protected override int MinCodebooks => Quantizer.MinCodebooks;

    /// <inheritdoc />
    public override int EncodedFrameCount(int samples)
    {
        if (samples <= 0) return 0;
        if (_segmentLength == 0) return FramesFor(samples);
        int frames = 0;
        for (long off = 0; off < samples; off += _segmentStride) frames += FramesFor((int)Math.Min(_segmentLength, samples - off));
        return frames;
    }

    private int FramesFor(int samples)
    {
        long padded = (samples + (long)_padMultiple - 1) / _padMultiple * _padMultiple;
        return (int)((padded + Info.HopLength - 1) / Info.HopLength);
    }

    /// <inheritdoc />
    public override long DecodedSampleCount(int frames)
    {
        if (frames <= 0) return 0;
        if (_segmentLength == 0) return (long)frames * Info.HopLength;
        var parts = SegmentFrames(frames);
        return (long)_segmentStride * (parts.Count - 1) + (long)parts[^1] * Info.HopLength;
    }

    // Frames per segment: full segments have FramesFor(segmentLength), the last one the rest.
    private List<int> SegmentFrames(int frames)
    {
        int per = FramesFor(_segmentLength);
        var parts = new List<int>();
        for (int left = frames; left > 0; left -= per) parts.Add(Math.Min(per, left));
        return parts;
    }

    /// <inheritdoc />
    public override AudioCodes Encode(ReadOnlySpan<float> pcm, int sampleRate, AudioEncodeOptions? options = null)
    {
        int n = CheckPcm(pcm, sampleRate);
        int k = CodebooksFor(options);
        int c = Info.Channels;
        int total = EncodedFrameCount(n);
        var codes = new int[(long)total * k];
        var scales = _normalize ? new List<float>() : null;
        int frameAt = 0;
        long step = _segmentLength == 0 ? n : _segmentStride;
        for (long off = 0; off < n; off += step)
        {
            int len = _segmentLength == 0 ? n : (int)Math.Min(_segmentLength, n - off);
            var seg = pcm.Slice((int)off * c, len * c);
            float scale = 1;
            float[]? scaled = null;
            if (_normalize)
            {
                // scale = sqrt(mean over time of the mono mix²) + 1e-8, as the reference.
                scale = SegmentScale(seg, len);
                scaled = new float[seg.Length];
                System.Numerics.Tensors.TensorPrimitives.Divide(seg, scale, scaled);
                scales!.Add(scale);
            }
            int frames = FramesFor(len);
            EncodeSegment(scaled is null ? seg : scaled, len, frames, codes.AsSpan(frameAt * k, frames * k), k);
            frameAt += frames;
            options?.Progress?.Report((double)frameAt / total);
        }
        return new AudioCodes(codes, total, k, scales?.ToArray(), n);
    }

    private void EncodeSegment(ReadOnlySpan<float> pcm, int samples, int frames, Span<int> codes, int k)
    {
        var latent = RunEncoder(pcm, samples, frames);
        // Finite but enormous samples (near ±3.4e38) can overflow the network's activations.
        if (!System.Numerics.Tensors.TensorPrimitives.IsFiniteAll(latent))
            throw EdgeTokException.Argument($"the {Info.Name} encoder overflowed (its latent holds NaN or infinity): input peak magnitude {System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(pcm):G3} is far outside the [-1, 1] PCM range");
        Quantizer.Encode(latent, frames, codes, k);
    }

    /// <summary>
    /// The encoder's latent (before quantization) for PCM at the codec's rate: [T, LatentDimension],
    /// frame-major, segments concatenated and normalised as <see cref="Encode"/> does.
    /// </summary>
    /// <exception cref="EdgeTokException">The input errors of <see cref="AudioCodec.Encode(ReadOnlySpan{float}, int, AudioEncodeOptions?)"/>.</exception>
    public float[] EncodeLatent(ReadOnlySpan<float> pcm, int sampleRate)
    {
        int n = CheckPcm(pcm, sampleRate);
        int c = Info.Channels, d = Info.LatentDimension;
        var latent = new float[(long)EncodedFrameCount(n) * d];
        int at = 0;
        long step = _segmentLength == 0 ? n : _segmentStride;
        for (long off = 0; off < n; off += step)
        {
            int len = _segmentLength == 0 ? n : (int)Math.Min(_segmentLength, n - off);
            var seg = pcm.Slice((int)off * c, len * c);
            if (_normalize)
            {
                var scaled = new float[seg.Length];
                System.Numerics.Tensors.TensorPrimitives.Divide(seg, SegmentScale(seg, len), scaled);
                seg = scaled;
            }
            int frames = FramesFor(len);
            RunEncoder(seg, len, frames).CopyTo(latent, at * d);
            at += frames;
        }
        return latent;
    }

    /// <summary>
    /// Decodes a latent [frames, LatentDimension] (quantized or not) with the decoder graph: the
    /// decoder's whole output, interleaved. Not segmented: the latent is decoded in one piece.
    /// </summary>
    /// <exception cref="EdgeTokException">Sizes that do not match, or non-finite values (<see cref="StatusCode.InvalidArgument"/>).</exception>
    public float[] DecodeLatent(ReadOnlySpan<float> latent, int frames)
    {
        if (frames < 1 || latent.Length != (long)frames * Info.LatentDimension)
            throw EdgeTokException.Argument($"latent holds {latent.Length} values, [{frames}, {Info.LatentDimension}] needs {(long)frames * Info.LatentDimension}");
        if (!System.Numerics.Tensors.TensorPrimitives.IsFiniteAll(latent)) throw EdgeTokException.Argument("latent holds NaN or infinite values");
        return RunDecoder(latent, frames);
    }

    private static float SegmentScale(ReadOnlySpan<float> seg, int len)
    {
        int c = seg.Length / len;
        double ss = 0;
        for (int t = 0; t < len; t++)
        {
            double m = 0;
            for (int ch = 0; ch < c; ch++) m += seg[t * c + ch];
            m /= c;
            ss += m * m;
        }
        return (float)(Math.Sqrt(ss / len) + 1e-8);
    }

    // PCM (interleaved) → encoder → latent [frames, D] (the first `frames` frames of the graph's output).
    private float[] RunEncoder(ReadOnlySpan<float> pcm, int samples, int frames)
    {
        int c = Info.Channels, hop = Info.HopLength;
        // Pad to the model's multiple, and to the encoder's minimum length (codes cut back after);
        // otherwise the model pads internally (EnCodec's reflect/extra padding).
        long padded = samples;
        if (_padMultiple > 1) padded = (samples + (long)_padMultiple - 1) / _padMultiple * _padMultiple;
        if (frames < _minFrames) padded = Math.Max(padded, (long)_minFrames * hop);
        var input = new float[c * padded];
        for (int t = 0; t < samples; t++)
            for (int ch = 0; ch < c; ch++) input[ch * padded + t] = pcm[t * c + ch];
        using var inVal = OrtValue.CreateTensorValueFromMemory(input, [1, c, padded]);
        using var results = Run(_encoder, "encoder", _encIn, inVal, _encOut);
        var outVal = results[0];
        var shape = outVal.GetTensorTypeAndShape().Shape;
        int d = Info.LatentDimension;
        if (shape.Length != 3 || shape[0] != 1 || shape[1] != d)
            throw EdgeTokException.Format($"encoder returned shape [{string.Join(", ", shape)}], expected [1, {d}, frames]");
        int got = (int)shape[2];
        if (got < frames)
            throw EdgeTokException.Format($"encoder returned {got} frames for {padded} samples, the manifest (hop {hop}) implies at least {frames}");
        var emb = outVal.GetTensorDataAsSpan<float>();
        var latent = new float[frames * d];
        for (int i = 0; i < d; i++)
            for (int t = 0; t < frames; t++) latent[t * d + i] = emb[i * got + t];
        return latent;
    }

    /// <inheritdoc />
    public override float[] Decode(AudioCodes codes, IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(codes);
        var pcm = DecodeCore(codes.Codes, codes.Frames, codes.Codebooks, codes.Scales, progress);
        int c = Info.Channels;
        if (codes.SampleCount > 0 && (long)codes.SampleCount * c < pcm.Length) return pcm.AsSpan(0, codes.SampleCount * c).ToArray();
        return pcm;
    }

    /// <inheritdoc />
    public override float[] Decode(ReadOnlySpan<int> codes, int frames, int codebooks, IProgress<double>? progress = null) =>
        DecodeCore(codes, frames, codebooks, null, progress);

    private float[] DecodeCore(ReadOnlySpan<int> codes, int frames, int codebooks, float[]? scales, IProgress<double>? progress)
    {
        CheckCodes(codes, frames, codebooks);
        if (frames % Quantizer.FrameMultiple != 0)
            throw EdgeTokException.Argument($"frame count {frames} is not a multiple of {Quantizer.FrameMultiple}, which this quantizer needs");
        int c = Info.Channels;
        if (_segmentLength == 0)
        {
            if (scales is not null && scales.Length != 1) throw EdgeTokException.Argument($"{scales.Length} scales given for one segment");
            var pcm = DecodeSegment(codes, frames, codebooks);
            if (scales is not null) System.Numerics.Tensors.TensorPrimitives.Multiply(pcm, scales[0], pcm);
            progress?.Report(1);
            return pcm;
        }
        var parts = SegmentFrames(frames);
        if (scales is not null && scales.Length != parts.Count)
            throw EdgeTokException.Argument($"{scales.Length} scales given for {parts.Count} segments");
        long totalLen = DecodedSampleCount(frames);
        var sum = new float[totalLen * c];
        var weights = new float[totalLen];
        int at = 0;
        for (int s = 0; s < parts.Count; s++)
        {
            var seg = DecodeSegment(codes.Slice(at * codebooks, parts[s] * codebooks), parts[s], codebooks);
            at += parts[s];
            int len = seg.Length / c;
            long off = (long)s * _segmentStride;
            float scale = scales?[s] ?? 1f;
            for (int t = 0; t < len; t++)
            {
                // Triangular weight: linspace(0, 1, len + 2) without its ends, w = 0.5 − |t − 0.5|.
                float x = (float)((t + 1) / (double)(len + 1));
                float w = 0.5f - MathF.Abs(x - 0.5f);
                weights[off + t] += w;
                for (int ch = 0; ch < c; ch++) sum[(off + t) * c + ch] += w * (seg[t * c + ch] * scale);
            }
            progress?.Report((double)at / frames);
        }
        for (long t = 0; t < totalLen; t++)
            for (int ch = 0; ch < c; ch++) sum[t * c + ch] /= weights[t];
        return sum;
    }

    // Codes → latent → decoder → interleaved PCM.
    private float[] DecodeSegment(ReadOnlySpan<int> codes, int frames, int codebooks)
    {
        var latent = new float[frames * Info.LatentDimension];
        Quantizer.Decode(codes, frames, codebooks, latent);
        return RunDecoder(latent, frames);
    }

    // Latent [frames, D] → decoder → interleaved PCM. Latents shorter than the graph's minimum are
    // zero-extended and the output cut back: PyTorch's pad helper zero-extends inputs too short for
    // reflect padding the same way, and the causal decoder's first frames barely see the extension.
    private float[] RunDecoder(ReadOnlySpan<float> latent, int frames)
    {
        int d = Info.LatentDimension, c = Info.Channels;
        int run = Math.Max(frames, _minFrames);
        var input = new float[d * run];
        for (int t = 0; t < frames; t++)
            for (int i = 0; i < d; i++) input[i * run + t] = latent[t * d + i];
        using var inVal = OrtValue.CreateTensorValueFromMemory(input, [1, d, run]);
        using var results = Run(_decoder, "decoder", _decIn, inVal, _decOut);
        var shape = results[0].GetTensorTypeAndShape().Shape;
        if (shape.Length != 3 || shape[0] != 1 || shape[1] != c)
            throw EdgeTokException.Format($"decoder returned shape [{string.Join(", ", shape)}], expected [1, {c}, samples]");
        long got = shape[2];
        long n = run == frames ? got : Math.Min(got, (long)frames * Info.HopLength);
        var wav = results[0].GetTensorDataAsSpan<float>();
        var pcm = new float[n * c];
        for (long t = 0; t < n; t++)
            for (int ch = 0; ch < c; ch++) pcm[t * c + ch] = wav[(int)(ch * got + t)];
        return pcm;
    }

    private IDisposableReadOnlyCollection<OrtValue> Run(InferenceSession session, string what, string input, OrtValue value, string output)
    {
        try
        {
            return session.Run(_runOptions, [input], [value], [output]);
        }
        catch (OnnxRuntimeException e)
        {
            throw new EdgeTokException(StatusCode.InvalidArgument, $"{what} of {Info.Name} failed on an input of shape [{string.Join(", ", value.GetTensorTypeAndShape().Shape)}]: {e.Message}", e);
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _encoder.Dispose();
            _decoder.Dispose();
            _runOptions.Dispose();
        }
    }
}
