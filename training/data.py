"""Real series used for training and evaluation (read from ../shared/data/timeseries at run time).

Every series is univariate (one CSV column). Its LAST window (eval context + horizon) is held out for
evaluation: training only ever sees x[: len(x) - H - C_eval]. ETTh1 (CC BY-ND) is sliced in memory only.
"""
import csv
import os

import numpy as np

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data", "timeseries"))
EVAL_CONTEXT = 512  # eval context cap = model context_length = max training context

# (name, file, column, season m, horizon H). ETTh1_sample.csv is skipped: it duplicates ETTh1 HUFL.
SERIES = [
    *[(f"ETTh1/{c}", "ett/ETTh1.csv", c, 24, 96) for c in ["HUFL", "HULL", "MUFL", "MULL", "LUFL", "LULL", "OT"]],
    ("AirPassengers", "darts/AirPassengers.csv", "#Passengers", 12, 12),
    ("ILINet/%WEIGHTED_ILI", "darts/ILINet.csv", "% WEIGHTED ILI", 52, 26),
    ("ILINet/ILITOTAL", "darts/ILINet.csv", "ILITOTAL", 52, 26),
    ("ILINet/TOTAL_PATIENTS", "darts/ILINet.csv", "TOTAL PATIENTS", 52, 26),
    ("taylor", "darts/taylor.csv", "Y", 48, 96),
    ("nab/ambient_temperature", "nab/ambient_temperature_system_failure.csv", "value", 24, 96),
    ("nab/ec2_cpu_825cc2", "nab/ec2_cpu_utilization_825cc2.csv", "value", 288, 96),
    ("nab/nyc_taxi", "nab/nyc_taxi.csv", "value", 48, 96),
    ("nab/speed_7578", "nab/speed_7578.csv", "value", 1, 48),
    ("co2", "statsmodels/co2.csv", "co2", 52, 52),
    ("sunspots", "statsmodels/sunspots.csv", "SUNACTIVITY", 1, 12),
    *[(f"seattle_hourly/{c}", "vega/seattle-weather-hourly-normals.csv", c, 24, 96) for c in ["pressure", "temperature", "wind"]],
    *[(f"seattle_daily/{c}", "vega/seattle-weather.csv", c, 7, 30) for c in ["precipitation", "temp_max", "temp_min", "wind"]],
]


def read_column(path, col):
    with open(os.path.join(ROOT, path), newline="") as f:
        rows = list(csv.DictReader(f))
    out = []
    for r in rows:
        v = r[col].strip()
        try:
            out.append(float(v))
        except ValueError:  # empty cells (co2, ILINet) are missing values
            out.append(np.nan)
    return np.asarray(out, dtype=np.float32)


def load_all():
    """-> list of dicts: name, m, H, train (history never overlapping the eval window), context, target."""
    out = []
    for name, path, col, m, H in SERIES:
        x = read_column(path, col)
        C = min(EVAL_CONTEXT, len(x) - H)
        out.append(dict(name=name, file=path, column=col, m=m, H=H, full=x,
                        train=x[: len(x) - H - C], context=x[len(x) - H - C: len(x) - H], target=x[len(x) - H:]))
    return out


if __name__ == "__main__":
    for s in load_all():
        print(f"{s['name']:32s} len={len(s['full']):6d} train={len(s['train']):6d} ctx={len(s['context']):5d} "
              f"H={s['H']:3d} m={s['m']:3d} nan={int(np.isnan(s['full']).sum())}")
