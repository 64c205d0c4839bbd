using EdgeTok.IO;
using EdgeTok.IO.Npy;

namespace EdgeTok.Tests.IO;

public class NpyTests
{
    private static string Case(string file) => TestPaths.SharedPath("golden", "kairos-10m", "cases", "A_full2048", file);

    [Fact]
    public void Reads_golden_float_and_int64_arrays()
    {
        var x = NpyReader.Read(Case("input_past_target.npy"));
        Assert.Equal(TensorDType.Float32, x.DType);
        Assert.Equal([1L, 2048L], x.Shape);
        // The first value of the ETTh1 sample (its CSV's first data row).
        Assert.Equal(5.827000141143799f, x.ToFloat32()[0]);
        var idx = NpyReader.Read(Case("gate.topk_indices.npy"));
        Assert.Equal(TensorDType.Int64, idx.DType);
        Assert.Equal([16L, 3L], idx.Shape);
        Assert.All(idx.ToInt64(), v => Assert.InRange(v, 0, 4));
    }

    [Fact]
    public void Round_trips_every_golden_file_of_a_case_byte_for_byte()
    {
        var dir = TestPaths.TempDir();
        foreach (var f in Directory.GetFiles(Path.GetDirectoryName(Case("x"))!, "*.npy"))
        {
            var a = NpyReader.Read(f);
            var path = Path.Combine(dir, Path.GetFileName(f));
            NpyWriter.Write(path, a);
            var b = NpyReader.Read(path);
            Assert.Equal(a.DType, b.DType);
            Assert.Equal(a.Shape, b.Shape);
            Assert.Equal(a.Data, b.Data);
            // Our writer emits the same version-1.0 layout NumPy does: identical files.
            Assert.Equal(File.ReadAllBytes(f), File.ReadAllBytes(path));
        }
    }

    [Fact]
    public void Round_trips_all_supported_dtypes()
    {
        var dir = TestPaths.TempDir();
        var arrays = new[]
        {
            NpyArray.FromFloat32([1.5f, float.NaN, -3f], 3),
            NpyArray.FromFloat64([1.25, -2.5], 2, 1),
            NpyArray.FromInt32([1, -2, 3, 4], 2, 2),
            NpyArray.FromInt64([long.MaxValue, -1], 2),
            NpyArray.FromUInt8([0, 255], 2),
            NpyArray.FromBool([true, false, true], 3),
            NpyArray.FromFloat32([7f]),
        };
        foreach (var a in arrays)
        {
            var path = Path.Combine(dir, a.DType + ".npy");
            NpyWriter.Write(path, a);
            var b = NpyReader.Read(path);
            Assert.Equal(a.DType, b.DType);
            Assert.Equal(a.Shape, b.Shape);
            Assert.Equal(a.Data, b.Data);
            // The header is padded so the data starts on a 64-byte boundary, as NumPy writes it.
            Assert.Equal(0, (new FileInfo(path).Length - a.Data.Length) % 64);
        }
        Assert.Equal([1f, 0f, 1f], NpyReader.Read(Path.Combine(dir, "Bool.npy")).ToFloat32());
    }

    [Fact]
    public void Bad_files_are_refused_with_clear_messages()
    {
        var dir = TestPaths.TempDir();
        string W(string name, byte[] bytes) { var p = Path.Combine(dir, name); File.WriteAllBytes(p, bytes); return p; }
        var good = File.ReadAllBytes(Case("norm.loc.npy"));
        Assert.Contains("magic", Assert.Throws<EdgeTokException>(() => NpyReader.Read(W("a.npy", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]))).Message);
        Assert.Contains("truncated", Assert.Throws<EdgeTokException>(() => NpyReader.Read(W("b.npy", good[..(good.Length - 2)]))).Message);
        var fortran = System.Text.Encoding.Latin1.GetBytes(System.Text.Encoding.Latin1.GetString(good).Replace("'fortran_order': False", "'fortran_order': True "));
        Assert.Equal(StatusCode.Unsupported, Assert.Throws<EdgeTokException>(() => NpyReader.Read(W("c.npy", fortran))).Status);
        var objDtype = System.Text.Encoding.Latin1.GetBytes(System.Text.Encoding.Latin1.GetString(good).Replace("'<f4'", "'|O8'"));
        Assert.Contains("|O8", Assert.Throws<EdgeTokException>(() => NpyReader.Read(W("d.npy", objDtype))).Message);
        var huge = System.Text.Encoding.Latin1.GetBytes(System.Text.Encoding.Latin1.GetString(good).Replace("(1, 1)", "(9999999999, 99)"));
        Assert.Equal(StatusCode.LimitExceeded, Assert.Throws<EdgeTokException>(() => NpyReader.Read(W("e.npy", huge))).Status);
    }
}
