using EdgeTok.Testing;
using System.Text;
using EdgeTok.IO.Audio;
using EdgeTok.IO.Npy;
using EdgeTok.IO.SafeTensors;
using EdgeTok.TimeSeries.Kairos;

namespace EdgeTok.Tests.Reliability;

/// <summary>
/// Headers that claim far more data than they hold must be refused before the claimed amount is
/// allocated: each test measures this thread's allocations around the failing call.
/// </summary>
public sealed class ResourceLimitTests
{
    // Generous: the refusal itself allocates messages, a JSON document and small buffers.
    private const long AllocationBudget = 16L << 20;

    private static EdgeTokException RefusedCheaply(Action a)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<EdgeTokException>(a);
        long used = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(used < AllocationBudget, $"refusing the input allocated {used} bytes");
        return e;
    }

    [Fact]
    public void Npy_claiming_huge_shape_is_limit_exceeded()
    {
        var h = "{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000), }";
        var e = RefusedCheaply(() => NpyReader.Read(new MemoryStream(NpyV1Bytes.Build(h))));
        Assert.Equal(StatusCode.LimitExceeded, e.Status);
    }

    [Fact]
    public void Npy_claiming_1_GB_from_a_pipe_is_refused_without_allocating_it()
    {
        // 1 GB claimed, 16 bytes present, stream cannot report its length.
        var h = "{'descr': '<f4', 'fortran_order': False, 'shape': (268435456,), }";
        var e = RefusedCheaply(() => NpyReader.Read(new PipeStream(NpyV1Bytes.Build(h, 16))));
        Assert.Equal(StatusCode.InvalidFormat, e.Status);
    }

    [Fact]
    public void Wav_claiming_hours_in_a_short_file_is_refused_without_allocating_them()
    {
        // 4 GB of 16-bit stereo declared (~6.2 h at 48 kHz), 64 bytes present.
        var b = FuzzRegressionTests.Wav(channels: 2, bits: 16, rate: 48000, dataBytes: 0xFFFFFF00u, actualData: 64);
        var e = RefusedCheaply(() => WavReader.Read(new MemoryStream(b)));
        Assert.Equal(StatusCode.InvalidFormat, e.Status);
        e = RefusedCheaply(() => WavReader.Read(new PipeStream(b)));
        Assert.Equal(StatusCode.InvalidFormat, e.Status);
    }

    [Fact]
    public void SafeTensors_claiming_huge_tensor_is_refused()
    {
        var h = Encoding.UTF8.GetBytes("{\"w\":{\"dtype\":\"F32\",\"shape\":[1000000,1000000],\"data_offsets\":[0,4000000000000]}}");
        var b = new byte[8 + h.Length + 16];
        BitConverter.TryWriteBytes(b.AsSpan(0, 8), (long)h.Length);
        h.CopyTo(b, 8);
        var p = Path.Combine(TestPaths.TempDir(), "big.safetensors");
        File.WriteAllBytes(p, b);
        var e = RefusedCheaply(() => SafeTensorsFile.Open(p).Dispose());
        Assert.Equal(StatusCode.InvalidFormat, e.Status);
    }

    [Fact]
    public void SafeTensors_header_length_beyond_file_is_refused()
    {
        var b = new byte[64];
        BitConverter.TryWriteBytes(b.AsSpan(0, 8), long.MaxValue);
        var p = Path.Combine(TestPaths.TempDir(), "hdr.safetensors");
        File.WriteAllBytes(p, b);
        var e = RefusedCheaply(() => SafeTensorsFile.Open(p).Dispose());
        Assert.Equal(StatusCode.InvalidFormat, e.Status);
    }

    [Fact]
    public void Kairos_horizon_beyond_limit_is_refused_before_running()
    {
        var model = KairosConcurrency.Model;
        var e = RefusedCheaply(() => model.Forecast(new float[64], KairosModel.MaxHorizon + 1));
        Assert.Equal(StatusCode.LimitExceeded, e.Status);
        e = RefusedCheaply(() => model.Forecast(new float[64], int.MaxValue));
        Assert.Equal(StatusCode.LimitExceeded, e.Status);
    }

}
