"""The linux-arm64 edgetok CLI under qemu user emulation: what it reports about itself, and that the x86
ISA relaunch stays out of the way. The golden checks (Kairos, EnCodec, mu-law, bins) are the x86-64
CLI tests in tests/cli, run against the arm64 binary by scripts/test-arm64.sh with EDGETOK_CLI_DIR set
to a folder whose `edgetok` starts the arm64 image under qemu."""
import json
import os
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest

CLI_DIR = os.environ.get("EDGETOK_CLI_DIR")
PREFIX = os.environ.get("EDGETOK_ARM64_PREFIX")
pytestmark = pytest.mark.skipif(not CLI_DIR or not PREFIX, reason="run by scripts/test-arm64.sh (needs the arm64 build and qemu)")


def run(*args, env=None):
    return subprocess.run([str(Path(CLI_DIR) / "edgetok"), *map(str, args)], capture_output=True, text=True,
                          timeout=300, env=env)


def test_info_reports_arm64_and_neon():
    r = run("info", "--json")
    assert r.returncode == 0, r.stderr
    info = json.loads(r.stdout)
    assert info["arch"] == "arm64" and info["runtime"] == "native-aot"
    # No x86-64 levels on arm64: compiled and CPU "level" are the architecture itself.
    assert info["isa_compiled"] == "arm64" and info["isa_cpu"] == "arm64"
    # AdvSIMD is part of armv8-a: the 128-bit kernels always run, the 256/512-bit ones never.
    assert info["vector_path"] == "neon" and info["vector_bits"] == 128
    assert info["onnxruntime"].count(".") == 2
    human = run("info").stdout
    assert "neon (128-bit)" in human and "arm64" in human


def test_isa_variable_is_ignored_on_arm64():
    # The x86 relaunch (execv of edgetok-x86-64-vN siblings) must do nothing here, whatever is asked.
    for wanted in ("x86-64-v4", "x86-64-v3", "baseline"):
        r = run("info", "--json", env=dict(os.environ, EDGETOK_ISA=wanted))
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout)["isa_compiled"] == "arm64"


def test_install_tree_is_arm64_only():
    prefix = Path(PREFIX)
    assert sorted(p.name for p in (prefix / "bin").iterdir()) == ["edgetok"]
    assert not (prefix / "lib" / "glibc-hwcaps").exists()
    for f in (prefix / "bin" / "edgetok", prefix / "lib" / "libedgetok.so", prefix / "lib" / "libonnxruntime.so"):
        head = f.read_bytes()[:20]
        # ELF, 64-bit, little-endian, e_machine = 183 (EM_AARCH64)
        assert head[:4] == b"\x7fELF" and head[4] == 2 and head[5] == 1 and int.from_bytes(head[18:20], "little") == 183


ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
KAIROS = SHARED / "golden" / "kairos-10m"
ENCODEC = SHARED / "golden" / "encodec-24k-tiny"
MANIFEST = ROOT / "models" / "encodec-24k-tiny" / "edgetok.json"


def test_forecast_on_a_plain_armv8_0_core(tmp_path):
    # Cortex-A53 (Raspberry Pi 3 class): armv8.0 without LSE atomics or dot product. The default
    # emulated CPU has every extension, so this shows the image needs none of them.
    env = dict(os.environ, QEMU_CPU="cortex-a53")
    case = KAIROS / "cases" / "A_full2048"
    series, out = tmp_path / "a.npy", tmp_path / "q.npy"
    np.save(series, np.load(case / "input_past_target.npy")[0])
    r = run("ts", "forecast", "--model", KAIROS, "--input", series, "--horizon", 96, "--output", out, env=env)
    assert r.returncode == 0, r.stderr
    g = np.load(case / "gen_h96.frozen_bias.npy")[0]
    f = np.load(out)
    assert f.shape == g.shape and np.abs(f - g).max() / np.abs(g).max() < 1e-5


def test_onnx_codec_on_a_plain_armv8_0_core(tmp_path):
    # ONNX Runtime picks its arm64 kernels from the CPU's features; on armv8.0 it takes the plain NEON ones.
    env = dict(os.environ, QEMU_CPU="cortex-a53")
    x = np.fromfile(ENCODEC / "caseA_wav.f32", dtype="<f4")
    wav, codes = tmp_path / "a.wav", tmp_path / "c.npy"
    with wave.open(str(wav), "wb") as w:
        w.setnchannels(1); w.setsampwidth(2); w.setframerate(24000)
        w.writeframes(np.clip(np.round(x * 32767), -32768, 32767).astype("<i2").tobytes())
    r = run("audio", "encode", "--model", ENCODEC, "--manifest", MANIFEST, "--input", wav, "--bandwidth", "1.8",
            "--output", codes, env=env)
    assert r.returncode == 0, r.stderr
    golden = np.fromfile(ENCODEC / "caseA_codes_bw1p8.i32", dtype="<i4").reshape(4, 75).T
    # Same bar as the x86-64 CLI test: the 16-bit WAV moves a few codes next to a decision boundary.
    assert (np.load(codes) == golden).mean() > 0.9
