"""PyTorch baseline timings for the speed benchmarks: forecast (ctx 2048, h 96, batch 1) and tokenize.

Usage: /usr/bin/python3 training/bench_torch.py --model models/kairos-mini [--op forecast|tokenize|both]
Prints JSON {median_ms, min_ms, max_ms} (nested per op for --op both). One thread, frozen gate bias.
"""
import argparse
import json
import os
import statistics
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kairos_torch import Kairos  # noqa: E402


def series(n, seed=0):
    # deterministic daily+weekly pattern with noise; real data is not needed for timing
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return (10 + 3 * np.sin(2 * np.pi * t / 24) + np.sin(2 * np.pi * t / 168) + 0.3 * rng.standard_normal(n)).astype(np.float32)


def timeit(fn, warmup, iters):
    for _ in range(warmup):
        fn()
    ts = []
    for _ in range(iters):
        t0 = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t0) * 1000.0)
    return {"median_ms": round(statistics.median(ts), 3), "min_ms": round(min(ts), 3), "max_ms": round(max(ts), 3)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--op", default="both", choices=["forecast", "tokenize", "both"])
    ap.add_argument("--context", type=int, default=2048)
    ap.add_argument("--horizon", type=int, default=96)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--iters", type=int, default=20)
    a = ap.parse_args()
    torch.set_num_threads(1)
    m = Kairos.from_pretrained(a.model)
    x = torch.from_numpy(series(a.context))[None]
    out = {}
    if a.op in ("forecast", "both"):
        out["forecast"] = timeit(lambda: m.generate(x, a.horizon), a.warmup, a.iters)
    if a.op in ("tokenize", "both"):
        def tok():
            with torch.no_grad():
                m.tokenize(x)
        out["tokenize"] = timeit(tok, a.warmup, a.iters)
    print(json.dumps(out[a.op] if a.op != "both" else out))


if __name__ == "__main__":
    main()
