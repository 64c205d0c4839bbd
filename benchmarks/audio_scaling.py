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
import os
import statistics
from pathlib import Path

from cli_json import run_json
from svgplot import Panel, Series, write_svg

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
    return run_json(cmd, env=env, timeout=7200)


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
        series.append(Series(f"{c} encode", [min(v[0] for v in length[(c, s)]) for s in seconds], colours[c]))
        series.append(Series(f"{c} decode", [min(v[1] for v in length[(c, s)]) for s in seconds], colours[c], dashed=True))
    write_svg([
        Panel("Codec cost vs audio length (1 thread)", "audio length (s, log scale)", "ms per call (log, min over rounds)", seconds, series,
              logy=True),
        Panel("RVQ encode vs codebook count (1024x128, 10 s)", "levels (log scale)", "ms per encode (min over rounds)", LEVELS,
              [Series("EdgeTok", [min(v[0] for v in levels[q]) for q in LEVELS], "#d62728"),
               Series("ONNX Runtime graph", [min(v[1] for v in levels[q]) for q in LEVELS], "#7f7f7f", dashed=True)]),
    ], a.svg)
    print(f"\nwrote {a.svg}")


if __name__ == "__main__":
    main()
