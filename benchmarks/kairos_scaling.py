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
import json
import statistics
import subprocess
import sys
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT.parent / "shared" / "golden" / "kairos-10m"
CONTEXTS = [128, 256, 512, 1024, 2048]
HORIZONS = [96, 192, 336, 720]


def bench(exe: str, series: Path, context: int, horizon: int, iterations: int) -> dict:
    cmd = [exe, "bench", "kairos", "--model", str(GOLDEN), "--input", str(series), "--horizon", str(horizon),
           "--context", str(context), "--iterations", str(iterations), "--json"]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=3600)
    if r.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{r.stderr}")
    return json.loads(r.stdout)


def svg_plot(panels: list[tuple[str, str, list[float], list[tuple[str, list[float], str]]]], path: Path) -> None:
    """Side-by-side line plots: (title, x label, xs, [(series name, ys, colour)]), y from 0, log2 x axis."""
    import math
    W, H, PAD_L, PAD_B, PAD_T, PAD_R = 420, 300, 60, 45, 30, 15
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W * len(panels)}" height="{H}" font-family="sans-serif" font-size="11">',
           f'<rect width="{W * len(panels)}" height="{H}" fill="white"/>']
    for pi, (title, xlabel, xs, series) in enumerate(panels):
        ox = pi * W
        pw, ph = W - PAD_L - PAD_R, H - PAD_T - PAD_B
        lx = [math.log2(x) for x in xs]
        x0, x1 = min(lx), max(lx)
        ymax = max(max(ys) for _, ys, _ in series) * 1.1
        step = 10 ** math.floor(math.log10(ymax / 5))
        for m in (1, 2, 5, 10):
            if ymax / (step * m) <= 6:
                step *= m
                break
        X = lambda v: ox + PAD_L + (math.log2(v) - x0) / (x1 - x0) * pw
        Y = lambda v: PAD_T + ph - v / ymax * ph
        out.append(f'<text x="{ox + W / 2}" y="18" text-anchor="middle" font-size="13">{escape(title)}</text>')
        t = 0.0
        while t <= ymax:
            out.append(f'<line x1="{ox + PAD_L}" x2="{ox + PAD_L + pw}" y1="{Y(t):.1f}" y2="{Y(t):.1f}" stroke="#ddd"/>')
            out.append(f'<text x="{ox + PAD_L - 5}" y="{Y(t) + 4:.1f}" text-anchor="end">{t:g}</text>')
            t += step
        for x in xs:
            out.append(f'<text x="{X(x):.1f}" y="{PAD_T + ph + 15}" text-anchor="middle">{x}</text>')
        out.append(f'<line x1="{ox + PAD_L}" x2="{ox + PAD_L + pw}" y1="{PAD_T + ph}" y2="{PAD_T + ph}" stroke="black"/>')
        out.append(f'<line x1="{ox + PAD_L}" x2="{ox + PAD_L}" y1="{PAD_T}" y2="{PAD_T + ph}" stroke="black"/>')
        out.append(f'<text x="{ox + PAD_L + pw / 2}" y="{H - 8}" text-anchor="middle">{escape(xlabel)}</text>')
        out.append(f'<text transform="translate({ox + 14},{PAD_T + ph / 2}) rotate(-90)" text-anchor="middle">ms (min over rounds)</text>')
        for si, (name, ys, colour) in enumerate(series):
            pts = " ".join(f"{X(x):.1f},{Y(y):.1f}" for x, y in zip(xs, ys))
            out.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="2"/>')
            for x, y in zip(xs, ys):
                out.append(f'<circle cx="{X(x):.1f}" cy="{Y(y):.1f}" r="3" fill="{colour}"/>')
            out.append(f'<rect x="{ox + PAD_L + 10}" y="{PAD_T + 6 + 16 * si}" width="12" height="3" fill="{colour}"/>')
            out.append(f'<text x="{ox + PAD_L + 28}" y="{PAD_T + 11 + 16 * si}">{escape(name)}</text>')
    out.append("</svg>")
    path.write_text("\n".join(out) + "\n")


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

    svg_plot([
        ("Kairos 10m vs context (h=96, 1 thread)", "context length (points, log scale)", CONTEXTS,
         [("forecast", [min(v[0] for v in ctx[c]) for c in CONTEXTS], "#1f77b4"),
          ("tokenize", [min(v[1] for v in ctx[c]) for c in CONTEXTS], "#ff7f0e")]),
        ("Kairos 10m vs horizon (context 2048, 1 thread)", "horizon (steps, log scale)", HORIZONS,
         [("forecast", [min(v[0] for v in hor[h]) for h in HORIZONS], "#1f77b4")]),
    ], a.svg)
    print(f"\nwrote {a.svg}")


if __name__ == "__main__":
    main()
