using NAudio.Wave;

namespace EdgeTok.IO.Audio;

/// <summary>
/// Reads WAV files through NAudio: PCM 8/16/24/32-bit and IEEE float 32/64-bit, any channel count
/// and rate. Truncated files (a data chunk that claims more bytes than the file holds) and
/// non-WAV files are refused with <see cref="StatusCode.InvalidFormat"/>.
/// </summary>
public static class WavReader
{
    /// <summary>Longest audio accepted, in sample frames per channel (about 6.2 hours at 48 kHz).</summary>
    public const long MaxFrames = 1L << 30;

    /// <summary>Reads a WAV file.</summary>
    public static AudioClip Read(string path)
    {
        if (!File.Exists(path)) throw EdgeTokException.NotFound($"audio file not found: {path}");
        using var fs = File.OpenRead(path);
        return Read(fs, path);
    }

    /// <summary>Reads a WAV file and converts it to mono at <paramref name="targetRate"/> (0 keeps the file's rate).</summary>
    public static AudioClip ReadMono(string path, int targetRate = 0)
    {
        var clip = Read(path).ToMono();
        return targetRate > 0 ? clip.Resample(targetRate) : clip;
    }

    /// <summary>Reads WAV data from a stream (a non-seekable one is buffered first); <paramref name="name"/> names it in messages.</summary>
    public static AudioClip Read(Stream stream, string name = "wav")
    {
        if (!stream.CanSeek)
        {
            // A pipe or socket cannot be checked against its declared data size before the sample
            // buffer is allocated; buffer what actually arrives (bounded) and read that instead.
            var copy = new MemoryStream();
            try { stream.CopyTo(copy); }
            catch (IOException e) { throw EdgeTokException.Limit($"{name}: stream exceeds the in-memory limit: {e.Message}"); }
            copy.Position = 0;
            stream = copy;
        }
        CheckDataChunk(stream, name);
        WaveFileReader reader;
        try
        {
            reader = new WaveFileReader(stream);
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or EndOfStreamException or ArgumentException or IOException or InvalidOperationException)
        {
            throw EdgeTokException.Format($"{name}: not a readable WAV file: {e.Message}");
        }
        using (reader)
        {
            var fmt = reader.WaveFormat;
            string encoding = fmt.Encoding switch
            {
                WaveFormatEncoding.Pcm => "pcm",
                WaveFormatEncoding.IeeeFloat => "float",
                WaveFormatEncoding.Extensible => "extensible",
                var other => throw EdgeTokException.Unsupported($"{name}: WAV encoding {other} is not supported (PCM or IEEE float only)"),
            };
            if (fmt.Channels <= 0 || fmt.Channels > 64) throw EdgeTokException.Format($"{name}: implausible channel count {fmt.Channels}");
            if (fmt.SampleRate <= 0 || fmt.SampleRate > AudioConvert.MaxSampleRate) throw EdgeTokException.Format($"{name}: implausible sample rate {fmt.SampleRate}");
            bool pcmOk = fmt.BitsPerSample is 8 or 16 or 24 or 32;
            bool floatOk = fmt.BitsPerSample is 32 or 64;
            if (encoding == "pcm" && !pcmOk || encoding == "float" && !floatOk)
                throw EdgeTokException.Unsupported($"{name}: {fmt.BitsPerSample}-bit {encoding} WAV is not supported");

            // NAudio divides by BlockAlign; a forged fmt chunk can set it to 0 or to a size that does
            // not match the channels and sample width.
            if (fmt.BlockAlign != fmt.Channels * (fmt.BitsPerSample / 8))
                throw EdgeTokException.Format($"{name}: block align {fmt.BlockAlign} does not match {fmt.Channels} channels of {fmt.BitsPerSample} bits");
            long declaredBytes = reader.Length;
            long frames = declaredBytes / fmt.BlockAlign;
            if (frames > MaxFrames) throw EdgeTokException.Limit($"{name}: {frames} sample frames exceed the limit of {MaxFrames}");
            if (frames * fmt.Channels > Array.MaxLength)
                throw EdgeTokException.Limit($"{name}: {frames} frames × {fmt.Channels} channels exceed the largest sample buffer ({Array.MaxLength} samples)");

            var samples = new float[frames * fmt.Channels];
            ISampleProvider provider;
            try { provider = reader.ToSampleProvider(); }
            catch (ArgumentException e) { throw EdgeTokException.Unsupported($"{name}: {e.Message}"); }
            int total = 0;
            while (total < samples.Length)
            {
                int n = provider.Read(samples.AsSpan(total));
                if (n <= 0) break;
                total += n;
            }
            if (total < samples.Length)
                throw EdgeTokException.Format($"{name}: truncated WAV: read {total} of {samples.Length} samples");
            return new AudioClip(samples, fmt.SampleRate, fmt.Channels)
            {
                SourceBitsPerSample = fmt.BitsPerSample,
                SourceEncoding = encoding,
            };
        }
    }

    // NAudio silently shortens a data chunk that runs past the end of the file; a truncated file
    // must be an error, so the RIFF chunk list is walked here first.
    private static void CheckDataChunk(Stream s, string name)
    {
        long start = s.Position;
        try
        {
            Span<byte> hdr = stackalloc byte[12];
            if (s.Read(hdr) < 12) return; // NAudio reports the short header
            if (!hdr[..4].SequenceEqual("RIFF"u8) || !hdr[8..12].SequenceEqual("WAVE"u8)) return;
            Span<byte> ch = stackalloc byte[8];
            while (s.Position + 8 <= s.Length)
            {
                s.ReadExactly(ch);
                uint size = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(ch[4..]);
                if (ch[..4].SequenceEqual("data"u8))
                {
                    long available = s.Length - s.Position;
                    // 0 and 0xFFFFFFFF mark streams written without a final length: read to the end.
                    if (size != 0 && size != uint.MaxValue && size > available)
                        throw EdgeTokException.Format($"{name}: truncated WAV: data chunk declares {size} bytes, file holds {available}");
                    return;
                }
                long next = s.Position + size + (size & 1);
                if (next > s.Length) throw EdgeTokException.Format($"{name}: truncated WAV: chunk '{System.Text.Encoding.ASCII.GetString(ch[..4])}' runs past the end of the file");
                s.Position = next;
            }
            throw EdgeTokException.Format($"{name}: WAV file has no data chunk");
        }
        finally
        {
            s.Position = start;
        }
    }
}
