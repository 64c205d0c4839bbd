using System.Diagnostics;
using System.Globalization;
using EdgeTok.Audio.Metrics;
using EdgeTok.Tests.Lyra;
using Xunit.Abstractions;

namespace EdgeTok.Tests.Metrics;

/// <summary>
/// STOI against an independent numpy implementation (tools/metrics/stoi_reference.py) on real golden
/// clips. It resamples with an FFT instead of a sinc kernel, so agreement is close, not exact.
/// Passes with a note when /usr/bin/python3 or numpy is unavailable.
/// </summary>
public sealed class StoiNumpyCrossCheckTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("vctk_p240_00000", 16)]
    [InlineData("cmu_arctic_aew_a0001", 46)]
    public void Stoi_matches_the_numpy_reference(string clip, int levels)
    {
        const string python = "/usr/bin/python3";
        string script = Path.Combine(TestPaths.RepoRoot, "tools", "metrics", "stoi_reference.py");
        string refPath = LyraGolden.Path(clip, "input.f32"), degPath = LyraGolden.Path(clip, $"decoded_{levels}.f32");
        if (!File.Exists(python))
        {
            output.WriteLine("skipped: no /usr/bin/python3");
            return;
        }
        var psi = new ProcessStartInfo(python, [script, refPath, degPath, "16000"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        string stdout = p.StandardOutput.ReadToEnd(), stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0 && stderr.Contains("No module named 'numpy'"))
        {
            output.WriteLine("skipped: numpy missing");
            return;
        }
        Assert.True(p.ExitCode == 0, stderr);
        double numpy = double.Parse(stdout.Trim(), CultureInfo.InvariantCulture);
        double ours = Stoi.Compute(LyraGolden.F32(clip, "input.f32"), LyraGolden.F32(clip, $"decoded_{levels}.f32"), 16000);
        output.WriteLine($"{clip} {levels} levels: ours {ours:F5}, numpy {numpy:F5}");
        Assert.InRange(ours - numpy, -0.002, 0.002);
    }
}
