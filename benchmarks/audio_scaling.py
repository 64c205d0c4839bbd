#!/usr/bin/python3
"""Audio cost vs audio length and vs RVQ codebook count, with an SVG plot (standard library only).

Length: `edgetok bench codec --json` (single thread) on 1 s .. 10 min of its synthetic speech-like
signal, for Lyra v2 (found through EDGETOK_MODEL_PATH, default ../shared/models) and the tiny EnCodec
(ONNX encoder/decoder, ../shared/golden/encodec-24k-tiny with models/encodec-24k-tiny/edgetok.json).
Codebook count: `edgetok bench rvq --onnx --json` at the EnCodec shape (1024 bins x 128 dims, 750 frames
= 10 s) for 1..32 levels, EdgeTok and the same search as an ONNX Runtime graph alternating in one process.
Every point runs --rounds times, interleaved across points so load drifts hit all of them; the tables
give the min and the median of the per-round medians, the plot the min. Writes Markdown tables to
stdout and the plot to --svg.

    /usr/bin/python3 benchmarks/audio_scaling.py [--rounds 3] [--iterations 3] [--svg docs/audio-scaling.svg]
"""
from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SECONDS = [1, 3, 10, 30, 60, 180, 600]
LEVELS = [1, 2, 4, 8, 16, 32]
CODECS = {
    "lyra-v2": ["--model", "lyra-v2"],
    "encodec-24k-tiny": ["--model", str(SHARED / "golden" / "encodec-24k-tiny"),
                         "--manifest", str(ROOT / "models" / "encodec-24k-tiny" / "edgetok.json")],
}


def run(exe: str, *args: str) -> dict:
    cmd = [exe, *args, "--json"]
    env = dict(os.environ)
    env.setdefault("EDGETOK_MODEL_PATH", str(SHARED / "models"))
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=7200, env=env)
    if r.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{r.stderr}")
    return json.loads(r.stdout)


