"""Side-by-side SVG line plots for the scaling benchmarks (standard library only).

Each panel has a log x axis (the measured points as ticks) and a linear y axis from 0 or a log y axis
with one tick per decade; a legend sits in its top-left corner.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import NamedTuple
from xml.sax.saxutils import escape


class Series(NamedTuple):
    name: str
    ys: list[float]
    colour: str
    dashed: bool = False


class Panel(NamedTuple):
    title: str
    xlabel: str
    ylabel: str
    xs: list[float]
    series: list[Series]
    logy: bool = False


def _linear_ticks(ymax: float) -> list[float]:
    """0, step, 2·step, … up to ymax, with step 1, 2 or 5 × 10^n giving at most 6 intervals."""
    step = 10 ** math.floor(math.log10(ymax / 5))
    for m in (1, 2, 5, 10):
        if ymax / (step * m) <= 6:
            step *= m
            break
    return [i * step for i in range(int(ymax / step) + 1)]


def write_svg(panels: list[Panel], path: Path, width: int = 440, pad_left: int = 64) -> None:
    """Writes the panels side by side, each `width` pixels wide, to `path`."""
    W, H, PAD_L, PAD_B, PAD_T, PAD_R = width, 300, pad_left, 45, 30, 15
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W * len(panels)}" height="{H}" font-family="sans-serif" font-size="11">',
           f'<rect width="{W * len(panels)}" height="{H}" fill="white"/>']
    for pi, p in enumerate(panels):
        ox = pi * W
        pw, ph = W - PAD_L - PAD_R, H - PAD_T - PAD_B
        x0, x1 = math.log10(min(p.xs)), math.log10(max(p.xs))
        if x1 == x0:  # a single x value (e.g. --max-seconds 1): give the axis some width
            x0, x1 = x0 - 0.5, x1 + 0.5
        ys_all = [y for s in p.series for y in s.ys]
        if p.logy:
            y0, y1 = math.floor(math.log10(min(ys_all))), math.ceil(math.log10(max(ys_all)))
            ticks = [10.0 ** e for e in range(y0, y1 + 1)]
            Yv = lambda v: (math.log10(v) - y0) / (y1 - y0)
        else:
            ymax = max(ys_all) * 1.1
            ticks = _linear_ticks(ymax)
            Yv = lambda v: v / ymax
        X = lambda v: ox + PAD_L + (math.log10(v) - x0) / (x1 - x0) * pw
        Y = lambda v: PAD_T + ph - Yv(v) * ph
        out.append(f'<text x="{ox + W / 2}" y="18" text-anchor="middle" font-size="13">{escape(p.title)}</text>')
        for t in ticks:
            out.append(f'<line x1="{ox + PAD_L}" x2="{ox + PAD_L + pw}" y1="{Y(t):.1f}" y2="{Y(t):.1f}" stroke="#ddd"/>')
            out.append(f'<text x="{ox + PAD_L - 5}" y="{Y(t) + 4:.1f}" text-anchor="end">{t:g}</text>')
        for x in p.xs:
            out.append(f'<text x="{X(x):.1f}" y="{PAD_T + ph + 15}" text-anchor="middle">{x:g}</text>')
        out.append(f'<line x1="{ox + PAD_L}" x2="{ox + PAD_L + pw}" y1="{PAD_T + ph}" y2="{PAD_T + ph}" stroke="black"/>')
        out.append(f'<line x1="{ox + PAD_L}" x2="{ox + PAD_L}" y1="{PAD_T}" y2="{PAD_T + ph}" stroke="black"/>')
        out.append(f'<text x="{ox + PAD_L + pw / 2}" y="{H - 8}" text-anchor="middle">{escape(p.xlabel)}</text>')
        out.append(f'<text transform="translate({ox + 14},{PAD_T + ph / 2}) rotate(-90)" text-anchor="middle">{escape(p.ylabel)}</text>')
        for si, s in enumerate(p.series):
            pts = " ".join(f"{X(x):.1f},{Y(y):.1f}" for x, y in zip(p.xs, s.ys))
            dash = ' stroke-dasharray="5,3"' if s.dashed else ""
            out.append(f'<polyline points="{pts}" fill="none" stroke="{s.colour}" stroke-width="2"{dash}/>')
            for x, y in zip(p.xs, s.ys):
                out.append(f'<circle cx="{X(x):.1f}" cy="{Y(y):.1f}" r="3" fill="{s.colour}"/>')
            out.append(f'<rect x="{ox + PAD_L + 10}" y="{PAD_T + 6 + 16 * si}" width="12" height="3" fill="{s.colour}"/>')
            out.append(f'<text x="{ox + PAD_L + 28}" y="{PAD_T + 11 + 16 * si}">{escape(s.name)}</text>')
    out.append("</svg>")
    path.write_text("\n".join(out) + "\n")
