"""The NuGet package: `dotnet pack` of src/EdgeTok into artifacts/nuget, then the sample console app
(samples/EdgeTok.Sample, outside EdgeTok.sln) restores it from that local folder feed — into its own
packages folder, so the package just packed is the one used — builds and runs: a Kairos forecast of
a real series, Chronos ids, and an ONNX codec encode (ONNX Runtime arrives as a package dependency).
Numbers are compared with the Python binding over the native library."""
import base64
import hashlib
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("EDGETOK_SHARED", ROOT.parent / "shared"))
FEED = ROOT / "artifacts" / "nuget"                    # the folder samples/EdgeTok.Sample/nuget.config names
CONSUMER = ROOT / "artifacts" / "nuget-consumer"
SAMPLE = ROOT / "samples" / "EdgeTok.Sample"
AIR = SHARED / "data" / "timeseries" / "darts" / "AirPassengers.csv"
JFK = SHARED / "data" / "audio" / "speech" / "jfk" / "jfk.wav"
ENCODEC = SHARED / "golden" / "encodec-24k-tiny"
ENCODEC_MANIFEST = ROOT / "models" / "encodec-24k-tiny" / "edgetok.json"
ENV = dict(os.environ, DOTNET_CLI_TELEMETRY_OPTOUT="1", DOTNET_NOLOGO="1")


def props(name: str, file: str = "Directory.Build.props") -> str:
    return re.search(rf"<{name}>([^<]+)</{name}>", (ROOT / file).read_text()).group(1)


def central_versions() -> dict:
    text = (ROOT / "Directory.Packages.props").read_text()
    return dict(re.findall(r'<PackageVersion Include="([^"]+)" Version="([^"]+)"', text))


VERSION = props("Version")


def dotnet(*args: str, timeout: int = 1200) -> subprocess.CompletedProcess:
    r = subprocess.run(["dotnet", *args], cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=timeout)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-4000:]
    return r


@pytest.fixture(scope="module")
def package() -> Path:
    for old in FEED.glob("EdgeTok.*.nupkg"):
        old.unlink()
    dotnet("pack", "src/EdgeTok/EdgeTok.csproj", "-c", "Release", "-o", str(FEED), "-nologo")
    return FEED / f"EdgeTok.{VERSION}.nupkg"


@pytest.fixture(scope="module")
def sample(package) -> Path:
    """Builds the sample against the package; returns its output folder."""
    shutil.rmtree(CONSUMER, ignore_errors=True)
    cache = dotnet("nuget", "locals", "global-packages", "--list").stdout.split(":", 1)[1].strip()
    # Own packages folder: a stale EdgeTok of the same version in the global cache cannot be picked
    # up. The global cache is a fallback for the dependencies (ONNX Runtime is 160 MB).
    dotnet("build", str(SAMPLE), "-c", "Release", "-nologo", f"-p:EdgeTokVersion={VERSION}",
           f"-p:RestorePackagesPath={CONSUMER / 'packages'}", f"-p:RestoreFallbackFolders={cache}",
           f"-p:BaseIntermediateOutputPath={CONSUMER / 'obj'}/", f"-p:OutputPath={CONSUMER / 'bin'}/")
    return CONSUMER / "bin"


def run_sample(sample: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["dotnet", str(sample / "EdgeTok.Sample.dll"), *args], cwd=ROOT, env=ENV,
                          capture_output=True, text=True, timeout=600)


def source_edgetok():
    sys.path.insert(0, str(ROOT / "bindings" / "python"))
    import edgetok
    return edgetok


def test_package_metadata_dependencies_and_docs(package):
    with zipfile.ZipFile(package) as z:
        names = set(z.namelist())
        nuspec = ET.fromstring(z.read("EdgeTok.nuspec"))
    ns = {"n": nuspec.tag.split("}")[0][1:]}
    meta = nuspec.find("n:metadata", ns)
    assert meta.find("n:id", ns).text == "EdgeTok" and meta.find("n:version", ns).text == VERSION
    assert meta.find("n:readme", ns).text == "README.md" and "README.md" in names
    assert meta.find("n:description", ns).text.startswith("Time-series")
    assert {"lib/net10.0/EdgeTok.dll", "lib/net10.0/EdgeTok.xml"} <= names   # XML docs beside the assembly
    deps = {d.get("id"): d.get("version") for d in meta.iter(f"{{{ns['n']}}}dependency")}
    versions = central_versions()
    assert deps == {k: versions[k] for k in ("Microsoft.ML.OnnxRuntime", "NAudio.Core", "System.Numerics.Tensors")}
    # Only the library is packable: the sample's feed holds nothing else.
    assert [p.name for p in FEED.glob("*.nupkg")] == [package.name]


def test_sample_restores_the_package_just_packed(package, sample):
    restored = CONSUMER / "packages" / "edgetok" / VERSION / f"edgetok.{VERSION}.nupkg.sha512"
    assert restored.is_file(), "EdgeTok was not restored from the local feed into the sample's packages folder"
    assert restored.read_text().strip() == base64.b64encode(hashlib.sha512(package.read_bytes()).digest()).decode()
    assert (sample / "EdgeTok.dll").is_file()
    assert (sample / "runtimes" / "linux-x64" / "native" / "libonnxruntime.so").is_file()   # via the dependency


def test_sample_forecasts_tokenizes_and_encodes(sample):
    r = run_sample(sample, "--kairos", str(ROOT / "models" / "kairos-mini"), "--series", str(AIR), "--horizon", "12",
                   "--codec", str(ENCODEC), "--manifest", str(ENCODEC_MANIFEST), "--bandwidth", "1.8", "--wav", str(JFK))
    assert r.returncode == 0, r.stdout + r.stderr
    out = dict(line.split(": ", 1) for line in r.stdout.splitlines()[1:])
    assert r.stdout.startswith(f"edgetok {VERSION}\n")
    assert out["series"].startswith("144 values of '#Passengers'; chronos ids: 145")
    assert out["forecast"] == "[1, 9, 12]"
    et = source_edgetok()
    x = et.read_series(AIR)
    with et.Kairos(ROOT / "models" / "kairos-mini") as m:
        want = m.forecast(x, 12, infer_is_positive=True)[4]
        tokens = m.tokenize(x)
    got = np.array([float(v) for v in out["median"].split()], dtype=np.float32)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-3)   # JIT .NET vs the native-AOT library
    assert int(out["kairos tokens"]) == tokens["token_sizes"].size
    with et.AudioCodec(ENCODEC, manifest=ENCODEC_MANIFEST) as c:
        pcm, rate = et.read_wav(JFK)
        codes = c.encode(pcm, rate, bandwidth=1.8)
    checksum = int(sum(int(v) * (i % 97 + 1) for i, v in enumerate(codes.ravel())))
    assert out["codes"] == f"[{codes.shape[0]}, {codes.shape[1]}] first frame: {' '.join(map(str, codes[0]))} checksum: {checksum}"
    assert out["decoded"] == "264000 samples at 24000 Hz"


def test_sample_reports_bad_input_in_one_line(sample, tmp_path):
    r = run_sample(sample, "--wav", str(tmp_path / "missing.wav"))
    assert r.returncode == 1 and r.stderr.count("\n") == 1
    assert "audio file not found" in r.stderr and "[NotFound]" in r.stderr
