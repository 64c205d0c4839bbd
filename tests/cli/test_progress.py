"""Progress bars: drawn on stderr only when stderr is a terminal (checked with a pseudo-terminal), and
never with --json, --quiet, TERM=dumb or a redirected stderr; stdout is the same either way."""
import json
import os
import pty
import select
import subprocess
import wave

import numpy as np
import pytest

from conftest import BIN, SHARED

EDGETOK = str(BIN / "edgetok")
ENV = {**os.environ, "EDGETOK_MODEL_PATH": str(SHARED / "models"), "TERM": "xterm"}


@pytest.fixture(scope="module")
def wav(tmp_path_factory):
    """Ten seconds of a real clip, repeated: long enough for several progress reports."""
    src = SHARED / "data" / "audio" / "speech" / "jfk" / "jfk.wav"
    with wave.open(str(src)) as w:
        rate, ch = w.getframerate(), w.getnchannels()
        x = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").reshape(-1, ch)[:, 0]
    path = tmp_path_factory.mktemp("wav") / "ten.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(np.resize(x, 10 * rate).tobytes())
    return path


def commands(wav, tmp):
    codes = tmp / "codes.npy"
    np.save(codes, np.full((16000, 1), 128, dtype=np.int32))
    return {
        "encode": ["audio", "encode", "--model", "mulaw", "--input", wav, "--output", tmp / "c.npy"],
        "decode": ["audio", "decode", "--model", "mulaw", "--input", codes, "--output", tmp / "d.wav"],
        "roundtrip": ["audio", "roundtrip", "--model", "mulaw", "--input", wav, "--output", tmp / "r.wav"],
        "stream-encode": ["audio", "stream-encode", "--model", "mulaw", "--input", wav, "--output", tmp / "s.npy"],
    }


def run_pty(args, env=ENV):
    """Runs with stderr on a pseudo-terminal (stdout a pipe); returns (exit code, stdout, stderr bytes)."""
    master, slave = pty.openpty()
    p = subprocess.Popen([EDGETOK, *map(str, args)], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave, env=env)
    os.close(slave)
    err = b""
    while True:
        ready, _, _ = select.select([master], [], [], 1.0)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the terminal closed (Linux reports EIO)
                break
            if not chunk:
                break
            err += chunk
        elif p.poll() is not None:
            break
    out = p.stdout.read()
    p.wait(timeout=300)
    os.close(master)
    return p.returncode, out.decode(), err


@pytest.mark.parametrize("name", ["encode", "decode", "roundtrip", "stream-encode"])
def test_nothing_on_stderr_when_it_is_not_a_terminal(wav, tmp_path, name):
    r = subprocess.run([EDGETOK, *map(str, commands(wav, tmp_path)[name])], capture_output=True, text=True, timeout=300, env=ENV)
    assert r.returncode == 0 and r.stderr == "" and r.stdout


@pytest.mark.parametrize("name, stage", [("encode", b"encoding"), ("decode", b"decoding"), ("roundtrip", b"decoding"),
                                         ("stream-encode", b"streaming")])
def test_bar_on_a_terminal_is_erased_at_the_end(wav, tmp_path, name, stage):
    args = commands(wav, tmp_path)[name]
    code, out, err = run_pty(args)
    assert code == 0, err
    # Stages are drawn in place (carriage return, erase to end of line); the bar reaches 100 %.
    assert err.startswith(b"\r") and stage in err and b"%" in err and b"100%" in err
    assert err.endswith(b"\r\x1b[K"), err[-40:]
    assert b"\n" not in err
    # stdout is what a redirected run prints (apart from the timing line of stream-encode).
    plain = subprocess.run([EDGETOK, *map(str, args)], capture_output=True, text=True, timeout=300, env=ENV).stdout
    strip = lambda s: [l for l in s.splitlines() if not l.startswith("speed")]
    assert strip(out) == strip(plain)


@pytest.mark.parametrize("extra, env", [(["--json"], ENV), (["--quiet"], ENV), ([], {**ENV, "TERM": "dumb"})])
def test_no_bar_with_json_quiet_or_a_dumb_terminal(wav, tmp_path, extra, env):
    code, out, err = run_pty(commands(wav, tmp_path)["encode"] + extra, env)
    assert code == 0 and err == b""
    if extra == ["--json"]:
        assert json.loads(out)["frames"] == 160000


def test_an_error_after_the_bar_started_is_still_one_clean_line(tmp_path):
    bad = tmp_path / "bad.npy"
    np.save(bad, np.full((10, 1), 300, dtype=np.int32))  # outside mu-law's 0..255
    code, out, err = run_pty(["audio", "decode", "--model", "mulaw", "--input", bad, "--output", tmp_path / "o.wav"])
    assert code == 1 and out == ""
    # Whatever was drawn is erased before the message, which is the only text left on the line.
    last = err.rsplit(b"\r\x1b[K", 1)[-1].decode()
    assert last.startswith("edgetok: error: ") and "outside 0..255" in last and last.count("\n") == 1
