"""`edgetok audio soak`: minutes of real audio looped through encoder + decoder streams in the native CLI
(its own process, so the memory figures are the soak's alone): exact sample accounting, content equal to
the offline encode, live heap and RSS within bounds; usage errors exit 2, failed checks 1."""
import json
import os
import subprocess
import wave

import numpy as np

from conftest import BIN, SHARED

EDGETOK = str(BIN / "edgetok")
SPEECH = SHARED / "data" / "audio" / "speech"
JFK = SPEECH / "jfk" / "jfk.wav"
LIBRI = SPEECH / "librispeech" / "198-209-0000.hq.wav"
MUSIC = SHARED / "data" / "audio" / "music" / "encodec" / "test_48k.wav"
ENV = {**os.environ, "EDGETOK_MODEL_PATH": str(SHARED / "models")}


def soak(*args):
    return subprocess.run([EDGETOK, "audio", "soak", *map(str, args)], capture_output=True, timeout=600, env=ENV)


def check_report(r, minutes, input_rate, hop, bound=0.10):
    assert r["passed"] and r["failures"] == []
    assert r["input_samples"] == round(minutes * 60 * input_rate)
    assert r["accounting_errors"] == 0 and r["accounting_checks"] > r["pushes"]
    assert r["frames"] == r["expected_frames"]
    assert r["decoded_samples"] == r["frames"] * hop
    assert 0 <= r["tail_samples"] < hop
    assert r["codes_differing"] == 0 and r["samples_differing"] == 0
    assert r["reset_codes_differing"] == 0 and r["reset_samples_differing"] == 0
    assert r["samples_compared"] >= r["decoded_samples"] - 2 * hop
    for key in ("live_heap_bytes", "rss_bytes"):
        m = r[key]
        assert m["min"] <= m["baseline"] <= m["max"]
        assert m["max_deviation"] <= bound, (key, m)
    assert len(r["samples"]) >= 50   # before the first push, every 1/100 of the run (at least 1 s), after the flush


def test_mulaw_soak_counts_every_sample(tmp_path):
    p = soak("--model", "mulaw", "--minutes", 4, "--json", JFK, LIBRI)
    assert p.returncode == 0, p.stderr
    r = json.loads(p.stdout)
    check_report(r, 4, 16000, 1)
    assert r["exact"] and r["frames"] == r["input_samples"] == 4 * 60 * 16000
    assert r["allocated_bytes_per_audio_second"] < 1000


def test_lyra_soak_through_the_48k_resampler():
    p = soak("--model", "lyra-v2", "--minutes", 1, "--input-rate", 48000, "--seed", 3, "--json", JFK, MUSIC, LIBRI)
    assert p.returncode == 0, p.stderr
    r = json.loads(p.stdout)
    check_report(r, 1, 48000, 320)
    assert (r["codec"], r["sample_rate"], r["codebooks"], r["seed"]) == ("lyra", 16000, 46, 3)
    assert r["codec_samples"] == 60 * 16000
    assert r["allocated_bytes_per_audio_second"] < 1000


def test_text_report_and_progress():
    p = soak("--model", "mulaw", "--minutes", 0.5, "--sample-seconds", 5, "--progress", JFK)
    assert p.returncode == 0, p.stderr
    out = p.stdout.decode()
    assert "result         passed" in out and "0 failed" in out and "live heap" in out and "RSS" in out
    assert p.stderr.decode().count("soak ") == 7   # readings before the first push, at 5, 10, ..., 25 s and after the flush


def test_a_failed_check_exits_1_with_one_line(tmp_path):
    # A tolerance of 1e-9 % cannot hold: the report's own readings add to the live heap.
    p = soak("--model", "mulaw", "--minutes", 0.5, "--tolerance", 1e-9, "--json", JFK)
    assert p.returncode == 1
    assert json.loads(p.stdout)["passed"] is False
    err = p.stderr.decode().strip().splitlines()
    assert len(err) == 1 and err[0].startswith("edgetok: error: soak failed:")


def test_usage_errors(tmp_path):
    short = tmp_path / "short.wav"
    with wave.open(str(short), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(np.zeros(8000, dtype="<i2").tobytes())   # 0.5 s: too short to loop
    assert soak("--model", "mulaw").returncode == 2                                      # no clip
    assert soak("--model", "mulaw", "--minutes", 0, JFK).returncode == 2
    assert soak("--model", "mulaw", "--max-chunk-ms", -1, JFK).returncode == 2
    assert soak("--model", "mulaw", "--warmup", 1, JFK).returncode == 2
    assert soak("--model", "mulaw", "--bandwidth", 1, "--codebooks", 1, JFK).returncode == 2
    assert soak("--model", "mulaw", "--no-such-option", 1, JFK).returncode == 2
    for args in (["--model", "mulaw", short], ["--model", "mulaw", tmp_path / "missing.wav"],
                 ["--model", "mulaw", "--minutes", 60 * 40, JFK]):   # 40 h exceed the 2^31 sample counts
        p = soak(*args)
        assert p.returncode == 1, args
        assert len(p.stderr.decode().strip().splitlines()) == 1
