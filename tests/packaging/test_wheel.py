"""The Python wheel: built by scripts/build-wheel.py from the native install tree, installed with
pip (no index) into a fresh virtual environment, and used from a folder outside the repository so
that only the installed copy can be imported: the examples, the console script, the library choice
and its EDGETOK_LIBRARY override, ONNX Runtime loaded from inside the package."""
import ast
import base64
import csv
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("EDGETOK_SHARED", ROOT.parent / "shared"))
LIB = ROOT / "artifacts" / "edgetok" / "lib"
EXAMPLES = ROOT / "bindings" / "python" / "examples"
AIR = SHARED / "data" / "timeseries" / "darts" / "AirPassengers.csv"
JFK = SHARED / "data" / "audio" / "speech" / "jfk" / "jfk.wav"
ENCODEC = SHARED / "golden" / "encodec-24k-tiny"
ENCODEC_MANIFEST = ROOT / "models" / "encodec-24k-tiny" / "edgetok.json"
PYTHON = "/usr/bin/python3"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    r = subprocess.run([PYTHON, str(ROOT / "scripts" / "build-wheel.py"), "--out", str(out)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return Path(r.stdout.strip())


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A fresh venv (system numpy and distributed visible) with the wheel installed by its own pip."""
    env_dir = tmp_path_factory.mktemp("venv")
    subprocess.run([PYTHON, "-m", "venv", "--system-site-packages", str(env_dir)], check=True)
    r = subprocess.run([str(env_dir / "bin" / "pip"), "install", "--no-index", "--no-cache-dir",
                        "--disable-pip-version-check", "-q", str(wheel)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    return env_dir


@pytest.fixture(scope="module")
def outside(tmp_path_factory) -> Path:
    """A working folder outside the repository."""
    return tmp_path_factory.mktemp("outside")


def run(venv: Path, cwd: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if k not in ("PYTHONPATH", "EDGETOK_LIBRARY", "LD_LIBRARY_PATH")}
    clean.update(env or {})
    return subprocess.run([str(venv / "bin" / "python"), *args], cwd=cwd, env=clean,
                          capture_output=True, text=True, timeout=600)


def source_edgetok():
    """The package from the source tree (development layout), for reference results."""
    sys.path.insert(0, str(ROOT / "bindings" / "python"))
    import edgetok
    return edgetok


def test_wheel_name_record_and_contents(wheel):
    assert re.fullmatch(r"edgetok-0\.1\.0-py3-none-manylinux_2_\d+_x86_64\.whl", wheel.name)
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        record = list(csv.reader(io.StringIO(z.read("edgetok-0.1.0.dist-info/RECORD").decode())))
        listed = {row[0] for row in record}
        assert listed == names
        for name, digest, size in record:
            if name.endswith("RECORD"):
                assert digest == "" and size == ""
                continue
            data = z.read(name)
            want = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            assert digest == f"sha256={want}" and int(size) == len(data), name
        wheel_meta = z.read("edgetok-0.1.0.dist-info/WHEEL").decode()
        meta = z.read("edgetok-0.1.0.dist-info/METADATA").decode()
    assert "Root-Is-Purelib: false" in wheel_meta and f"Tag: {wheel.name[len('edgetok-0.1.0-'):-4]}" in wheel_meta
    assert "Name: edgetok\nVersion: 0.1.0\n" in meta and "Requires-Dist: numpy" in meta
    # Every native image of the install tree is inside, in the same layout, plus ONNX Runtime and its licence.
    for so in LIB.rglob("libedgetok.so"):
        assert f"edgetok/lib/{so.relative_to(LIB).as_posix()}" in names
    assert {"edgetok/lib/libonnxruntime.so", "edgetok/py.typed",
            "edgetok-0.1.0.dist-info/licenses/onnxruntime/LICENSE"} <= names
    assert {f"edgetok/{p.name}" for p in (ROOT / "bindings" / "python" / "edgetok").glob("*.py")} <= names


def test_installed_package_loads_its_own_library(venv, outside):
    code = ("import edgetok, json; print(json.dumps([edgetok.__file__, edgetok.library_path(), "
            "edgetok.build_info()]))")
    r = run(venv, outside, "-c", code)
    assert r.returncode == 0, r.stderr
    pkg_file, lib_path, info = json.loads(r.stdout)
    site = str(venv / "lib")
    assert pkg_file.startswith(site) and lib_path.startswith(site)
    # The widest variant for this CPU: compiled level == CPU level, as with the source tree.
    assert info["isa_compiled"] == info["isa_cpu"]
    assert info["abi"] == "1.1"


def test_library_override_by_file_and_folder(venv, outside):
    pkg_lib = next((venv / "lib").glob("python3*/site-packages/edgetok/lib"))
    code = "import edgetok; print(edgetok.library_path()); print(edgetok.build_info()['vector_bits'])"
    r = run(venv, outside, "-c", code, env={"EDGETOK_LIBRARY": str(pkg_lib / "libedgetok.so")})
    assert r.returncode == 0, r.stderr
    path, bits = r.stdout.split()
    assert path == str(pkg_lib / "libedgetok.so") and bits == "128"       # baseline, taken as given
    r = run(venv, outside, "-c", code, env={"EDGETOK_LIBRARY": str(LIB)})  # a folder: widest variant inside
    assert r.returncode == 0, r.stderr
    assert r.stdout.split()[0].startswith(str(LIB))
    r = run(venv, outside, "-c", code, env={"EDGETOK_LIBRARY": "/no/such/libedgetok.so"})
    assert r.returncode != 0 and "EDGETOK_LIBRARY=/no/such/libedgetok.so does not exist" in r.stderr
    r = run(venv, outside, "-c", code, env={"EDGETOK_LIBRARY": str(outside)})
    assert r.returncode != 0 and "is a folder without libedgetok.so" in r.stderr


def test_example_forecast(venv, outside):
    out = outside / "forecast.npy"
    r = run(venv, outside, str(EXAMPLES / "forecast.py"), str(ROOT / "models" / "kairos-mini"), str(AIR),
            "--horizon", "12", "--output", str(out))
    assert r.returncode == 0, r.stderr
    assert "144 points" in r.stdout and "forecast (9, 12)" in r.stdout
    q = np.load(out)
    et = source_edgetok()
    with et.Kairos(ROOT / "models" / "kairos-mini") as m:
        want = m.forecast(et.read_series(AIR), 12, infer_is_positive=True)
    np.testing.assert_allclose(q, want, rtol=1e-5, atol=1e-3)


def test_example_encode_audio_with_onnx_runtime_from_the_package(venv, outside):
    codes_path, wav_path = outside / "codes.npy", outside / "decoded.wav"
    r = run(venv, outside, str(EXAMPLES / "encode_audio.py"), str(JFK), "--codec", str(ENCODEC),
            "--manifest", str(ENCODEC_MANIFEST), "--bandwidth", "1.8",
            "--codes", str(codes_path), "--decoded", str(wav_path))
    assert r.returncode == 0, r.stderr
    assert "codes (825, 4) int32" in r.stdout
    codes = np.load(codes_path)
    et = source_edgetok()
    with et.AudioCodec(ENCODEC, manifest=ENCODEC_MANIFEST) as c:
        x, rate = et.read_wav(JFK)
        np.testing.assert_array_equal(codes, c.encode(x, rate, bandwidth=1.8))
    assert et.wav_info(wav_path)["sample_rate"] == 24000
    # ONNX Runtime came from the wheel (through the $ORIGIN rpath), not from anywhere else.
    code = ("import edgetok\nwith edgetok.AudioCodec(%r, manifest=%r) as c: pass\n"
            "print([l.split()[-1] for l in open('/proc/self/maps') if 'libonnxruntime.so' in l][0])"
            % (str(ENCODEC), str(ENCODEC_MANIFEST)))
    r = run(venv, outside, "-c", code)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().startswith(str(venv / "lib")) and r.stdout.strip().endswith("edgetok/lib/libonnxruntime.so")
    r = run(venv, outside, str(EXAMPLES / "encode_audio.py"), str(outside / "missing.wav"))
    assert r.returncode != 0 and "EdgeTokError" in r.stderr and "not found" in r.stderr


def test_example_corpus_on_a_local_cluster(venv, outside):
    corpus = outside / "corpus"
    corpus.mkdir()
    for name in ["0_jackson_0", "7_theo_3", "9_yweweler_5"]:
        (corpus / f"{name}.wav").symlink_to(SHARED / "data" / "audio" / "speech" / "fsdd" / f"{name}.wav")
    (corpus / "cut.wav").write_bytes(JFK.read_bytes()[:4000])
    r = run(venv, outside, str(EXAMPLES / "tokenize_corpus.py"), str(corpus), "--codec", "mulaw",
            "--output-dir", str(outside / "codes"))
    assert r.returncode == 1, r.stdout + r.stderr          # one bad file: reported, the job finished
    lines = r.stdout.splitlines()
    assert lines[0].startswith("   0 ") and lines[0].endswith("0_jackson_0.npy")
    assert "cut.wav: FAILED:" in lines[3] and "truncated" in lines[3]
    assert lines[-1].startswith("4 files, 1 failed; model loads per worker:")
    loads = ast.literal_eval(lines[-1].split(": ", 1)[1])
    assert max(loads) == 1 and len(loads) == 2
    assert np.load(outside / "codes" / "9_yweweler_5.npy").shape[1] == 1


def test_console_script(venv, outside):
    r = subprocess.run([str(venv / "bin" / "edgetok-corpus"), "--help"], cwd=outside, capture_output=True, text=True)
    assert r.returncode == 0 and "--scheduler" in r.stdout
    r = subprocess.run([str(venv / "bin" / "edgetok-corpus"), str(outside)], cwd=outside, capture_output=True, text=True)
    assert r.returncode == 2 and "one of the arguments --codec --kairos --chronos-bins is required" in r.stderr
