"""PyTorch baseline for the speed comparisons: one Kairos forecast (batch 1) and its tokenize front end,
timed with training/kairos_torch (the same implementation that trains kairos-mini and passes the golden
tests), eager float32, on one thread unless --threads says otherwise.

Before anything is timed the model is checked against the golden forward (case A of
../shared/golden/kairos-10m), so a wrong baseline can never be timed.

    /usr/bin/python3 training/bench_torch.py [--model DIR] [--input series.npy] [--horizon 96]
        [--repeat 20] [--save-forecast out.npy] [--json]

--json prints one object: torch version, threads, golden_rel, and for "tokenize" and "forecast"
<op>_median_ms, <op>_min_ms, <op>_max_ms, <op>_cpu_median_ms (benchmarks/compare_kairos_torch.py reads it).
"""
import argparse
import json
import os
import statistics
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from kairos_torch import Kairos  # noqa: E402

GOLDEN = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "golden", "kairos-10m"))
GOLDEN_CASE = os.path.join(GOLDEN, "cases", "A_full2048")


def golden_check() -> float:
    """Relative max error of the golden model's forward on golden case A (must be < 1e-4)."""
    m = Kairos.from_pretrained(GOLDEN)
    x = torch.from_numpy(np.load(os.path.join(GOLDEN_CASE, "input_past_target.npy")))
    g = np.load(os.path.join(GOLDEN_CASE, "forward.prediction_outputs.npy"))
    with torch.no_grad():
        y = m.generate(x, g.shape[-1]).numpy()
    return float(np.abs(y - g).max() / np.abs(g).max())


def timeit(fn, repeat):
    fn()  # warm-up
    wall, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - t0) * 1e3)
        cpu.append((time.process_time() - c0) * 1e3)
    return {"median_ms": statistics.median(wall), "min_ms": min(wall), "max_ms": max(wall), "cpu_median_ms": statistics.median(cpu)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=GOLDEN, help="Kairos folder (config.json + model.safetensors); default: golden kairos-10m")
    ap.add_argument("--input", help="1-D float32 .npy series (default: golden case A, 2048 points)")
    ap.add_argument("--horizon", type=int, default=96)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=20, help="timed iterations per op (0: only check and --save-forecast)")
    ap.add_argument("--save-forecast", help="write the [Q, horizon] quantiles as float32 .npy")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)

    rel = golden_check()
    if not rel < 1e-4:
        sys.exit(f"PyTorch Kairos disagrees with the golden forward (rel {rel:.2e}); not timing")
    m = Kairos.from_pretrained(a.model)
    series = np.load(a.input).astype(np.float32).reshape(-1) if a.input else np.load(os.path.join(GOLDEN_CASE, "input_past_target.npy"))[0]
    x = torch.from_numpy(series)[None]

    def forecast():
        with torch.no_grad():
            return m.generate(x, a.horizon)

    # The SDK's tokenize returns, beside the embeddings, each attention module's instance-adaptive RoPE
    # (gamma, beta, omega and the cos/sin tables at its positions); PyTorch computes those inside the
    # attention calls, so the baseline's "tokenize" computes them too, for the same work on both sides.
    rope_modules = [(n, mod.rotary_emb) for n, mod in m.named_modules() if getattr(mod, "rotary_emb", None) is not None]
    S = m.cfg["num_decoder_segments"]

    def tokenize():
        with torch.no_grad():
            X, _, s, _, _, _ = m.tokenize(x)
            n = X.shape[1]
            for name, rope in rope_modules:
                _, _, omega = rope.freqs(s)
                positions = S if name.endswith("SelfAttention") and name.startswith("decoder") else max(n, S) if name.startswith("decoder") else n
                ang = torch.arange(positions, dtype=torch.float32)[:, None] * omega[0][None, :]
                torch.cos(ang), torch.sin(ang)

    if a.save_forecast:
        np.save(a.save_forecast, forecast()[0].numpy().astype(np.float32))
    out = {"torch": torch.__version__, "threads": a.threads, "repeat": a.repeat, "golden_rel": rel}
    if a.repeat > 0:
        for name, fn in (("tokenize", tokenize), ("forecast", forecast)):
            for k, v in timeit(fn, a.repeat).items():
                out[f"{name}_{k}"] = round(v, 3)
    if a.json:
        print(json.dumps(out))
    else:
        print(f"torch {out['torch']}, {a.threads} thread(s), golden check rel {rel:.2e}")
        for name in ("tokenize", "forecast"):
            if f"{name}_median_ms" in out:
                print(f"{name}: median {out[name + '_median_ms']:.2f} ms (min {out[name + '_min_ms']:.2f}, max {out[name + '_max_ms']:.2f})")


if __name__ == "__main__":
    main()
