"""`edgetok audio roundtrip --model lyra-v2`: model search path, output WAV, metrics (text and JSON), errors;
--bitrate is the older name of --bandwidth and still works."""
import json
import os
import subprocess
import wave

import numpy as np
import pytest

from conftest import BIN, SHARED

EDGETOK = str(BIN / "edgetok")
MODELS = SHARED / "models"
CLIP = SHARED / "data" / "audio" / "speech" / "cmu_arctic" / "cmu_arctic_us_aew_a0001.wav"

pytestmark = pytest.mark.skipif(not (MODELS / "lyra-v2").is_dir(), reason="lyra-v2 model not in ../shared/models")


def run(*args, model_path=str(MODELS)):
    env = dict(os.environ)
    env.pop("EDGETOK_MODEL_PATH", None)
    if model_path is not None:
        env["EDGETOK_MODEL_PATH"] = model_path
    return subprocess.run([EDGETOK, *args], capture_output=True, text=True, timeout=300, env=env)


def read_wav(path):
    with wave.open(str(path)) as w:
        assert w.getframerate() == 16000 and w.getnchannels() == 1 and w.getsampwidth() == 2
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64) / 32768


def test_roundtrip_json_metrics_at_three_bitrates(tmp_path):
    src = read_wav(CLIP)  # the clip is 16 kHz 16-bit already
    stoi = {}
    for kbps, levels in (("3.2", 16), ("6.0", 30), ("9.2", 46)):
        out = tmp_path / f"out_{kbps}.wav"
        r = run("audio", "roundtrip", "--model", "lyra-v2", "--input", str(CLIP), "--bitrate", kbps,
                "--output", str(out), "--metrics", "--json")
        assert r.returncode == 0, r.stderr
        info = json.loads(r.stdout)
        assert info["model"] == "lyra-v2" and info["levels"] == levels and info["sample_rate"] == 16000
        assert info["model_path"] == str(MODELS / "lyra-v2")
        assert info["samples"] == len(src) and info["frames"] == -(-len(src) // 320)
        m = info["metrics"]
        assert m["delay_samples"] == 0 and m["samples"] == len(src)
        assert 0.85 < m["stoi"] <= 1 and m["si_snr_db"] > 0 and m["lsd_db"] > 0 and m["mcd_db"] > 0
        stoi[kbps] = m["stoi"]
        y = read_wav(out)
        assert len(y) == len(src)
        # The decoded speech follows the input (correlation), without being a copy.
        c = np.dot(src, y) / np.sqrt(np.dot(src, src) * np.dot(y, y))
        assert 0.6 < c < 0.999
    assert stoi["3.2"] < stoi["6.0"] < stoi["9.2"]


def test_roundtrip_text_output_and_default_bitrate(tmp_path):
    out = tmp_path / "out.wav"
    r = run("audio", "roundtrip", "--model", "lyra-v2", "--input", str(CLIP), "--output", str(out), "--metrics")
    assert r.returncode == 0, r.stderr
    assert "9.2 kbps (46 of 46 codebooks)" in r.stdout
    for label in ("STOI", "SI-SNR", "LSD", "MCD", "delay          0 samples"):
        assert label in r.stdout
    # Without --metrics only the codec runs.
    r = run("audio", "roundtrip", "--model", "lyra-v2", "--input", str(CLIP), "--bitrate", "3.2", "--output", str(out), "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["metrics"] is None


def test_model_search_path_order_and_folder_path(tmp_path):
    out = tmp_path / "out.wav"
    # A missing folder first on the path is skipped; the shared models folder second is used.
    path = f"{tmp_path / 'nothing-here'}:{MODELS}"
    r = run("audio", "roundtrip", "--model", "lyra-v2", "--input", str(CLIP), "--bitrate", "3.2", "--output", str(out), "--json",
            model_path=path)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["model_path"] == str(MODELS / "lyra-v2")
    # A folder path works without any search path.
    r = run("audio", "roundtrip", "--model", str(MODELS / "lyra-v2"), "--input", str(CLIP), "--bitrate", "3.2",
            "--output", str(out), "--json", model_path=None)
    assert r.returncode == 0, r.stderr


def test_errors(tmp_path):
    out = tmp_path / "out.wav"
    r = run("audio", "roundtrip", "--model", "lyra-v2", "--input", str(CLIP), "--output", str(out), model_path=str(tmp_path))
    assert r.returncode == 1 and "not found" in r.stderr and "EDGETOK_MODEL_PATH" in r.stderr
    r = run("audio", "roundtrip", "--model", "lyra-v2", "--input", str(CLIP), "--bitrate", "5.1", "--output", str(out))
    assert r.returncode == 1 and "3.2, 6.0, 9.2" in r.stderr
    r = run("audio", "roundtrip", "--model", "lyra-v2", "--input", str(CLIP), "--bandwidth", "5.1", "--output", str(out))
    assert r.returncode == 1 and "3.2, 6.0, 9.2" in r.stderr
    r = run("audio", "roundtrip", "--model", "lyra-v2", "--input", str(tmp_path / "missing.wav"), "--output", str(out))
    assert r.returncode == 1
    r = run("audio", "roundtrip", "--model", str(tmp_path), "--input", str(CLIP), "--output", str(out))
    assert r.returncode == 1 and "edgetok.json" in r.stderr
    r = run("audio", "roundtrip", "--model", "lyra-v2", "--input", str(CLIP))
    assert r.returncode == 2 and "--output" in r.stderr
    r = run("audio", "roundtrip", "--model", "lyra-v2", "--input", str(CLIP), "--output", str(out), "--bogus", "1")
    assert r.returncode == 2


def test_bandwidth_and_codebooks_select_the_levels(tmp_path):
    out = tmp_path / "out.wav"
    a = run("audio", "roundtrip", "--model", "lyra-v2", "--input", str(CLIP), "--bandwidth", "6.0", "--output", str(out), "--json")
    b = run("audio", "roundtrip", "--model", "lyra-v2", "--input", str(CLIP), "--codebooks", "30", "--output", str(out), "--json")
    assert a.returncode == 0 and b.returncode == 0, a.stderr + b.stderr
    ja, jb = json.loads(a.stdout), json.loads(b.stdout)
    assert ja["levels"] == jb["levels"] == ja["codebooks"] == 30 and ja["bitrate_kbps"] == 6.0
