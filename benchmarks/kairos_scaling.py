#!/usr/bin/python3
"""Kairos cost vs context length and vs horizon, with an SVG line plot (standard library only).

Runs `edgetok bench kairos --json` (single thread) on the ETTh1 sample (golden case A, 2048 points)
truncated to each context length (--context keeps the last N points) at horizon 96, and at context
2048 for each horizon. Each point is run --rounds times (interleaved across points so load drifts hit
all of them) and the smallest per-round median is kept; both the min and the median over rounds are
printed. Writes a Markdown table to stdout and the plot to --svg.

    /usr/bin/python3 benchmarks/kairos_scaling.py [--rounds 3] [--iterations 5] [--svg docs/kairos-scaling.svg]
"""
from __future__ import annotations

import argparse
import statistics
from pathlib import Path

from cli_json import run_json
from svgplot import Panel, Series, write_svg

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT.parent / "shared" / "golden" / "kairos-10m"
CONTEXTS = [128, 256, 512, 1024, 2048]
HORIZONS = [96, 192, 336, 720]


def bench(exe: str, series: Path, context: int, horizon: int, iterations: int) -> dict:
    cmd = [exe, "bench", "kairos", "--model", str(GOLDEN), "--input", str(series), "--horizon", str(horizon),
           "--context", str(context), "--iterations", str(iterations), "--json"]
    return run_json(cmd)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--edgetok", default=str(ROOT / "artifacts" / "edgetok" / "bin" / "edgetok"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--iterations", type=int, default=5)
    ap.add_argument("--svg", type=Path, default=ROOT / "docs" / "kairos-scaling.svg")
    a = ap.parse_args()

    import numpy as np  # only to write the input series
    series = Path("/tmp") / "edgetok-scaling-a.npy"
    np.save(series, np.load(GOLDEN / "cases" / "A_full2048" / "input_past_target.npy")[0].astype(np.float32))

    ctx = {c: [] for c in CONTEXTS}
    hor = {h: [] for h in HORIZONS}
    tokens = {}
    for _ in range(a.rounds):
        for c in CONTEXTS:
            r = bench(a.edgetok, series, c, 96, a.iterations)
            ctx[c].append((r["median_ms"], r["tokenize_median_ms"]))
            tokens[c] = r["tokens"]
        for h in HORIZONS:
            r = bench(a.edgetok, series, 2048, h, a.iterations)
            hor[h].append((r["median_ms"], r["tokenize_median_ms"]))

    print("Context length (horizon 96):\n")
    print("| context | tokens | forecast ms min | forecast ms median | tokenize ms min | tokenize ms median |")
    print("|---:|---:|---:|---:|---:|---:|")
    for c in CONTEXTS:
        f = [v[0] for v in ctx[c]]
        t = [v[1] for v in ctx[c]]
        print(f"| {c} | {tokens[c]} | {min(f):.2f} | {statistics.median(f):.2f} | {min(t):.2f} | {statistics.median(t):.2f} |")
    print("\nHorizon (context 2048):\n")
    print("| horizon | forwards (128 steps each) | forecast ms min | forecast ms median |")
    print("|---:|---:|---:|---:|")
    for h in HORIZONS:
        f = [v[0] for v in hor[h]]
        print(f"| {h} | {-(-h // 128)} | {min(f):.2f} | {statistics.median(f):.2f} |")

    ylabel = "ms (min over rounds)"
    write_svg([
        Panel("Kairos 10m vs context (h=96, 1 thread)", "context length (points, log scale)", ylabel, CONTEXTS,
              [Series("forecast", [min(v[0] for v in ctx[c]) for c in CONTEXTS], "#1f77b4"),
               Series("tokenize", [min(v[1] for v in ctx[c]) for c in CONTEXTS], "#ff7f0e")]),
        Panel("Kairos 10m vs horizon (context 2048, 1 thread)", "horizon (steps, log scale)", ylabel, HORIZONS,
              [Series("forecast", [min(v[0] for v in hor[h]) for h in HORIZONS], "#1f77b4")]),
    ], a.svg, width=420, pad_left=60)
    print(f"\nwrote {a.svg}")


if __name__ == "__main__":
    main()
