"""edgetok bench kairos / bench gemm: JSON fields and exit codes (never the timings themselves)."""
import json
import subprocess

import numpy as np
import pytest

from conftest import BIN, SHARED

EDGETOK = str(BIN / "edgetok")
GOLDEN = SHARED / "golden" / "kairos-10m"
CASE_A = GOLDEN / "cases" / "A_full2048"


def run(*args):
    return subprocess.run([EDGETOK, *map(str, args)], capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def series_npy(tmp_path_factory):
    p = tmp_path_factory.mktemp("in") / "a.npy"
    np.save(p, np.load(CASE_A / "input_past_target.npy")[0])
    return p


def test_bench_kairos_json_has_the_fields(series_npy, tmp_path):
    out = tmp_path / "q.npy"
    r = run("bench", "kairos", "--model", GOLDEN, "--input", series_npy, "--horizon", 96, "--iterations", 2, "--json", "--output", out)
    assert r.returncode == 0, r.stderr
    j = json.loads(r.stdout)
    assert j["bench"] == "kairos"
    for key in ("median_ms", "min_ms", "max_ms", "tokenize_median_ms", "tokenize_min_ms", "tokenize_max_ms",
                "forecast_alloc_bytes", "tokenize_alloc_bytes"):
        assert isinstance(j[key], (int, float)) and j[key] >= 0, key
    assert j["min_ms"] <= j["median_ms"] <= j["max_ms"]
    assert (j["iterations"], j["threads"], j["horizon"], j["context"], j["tokens"]) == (2, 1, 96, 2048, 46)
    # The warm-up forecast it writes is the real one (golden h96, frozen bias).
    g = np.load(CASE_A / "gen_h96.frozen_bias.npy")[0]
    f = np.load(out)
    assert f.shape == g.shape and np.abs(f - g).max() / np.abs(g).max() < 1e-5


def test_bench_kairos_text_and_threads(series_npy):
    r = run("bench", "kairos", "--model", GOLDEN, "--input", series_npy, "--horizon", 24, "--iterations", 1, "--threads", 2, "--context", 512)
    assert r.returncode == 0, r.stderr
    assert "forecast  median" in r.stdout and "tokenize  median" in r.stdout and "2 threads" in r.stdout and "context 512" in r.stdout


@pytest.mark.parametrize("extra", [
    [],                                   # --horizon missing
    ["--horizon", "0"],
    ["--horizon", "96", "--iterations", "0"],
    ["--horizon", "96", "--threads", "0"],
    ["--horizon", "96", "--bogus", "1"],
])
def test_bench_kairos_usage_errors_exit_2(series_npy, extra):
    r = run("bench", "kairos", "--model", GOLDEN, "--input", series_npy, *extra)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert r.stderr.startswith("edgetok: ") and r.stdout == ""


def test_bench_kairos_missing_model_exits_1(series_npy, tmp_path):
    r = run("bench", "kairos", "--model", tmp_path / "nope", "--input", series_npy, "--horizon", 96)
    assert r.returncode == 1
    assert r.stderr.startswith("edgetok: error:")


def test_bench_gemm_json_per_shape():
    r = run("bench", "gemm", "--shape", "5x7x19,47x256x256", "--iterations", 2, "--json")
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert [x["shape"] for x in rows] == ["5x7x19", "47x256x256"]
    for x in rows:
        for key in ("median_ms", "gflops", "peak_gflops", "fraction_of_peak"):
            assert x[key] > 0, key


def test_bench_gemm_bad_shape_exits_2():
    r = run("bench", "gemm", "--shape", "4x4")
    assert r.returncode == 2 and "MxNxK" in r.stderr
