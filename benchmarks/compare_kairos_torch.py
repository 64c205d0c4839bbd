#!/usr/bin/python3
"""Whole-process Kairos comparison, EdgeTok vs PyTorch, measured side by side in one run.

Same weights (../shared/golden/kairos-10m), same input (golden case A: the first 2048 points of the
ETTh1 sample), horizon 96 (one forward), batch 1, single thread on both sides. First checks that the
PyTorch forecast agrees with EdgeTok's within 1e-4 relative (max abs diff / max abs value), then runs
the two benchmarks alternately for --rounds rounds, so machine load (this box is shared) hits both
alike, and prints per-round ratios with their min and median.

With --jit CLI (a framework-dependent `dotnet build -c Release` of EdgeTok.Cli) it also alternates the
native-AOT and the JIT CLI on `bench kairos` and `bench gemm` and prints the AOT/JIT time ratios.

    /usr/bin/python3 benchmarks/compare_kairos_torch.py [--rounds 5] [--iterations 10]
        [--edgetok artifacts/edgetok/bin/edgetok] [--jit src/EdgeTok.Cli/bin/Release/net10.0/linux-x64/EdgeTok.Cli]

Only the standard library and numpy (for the agreement check) are needed.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT.parent / "shared" / "golden" / "kairos-10m"
BASELINE = ROOT / "training" / "bench_torch.py"  # training/kairos_torch, checked against golden first


# The JIT side runs fully optimised from the first call: with tiered compilation a 10-iteration bench
# would mostly time tier-0 and OSR code, which measures the warm-up, not the kernels.
JIT_ENV = {**os.environ, "DOTNET_TieredCompilation": "0"}


def run_json(cmd: list[str], env: dict | None = None) -> dict:
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=3600, env=env)
    if r.returncode != 0:
        sys.exit(f"failed ({r.returncode}): {' '.join(cmd)}\n{r.stderr}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def run_json_lines(cmd: list[str], env: dict | None = None) -> list[dict]:
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=3600, env=env)
    if r.returncode != 0:
        sys.exit(f"failed ({r.returncode}): {' '.join(cmd)}\n{r.stderr}")
    return [json.loads(line) for line in r.stdout.splitlines() if line.startswith("{")]


def summary(name: str, ratios: list[float], unit: str) -> str:
    return f"{name:<34} min {min(ratios):6.2f}{unit}  median {statistics.median(ratios):6.2f}{unit}  max {max(ratios):6.2f}{unit}  ({len(ratios)} rounds)"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--edgetok", default=str(ROOT / "artifacts" / "edgetok" / "bin" / "edgetok"))
    ap.add_argument("--jit", help="JIT build of the CLI, to add AOT-vs-JIT rounds")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--iterations", type=int, default=10, help="timed iterations per benchmark per round")
    ap.add_argument("--horizon", type=int, default=96)
    ap.add_argument("--no-torch", action="store_true", help="only the agreement check against PyTorch, no timed PyTorch rounds (for AOT-vs-JIT runs)")
    a = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="edgetok-cmp-"))
    series = tmp / "a.npy"
    np.save(series, np.load(GOLDEN / "cases" / "A_full2048" / "input_past_target.npy")[0].astype(np.float32))
    env_note = os.environ.get("OMP_NUM_THREADS", "unset")
    edge = [a.edgetok, "bench", "kairos", "--model", str(GOLDEN), "--input", str(series), "--horizon", str(a.horizon), "--json"]
    torch_cmd = [sys.executable, str(BASELINE), "--model", str(GOLDEN), "--threads", "1", "--input", str(series), "--horizon", str(a.horizon), "--json"]

    # Agreement before timing: both sides forecast the same series once and must match.
    e = run_json(edge + ["--iterations", "1", "--output", str(tmp / "edgetok.npy")])
    t = run_json(torch_cmd + ["--repeat", "0", "--save-forecast", str(tmp / "torch.npy")])
    fe, ft = np.load(tmp / "edgetok.npy"), np.load(tmp / "torch.npy")
    rel = float(np.abs(fe - ft).max() / np.abs(fe).max())
    print(f"agreement: EdgeTok vs PyTorch {t['torch']} forecast [{fe.shape[0]}, {fe.shape[1]}]: max rel diff {rel:.2e} (limit 1e-4)")
    if not rel < 1e-4:
        sys.exit("PyTorch and EdgeTok disagree; not timing")
    print(f"edgetok isa {e['isa']}, {e['tokens']} tokens, context {e['context']}, horizon {a.horizon}; torch threads 1 (OMP_NUM_THREADS={env_note})")

    fr, tr, aot_jit_f, aot_jit_t, gemm = [], [], [], [], {}
    print(f"{'round':>5} {'edgetok fc ms':>14} {'torch fc ms':>12} {'fc ratio':>9} {'edgetok tok ms':>15} {'torch tok ms':>13} {'tok ratio':>10}")
    for r in range(a.rounds):
        # Alternate which side goes first so a load change within a round does not favour one side.
        if a.no_torch:
            pass
        elif r % 2 == 0:
            e = run_json(edge + ["--iterations", str(a.iterations)])
            t = run_json(torch_cmd + ["--repeat", str(a.iterations)])
        else:
            t = run_json(torch_cmd + ["--repeat", str(a.iterations)])
            e = run_json(edge + ["--iterations", str(a.iterations)])
        if not a.no_torch:
            fr.append(t["forecast_median_ms"] / e["median_ms"])
            tr.append(t["tokenize_median_ms"] / e["tokenize_median_ms"])
            print(f"{r + 1:>5} {e['median_ms']:>14.2f} {t['forecast_median_ms']:>12.2f} {fr[-1]:>8.2f}x {e['tokenize_median_ms']:>15.2f} {t['tokenize_median_ms']:>13.2f} {tr[-1]:>9.2f}x")
        if a.jit:
            jit = [a.jit] + edge[1:]
            j = run_json(jit + ["--iterations", str(a.iterations)], JIT_ENV)
            e2 = run_json(edge + ["--iterations", str(a.iterations)])
            aot_jit_f.append(e2["median_ms"] / j["median_ms"])
            aot_jit_t.append(e2["tokenize_median_ms"] / j["tokenize_median_ms"])
            gj = run_json_lines([a.jit, "bench", "gemm", "--iterations", str(a.iterations), "--json"], JIT_ENV)
            ga = run_json_lines([a.edgetok, "bench", "gemm", "--iterations", str(a.iterations), "--json"])
            for x, y in zip(ga, gj):
                gemm.setdefault(x["shape"], []).append(x["median_ms"] / y["median_ms"])
    if fr:
        print()
        print("speed-up of EdgeTok over PyTorch (torch median / edgetok median, per round; > 1 = EdgeTok faster)")
        print(summary("forecast (target >= 3x)", fr, "x"))
        print(summary("tokenize (target >= 10x)", tr, "x"))
    if a.jit:
        print()
        print("AOT / JIT time (per round, median over iterations; < 1.10 meets 'AOT within 10% of JIT'; JIT with DOTNET_TieredCompilation=0)")
        print(summary("kairos forecast", aot_jit_f, ""))
        print(summary("kairos tokenize", aot_jit_t, ""))
        for shape, v in gemm.items():
            print(summary(f"gemm {shape}", v, ""))


if __name__ == "__main__":
    main()
