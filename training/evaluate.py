"""Evaluate kairos-mini vs naive, seasonal naive and Theta on the held-out last window of every series.

Metrics (GIFT-Eval style): MASE (median forecast, in-sample seasonal scale over the context) and
WQL = mean over the 9 quantiles of 2*sum(pinball)/sum|y| (CRPS approximation). Per series, and
aggregated as the geometric mean of (method / seasonal naive).

Usage: /usr/bin/python3 training/evaluate.py --model models/kairos-mini [--write-readme]
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import data as realdata  # noqa: E402
from kairos_torch import Kairos  # noqa: E402

QS = np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])
ZQ = np.array([-1.2815516, -0.8416212, -0.5244005, -0.2533471, 0.0, 0.2533471, 0.5244005, 0.8416212, 1.2815516])


def ffill(x):
    # baselines need gap-free history: forward fill, drop leading NaN
    x = np.asarray(x, dtype=np.float64).copy()
    ok = np.where(~np.isnan(x))[0]
    if len(ok) == 0:
        return np.zeros(1)
    x = x[ok[0]:]
    for i in range(1, len(x)):
        if np.isnan(x[i]):
            x[i] = x[i - 1]
    return x


def point_as_quantiles(p):
    return np.repeat(p[None, :], len(QS), 0)


def naive(ctx, H, m):
    return point_as_quantiles(np.full(H, ffill(ctx)[-1]))


def seasonal_naive(ctx, H, m):
    x = ffill(ctx)
    if m <= 1 or len(x) < m:
        return naive(ctx, H, m)
    last = x[-m:]
    return point_as_quantiles(np.array([last[i % m] for i in range(H)]))


def _ses(x, alpha):
    lvl = x[0]
    fitted = np.empty(len(x))
    for i, v in enumerate(x):
        fitted[i] = lvl
        lvl = alpha * v + (1 - alpha) * lvl
    return lvl, fitted


def theta(ctx, H, m):
    """Standard Theta (Assimakopoulos & Nikolopoulos 2000; Hyndman & Billah 2003 form): SES + half the
    linear-trend slope, with classical multiplicative deseasonalising when the lag-m ACF is significant."""
    x = ffill(ctx)
    n = len(x)
    season = np.ones(H)
    if m > 1 and n >= 3 * m and np.all(x > 0):
        xc = x - x.mean()
        acf = [np.sum(xc[k:] * xc[:-k]) / np.sum(xc * xc) for k in range(1, m + 1)]
        lim = 1.645 * math.sqrt((1 + 2 * sum(a * a for a in acf[:-1])) / n)
        if abs(acf[-1]) > lim:
            # centred moving average of width m (2xm when m is even), ratio-to-MA seasonal indices
            if m % 2 == 0:
                w = np.r_[0.5, np.ones(m - 1), 0.5] / m
            else:
                w = np.ones(m) / m
            ma = np.convolve(x, w, mode="valid")
            off = (len(x) - len(ma)) // 2
            ratio = x[off: off + len(ma)] / ma
            idx = (np.arange(len(ma)) + off) % m
            si = np.array([ratio[idx == k].mean() for k in range(m)])
            si = si / si.mean()
            x = x / si[np.arange(n) % m]
            season = si[(np.arange(n, n + H)) % m]
    best = None
    for alpha in np.linspace(0.02, 0.98, 49):
        lvl, fit = _ses(x, alpha)
        sse = float(np.sum((x[1:] - fit[1:]) ** 2))
        if best is None or sse < best[0]:
            best = (sse, alpha, lvl, fit)
    _, alpha, lvl, fit = best
    t = np.arange(n)
    b = np.polyfit(t, x, 1)[0] if n > 1 else 0.0
    h = np.arange(1, H + 1)
    point = lvl + 0.5 * b * (h - 1 + 1 / alpha - (1 - alpha) ** n / alpha)
    sigma = np.std(x[1:] - fit[1:]) if n > 2 else 0.0
    sd = sigma * np.sqrt(1 + (h - 1) * alpha ** 2)  # SES forecast variance
    q = point[None, :] + ZQ[:, None] * sd[None, :]
    return q * season[None, :]


def kairos_forecaster(model, flip=True):
    def f(ctx, H, m):
        y = model.generate(torch.from_numpy(np.asarray(ctx, np.float32))[None], H,
                           infer_is_positive=True, force_flip_invariance=flip)
        return y[0].numpy().astype(np.float64)
    return f


def mase(ctx, y, q, m):
    x = ffill(ctx)
    mm = m if len(x) > m else 1
    scale = np.nanmean(np.abs(x[mm:] - x[:-mm]))
    ok = ~np.isnan(y)
    err = np.mean(np.abs(y[ok] - q[4][ok]))
    return float(err / scale) if scale > 0 else float("nan")


def wql(y, q):
    ok = ~np.isnan(y)
    yy, qq = y[ok], q[:, ok]
    d = yy[None, :] - qq
    pin = np.maximum(QS[:, None] * d, (QS[:, None] - 1) * d).sum(1)
    den = np.abs(yy).sum()
    return float(np.mean(2 * pin / den)) if den > 0 else float("nan")


def gmean_rel(rows, key, method):
    r = [row[method][key] / row["seasonal_naive"][key] for row in rows
         if row["seasonal_naive"][key] > 0 and np.isfinite(row[method][key]) and row[method][key] > 0]
    return float(np.exp(np.mean(np.log(r)))) if r else float("nan"), len(r)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=os.path.join(HERE, "..", "models", "kairos-mini"))
    ap.add_argument("--no-flip", action="store_true", help="single pass instead of force_flip_invariance")
    ap.add_argument("--write-readme", action="store_true")
    ap.add_argument("--json", default=None)
    a = ap.parse_args()
    torch.set_num_threads(1)
    model = Kairos.from_pretrained(a.model)
    methods = {"naive": naive, "seasonal_naive": seasonal_naive, "theta": theta,
               "kairos-mini": kairos_forecaster(model, flip=not a.no_flip)}
    rows = []
    t0 = time.time()
    for s in realdata.load_all():
        row = {"series": s["name"], "H": s["H"], "m": s["m"], "context": len(s["context"])}
        for name, fn in methods.items():
            q = fn(s["context"], s["H"], s["m"])
            row[name] = {"MASE": mase(s["context"], s["target"].astype(np.float64), q, s["m"]),
                         "WQL": wql(s["target"].astype(np.float64), q)}
        rows.append(row)
        print(json.dumps(row), flush=True)
    agg = {}
    for name in methods:
        agg[name] = {k: gmean_rel(rows, k, name) for k in ("MASE", "WQL")}
    print(json.dumps({"aggregate_rel_to_seasonal_naive": agg, "seconds": round(time.time() - t0, 1)}), flush=True)
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"rows": rows, "aggregate": agg}, f, indent=1)
    if a.write_readme:
        write_table(os.path.join(a.model, "README.md"), rows, agg, list(methods))


def write_table(path, rows, agg, methods):
    lines = ["| Method | MASE (gmean rel. to seasonal naive) | WQL (gmean rel. to seasonal naive) |", "| --- | --- | --- |"]
    for mth in methods:
        (mv, mn), (wv, wn) = agg[mth]["MASE"], agg[mth]["WQL"]
        lines.append(f"| {mth} | {mv:.3f} | {wv:.3f} |")
    lines += ["", f"Series counted: {agg['naive']['MASE'][1]} for MASE, {agg['naive']['WQL'][1]} for WQL "
              "(a series is skipped in a ratio when the seasonal-naive error is 0).", "",
              "Per series (MASE / WQL):", "",
              "| Series | m | H | ctx | " + " | ".join(methods) + " |",
              "| --- | --- | --- | --- | " + " | ".join("---" for _ in methods) + " |"]
    for r in rows:
        cells = [f"{r[mth]['MASE']:.3f} / {r[mth]['WQL']:.3f}" for mth in methods]
        lines.append(f"| {r['series']} | {r['m']} | {r['H']} | {r['context']} | " + " | ".join(cells) + " |")
    table = "\n".join(lines)
    start, end = "<!-- EVAL START -->", "<!-- EVAL END -->"
    text = open(path).read() if os.path.exists(path) else f"# kairos-mini\n\n{start}\n{end}\n"
    if start not in text:
        text += f"\n{start}\n{end}\n"
    pre, rest = text.split(start, 1)
    post = rest.split(end, 1)[1]
    with open(path, "w") as f:
        f.write(pre + start + "\n" + table + "\n" + end + post)


if __name__ == "__main__":
    main()
