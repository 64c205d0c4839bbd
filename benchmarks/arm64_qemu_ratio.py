"""How much slower the linux-arm64 CLI runs under qemu-aarch64 user emulation than the x86-64 CLI runs
natively, for a Kairos 10m forecast and tokenize (golden case A, context 2048, horizon 96).

Rounds alternate the sides (x86-64 widest image, x86-64 baseline image forced with EDGETOK_ISA, arm64
under qemu) so load drifts on the shared machine hit all of them; each side's time is the median of
`edgetok bench kairos` within the round. Prints a markdown table of per-round times and ratios.

    scripts/build-native.sh --quick && scripts/test-arm64.sh   # or scripts/build-arm64.sh + the qemu root
    /usr/bin/python3 benchmarks/arm64_qemu_ratio.py --rounds 3 --iterations 5
"""
import argparse
import json
import os
import statistics
import subprocess
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("EDGETOK_SHARED", ROOT.parent / "shared"))
GOLDEN = SHARED / "golden" / "kairos-10m"


def bench(cmd, series, iterations, env=None):
    out = subprocess.run([*cmd, "bench", "kairos", "--model", str(GOLDEN), "--input", str(series), "--horizon", "96",
                          "--iterations", str(iterations), "--json"],
                         capture_output=True, text=True, check=True, env=env, timeout=3600)
    d = json.loads(out.stdout)
    return d["median_ms"], d["tokenize_median_ms"], d["isa"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--iterations", type=int, default=5)
    ap.add_argument("--x64", default=str(ROOT / "artifacts" / "edgetok" / "bin" / "edgetok"))
    ap.add_argument("--arm64", default=str(ROOT / "artifacts" / "qemu-arm64" / "bin" / "edgetok"),
                    help="a command that starts the arm64 CLI under qemu (scripts/test-arm64.sh makes it)")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        series = Path(tmp) / "a.npy"
        np.save(series, np.load(GOLDEN / "cases" / "A_full2048" / "input_past_target.npy")[0])
        sides = [("x86-64 native (widest)", [a.x64], None),
                 ("x86-64 native (baseline)", [a.x64], dict(os.environ, EDGETOK_ISA="x86-64-v2")),
                 ("arm64 under qemu", [a.arm64], None)]
        rows = []
        for r in range(a.rounds):
            rows.append([bench(cmd, series, a.iterations, env) for _, cmd, env in sides])
            print(f"round {r + 1}: " + ", ".join(f"{n} {f:.1f}/{t:.1f} ms" for (n, _, _), (f, t, _) in zip(sides, rows[-1])),
                  flush=True)
    isa = [x[2] for x in rows[0]]
    print(f"\nimages: {isa[0]} / {isa[1]} / {isa[2]}; medians of {a.iterations} iterations per round\n")
    print("| round | x86-64 widest forecast ms | x86-64 baseline forecast ms | arm64 qemu forecast ms | "
          "qemu / widest | qemu / baseline | qemu / widest (tokenize) | qemu / baseline (tokenize) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    ratios = []
    for i, ((fw, tw, _), (fb, tb, _), (fq, tq, _)) in enumerate(rows, 1):
        ratios.append((fq / fw, fq / fb, tq / tw, tq / tb))
        print(f"| {i} | {fw:.1f} | {fb:.1f} | {fq:.1f} | {fq / fw:.1f}× | {fq / fb:.1f}× | {tq / tw:.1f}× | {tq / tb:.1f}× |")
    med = [statistics.median(c) for c in zip(*ratios)]
    print(f"| median | | | | **{med[0]:.1f}×** | **{med[1]:.1f}×** | **{med[2]:.1f}×** | **{med[3]:.1f}×** |")


if __name__ == "__main__":
    main()
