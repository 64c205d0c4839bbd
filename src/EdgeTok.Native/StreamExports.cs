using System.Runtime.InteropServices;
using EdgeTok.Audio.Codecs;
using EdgeTok.Audio.Streaming;

namespace EdgeTok.Native;

/// <summary>
/// C ABI: streaming encoders and decoders over an audio codec handle (<see cref="AudioEncoderStream"/>,
/// <see cref="AudioDecoderStream"/>). Marshalling only; pulls use count-in/count-out (the caller
/// gives a capacity, the call writes what is ready up to it and reports how much).
/// </summary>
internal static unsafe class StreamExports
{
    /// <summary>Mirror of <c>edgetok_stream_options</c> in edgetok.h.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Options
    {
        public uint StructSize;
        public int Codebooks;
        public double BandwidthKbps;
        public int ContextFrames;
        public int Reserved;
    }

    [UnmanagedCallersOnly(EntryPoint = "edgetok_stream_options_init")]
    public static void OptionsInit(Options* options)
    {
        if (options == null) return;
        *options = new Options { StructSize = (uint)sizeof(Options) };
    }

    private static AudioStreamOptions? ToOptions(Options* o)
    {
        if (o == null) return null;
        Abi.CheckStructSize(o->StructSize, sizeof(Options), "options");
        if (o->Codebooks < 0) throw EdgeTokException.Argument($"options.n_codebooks must be ≥ 0 (0 = all), got {o->Codebooks}");
        if (o->ContextFrames < 0) throw EdgeTokException.Argument($"options.context_frames must be ≥ 0 (0 = the default window), got {o->ContextFrames}");
        bool hasBw = o->BandwidthKbps != 0; // NaN is rejected by the library, not taken as "not given"
        return new AudioStreamOptions
        {
            Codebooks = o->Codebooks == 0 ? null : o->Codebooks,
            BandwidthKbps = hasBw ? o->BandwidthKbps : null,
            ContextFrames = o->ContextFrames == 0 ? null : o->ContextFrames,
        };
    }

