using System.Runtime.InteropServices;
using EdgeTok.Audio.Codecs;
using EdgeTok.IO.Audio;

namespace EdgeTok.Native;

/// <summary>
/// C ABI: audio codecs (<see cref="AudioCodec"/>: manifest-described neural codecs and the weight-free
/// mu-law codec). Marshalling only: loading, resampling, codebook choice, validation and the codec
/// math all live in the library.
/// </summary>
internal static unsafe class AudioExports
{
    /// <summary>Mirror of <c>edgetok_audio_codec_info</c> in edgetok.h.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Info
    {
        public uint StructSize;
        public int SampleRate;
        public int Channels;
        public int HopLength;
        public int Codebooks;
        public int CodebookSize;
        public int LatentDim;
        public int Reserved;
        public double FrameRate;
    }

    [UnmanagedCallersOnly(EntryPoint = "edgetok_audio_codec_load")]
    public static int Load(byte* model, byte* manifest, int threads, nint* codec)
    {
        try
        {
            Abi.NotNull(codec, "codec");
            *codec = 0;
            string folder = Abi.Utf8(model, "model");
            string? manifestPath = Abi.Utf8OrNull(manifest);
            if (threads < 0) throw EdgeTokException.Argument($"threads must be ≥ 0 (0 = 1 thread), got {threads}");
            var c = AudioCodec.Load(folder, manifestPath, new AudioCodecLoadOptions { IntraOpThreads = Math.Max(1, threads) });
            try
            {
                *codec = HandleTable.Add(c, HandleKind.AudioCodec);
            }
            catch
            {
                c.Dispose();
                throw;
            }
            return 0;
        }
        catch (Exception e) { return Abi.Fail(e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "edgetok_audio_codec_free")]
    public static int Free(nint codec)
    {
        try
        {
            (HandleTable.Remove(codec, HandleKind.AudioCodec) as IDisposable)?.Dispose();
            return 0;
        }
        catch (Exception e) { return Abi.Fail(e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "edgetok_audio_codec_info_read")]
    public static int GetInfo(nint codec, Info* info)
    {
        try
        {
            var c = HandleTable.Get<AudioCodec>(codec, HandleKind.AudioCodec);
            Abi.NotNull(info, "info");
            Abi.CheckStructSize(info->StructSize, sizeof(Info), "info");
            var i = c.Info;
            *info = new Info
            {
                StructSize = (uint)sizeof(Info),
                SampleRate = i.SampleRate,
                Channels = i.Channels,
                HopLength = i.HopLength,
                Codebooks = i.Codebooks,
                CodebookSize = i.CodebookSize,
                LatentDim = i.LatentDimension,
                FrameRate = i.FrameRate,
            };
            return 0;
        }
        catch (Exception e) { return Abi.Fail(e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "edgetok_audio_codec_kind")]
    public static int Kind(nint codec, byte* buffer, nuint capacity, nuint* required)
    {
        try
        {
            var c = HandleTable.Get<AudioCodec>(codec, HandleKind.AudioCodec);
            Abi.WriteString(c.Info.Kind, buffer, capacity, required, "buffer");
            return 0;
        }
        catch (Exception e) { return Abi.Fail(e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "edgetok_audio_codec_codebooks")]
    public static int Codebooks(nint codec, double bandwidthKbps, int nCodebooks, int* codebooks)
    {
        try
        {
            var c = HandleTable.Get<AudioCodec>(codec, HandleKind.AudioCodec);
            Abi.NotNull(codebooks, "codebooks");
            *codebooks = c.CodebooksFor(Options(bandwidthKbps, nCodebooks));
            return 0;
        }
        catch (Exception e) { return Abi.Fail(e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "edgetok_audio_codec_encode")]
    public static int Encode(nint codec, float* pcm, nuint count, int sampleRate, int channels, double bandwidthKbps, int nCodebooks,
        int* codes, nuint capacity, nuint* required, nuint* frames, int* codebooks)
    {
        try
        {
            var c = HandleTable.Get<AudioCodec>(codec, HandleKind.AudioCodec);
            if (count > int.MaxValue) throw EdgeTokException.Limit($"count {count} exceeds the limit of {int.MaxValue}");
            if (count > 0) Abi.NotNull(pcm, "pcm");
            if (channels < 1) throw EdgeTokException.Argument($"channels must be ≥ 1, got {channels}");
            if ((long)count % channels != 0) throw EdgeTokException.Argument($"{count} interleaved samples is not a multiple of {channels} channels");
            var options = Options(bandwidthKbps, nCodebooks);
            int k = c.CodebooksFor(options);
            int t = c.EncodedFrameCount((long)count / channels, sampleRate);
            if (frames != null) *frames = (nuint)t;
            if (codebooks != null) *codebooks = k;
            if (!Abi.CheckOutput(codes, capacity, required, (long)t * k, "codes")) return 0;
            var clip = new AudioClip(new ReadOnlySpan<float>(pcm, (int)count).ToArray(), sampleRate, channels);
            var result = c.Encode(clip, options);
            if (result.Codes.Length != (long)t * k)
                throw new EdgeTokException(StatusCode.Internal, $"encode produced [{result.Frames}, {result.Codebooks}], the size query said [{t}, {k}]");
            result.Codes.CopyTo(new Span<int>(codes, result.Codes.Length));
            return 0;
        }
        catch (Exception e) { return Abi.Fail(e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "edgetok_audio_codec_decode")]
    public static int Decode(nint codec, int* codes, nuint frames, int codebooks, float* pcm, nuint capacity, nuint* required)
    {
        try
        {
            var c = HandleTable.Get<AudioCodec>(codec, HandleKind.AudioCodec);
            if (frames > int.MaxValue) throw EdgeTokException.Limit($"frames {frames} exceeds the limit of {int.MaxValue}");
            if (frames == 0) throw EdgeTokException.Argument("frames must be ≥ 1");
            if (codebooks < 1 || codebooks > c.Info.Codebooks)
                throw EdgeTokException.Argument($"codes have {codebooks} codebooks; the codec decodes 1..{c.Info.Codebooks}");
            long n = (long)frames * codebooks;
            Abi.NotNull(codes, "codes");
            long samples = c.DecodedSampleCount((int)frames) * c.Info.Channels;
            if (!Abi.CheckOutput(pcm, capacity, required, samples, "pcm")) return 0;
            var output = c.Decode(new ReadOnlySpan<int>(codes, (int)n), (int)frames, codebooks);
            output.CopyTo(new Span<float>(pcm, output.Length));
            if (required != null) *required = (nuint)output.Length;
            return 0;
        }
        catch (Exception e) { return Abi.Fail(e); }
    }

    // 0 bandwidth and 0 codebooks mean "not given"; both given is an error (library rule). NaN is an
    // error like any other non-finite bandwidth, not a way to say "not given".
    private static AudioEncodeOptions? Options(double bandwidthKbps, int nCodebooks)
    {
        if (nCodebooks < 0) throw EdgeTokException.Argument($"n_codebooks must be ≥ 0 (0 = not given), got {nCodebooks}");
        bool hasBw = bandwidthKbps != 0;
        if (!hasBw && nCodebooks == 0) return null;
        return new AudioEncodeOptions { BandwidthKbps = hasBw ? bandwidthKbps : null, Codebooks = nCodebooks == 0 ? null : nCodebooks };
    }
}
