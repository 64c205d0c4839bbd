"""Writes the PyTorch reference forecasts of the shipped kairos-mini that the SDK tests compare against
(bindings/python/tests/test_kairos_mini.py). Re-run whenever models/kairos-mini changes:

    /usr/bin/python3 training/make_reference.py

For three held-out evaluation contexts (an hourly, a weekly and a monthly series; data from
../shared/data/timeseries, read at run time) it stores where the context lies (file, column, start, end — the data itself stays in ../shared) and the
9-quantile forecast of
training/kairos_torch as served: frozen gate bias, infer_is_positive, force_flip_invariance.
"""
import json
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from kairos_torch import Kairos  # noqa: E402
import data as realdata  # noqa: E402

MODEL = os.path.join(HERE, "..", "models", "kairos-mini")
OUT = os.path.join(HERE, "..", "tests", "data", "kairos-mini")
CASES = ["ETTh1/OT", "co2", "AirPassengers"]


def main():
    torch.set_num_threads(1)
    m = Kairos.from_pretrained(MODEL)
    series = {s["name"]: s for s in realdata.load_all()}
    os.makedirs(OUT, exist_ok=True)
    manifest = []
    for name in CASES:
        s = series[name]
        x = torch.from_numpy(s["context"].astype(np.float32))[None]
        with torch.no_grad():
            q = m.generate(x, s["H"], infer_is_positive=True, force_flip_invariance=True)[0].numpy()
        stem = name.replace("/", "_")
        np.save(os.path.join(OUT, f"{stem}.forecast.npy"), q.astype(np.float32))
        end = len(s["full"]) - s["H"]
        manifest.append({"name": name, "file": s["file"], "column": s["column"], "start": end - len(s["context"]), "end": end,
                         "horizon": s["H"], "forecast": f"{stem}.forecast.npy"})
        print(f"{name}: context {len(s['context'])}, forecast {q.shape}")
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump(manifest, f, indent=1)


if __name__ == "__main__":
    main()
