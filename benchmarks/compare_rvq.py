#!/usr/bin/python3
"""RVQ encode: EdgeTok vs the same search as an ONNX Runtime graph, and native AOT vs JIT, in one run.

Each round runs, for every shape, `edgetok bench rvq --onnx --json` with the native-AOT CLI (EdgeTok and
ONNX Runtime alternate iteration by iteration inside that process, both single-threaded) and, with
--jit, the same command without --onnx back to back under the AOT CLI and under the JIT build
(DOTNET_TieredCompilation=0, so the timed iterations run fully optimised code instead of tier-0/OSR code). Prints per-round rows and the
min/median/max of the ratios over rounds: ONNX Runtime time / EdgeTok time (above 1: EdgeTok faster),
AOT time / JIT time (below 1.10: AOT within 10 % of JIT), and EdgeTok's GFLOP/s as a fraction of the
FMA peak (`bench rvq` runs the peak kernel right before every encode and reports the median of the
per-iteration ratios).

    /usr/bin/python3 benchmarks/compare_rvq.py [--rounds 5] [--iterations 10] \\
        [--jit src/EdgeTok.Cli/bin/Release/net10.0/linux-x64/EdgeTok.Cli]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

from cli_json import run_json

ROOT = Path(__file__).resolve().parents[1]
# name: levels, bins, dim, frames (10 s of latent frames), iteration multiplier (the small shapes take
# a few ms, so they get more iterations for a stable median), extra bench arguments. The EnCodec shape
# runs twice: as the SDK searches it (8-bit screening on AVX-VNNI CPUs) and with the float32 search.
SHAPES = {
    "EnCodec 24k 32x1024x128": (32, 1024, 128, 750, 1, []),
    "EnCodec 24k 32x1024x128, float32 search": (32, 1024, 128, 750, 1, ["--float32"]),
    "SNAC search 3x4096x8": (3, 4096, 8, 468, 10, []),
    "Lyra v2 46x16x64": (46, 16, 64, 500, 10, []),
}
JIT_ENV = dict(os.environ, DOTNET_TieredCompilation="0")


def bench(exe: str, shape: tuple, iterations: int, onnx: bool, env: dict | None = None) -> dict:
    L, K, D, T, mult, extra = shape
    iterations *= mult
    cmd = [exe, "bench", "rvq", "--levels", str(L), "--bins", str(K), "--dim", str(D), "--frames", str(T),
           "--iterations", str(iterations), "--json"] + (["--onnx"] if onnx else []) + extra
    return run_json(cmd, env=env)


def stats(v: list[float]) -> str:
    return f"{min(v):.2f} | **{statistics.median(v):.2f}** | {max(v):.2f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--edgetok", default=str(ROOT / "artifacts" / "edgetok" / "bin" / "edgetok"))
    ap.add_argument("--jit", help="JIT build of the CLI, to add AOT-vs-JIT rows")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--iterations", type=int, default=10)
    a = ap.parse_args()

    rows = {name: [] for name in SHAPES}
    for rnd in range(1, a.rounds + 1):
        for name, shape in SHAPES.items():
            e = bench(a.edgetok, shape, a.iterations, onnx=True)
            # AOT vs JIT both without ONNX Runtime in between, back to back.
            j = (bench(a.edgetok, shape, a.iterations, onnx=False), bench(a.jit, shape, a.iterations, onnx=False, env=JIT_ENV)) if a.jit else None
            rows[name].append((rnd, e, j))
            print(f"round {rnd} {name}: edgetok {e['median_ms']:.2f} ms, onnx {e['onnx_median_ms']:.2f} ms, "
                  f"{100 * e['fraction_of_peak']:.0f} % of peak"
                  + (f", aot {j[0]['median_ms']:.2f} ms, jit {j[1]['median_ms']:.2f} ms" if j else ""), file=sys.stderr)

    print("| shape | search | round | EdgeTok ms (median) | ONNX Runtime ms (median) | ONNX / EdgeTok | GFLOP/s (median) | highest peak seen | % of peak (paired, median) | codes differing from ONNX |"
          + (" AOT ms (median) | JIT ms (median) | AOT / JIT |" if a.jit else ""))
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|" + ("---:|---:|---:|" if a.jit else ""))
    for name, rs in rows.items():
        for rnd, e, j in rs:
            line = (f"| {name} | {e.get('search', '')} | {rnd} | {e['median_ms']:.2f} | {e['onnx_median_ms']:.2f} | {e['onnx_median_ms'] / e['median_ms']:.2f}x | "
                    f"{e['gflops_median']:.1f} | {e['peak_gflops']:.1f} | {100 * e['fraction_of_peak']:.0f} % | {e['onnx_mismatches']} |")
            if j:
                line += f" {j[0]['median_ms']:.2f} | {j[1]['median_ms']:.2f} | {j[0]['median_ms'] / j[1]['median_ms']:.2f} |"
            print(line)
    print("\n| ratio over rounds | min | median | max |")
    print("|---|---:|---:|---:|")
    for name, rs in rows.items():
        print(f"| {name}: ONNX Runtime / EdgeTok (medians) | {stats([e['onnx_median_ms'] / e['median_ms'] for _, e, _ in rs])} |")
        print(f"| {name}: ONNX Runtime / EdgeTok (fastest iterations) | {stats([e['onnx_min_ms'] / e['min_ms'] for _, e, _ in rs])} |")
        print(f"| {name}: EdgeTok GFLOP/s / peak run next to it (median of pairs) | {stats([e['fraction_of_peak'] for _, e, _ in rs])} |")
        print(f"| {name}: fastest encode / highest peak of the run | {stats([e['fraction_of_peak_best'] for _, e, _ in rs])} |")
        if a.jit:
            print(f"| {name}: AOT / JIT (medians) | {stats([j[0]['median_ms'] / j[1]['median_ms'] for _, _, j in rs])} |")
            print(f"| {name}: AOT / JIT (fastest iterations) | {stats([j[0]['min_ms'] / j[1]['min_ms'] for _, _, j in rs])} |")


if __name__ == "__main__":
    main()
