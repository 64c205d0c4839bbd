"""edgetok ts tokenize / ts forecast against the golden Kairos files."""
import subprocess

import numpy as np
import pytest

from conftest import BIN, SHARED

EDGETOK = str(BIN / "edgetok")
GOLDEN = SHARED / "golden" / "kairos-10m"
CASE_A = GOLDEN / "cases" / "A_full2048"


def run(*args):
    return subprocess.run([EDGETOK, *map(str, args)], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def series_npy(tmp_path_factory):
    p = tmp_path_factory.mktemp("in") / "a.npy"
    np.save(p, np.load(CASE_A / "input_past_target.npy")[0])
    return p


def test_tokenize_writes_the_golden_tokens(series_npy, tmp_path):
    r = run("ts", "tokenize", "--model", GOLDEN, "--input", series_npy, "--output-dir", tmp_path)
    assert r.returncode == 0, r.stderr
    assert "46 tokens" in r.stdout
    emb = np.load(tmp_path / "embeddings.npy")
    assert emb.dtype == np.float32 and emb.shape == (46, 256)
    g = np.load(CASE_A / "emb.input_embeds.npy")[0]
    assert np.abs(emb - g).max() / np.abs(g).max() < 1e-5
    sizes = np.load(tmp_path / "token_sizes.npy")
    assert sizes.dtype == np.int32 and (sizes == np.load(CASE_A / "patch.token_size.npy")[0]).all()
    mask = np.load(tmp_path / "attention_mask.npy")
    assert mask.dtype == np.uint8 and (mask == np.load(CASE_A / "enc.attention_mask_with_reg.npy")[0]).all()
    ls = np.load(tmp_path / "loc_scale.npy")
    assert ls.dtype == np.float32 and ls.shape == (2,)
    cos = np.load(tmp_path / "rope_cos.npy")
    assert cos.shape == (47, 32) and np.abs(cos - np.load(CASE_A / "rope.enc0.cos.npy")[0]).max() < 1e-4
    assert np.load(tmp_path / "rope_sin.npy").shape == (47, 32)


@pytest.mark.parametrize("golden, extra", [
    ("gen_h96.frozen_bias", []),
    ("gen_h300_pos_flip.reference_bias_drift", ["--bias", "drift", "--infer-positive", "--flip-invariance"]),
])
def test_forecast_writes_the_golden_quantiles(series_npy, tmp_path, golden, extra):
    g = np.load(CASE_A / f"{golden}.npy")[0]
    out = tmp_path / "q.npy"
    r = run("ts", "forecast", "--model", GOLDEN, "--input", series_npy, "--horizon", g.shape[1], "--output", out, *extra)
    assert r.returncode == 0, r.stderr
    assert "q0.5" in r.stdout
    f = np.load(out)
    assert f.dtype == np.float32 and f.shape == g.shape
    assert np.abs(f - g).max() / np.abs(g).max() < 1e-5


def test_forecast_reads_a_csv_column(tmp_path):
    csv = SHARED / "data" / "timeseries" / "darts" / "AirPassengers.csv"
    r = run("ts", "forecast", "--model", GOLDEN, "--input", csv, "--column", "#Passengers", "--horizon", 12,
            "--output", tmp_path / "f.npy")
    assert r.returncode == 0, r.stderr
    f = np.load(tmp_path / "f.npy")
    assert f.shape == (9, 12) and np.isfinite(f).all()


@pytest.mark.parametrize("args, code, fragment", [
    (["ts", "forecast", "--model", GOLDEN, "--input", "x.npy"], 2, "--horizon"),
    (["ts", "forecast", "--model", GOLDEN, "--input", "x.npy", "--horizon", "0"], 2, "--horizon"),
    (["ts", "forecast", "--model", GOLDEN, "--input", "x.npy", "--horizon", "5", "--bias", "sometimes"], 2, "--bias"),
    (["ts", "tokenize", "--model", "/no/model", "--input", CASE_A / "input_past_target.npy", "--output-dir", "/tmp/x"], 1, ""),
    (["ts", "tokenize", "--model", GOLDEN, "--input", "/no/such.npy", "--output-dir", "/tmp/x"], 1, "not found"),
])
def test_usage_and_errors(args, code, fragment):
    r = run(*args)
    assert r.returncode == code, r.stderr
    assert fragment in r.stderr
