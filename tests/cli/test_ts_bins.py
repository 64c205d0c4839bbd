"""`edgetok ts bins`: ids/mask files, the printed scale, options and errors, on real series."""
import json
import subprocess

import numpy as np
import pytest

from conftest import BIN, SHARED

EDGETOK = str(BIN / "edgetok")
AIR = SHARED / "data" / "timeseries" / "darts" / "AirPassengers.csv"
CO2 = SHARED / "data" / "timeseries" / "statsmodels" / "co2.csv"


def run(*args):
    return subprocess.run([EDGETOK, *args], capture_output=True, text=True, timeout=120)


def reference(x, context=512):
    """Independent float64 ids (without EOS) and scale."""
    x = np.asarray(x, dtype=np.float64)[-context:]
    centers = np.linspace(-15, 15, 4093)
    bounds = np.concatenate([[-1e20], (centers[1:] + centers[:-1]) / 2, [1e20]])
    obs = ~np.isnan(x)
    scale = np.abs(x[obs]).sum() / obs.sum()
    ids = np.clip(np.searchsorted(bounds, np.where(obs, x / scale, 0), side="right") + 2, 0, 4095)
    ids[~obs] = 0
    return ids, scale


def test_bins_on_air_passengers(tmp_path):
    out, mask = tmp_path / "ids.npy", tmp_path / "mask.npy"
    r = run("ts", "bins", "--input", str(AIR), "--output", str(out), "--mask", str(mask), "--json")
    assert r.returncode == 0, r.stderr
    info = json.loads(r.stdout)
    assert info["column"] == "#Passengers" and info["length"] == 144 and info["kept"] == 144
    assert info["missing"] == 0 and info["tokens"] == 145 and info["eos"] is True
    ids, m = np.load(out), np.load(mask)
    assert ids.dtype == np.int32 and ids.shape == (145,) and m.dtype == np.uint8 and m.shape == (145,)
    x = np.loadtxt(AIR, delimiter=",", skiprows=1, usecols=1, dtype=np.float32)
    ref, scale = reference(x)
    assert abs(info["scale"] - scale) / scale < 1e-6
    np.testing.assert_array_equal(ids[:-1], ref)   # no value of this series lies near a boundary
    assert ids[-1] == 1 and np.all(m == 1)
    # Human-readable output names the scale too.
    r = run("ts", "bins", "--input", str(AIR), "--output", str(out))
    assert r.returncode == 0 and "scale" in r.stdout and "145 int32" in r.stdout


def test_bins_truncates_and_marks_missing(tmp_path):
    out, mask = tmp_path / "ids.npy", tmp_path / "mask.npy"
    # co2: its first 512 rows hold 53 gaps; --context-length 100 keeps the last 100 of 2284 values.
    r = run("ts", "bins", "--input", str(CO2), "--column", "co2", "--output", str(out), "--mask", str(mask),
            "--context-length", "100", "--no-eos", "--json")
    assert r.returncode == 0, r.stderr
    info = json.loads(r.stdout)
    assert info["length"] == 2284 and info["kept"] == 100 and info["tokens"] == 100 and info["eos"] is False
    ids = np.load(out)
    assert ids.shape == (100,) and 1 not in ids.tolist()
    # A .npy input with gaps: the pad id and mask 0 where values are missing.
    x = np.array([np.nan, 2, -4, 6, np.nan], dtype=np.float32)
    npy = tmp_path / "x.npy"
    np.save(npy, x)
    r = run("ts", "bins", "--input", str(npy), "--output", str(out), "--mask", str(mask), "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["scale"] == 4.0 and json.loads(r.stdout)["missing"] == 2
    assert np.load(out).tolist()[0] == 0 and np.load(out).tolist()[-1] == 1
    assert np.load(mask).tolist() == [0, 1, 1, 1, 0, 1]


def test_help_lists_ts_bins():
    r = run("--help")
    assert "ts bins" in r.stdout
    r = run("ts", "bins", "--help")
    assert r.returncode == 0 and "--output" in r.stdout and "EOS" in r.stdout


@pytest.mark.parametrize("args, code, fragment", [
    (["ts", "bins", "--output", "x.npy"], 2, "--input"),
    (["ts", "bins", "--input", str(AIR)], 2, "--output"),
    (["ts", "bins", "--input", str(AIR), "--output", "x.npy", "--context-length", "0"], 2, "--context-length"),
    (["ts", "bins", "--input", str(AIR), "--output", "x.npy", "--bogus", "1"], 2, "unknown option --bogus"),
    (["ts", "bins", "--input", "/nonexistent.csv", "--output", "x.npy"], 1, "not found"),
    (["ts", "bins", "--input", str(AIR), "--column", "nope", "--output", "x.npy"], 1, "no column 'nope'"),
])
def test_bad_input(args, code, fragment, tmp_path):
    r = subprocess.run([EDGETOK, *args], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert r.returncode == code
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("edgetok: ") and fragment in lines[0]


def test_infinite_value_is_an_error(tmp_path):
    npy = tmp_path / "inf.npy"
    np.save(npy, np.array([1, np.inf, 2], dtype=np.float32))
    out = tmp_path / "ids.npy"
    r = run("ts", "bins", "--input", str(npy), "--output", str(out))
    assert r.returncode == 1 and "Inf" in r.stderr and "invalid argument" in r.stderr
    assert not out.exists()