    [UnmanagedCallersOnly(EntryPoint = "edgetok_encoder_stream_create")]
    public static int EncoderCreate(nint codec, int inputRate, Options* options, nint* stream)
    {
        try
        {
            Abi.NotNull(stream, "stream");
            *stream = 0;
            var c = HandleTable.Get<AudioCodec>(codec, HandleKind.AudioCodec);
            var s = c.CreateEncoderStream(inputRate, ToOptions(options));
            *stream = HandleTable.Add(s, HandleKind.EncoderStream);
            return 0;
        }
        catch (Exception e) { return Abi.Fail(e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "edgetok_encoder_stream_layout")]
    public static int EncoderLayout(nint stream, int* codebooks, int* latencySamples)
    {
        try
        {
            var s = HandleTable.Get<AudioEncoderStream>(stream, HandleKind.EncoderStream);
            if (codebooks != null) *codebooks = s.Codebooks;
            if (latencySamples != null) *latencySamples = s.LatencySamples;
            return 0;
        }
        catch (Exception e) { return Abi.Fail(e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "edgetok_encoder_stream_push")]
    public static int EncoderPush(nint stream, float* pcm, nuint count)
    {
        try
        {
            var s = HandleTable.Get<AudioEncoderStream>(stream, HandleKind.EncoderStream);
            if (count > int.MaxValue) throw EdgeTokException.Limit($"count {count} exceeds the limit of {int.MaxValue}");
            if (count > 0) Abi.NotNull(pcm, "pcm");
            s.Push(new ReadOnlySpan<float>(pcm, (int)count));
            return 0;
        }
        catch (Exception e) { return Abi.Fail(e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "edgetok_encoder_stream_frames_available")]
    public static int EncoderAvailable(nint stream, nuint* frames)
    {
        try
        {
            var s = HandleTable.Get<AudioEncoderStream>(stream, HandleKind.EncoderStream);
            Abi.NotNull(frames, "frames");
            *frames = (nuint)s.FramesAvailable;
            return 0;
        }
        catch (Exception e) { return Abi.Fail(e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "edgetok_encoder_stream_pull")]
    public static int EncoderPull(nint stream, int* codes, nuint maxFrames, nuint* frames)
    {
        try
        {
            var s = HandleTable.Get<AudioEncoderStream>(stream, HandleKind.EncoderStream);
            Abi.NotNull(frames, "frames");
            *frames = 0;
            long cap = (long)Math.Min(maxFrames, (nuint)(int.MaxValue / s.Codebooks)) * s.Codebooks;
            if (cap > 0) Abi.NotNull(codes, "codes");
            *frames = (nuint)s.Pull(new Span<int>(codes, (int)cap));
            return 0;
        }
        catch (Exception e) { return Abi.Fail(e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "edgetok_encoder_stream_flush")]
    public static int EncoderFlush(nint stream)
    {
        try
        {
            HandleTable.Get<AudioEncoderStream>(stream, HandleKind.EncoderStream).Flush();
            return 0;
        }
        catch (Exception e) { return Abi.Fail(e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "edgetok_encoder_stream_reset")]
    public static int EncoderReset(nint stream)
    {
        try
        {
            HandleTable.Get<AudioEncoderStream>(stream, HandleKind.EncoderStream).Reset();
            return 0;
        }
        catch (Exception e) { return Abi.Fail(e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "edgetok_encoder_stream_free")]
    public static int EncoderFree(nint stream)
    {
        try
        {
            HandleTable.Remove(stream, HandleKind.EncoderStream);
            return 0;
        }
        catch (Exception e) { return Abi.Fail(e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "edgetok_decoder_stream_create")]
    public static int DecoderCreate(nint codec, Options* options, nint* stream)
    {
        try
        {
            Abi.NotNull(stream, "stream");
            *stream = 0;
            var c = HandleTable.Get<AudioCodec>(codec, HandleKind.AudioCodec);
            var o = ToOptions(options);
            int? k = o is null ? null : o.Codebooks ?? (o.BandwidthKbps is null ? null : c.CodebooksFor(new AudioEncodeOptions { BandwidthKbps = o.BandwidthKbps }));
            var s = c.CreateDecoderStream(k, o?.ContextFrames);
            *stream = HandleTable.Add(s, HandleKind.DecoderStream);
            return 0;
        }
        catch (Exception e) { return Abi.Fail(e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "edgetok_decoder_stream_layout")]
    public static int DecoderLayout(nint stream, int* codebooks, int* latencySamples)
    {
        try
        {
            var s = HandleTable.Get<AudioDecoderStream>(stream, HandleKind.DecoderStream);
            if (codebooks != null) *codebooks = s.Codebooks;
            if (latencySamples != null) *latencySamples = s.LatencySamples;
            return 0;
        }
        catch (Exception e) { return Abi.Fail(e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "edgetok_decoder_stream_push")]
    public static int DecoderPush(nint stream, int* codes, nuint frames, int codebooks)
    {
        try
        {
            var s = HandleTable.Get<AudioDecoderStream>(stream, HandleKind.DecoderStream);
            if (codebooks < 1) throw EdgeTokException.Argument($"codebooks must be ≥ 1, got {codebooks}");
            if (frames > (nuint)(int.MaxValue / codebooks)) throw EdgeTokException.Limit($"frames {frames} exceeds the limit");
            if (frames > 0) Abi.NotNull(codes, "codes");
            int n = (int)frames * codebooks;
            s.Push(new ReadOnlySpan<int>(codes, n), (int)frames, codebooks);
            return 0;
        }
        catch (Exception e) { return Abi.Fail(e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "edgetok_decoder_stream_samples_available")]
    public static int DecoderAvailable(nint stream, nuint* samples)
    {
        try
        {
            var s = HandleTable.Get<AudioDecoderStream>(stream, HandleKind.DecoderStream);
            Abi.NotNull(samples, "samples");
            *samples = (nuint)s.SamplesAvailable;
            return 0;
        }
        catch (Exception e) { return Abi.Fail(e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "edgetok_decoder_stream_pull")]
    public static int DecoderPull(nint stream, float* pcm, nuint capacity, nuint* count)
    {
        try
        {
            var s = HandleTable.Get<AudioDecoderStream>(stream, HandleKind.DecoderStream);
            Abi.NotNull(count, "count");
            *count = 0;
            int cap = (int)Math.Min(capacity, (nuint)int.MaxValue);
            if (cap > 0) Abi.NotNull(pcm, "pcm");
            *count = (nuint)s.Pull(new Span<float>(pcm, cap));
            return 0;
        }
        catch (Exception e) { return Abi.Fail(e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "edgetok_decoder_stream_flush")]
    public static int DecoderFlush(nint stream)
    {
        try
        {
            HandleTable.Get<AudioDecoderStream>(stream, HandleKind.DecoderStream).Flush();
            return 0;
        }
        catch (Exception e) { return Abi.Fail(e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "edgetok_decoder_stream_reset")]
    public static int DecoderReset(nint stream)
    {
        try
        {
            HandleTable.Get<AudioDecoderStream>(stream, HandleKind.DecoderStream).Reset();
            return 0;
        }
        catch (Exception e) { return Abi.Fail(e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "edgetok_decoder_stream_free")]
    public static int DecoderFree(nint stream)
    {
        try
        {
            HandleTable.Remove(stream, HandleKind.DecoderStream);
            return 0;
        }
        catch (Exception e) { return Abi.Fail(e); }
    }
}
