import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
# EDGETOK_CLI_DIR: another folder holding an `edgetok` to test (scripts/test-arm64.sh: the arm64 build under qemu).
BIN = Path(os.environ.get("EDGETOK_CLI_DIR") or ROOT / "artifacts" / "edgetok" / "bin")
