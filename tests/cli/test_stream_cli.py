"""`edgetok audio stream-encode`: a WAV streamed in chunks (a simulated microphone) and raw s16le PCM
from stdin give exactly the codes of `audio encode` for Lyra v2 and mu-law; the tiny EnCodec streams
with its left-context window; usage errors exit 2, failed operations 1."""
import json
import os
import subprocess
import wave

import numpy as np
import pytest

from conftest import BIN, ROOT, SHARED

EDGETOK = str(BIN / "edgetok")
CLIP = SHARED / "data" / "audio" / "speech" / "jfk" / "jfk.wav"
ENV = {**os.environ, "EDGETOK_MODEL_PATH": str(SHARED / "models")}


def run(*args, stdin=None):
    return subprocess.run([EDGETOK, *map(str, args)], input=stdin, capture_output=True, timeout=300, env=ENV)


def short_wav(tmp_path, seconds=2.0):
    """The first seconds of the real clip as a 16-bit WAV, and its samples."""
    with wave.open(str(CLIP)) as w:
        rate, ch = w.getframerate(), w.getnchannels()
        raw = w.readframes(int(seconds * rate))
    pcm = np.frombuffer(raw, dtype="<i2").reshape(-1, ch)[:, 0].copy()
    path = tmp_path / "clip.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    return path, pcm, rate


def offline(tmp_path, model, wav, *extra):
    out = tmp_path / "offline.npy"
    r = run("audio", "encode", "--model", model, "--input", wav, "--output", out, *extra)
    assert r.returncode == 0, r.stderr
    return np.load(out)


@pytest.mark.parametrize("model", ["lyra-v2", "mulaw"])
@pytest.mark.parametrize("chunk_ms", [10, 20, 37])
def test_wav_stream_equals_offline(tmp_path, model, chunk_ms):
    wav, _, _ = short_wav(tmp_path)
    ref = offline(tmp_path, model, wav)
    out = tmp_path / "stream.npy"
    r = run("audio", "stream-encode", "--model", model, "--input", wav, "--chunk-ms", chunk_ms, "--output", out, "--json")
    assert r.returncode == 0, r.stderr
    info = json.loads(r.stdout)
    assert info["frames"] == ref.shape[0] and info["codebooks"] == ref.shape[1]
    assert info["latency_ms"] >= (20.0 if model == "lyra-v2" else 0.0)
    codes = np.load(out)
    assert codes.dtype == np.int32 and np.array_equal(codes, ref)


def test_stdin_pipeline_equals_offline(tmp_path):
    wav, pcm, rate = short_wav(tmp_path)
    ref = offline(tmp_path, "lyra-v2", wav, "--bandwidth", "3.2")
    out = tmp_path / "stdin.npy"
    r = run("audio", "stream-encode", "--model", "lyra-v2", "--input", "-", "--input-rate", rate, "--chunk-ms", 37,
            "--bandwidth", 3.2, "--output", out, stdin=pcm.astype("<i2").tobytes())
    assert r.returncode == 0, r.stderr
    assert b"real-time factor" in r.stdout
    codes = np.load(out)
    assert codes.shape[1] == 16 and np.array_equal(codes, ref)


def test_shell_pipeline(tmp_path):
    wav, pcm, rate = short_wav(tmp_path, 1.0)
    raw = tmp_path / "clip.raw"
    raw.write_bytes(pcm.astype("<i2").tobytes())
    out = tmp_path / "pipe.npy"
    r = subprocess.run(f"cat '{raw}' | '{EDGETOK}' audio stream-encode --model mulaw --input - --input-rate {rate} "
                       f"--output '{out}'", shell=True, capture_output=True, timeout=120, env=ENV)
    assert r.returncode == 0, r.stderr
    assert np.array_equal(np.load(out), offline(tmp_path, "mulaw", wav))


def test_encodec_window(tmp_path):
    wav, _, _ = short_wav(tmp_path, 1.0)
    tiny = ["--model", SHARED / "golden" / "encodec-24k-tiny", "--manifest", ROOT / "models" / "encodec-24k-tiny" / "edgetok.json"]
    ref = offline(tmp_path, tiny[1], wav, *tiny[2:])
    out = tmp_path / "enc.npy"
    r = run("audio", "stream-encode", *tiny, "--input", wav, "--context-frames", 8, "--output", out)
    assert r.returncode == 0, r.stderr
    codes = np.load(out)
    assert codes.shape == ref.shape
    assert np.array_equal(codes[:8], ref[:8])   # within the window the causal model sees its whole history


def test_errors(tmp_path):
    wav, _, _ = short_wav(tmp_path, 0.2)
    out = tmp_path / "x.npy"
    assert run("audio", "stream-encode", "--model", "mulaw", "--input", "-", "--output", out).returncode == 2
    assert run("audio", "stream-encode", "--model", "mulaw", "--input", wav, "--chunk-ms", 0, "--output", out).returncode == 2
    assert run("audio", "stream-encode", "--model", "mulaw", "--input", wav, "--input-rate", 8000, "--output", out).returncode == 2
    r = run("audio", "stream-encode", "--model", "no-such-model", "--input", wav, "--output", out)
    assert r.returncode == 1 and r.stderr
    r = run("audio", "stream-encode", "--model", "lyra-v2", "--input", wav, "--codebooks", 47, "--output", out)
    assert r.returncode == 1 and b"47" in r.stderr
