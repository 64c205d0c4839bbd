from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
BIN = ROOT / "artifacts" / "edgetok" / "bin"
