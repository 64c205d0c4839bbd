import json
import os
import subprocess
import threading

import numpy as np
import pytest

import edgetok
from edgetok import _native
from conftest import SHARED

JFK = SHARED / "data" / "audio" / "speech" / "jfk" / "jfk.wav"
STEREO = SHARED / "data" / "audio" / "environmental" / "librosa" / "456440__inspectorj__bird-whistling-robin-single-13.hq.wav"


def test_versions_and_build_info():
    assert edgetok.version() == "0.1.0"
    assert edgetok.abi_version() == (1, 1)
    info = edgetok.build_info()
    assert info["runtime"] == "native-aot"
    assert info["onnxruntime"]
    assert info["isa_compiled"] in ("x86-64", "x86-64-v2", "x86-64-v3", "x86-64-v4")


def test_widest_variant_is_loaded_on_this_cpu():
    info = edgetok.build_info()
    # The package chose the widest variant the CPU supports: compiled level == CPU level.
    assert info["isa_compiled"] == info["isa_cpu"]
    flags = open("/proc/cpuinfo").read()
    if " avx2 " in flags:
        assert info["vector_bits"] >= 256
        assert info["vector_path"] in ("avx2", "avx512")


def test_baseline_variant_runs_too(tmp_path):
    base = edgetok.library_path()
    lib_dir = os.path.dirname(base)
    while os.path.basename(lib_dir) != "lib":
        lib_dir = os.path.dirname(lib_dir)
    code = "import edgetok, json; print(json.dumps(edgetok.build_info()))"
    env = dict(os.environ, EDGETOK_LIBRARY=os.path.join(lib_dir, "libedgetok.so"))
    out = subprocess.run(["/usr/bin/python3", "-c", code], env=env, capture_output=True, text=True,
                         cwd=os.path.dirname(os.path.dirname(os.path.abspath(edgetok.__file__))), check=True)
    info = json.loads(out.stdout)
    assert info["isa_compiled"] in ("x86-64", "x86-64-v2")  # the AOT baseline
    assert info["vector_bits"] == 128


def test_read_real_wav_and_properties():
    info = edgetok.wav_info(JFK)
    assert info == {"sample_rate": 16000, "channels": 1, "bits_per_sample": 16, "frames": 176000,
                    "duration_seconds": pytest.approx(11.0)}
    x, rate = edgetok.read_wav(JFK)
    assert rate == 16000 and x.dtype == np.float32 and x.shape == (176000,)
    # Same samples as a direct decode of the 16-bit PCM data.
    b = JFK.read_bytes()
    data = b.index(b"data") + 8
    raw = np.frombuffer(b[data:data + 2 * x.size], dtype="<i2").astype(np.float32) / 32768.0
    np.testing.assert_allclose(x, raw, atol=1e-7)


def test_stereo_is_downmixed_and_resampled():
    st = edgetok.wav_info(STEREO)
    assert st["channels"] == 2 and st["sample_rate"] == 44100
    x, rate = edgetok.read_wav(STEREO, sample_rate=16000)
    assert rate == 16000
    assert x.size == round(st["frames"] * 16000 / 44100)


def test_resample_sine_and_write_roundtrip(tmp_path):
    t = np.arange(48000, dtype=np.float64) / 48000
    x = (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    y = edgetok.resample(x, 48000, 16000)
    assert y.shape == (16000,)
    ref = 0.5 * np.sin(2 * np.pi * 440 * np.arange(16000) / 16000)
    assert np.max(np.abs(y[1000:15000] - ref[1000:15000])) < 1e-3
    path = tmp_path / "y.wav"
    edgetok.write_wav(path, y, 16000)
    back, rate = edgetok.read_wav(path)
    assert rate == 16000
    np.testing.assert_allclose(back, y, atol=1 / 16384)


def test_errors_are_exceptions_with_status(tmp_path):
    with pytest.raises(edgetok.EdgeTokError) as e:
        edgetok.read_wav(tmp_path / "missing.wav")
    assert e.value.status == 6 and "not found" in str(e.value)
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk")
    with pytest.raises(edgetok.EdgeTokError) as e:
        edgetok.read_wav(bad)
    assert e.value.status == 4
    cut = tmp_path / "cut.wav"
    cut.write_bytes(JFK.read_bytes()[:5000])
    with pytest.raises(edgetok.EdgeTokError, match="truncated"):
        edgetok.read_wav(cut)
    with pytest.raises(edgetok.EdgeTokError) as e:
        edgetok.resample(np.zeros(10, np.float32), 0, 16000)
    assert e.value.status == 1
    with pytest.raises(TypeError, match="float32"):
        edgetok.resample(np.zeros(10), 16000, 8000)


def test_short_buffer_and_null_pointer_statuses():
    lib = _native.lib()
    import ctypes
    x = np.zeros(100, np.float32)
    out = np.zeros(10, np.float32)
    need = ctypes.c_size_t(0)
    st = lib.edgetok_resample(_native.fptr(x), 100, 16000, 8000, _native.fptr(out), 10, ctypes.byref(need))
    assert st == 3 and need.value == 50
    st = lib.edgetok_resample(None, 100, 16000, 8000, None, 0, ctypes.byref(need))
    assert st == 2
    assert b"NULL" in lib.edgetok_last_error()


def test_last_error_is_thread_local(tmp_path):
    lib = _native.lib()
    lib.edgetok_wav_info_read(b"/nonexistent-a.wav", None)
    main_msg = lib.edgetok_last_error()
    other = {}

    def worker():
        lib.edgetok_resample(None, 5, 1, 1, None, 0, None)
        other["msg"] = lib.edgetok_last_error()

    t = threading.Thread(target=worker)
    t.start()
    t.join()
    assert lib.edgetok_last_error() == main_msg
    assert other["msg"] != main_msg


def test_read_series_csv_column_and_errors(tmp_path):
    csv = SHARED / "data" / "timeseries" / "darts" / "AirPassengers.csv"
    x = edgetok.read_series(csv)
    assert x.dtype == np.float32 and x.shape == (144,) and x[0] == 112 and x[-1] == 432
    np.testing.assert_array_equal(edgetok.read_series(csv, "#Passengers"), x)
    np.testing.assert_array_equal(edgetok.read_series(csv, 1), x)
    npy = tmp_path / "x.npy"
    np.save(npy, x[:10])
    np.testing.assert_array_equal(edgetok.read_series(npy), x[:10])
    gaps = tmp_path / "gaps.csv"
    gaps.write_text("t,v\n0,1.5\n1,\n2,NA\n3,4\n")
    np.testing.assert_array_equal(np.isnan(edgetok.read_series(gaps)), [False, True, True, False])
    with pytest.raises(edgetok.EdgeTokError, match="AirPassengers.csv:2") as e:
        edgetok.read_series(csv, "Month")
    assert e.value.status == 4
    with pytest.raises(edgetok.EdgeTokError, match="no column 'x'") as e:
        edgetok.read_series(csv, "x")
    assert e.value.status == 6
    with pytest.raises(edgetok.EdgeTokError) as e:
        edgetok.read_series(tmp_path / "missing.csv")
    assert e.value.status == 6
