"""The shipped kairos-mini forecasts exactly what its PyTorch training implementation forecasts.

tests/data/kairos-mini holds training/kairos_torch's forecasts of three held-out evaluation contexts
(written by training/make_reference.py); the series are read from ../shared through the SDK's reader.
"""
import json

import numpy as np
import pytest

import edgetok
from conftest import ROOT, SHARED

MODEL = ROOT / "models" / "kairos-mini"
REF = ROOT / "tests" / "data" / "kairos-mini"
CASES = json.loads((REF / "cases.json").read_text())


@pytest.fixture(scope="module")
def model():
    with edgetok.Kairos(MODEL) as m:
        yield m


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_forecast_matches_pytorch(model, case):
    series = edgetok.read_series(SHARED / "data" / "timeseries" / case["file"], case["column"])
    context = series[case["start"]:case["end"]]
    q = model.forecast(context, case["horizon"], infer_is_positive=True, force_flip_invariance=True)
    ref = np.load(REF / case["forecast"])
    assert q.shape == ref.shape == (9, case["horizon"])
    err = np.abs(q.astype(np.float64) - ref).max() / np.abs(ref).max()
    assert err < 1e-4, f"{case['name']}: max rel diff {err:.2e}"
