"""The linux-arm64 edgetok CLI under qemu user emulation: what it reports about itself, and that the x86
ISA relaunch stays out of the way. The golden checks (Kairos, EnCodec, mu-law, bins) are the x86-64
CLI tests in tests/cli, run against the arm64 binary by scripts/test-arm64.sh with EDGETOK_CLI_DIR set
to a folder whose `edgetok` starts the arm64 image under qemu."""
import json
import os
import subprocess
from pathlib import Path

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
