#!/usr/bin/env python3
"""Forecast a real series with a Kairos model and print the quantile table.

    python3 forecast.py MODEL_DIR SERIES.csv [--column NAME] [--horizon 24] [--output forecast.npy]

e.g. MODEL_DIR = models/kairos-mini (shipped in the repository), SERIES = AirPassengers.csv.
"""
import argparse

import numpy as np

import edgetok


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("model", help="Kairos folder (config.json + model.safetensors)")
    ap.add_argument("series", help="CSV (a numeric column) or 1-D .npy")
    ap.add_argument("--column", help="CSV column name or index (default: the last numeric one)")
    ap.add_argument("--horizon", type=int, default=24)
    ap.add_argument("--output", help="save the [quantiles, horizon] forecast as .npy")
    a = ap.parse_args()

    x = edgetok.read_series(a.series, a.column)          # float32, NaN = missing
    with edgetok.Kairos(a.model) as model:               # freed at the end of the block
        q = model.forecast(x, a.horizon, infer_is_positive=True)   # float32 [9, horizon]
        tokens = model.tokenize(x)
    print(f"{a.series}: {x.size} points, context {model.context_length}; "
          f"{tokens['embeddings'].shape[0]} tokens of sizes {sorted(set(tokens['token_sizes'].tolist()))}")
    print(f"forecast {q.shape} (quantiles 0.1 .. 0.9 x horizon)")
    print("step      q10      q50      q90")
    for t in range(a.horizon):
        print(f"{t + 1:4d} {q[0, t]:8.2f} {q[4, t]:8.2f} {q[8, t]:8.2f}")
    if a.output:
        np.save(a.output, q)


if __name__ == "__main__":
    main()