def svg_plot(panels: list[tuple[str, str, str, list[float], list[tuple[str, list[float], str]], bool]], path: Path) -> None:
    """Side-by-side line plots: (title, x label, y label, xs, [(series name, ys, colour)], log y); log x axis."""
    W, H, PAD_L, PAD_B, PAD_T, PAD_R = 440, 300, 64, 45, 30, 15
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W * len(panels)}" height="{H}" font-family="sans-serif" font-size="11">',
           f'<rect width="{W * len(panels)}" height="{H}" fill="white"/>']
    for pi, (title, xlabel, ylabel, xs, series, logy) in enumerate(panels):
        ox = pi * W
        pw, ph = W - PAD_L - PAD_R, H - PAD_T - PAD_B
        x0, x1 = math.log10(min(xs)), math.log10(max(xs))
        ys_all = [y for _, ys, _ in series for y in ys]
        if logy:
            y0, y1 = math.floor(math.log10(min(ys_all))), math.ceil(math.log10(max(ys_all)))
            ticks = [10.0 ** e for e in range(y0, y1 + 1)]
            Yv = lambda v: (math.log10(v) - y0) / (y1 - y0)
        else:
            ymax = max(ys_all) * 1.1
            step = 10 ** math.floor(math.log10(ymax / 5))
            for m in (1, 2, 5, 10):
                if ymax / (step * m) <= 6:
                    step *= m
                    break
            ticks = [i * step for i in range(int(ymax / step) + 1)]
            Yv = lambda v: v / ymax
        X = lambda v: ox + PAD_L + (math.log10(v) - x0) / (x1 - x0) * pw
        Y = lambda v: PAD_T + ph - Yv(v) * ph
        out.append(f'<text x="{ox + W / 2}" y="18" text-anchor="middle" font-size="13">{escape(title)}</text>')
        for t in ticks:
            out.append(f'<line x1="{ox + PAD_L}" x2="{ox + PAD_L + pw}" y1="{Y(t):.1f}" y2="{Y(t):.1f}" stroke="#ddd"/>')
            out.append(f'<text x="{ox + PAD_L - 5}" y="{Y(t) + 4:.1f}" text-anchor="end">{t:g}</text>')
        for x in xs:
            out.append(f'<text x="{X(x):.1f}" y="{PAD_T + ph + 15}" text-anchor="middle">{x:g}</text>')
        out.append(f'<line x1="{ox + PAD_L}" x2="{ox + PAD_L + pw}" y1="{PAD_T + ph}" y2="{PAD_T + ph}" stroke="black"/>')
        out.append(f'<line x1="{ox + PAD_L}" x2="{ox + PAD_L}" y1="{PAD_T}" y2="{PAD_T + ph}" stroke="black"/>')
        out.append(f'<text x="{ox + PAD_L + pw / 2}" y="{H - 8}" text-anchor="middle">{escape(xlabel)}</text>')
        out.append(f'<text transform="translate({ox + 14},{PAD_T + ph / 2}) rotate(-90)" text-anchor="middle">{escape(ylabel)}</text>')
        for si, (name, ys, colour) in enumerate(series):
            pts = " ".join(f"{X(x):.1f},{Y(y):.1f}" for x, y in zip(xs, ys))
            dash = ' stroke-dasharray="5,3"' if "decode" in name or "ONNX" in name else ""
            out.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
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
    ap.add_argument("--iterations", type=int, default=3)
    ap.add_argument("--max-seconds", type=float, default=600, help="longest clip (default 600 = 10 min)")
    ap.add_argument("--svg", type=Path, default=ROOT / "docs" / "audio-scaling.svg")
    a = ap.parse_args()
    seconds = [s for s in SECONDS if s <= a.max_seconds]

    length = {(c, s): [] for c in CODECS for s in seconds}
    levels = {q: [] for q in LEVELS}
    for _ in range(a.rounds):
        for s in seconds:
            for c, spec in CODECS.items():
                r = run(a.edgetok, "bench", "codec", *spec, "--seconds", str(s), "--iterations", str(a.iterations))
                length[(c, s)].append((r["encode"]["median_ms"], r["decode"]["median_ms"]))
        for q in LEVELS:
            r = run(a.edgetok, "bench", "rvq", "--levels", str(q), "--bins", "1024", "--dim", "128", "--frames", "750",
                    "--iterations", str(a.iterations), "--onnx")
            levels[q].append((r["median_ms"], r["onnx_median_ms"], r["gflops_median"], r["peak_gflops"]))

    print("Audio length (encode / decode of the whole clip, 1 thread):\n")
    print("| codec | seconds | encode ms min | encode ms median | encode RTF (min) | decode ms min | decode ms median | decode RTF (min) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for c in CODECS:
        for s in seconds:
            e = [v[0] for v in length[(c, s)]]
            d = [v[1] for v in length[(c, s)]]
            print(f"| {c} | {s} | {min(e):.1f} | {statistics.median(e):.1f} | {min(e) / 1000 / s:.4f} | "
                  f"{min(d):.1f} | {statistics.median(d):.1f} | {min(d) / 1000 / s:.4f} |")
    print("\nRVQ codebook count (1024 x 128, 750 frames, 1 thread; EdgeTok and ONNX Runtime alternating):\n")
    print("| levels | EdgeTok ms min | EdgeTok ms median | ONNX Runtime ms min | ONNX Runtime ms median | ONNX / EdgeTok (medians) |")
    print("|---:|---:|---:|---:|---:|---:|")
    for q in LEVELS:
        e = [v[0] for v in levels[q]]
        o = [v[1] for v in levels[q]]
        print(f"| {q} | {min(e):.2f} | {statistics.median(e):.2f} | {min(o):.2f} | {statistics.median(o):.2f} | "
              f"{statistics.median(o) / statistics.median(e):.2f}x |")

    colours = {"lyra-v2": "#1f77b4", "encodec-24k-tiny": "#2ca02c"}
    series = []
    for c in CODECS:
        series.append((f"{c} encode", [min(v[0] for v in length[(c, s)]) for s in seconds], colours[c]))
        series.append((f"{c} decode", [min(v[1] for v in length[(c, s)]) for s in seconds], colours[c]))
    svg_plot([
        ("Codec cost vs audio length (1 thread)", "audio length (s, log scale)", "ms per call (log, min over rounds)", seconds, series, True),
        ("RVQ encode vs codebook count (1024x128, 10 s)", "levels (log scale)", "ms per encode (min over rounds)", LEVELS,
         [("EdgeTok", [min(v[0] for v in levels[q]) for q in LEVELS], "#d62728"),
          ("ONNX Runtime graph", [min(v[1] for v in levels[q]) for q in LEVELS], "#7f7f7f")], False),
    ], a.svg)
    print(f"\nwrote {a.svg}")


if __name__ == "__main__":
    main()
