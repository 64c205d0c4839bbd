"""`edgetok audio encode|decode|info`: codes files against the EnCodec golden set, mu-law, real clips at
several rates, and errors (exit 2 for usage, 1 for failed operations)."""
import json
import subprocess
import wave

import numpy as np
import pytest

from conftest import BIN, ROOT, SHARED

EDGETOK = str(BIN / "edgetok")
GOLDEN = SHARED / "golden" / "encodec-24k-tiny"
MANIFEST = ROOT / "models" / "encodec-24k-tiny" / "edgetok.json"
TINY = ["--model", str(GOLDEN), "--manifest", str(MANIFEST)]


def run(*args):
    return subprocess.run([EDGETOK, *map(str, args)], capture_output=True, text=True, timeout=120)


def write_wav(path, x, rate):
    pcm = np.clip(np.round(np.asarray(x) * 32767), -32768, 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())


def read_wav(path):
    with wave.open(str(path)) as w:
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2"), w.getframerate(), w.getnchannels()


def test_info():
    r = run("audio", "info", *TINY, "--json")
    assert r.returncode == 0, r.stderr
    info = json.loads(r.stdout)
    assert info["kind"] == "encodec" and info["sample_rate"] == 24000 and info["hop_length"] == 320
    assert info["codebooks"] == 8 and info["codebook_size"] == 64 and info["bandwidths_kbps"] == [0.9, 1.8, 3.6]
    r = run("audio", "info", "--model", "mulaw")
    assert r.returncode == 0 and "mulaw" in r.stdout and "16000 Hz" in r.stdout


def test_encode_decode_tiny_encodec(tmp_path):
    # The golden 1 s test signal as 16-bit WAV: codes of the quantised signal, checked for layout and
    # against the float input's golden codes (16-bit rounding moves the latent by ~1e-5).
    wav, codes_path, out = tmp_path / "a.wav", tmp_path / "codes.npy", tmp_path / "out.wav"
    x = np.fromfile(GOLDEN / "caseA_wav.f32", dtype="<f4")
    write_wav(wav, x, 24000)
    r = run("audio", "encode", *TINY, "--input", wav, "--bandwidth", "1.8", "--output", codes_path, "--json")
    assert r.returncode == 0, r.stderr
    info = json.loads(r.stdout)
    assert info["frames"] == 75 and info["codebooks"] == 4 and abs(info["bitrate_kbps"] - 1.8) < 1e-9
    codes = np.load(codes_path)
    assert codes.dtype == np.int32 and codes.shape == (75, 4)
    golden = np.fromfile(GOLDEN / "caseA_codes_bw1p8.i32", dtype="<i4").reshape(4, 75).T
    assert (codes == golden).mean() > 0.9
    r = run("audio", "decode", *TINY, "--input", codes_path, "--output", out, "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["samples"] == 24000
    y, rate, ch = read_wav(out)
    assert rate == 24000 and ch == 1 and len(y) == 24000
    # --codebooks truncates the same codes.
    r = run("audio", "encode", *TINY, "--input", wav, "--codebooks", "2", "--output", codes_path)
    assert r.returncode == 0 and "[75, 2]" in r.stdout
    np.testing.assert_array_equal(np.load(codes_path), codes[:, :2])


@pytest.mark.parametrize("clip,rate", [("speech/fsdd/0_jackson_0.wav", 8000),
                                       ("speech/ljspeech/LJ001-0002.wav", 22050),
                                       ("speech/alsa/Front_Center.wav", 48000)])
def test_real_clips_any_rate(tmp_path, clip, rate):
    src = SHARED / "data" / "audio" / clip
    _, r0, _ = read_wav(src)
    assert r0 == rate
    n = len(read_wav(src)[0])
    codes_path, out = tmp_path / "c.npy", tmp_path / "o.wav"
    r = run("audio", "encode", *TINY, "--input", src, "--output", codes_path)
    assert r.returncode == 0, r.stderr
    frames = -(-round(n * 24000 / rate) // 320)
    assert np.load(codes_path).shape == (frames, 8)
    assert run("audio", "decode", *TINY, "--input", codes_path, "--output", out).returncode == 0
    assert len(read_wav(out)[0]) == frames * 320
    # mu-law: one code per sample at 16 kHz.
    r = run("audio", "encode", "--model", "mulaw", "--input", src, "--output", codes_path)
    assert r.returncode == 0, r.stderr
    assert np.load(codes_path).shape == (round(n * 16000 / rate), 1)
    assert run("audio", "decode", "--model", "mulaw", "--input", codes_path, "--output", out).returncode == 0
    assert read_wav(out)[1] == 16000


def test_errors(tmp_path):
    codes_path = tmp_path / "c.npy"
    wav = SHARED / "data" / "audio" / "speech" / "fsdd" / "0_jackson_0.wav"
    r = run("audio", "encode", *TINY, "--input", wav, "--output", codes_path, "--bandwidth", "1", "--codebooks", "2")
    assert r.returncode == 2 and "not both" in r.stderr
    r = run("audio", "encode", *TINY, "--input", wav, "--output", codes_path, "--bogus", "1")
    assert r.returncode == 2 and "--bogus" in r.stderr
    r = run("audio", "encode", "--model", tmp_path / "none", "--input", wav, "--output", codes_path)
    assert r.returncode == 1 and "not found" in r.stderr
    np.save(codes_path, np.full((3, 8), 64, dtype=np.int32))
    r = run("audio", "decode", *TINY, "--input", codes_path, "--output", tmp_path / "o.wav")
    assert r.returncode == 1 and "outside 0..63" in r.stderr
    np.save(codes_path, np.zeros(5, dtype=np.int32))
    r = run("audio", "decode", *TINY, "--input", codes_path, "--output", tmp_path / "o.wav")
    assert r.returncode == 1 and "2-D" in r.stderr
    bad_manifest = tmp_path / "m.json"
    bad_manifest.write_text(MANIFEST.read_text().replace('"rvq"', '"fsq"'))
    r = run("audio", "info", "--model", GOLDEN, "--manifest", bad_manifest)
    assert r.returncode == 1 and "unknown quantizer type 'fsq'" in r.stderr
