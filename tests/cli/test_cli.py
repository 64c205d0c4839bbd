"""The published edgetok CLI: exit codes, one-line errors, the ISA relaunch and `info`."""
import json
import os
import subprocess

import pytest

from conftest import BIN, SHARED

EDGETOK = str(BIN / "edgetok")


def run(*args, env=None):
    return subprocess.run([EDGETOK, *args], capture_output=True, text=True, env=env, timeout=120)


def test_version():
    r = run("--version")
    assert r.returncode == 0 and r.stdout.strip() == "edgetok 0.1.0"


def test_help_lists_commands():
    r = run("--help")
    assert r.returncode == 0
    assert "info" in r.stdout and "audio probe" in r.stdout


def test_info_uses_the_wide_path_when_the_cpu_has_avx2():
    r = run("info", "--json")
    assert r.returncode == 0, r.stderr
    info = json.loads(r.stdout)
    flags = open("/proc/cpuinfo").read()
    if " avx2 " in flags:
        assert info["vector_path"] in ("avx2", "avx512")
        assert info["isa_compiled"] == info["isa_cpu"]
    human = run("info").stdout
    assert "vector path" in human and info["vector_path"] in human


def test_baseline_image_still_runs_when_forced():
    env = dict(os.environ, EDGETOK_ISA="x86-64-v2")
    info = json.loads(run("info", "--json", env=env).stdout)
    assert info["isa_compiled"] in ("x86-64", "x86-64-v2")
    assert info["vector_bits"] == 128


def test_audio_probe_on_real_wav():
    wav = SHARED / "data" / "audio" / "speech" / "vctk" / "p240_00000.wav"
    r = run("audio", "probe", "--input", str(wav), "--rate", "16000", "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["sample_rate"] == 24000 and d["channels"] == 1 and d["mono_rate"] == 16000
    assert d["mono_samples"] == round(d["frames"] * 16000 / 24000)


@pytest.mark.parametrize("args, code, fragment", [
    (["bogus"], 2, "unknown command"),
    (["audio", "probe"], 2, "--input"),
    (["audio", "probe", "--input", "x.wav", "--bogus", "1"], 2, "unknown option --bogus"),
    (["audio", "probe", "--input", "/nonexistent.wav"], 1, "not found"),
    (["audio", "probe", "--input", str(SHARED / "data" / "timeseries" / "darts" / "AirPassengers.csv")], 1, "not a readable WAV"),
    (["audio", "probe", "--input", "x.wav", "--rate", "abc"], 2, "--rate must be an integer"),
    (["audio", "probe", "--input", "x.wav", "--rate"], 2, "--rate needs a value"),
    (["info", "--rate"], 2, "unknown option --rate"),
])
def test_bad_input_gives_one_line_and_nonzero_exit(args, code, fragment):
    r = run(*args)
    assert r.returncode == code
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("edgetok: ")
    assert fragment in lines[0]
