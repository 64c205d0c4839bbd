"""edgetok bench kairos / bench gemm: JSON fields and exit codes (never the timings themselves)."""
import json
import os
import subprocess

import numpy as np
import pytest

from conftest import BIN, ROOT, SHARED

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


@pytest.mark.parametrize("kernel", ["panel", "dot"])
def test_bench_gemm_kernels(kernel):
    # panel: the Kairos linear layers' packed kernel (the default); dot: attention's GEMM. 1-row shapes too.
    r = run("bench", "gemm", "--shape", "1x40x33,13x17x70", "--kernel", kernel, "--iterations", 1, "--json")
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert [j["shape"] for j in rows] == ["1x40x33", "13x17x70"] and all(j["kernel"] == kernel and j["gflops"] > 0 for j in rows)


def test_bench_gemm_bad_kernel_exits_2():
    r = run("bench", "gemm", "--kernel", "blas")
    assert r.returncode == 2 and "--kernel wants panel or dot" in r.stderr


def test_bench_gemm_bad_shape_exits_2():
    r = run("bench", "gemm", "--shape", "4x4")
    assert r.returncode == 2 and "MxNxK" in r.stderr


def test_bench_peak_reports_the_int8_peak_where_the_cpu_has_avx_vnni():
    r = run("bench", "peak", "--iterations", 1, "--json")
    assert r.returncode == 0, r.stderr
    j = json.loads(r.stdout)
    assert j["gflops"] > 0
    if " avx_vnni " in open("/proc/cpuinfo").read():
        # 32 multiply-adds per instruction against 16 (or fewer) for the FP32 FMA loop.
        assert j["int8_gops"] > 0 and j["int8_gops_median"] > 0
        assert "peak int8 vnni" in run("bench", "peak", "--iterations", 1).stdout
    else:
        assert "int8_gops" not in j


RVQ_TINY = ["--levels", 3, "--bins", 37, "--dim", 12, "--frames", 29, "--iterations", 2]


def test_bench_rvq_json_checks_codes_against_the_reference_and_onnx():
    r = run("bench", "rvq", *RVQ_TINY, "--onnx", "--verify", "--json")
    assert r.returncode == 0, r.stderr
    j = json.loads(r.stdout)
    assert j["bench"] == "rvq" and (j["levels"], j["bins"], j["dim"], j["frames"], j["iterations"], j["threads"]) == (3, 37, 12, 29, 2, 1)
    for key in ("median_ms", "min_ms", "max_ms", "gflops", "gflops_median", "peak_gflops", "fraction_of_peak", "fraction_of_peak_best",
                "onnx_median_ms", "onnx_min_ms", "onnx_max_ms", "onnx_gflops", "speedup_vs_onnx"):
        assert isinstance(j[key], (int, float)) and j[key] > 0, key
    assert j["min_ms"] <= j["median_ms"] <= j["max_ms"]
    assert j["reference_mismatches"] == 0
    # ONNX Runtime's float32 argmin may only differ on near-ties.
    assert j["onnx_mismatches"] <= 1


@pytest.mark.parametrize("isa", ["x86-64-v3", "x86-64-v2"])
def test_bench_rvq_narrower_images_give_the_reference_codes(isa):
    # Each image runs its own kernel (AVX2 6x16, 128-bit rows); all must agree with the float64 search.
    if isa == "x86-64-v3" and (not (BIN / "edgetok-x86-64-v3").exists() or " avx2 " not in open("/proc/cpuinfo").read()):
        pytest.skip("no x86-64-v3 image (quick build) or no AVX2")
    env = dict(os.environ, EDGETOK_ISA=isa)
    r = subprocess.run([EDGETOK, "bench", "rvq", "--levels", "3", "--bins", "70", "--dim", "12", "--frames", "29", "--iterations", "1", "--verify", "--json"],
                       capture_output=True, text=True, timeout=600, env=env)
    assert r.returncode == 0, r.stderr
    j = json.loads(r.stdout)
    assert j["isa"] in ((isa,) if isa == "x86-64-v3" else ("x86-64", "x86-64-v2")) and j["reference_mismatches"] == 0


RVQ_SCREENED = ["--levels", 4, "--bins", 200, "--dim", 24, "--frames", 53, "--iterations", 1, "--verify", "--json"]


