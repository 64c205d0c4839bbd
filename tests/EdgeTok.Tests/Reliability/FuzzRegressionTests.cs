using System.Text;
using EdgeTok.Audio.Codecs;
using EdgeTok.IO.Audio;
using EdgeTok.IO.Npy;
using EdgeTok.IO.SafeTensors;
using EdgeTok.TimeSeries.Kairos;

namespace EdgeTok.Tests.Reliability;

/// <summary>
/// Inputs that crashed a parser (an exception other than EdgeTokException) under scripts/fuzz.sh or
/// in the review that followed; each is rebuilt here and must now fail with a precise status.
/// </summary>
public sealed class FuzzRegressionTests
{
    private static byte[] SafeTensorsBytes(string headerJson, int dataBytes = 0)
    {
        var h = Encoding.UTF8.GetBytes(headerJson);
        var b = new byte[8 + h.Length + dataBytes];
        BitConverter.TryWriteBytes(b.AsSpan(0, 8), (long)h.Length);
        h.CopyTo(b, 8);
        return b;
    }

    private static EdgeTokException OpenSafeTensors(byte[] bytes)
    {
        var p = Path.Combine(TestPaths.TempDir(), "x.safetensors");
        File.WriteAllBytes(p, bytes);
        return Assert.Throws<EdgeTokException>(() => SafeTensorsFile.Open(p).Dispose());
    }

    [Theory]
    // Found by the mutation fuzzer: System.Text.Json accepts an escaped lone surrogate and throws
    // InvalidOperationException only when the string is read.
    [InlineData("{\"a\\ud800\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}")]
    [InlineData("{\"a\":{\"dtype\":\"F\\udc00\",\"shape\":[1],\"data_offsets\":[0,4]}}")]
    [InlineData("{\"__metadata__\":{\"k\":\"\\ud800x\"}}")]
    public void SafeTensors_lone_surrogate_in_header_is_invalid_format(string header)
    {
        var e = OpenSafeTensors(SafeTensorsBytes(header, 4));
        Assert.Equal(StatusCode.InvalidFormat, e.Status);
    }

    [Theory]
    [InlineData("{\"dense_act_fn\": \"\\ud800\"}")]
    [InlineData("{\"position_embedding_type\": \"x\\udc00\"}")]
    public void KairosConfig_unreadable_values_are_invalid_format(string json)
    {
        var e = Assert.Throws<EdgeTokException>(() => KairosConfig.Parse(Encoding.UTF8.GetBytes(json)));
        Assert.Equal(StatusCode.InvalidFormat, e.Status);
    }

    [Fact]
    public void KairosConfig_number_beyond_double_range_is_rejected_not_a_crash()
    {
        // 1e400 reads as +Inf; the config validation then refuses it as an unsupported value.
        var e = Assert.Throws<EdgeTokException>(() => KairosConfig.Parse("{\"layer_norm_epsilon\": 1e400}"u8));
        Assert.Equal(StatusCode.Unsupported, e.Status);
    }

    private static string Manifest => File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "models", "encodec-24k-tiny", "edgetok.json"));

    [Theory]
    [InlineData("\"bandwidths_kbps\": [0.9, 1.8, 3.6]", "\"bandwidths_kbps\": [\"x\"]")]
    [InlineData("\"bandwidths_kbps\": [0.9, 1.8, 3.6]", "\"bandwidths_kbps\": [1e400]")]
    [InlineData("\"kind\": \"encodec\"", "\"kind\": \"\\ud800\"")]
    [InlineData("\"frame_rate\": 75", "\"frame_rate\": 1e999")]
    [InlineData("\"shape\": [8, 64, 32]", "\"shape\": [4611686018427387904, 64, 32]")]
    public void Manifest_unreadable_values_are_invalid_format(string from, string to)
    {
        var text = Manifest;
        Assert.Contains(from, text);
        var p = Path.Combine(TestPaths.TempDir(), "edgetok.json");
        File.WriteAllText(p, text.Replace(from, to));
        var e = Assert.Throws<EdgeTokException>(() => AudioCodec.Load(TestPaths.SharedPath("golden", "encodec-24k-tiny"), p).Dispose());
        Assert.Equal(StatusCode.InvalidFormat, e.Status);
    }


    [Fact]
    public void Npy_header_ending_after_shape_key_is_invalid_format()
    {
        // A '}' inside the descr string satisfies the "is it a dict" check; the header then ends at
        // "'shape':" and the parser used to index past its end (IndexOutOfRangeException).
        var e = Assert.Throws<EdgeTokException>(() => NpyReader.Read(new MemoryStream(NpyV1Bytes.Build("{'descr':'}','shape':"))));
        Assert.Equal(StatusCode.InvalidFormat, e.Status);
    }

    [Fact]
    public void Wav_with_zero_block_align_is_invalid_format()
    {
        var b = Wav(channels: 1, bits: 16, rate: 16000, dataBytes: 64, actualData: 64);
        b[32] = 0; b[33] = 0; // fmt.BlockAlign
        var e = Assert.Throws<EdgeTokException>(() => WavReader.Read(new MemoryStream(b)));
        Assert.Equal(StatusCode.InvalidFormat, e.Status);
    }

    /// <summary>A canonical 44-byte-header PCM WAV whose data chunk declares <paramref name="dataBytes"/> bytes.</summary>
    internal static byte[] Wav(int channels, int bits, int rate, uint dataBytes, int actualData)
    {
        var b = new byte[44 + actualData];
        var s = new MemoryStream(b);
        var w = new BinaryWriter(s);
        w.Write("RIFF"u8); w.Write((uint)Math.Min(uint.MaxValue, 36L + dataBytes)); w.Write("WAVE"u8);
        w.Write("fmt "u8); w.Write(16); w.Write((short)1); w.Write((short)channels); w.Write(rate);
        w.Write(rate * channels * bits / 8); w.Write((short)(channels * bits / 8)); w.Write((short)bits);
        w.Write("data"u8); w.Write(dataBytes);
        return b;
    }
}
