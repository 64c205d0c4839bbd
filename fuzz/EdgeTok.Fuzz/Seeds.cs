using System.Runtime.InteropServices;
using System.Text;
using EdgeTok.IO;
using EdgeTok.IO.Audio;
using EdgeTok.IO.Npy;
using EdgeTok.IO.SafeTensors;

namespace EdgeTok.Fuzz;

/// <summary>
/// Writes seed corpora at run time from the real files in ../shared (small slices and headers only:
/// nothing large or third-party is copied into the repository) plus small synthetic files.
/// </summary>
public static class Seeds
{
    /// <summary>Writes OUT/TARGET/* for every target.</summary>
    public static void Write(string outDir, string shared, string repo)
    {
        string D(string t) { var d = Path.Combine(outDir, t); Directory.CreateDirectory(d); return d; }
        int n = 0;
        void Put(string t, string name, byte[] b) { File.WriteAllBytes(Path.Combine(D(t), name), b); n++; }

        // safetensors: the Kairos header alone (offsets past the end), its header + first 4 KiB, and synthetic files.
        var kairos = Path.Combine(shared, "golden", "kairos-10m", "model.safetensors");
        if (File.Exists(kairos))
        {
            using var fs = File.OpenRead(kairos);
            var len8 = new byte[8];
            fs.ReadExactly(len8);
            long hl = BitConverter.ToInt64(len8);
            if (hl > 0 && hl < 1 << 20)
            {
                var head = new byte[8 + hl + 4096];
                fs.Position = 0;
                fs.ReadExactly(head);
                Put("safetensors", "kairos-header", head[..(int)(8 + hl)]);
                Put("safetensors", "kairos-head4k", head);
            }
        }
        var tmp = Path.Combine(Path.GetTempPath(), $"edgetok-seeds-{Environment.ProcessId}.st");
        SafeTensorsWriter.Write(tmp, [SafeTensorsWriter.Float32("a.weight", [1, 2, 3, 4, 5, 6], 2, 3), SafeTensorsWriter.Float32("b", [0.5f], 1)],
            new Dictionary<string, string> { ["format"] = "pt" });
        Put("safetensors", "synthetic-f32", File.ReadAllBytes(tmp));
        SafeTensorsWriter.Write(tmp, [new SafeTensorsWriter.Entry("h", TensorDType.Float16, [4], new byte[8]),
            new SafeTensorsWriter.Entry("i", TensorDType.Int64, [2], new byte[16]), new SafeTensorsWriter.Entry("e", TensorDType.Float32, [0, 3], Array.Empty<byte>())]);
        Put("safetensors", "synthetic-mixed", File.ReadAllBytes(tmp));
        File.Delete(tmp);

        // npy: small golden arrays, plus synthetic ones of each dtype and version.
        var golden = Path.Combine(shared, "golden");
        if (Directory.Exists(golden))
            foreach (var f in Directory.EnumerateFiles(golden, "*.npy", SearchOption.AllDirectories)
                         .Where(f => new FileInfo(f).Length <= 8192).OrderBy(f => f, StringComparer.Ordinal).Take(12))
                Put("npy", "golden-" + Path.GetFileName(f), File.ReadAllBytes(f));
        Put("npy", "f32", ToBytes(s => NpyWriter.Write(s, NpyArray.FromFloat32([1, float.NaN, -2, 3], 2, 2))));
        Put("npy", "i64", ToBytes(s => NpyWriter.Write(s, NpyArray.FromInt64([1, 2, 3], 3))));
        Put("npy", "f64-scalar", ToBytes(s => NpyWriter.Write(s, NpyArray.FromFloat64([1.5], []))));
        Put("npy", "v2-be", Encoding.Latin1.GetBytes("\x93NUMPY\x02\x00\x2c\x00\x00\x00{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }\n").Concat(new byte[] { 0x3f, 0x80, 0, 0, 0x40, 0, 0, 0 }).ToArray());

        // wav: short slices of real recordings in every sample format, and a real file's first 2 KiB.
        var audio = Path.Combine(shared, "data", "audio");
        var wavs = Directory.Exists(audio)
            ? Directory.EnumerateFiles(audio, "*.wav", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal).Take(3).ToList()
            : [];
        var wtmp = Path.Combine(Path.GetTempPath(), $"edgetok-seeds-{Environment.ProcessId}.wav");
        int k = 0;
        foreach (var f in wavs)
        {
            var raw = File.ReadAllBytes(f);
            Put("wav", $"real-head-{k}", raw[..Math.Min(raw.Length, 2048)]);
            var clip = WavReader.Read(f);
            var slice = clip.Samples.AsSpan(0, Math.Min(clip.Samples.Length, 400 * clip.Channels)).ToArray();
            foreach (var fmt in Enum.GetValues<WavSampleFormat>())
            {
                WavWriter.Write(wtmp, slice, clip.SampleRate, clip.Channels, fmt);
                Put("wav", $"slice-{k}-{fmt}", File.ReadAllBytes(wtmp));
            }
            k++;
        }
        if (wavs.Count == 0)
        {
            WavWriter.Write(wtmp, new float[64], 16000, 1);
            Put("wav", "silence", File.ReadAllBytes(wtmp));
        }
        File.Delete(wtmp);

        // csv
        Put("csv", "plain", Encoding.UTF8.GetBytes("1.0\n2.5\n\n-3\nnan\n"));
        Put("csv", "header", Encoding.UTF8.GetBytes("time,value,other\n0,1.5,x\n1,,y\n2,3e2,z\n"));
        Put("csv", "quoted", Encoding.UTF8.GetBytes("\"a\",\"b\"\r\n\"1\",\"2\"\r\n"));

        // tflite / onnx: the real (small) graphs.
        Copy("tflite", Path.Combine(shared, "models", "lyra-v2", "quantizer.tflite"));
        Copy("onnx", Path.Combine(shared, "golden", "encodec-24k-tiny", "rvq_encode_nq8.onnx"));

        // config.json and manifests
        Copy("kairos-config", Path.Combine(shared, "golden", "kairos-10m", "config.json"));
        Put("kairos-config", "minimal", "{}"u8.ToArray());
        Copy("manifest", Path.Combine(repo, "models", "encodec-24k-tiny", "edgetok.json"));
        var man = Path.Combine(repo, "models", "encodec-24k-tiny", "edgetok.json");
        if (File.Exists(man))
        {
            var s = File.ReadAllText(man);
            Put("manifest", "segmented", Encoding.UTF8.GetBytes(s.Replace("\"segment\": null", "\"segment\": {\"seconds\": 1.0, \"overlap\": 0.01}")));
            Put("manifest", "padded", Encoding.UTF8.GetBytes(s.Replace("{ \"mode\": \"none\" }", "{ \"mode\": \"right_zero\", \"multiple\": 320 }")));
        }

        // series: float32 bit patterns including NaN, ±Inf, denormals, huge values, silence and clipping.
        Put("series", "mixed", Floats([0f, 1f, -1f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.Epsilon, -1e-40f, 3e38f, -3e38f]));
        Put("series", "silence", Floats(new float[256]));
        Put("series", "ramp", Floats(Enumerable.Range(0, 256).Select(i => (i - 128) / 64f).ToArray()));

        void Copy(string t, string path)
        {
            if (File.Exists(path)) Put(t, Path.GetFileName(path), File.ReadAllBytes(path));
        }
        Console.WriteLine($"seeds: {n} files in {outDir}");
    }

    private static byte[] ToBytes(Action<Stream> write)
    {
        using var ms = new MemoryStream();
        write(ms);
        return ms.ToArray();
    }

    private static byte[] Floats(float[] v) => MemoryMarshal.AsBytes(v.AsSpan()).ToArray();
}