@pytest.mark.parametrize("isa", [None, "x86-64-v3", "x86-64-v2"])
def test_bench_rvq_screened_and_float32_searches_give_the_reference_codes(isa):
    # 200 codewords: the 8-bit screened search where the CPU has AVX-VNNI, else float32; --float32 forces it.
    if isa == "x86-64-v3" and (not (BIN / "edgetok-x86-64-v3").exists() or " avx2 " not in open("/proc/cpuinfo").read()):
        pytest.skip("no x86-64-v3 image (quick build) or no AVX2")
    env = dict(os.environ, EDGETOK_ISA=isa) if isa else None
    vnni = " avx_vnni " in open("/proc/cpuinfo").read() and isa != "x86-64-v2"
    for extra, search in (([], "screened-int8" if vnni else "float32"), (["--float32"], "float32")):
        r = subprocess.run([EDGETOK, "bench", "rvq", *map(str, RVQ_SCREENED), *extra], capture_output=True, text=True, timeout=600, env=env)
        assert r.returncode == 0, r.stderr
        j = json.loads(r.stdout)
        assert j["search"] == search and j["reference_mismatches"] == 0, (extra, j)


def test_bench_rvq_text_and_threads():
    r = run("bench", "rvq", *RVQ_TINY, "--threads", 2, "--onnx")
    assert r.returncode == 0, r.stderr
    assert "rvq 3 levels x 37 bins x 12 dim, 29 frames, 2 threads" in r.stdout
    assert "edgetok  median" in r.stdout and "encode / peak run next to it" in r.stdout and "faster than ONNX Runtime" in r.stdout


@pytest.mark.parametrize("args", [
    ["--levels", "0"],
    ["--bins", "x"],
    ["--frames", "-1"],
    ["--dim", "0"],
    ["--iterations", "0"],
    ["--threads", "0"],
    ["--levels", "4096", "--bins", "1048576", "--dim", "1"],
    ["--bogus", "1"],
])
def test_bench_rvq_usage_errors_exit_2(args):
    r = run("bench", "rvq", *args)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert r.stderr.startswith("edgetok: ") and len(r.stderr.strip().splitlines()) == 1 and r.stdout == ""


ENCODEC_TINY = ["--model", SHARED / "golden" / "encodec-24k-tiny", "--manifest", ROOT / "models" / "encodec-24k-tiny" / "edgetok.json"]


def check_codec_json(j):
    assert j["bench"] == "codec"
    for part in ("encode", "decode"):
        for key in ("median_ms", "min_ms", "max_ms", "rtf"):
            assert isinstance(j[part][key], (int, float)) and j[part][key] > 0, (part, key)
        assert j[part]["min_ms"] <= j[part]["median_ms"] <= j[part]["max_ms"]
        assert abs(j[part]["rtf"] - j[part]["median_ms"] / 1000 / j["seconds"]) < 1e-4
    assert j["median_ms"] > 0 and j["rtf"] > 0


def test_bench_codec_onnx_encodec_json():
    r = run("bench", "codec", *ENCODEC_TINY, "--seconds", 0.5, "--iterations", 2, "--json")
    assert r.returncode == 0, r.stderr
    j = json.loads(r.stdout)
    check_codec_json(j)
    assert j["kind"] == "encodec" and j["sample_rate"] == 24000 and j["codebooks"] == 8
    assert j["frames"] == 38 and j["seconds"] == 0.5  # 12000 samples / hop 320, rounded up


def test_bench_codec_lyra_and_text():
    lyra = SHARED / "models" / "lyra-v2"
    if not lyra.is_dir():
        pytest.skip("../shared/models/lyra-v2 not present")
    r = run("bench", "codec", "--model", lyra, "--seconds", 0.2, "--iterations", 1, "--codebooks", 16)
    assert r.returncode == 0, r.stderr
    assert "x 16 codebooks" in r.stdout and "encode  median" in r.stdout and "real-time factor" in r.stdout


def test_bench_codec_mulaw_json():
    r = run("bench", "codec", "--model", "mulaw", "--seconds", 0.25, "--iterations", 2, "--json")
    assert r.returncode == 0, r.stderr
    j = json.loads(r.stdout)
    check_codec_json(j)
    assert j["kind"] == "mulaw" and j["frames"] == 4000


@pytest.mark.parametrize("args", [
    [],                                   # --seconds missing
    ["--seconds", "0"],
    ["--seconds", "-1"],
    ["--seconds", "abc"],
    ["--seconds", "1", "--iterations", "0"],
    ["--seconds", "1", "--codebooks", "0"],
    ["--seconds", "1", "--bogus", "2"],
])
def test_bench_codec_usage_errors_exit_2(args):
    r = run("bench", "codec", "--model", "mulaw", *args)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert r.stderr.startswith("edgetok: ") and len(r.stderr.strip().splitlines()) == 1 and r.stdout == ""


@pytest.mark.parametrize("args", [
    ["--model", "/nonexistent/model", "--seconds", "1"],
    [*ENCODEC_TINY, "--seconds", "0.5", "--codebooks", "9"],
])
def test_bench_codec_failed_operations_exit_1(args):
    r = run("bench", "codec", *args)
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert r.stderr.startswith("edgetok: error:") and len(r.stderr.strip().splitlines()) == 1
