"""Every command behaves alike: --help and `edgetok help <command>`, one-line errors with exit 2 for
usage mistakes (unknown options, stray arguments, missing values, bad numbers) and 1 for failed
operations (missing files, missing models), --json as exactly one JSON object on stdout, --quiet."""
import json
import os
import subprocess

import numpy as np
import pytest

from conftest import BIN, ROOT, SHARED

EDGETOK = str(BIN / "edgetok")
MINI = str(ROOT / "models" / "kairos-mini")
AIR = str(SHARED / "data" / "timeseries" / "darts" / "AirPassengers.csv")
WAV = str(SHARED / "data" / "audio" / "speech" / "fsdd" / "0_jackson_0.wav")
ENV = {**os.environ, "EDGETOK_MODEL_PATH": str(SHARED / "models")}

COMMANDS = ["info", "audio probe", "audio info", "audio encode", "audio decode", "audio roundtrip", "audio stream-encode",
            "bench peak", "bench kairos", "bench gemm", "ts bins", "ts tokenize", "ts forecast"]


def run(*args, **kw):
    return subprocess.run([EDGETOK, *map(str, args)], capture_output=True, text=True, timeout=300, env=ENV, **kw)


def one_line_error(r, code, fragment=""):
    assert r.returncode == code, (r.returncode, r.stdout, r.stderr)
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("edgetok: "), r.stderr
    assert fragment in lines[0], lines[0]
    assert r.stdout == ""
    return lines[0]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("files")
    np.save(d / "codes.npy", np.full((40, 1), 128, dtype=np.int32))
    return d


def test_help_lists_every_command_and_shared_options():
    r = run("help")
    assert r.returncode == 0 and r.stderr == ""
    for c in COMMANDS:
        assert f"  {c} " in r.stdout, c
    for option in ("--model", "--input", "--json", "--quiet", "--svg"):
        assert option in r.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_command_help(command):
    words = command.split()
    r = run(*words, "--help")
    assert r.returncode == 0 and r.stderr == ""
    assert r.stdout.startswith(f"usage: edgetok {command} ")
    assert run("help", *words).stdout == r.stdout
    assert run(*words, "-h").stdout == r.stdout


@pytest.mark.parametrize("args, fragment", [
    (["audio"], "'audio' needs a command: probe, info, encode, decode, roundtrip, stream-encode"),
    (["ts"], "'ts' needs a command: bins, tokenize, forecast"),
    (["ts", "predict"], "'ts' has: bins, tokenize, forecast"),
    (["bogus"], "unknown command 'bogus'"),
    (["help", "ts", "bogus"], "'ts' has"),
])
def test_unknown_commands(args, fragment):
    one_line_error(run(*args), 2, fragment)


@pytest.mark.parametrize("command", COMMANDS)
def test_usage_mistakes_are_one_line_exit_2(command, files):
    args = json_cases(files)[command]
    hint = f"(see 'edgetok {command} --help')"
    assert hint in one_line_error(run(*args, "--bogus", "1"), 2, "unknown option --bogus")
    one_line_error(run(*args, "stray"), 2, "unexpected argument 'stray'")
    one_line_error(run(*args, "-x"), 2, "unknown option -x")
    one_line_error(run(*args, "--json=yes"), 2, "option --json takes no value")
    one_line_error(run(*args, "--quiet", "--quiet"), 2, "given twice")


def test_typos_get_a_hint(tmp_path):
    one_line_error(run("audio", "probe", "--inptu", WAV), 2, "missing required option --input (given: --inptu)")
    one_line_error(run("audio", "probe", "--input", WAV, "--rat", "8000"), 2, "unknown option --rat (did you mean --rate?)")
    one_line_error(run("ts", "forecast", "--model", MINI, "--input", AIR, "--horizon", 4, "--jsn"), 2, "(did you mean --json?)")


@pytest.mark.parametrize("args, fragment", [
    (["audio", "probe", "--input"], "option --input needs a value"),
    (["audio", "encode", "--model", "mulaw", "--input", "--output", "x.npy"], "option --input needs a value"),
    (["ts", "forecast", "--model", MINI, "--input", AIR], "missing required option --horizon"),
    (["ts", "forecast", "--model", MINI, "--input", AIR, "--horizon", "abc"], "--horizon must be an integer, got 'abc'"),
    (["ts", "forecast", "--model", MINI, "--input", AIR, "--horizon", "0"], "--horizon must be in 1..8192"),
    (["ts", "bins", "--input", AIR, "--output", "x.npy", "--context-length", "0"], "--context-length must be in"),
    (["ts", "tokenize", "--model", MINI, "--input", AIR], "missing required option --output-dir (or --svg)"),
    (["audio", "probe", "--input", WAV, "--rate", "1e3"], "--rate must be an integer"),
    (["audio", "encode", "--model", "mulaw", "--input", WAV, "--output", "x.npy", "--bandwidth", "fast"], "--bandwidth must be a number"),
    (["audio", "encode", "--model", "mulaw", "--input", WAV, "--output", "x.npy", "--threads", "0"], "--threads must be in 1..256"),
    (["audio", "encode", "--model", "mulaw", "--input", WAV, "--output", "x.npy", "--codebooks", "0"], "--codebooks must be in"),
    (["audio", "stream-encode", "--model", "mulaw", "--input", WAV, "--output", "x.npy", "--chunk-ms", "0"], "--chunk-ms must be in"),
    (["audio", "stream-encode", "--model", "mulaw", "--input", WAV, "--output", "x.npy", "--chunk-ms", "nan"], "--chunk-ms must be a number"),
    (["audio", "roundtrip", "--model", "mulaw", "--input", WAV, "--output", "x.wav", "--bitrate", "1", "--bandwidth", "1"], "another name for --bandwidth"),
    (["bench", "peak", "--iterations", "-1"], "--iterations must be in"),
    (["bench", "gemm", "--shape", "2x2"], "--shape wants MxNxK"),
    (["bench", "kairos", "--model", MINI, "--input", AIR, "--horizon", "4", "--context", "1", "--context-length", "1"], "another name for --context-length"),
])
def test_missing_values_and_bad_numbers(args, fragment):
    one_line_error(run(*args), 2, fragment)


@pytest.mark.parametrize("args", [
    ["audio", "probe", "--input", "/no/such.wav"],
    ["audio", "info", "--model", "/no/such/model"],
    ["audio", "encode", "--model", "mulaw", "--input", "/no/such.wav", "--output", "{tmp}/c.npy"],
    ["audio", "decode", "--model", "mulaw", "--input", "/no/such.npy", "--output", "{tmp}/o.wav"],
    ["audio", "roundtrip", "--model", "mulaw", "--input", "/no/such.wav", "--output", "{tmp}/o.wav"],
    ["audio", "stream-encode", "--model", "mulaw", "--input", "/no/such.wav", "--output", "{tmp}/c.npy"],
    ["audio", "encode", "--model", "no-such-model", "--input", WAV, "--output", "{tmp}/c.npy"],
    ["bench", "kairos", "--model", MINI, "--input", "/no/such.csv", "--horizon", "4"],
    ["ts", "bins", "--input", "/no/such.csv", "--output", "{tmp}/ids.npy"],
    ["ts", "tokenize", "--model", MINI, "--input", "/no/such.npy", "--output-dir", "{tmp}/t"],
    ["ts", "forecast", "--model", MINI, "--input", "/no/such.csv", "--horizon", "4"],
    ["ts", "forecast", "--model", "/no/such/model", "--input", AIR, "--horizon", "4"],
])
def test_missing_files_are_one_line_exit_1(args, tmp_path):
    line = one_line_error(run(*[a.replace("{tmp}", str(tmp_path)) for a in args]), 1, "edgetok: error: ")
    assert "not found" in line or "does not exist" in line


@pytest.mark.parametrize("args", [
    ["audio", "encode", "--model", "mulaw", "--input", WAV, "--output", "/no/such/dir/c.npy"],
    ["ts", "forecast", "--model", MINI, "--input", AIR, "--horizon", "4", "--svg", "/no/such/dir/f.svg"],
])
def test_unwritable_outputs_are_one_line_exit_1(args):
    one_line_error(run(*args), 1, "edgetok: error: ")


def json_cases(tmp):
    codes = str(tmp / "codes.npy")
    return {
        "info": ["info"],
        "audio probe": ["audio", "probe", "--input", WAV],
        "audio info": ["audio", "info", "--model", "mulaw"],
        "audio encode": ["audio", "encode", "--model", "mulaw", "--input", WAV, "--output", tmp / "c.npy"],
        "audio decode": ["audio", "decode", "--model", "mulaw", "--input", codes, "--output", tmp / "o.wav"],
        "audio roundtrip": ["audio", "roundtrip", "--model", "mulaw", "--input", WAV, "--output", tmp / "r.wav", "--metrics"],
        "audio stream-encode": ["audio", "stream-encode", "--model", "mulaw", "--input", WAV, "--output", tmp / "s.npy"],
        "bench peak": ["bench", "peak", "--iterations", 1],
        "bench kairos": ["bench", "kairos", "--model", MINI, "--input", AIR, "--horizon", 4, "--iterations", 1],
        "bench gemm": ["bench", "gemm", "--shape", "4x4x4", "--iterations", 1],
        "ts bins": ["ts", "bins", "--input", AIR, "--output", tmp / "ids.npy"],
        "ts tokenize": ["ts", "tokenize", "--model", MINI, "--input", AIR, "--output-dir", tmp / "tok"],
        "ts forecast": ["ts", "forecast", "--model", MINI, "--input", AIR, "--horizon", 4],
    }


@pytest.mark.parametrize("command", COMMANDS)
def test_json_is_one_object_on_stdout(command, files):
    args = json_cases(files)[command]
    r = run(*args, "--json")
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    assert r.stdout.endswith("\n") and r.stdout.count("\n") == 1, r.stdout
    assert isinstance(json.loads(r.stdout), dict)
    # --quiet changes nothing on stdout; every command accepts it.
    q = run(*args, "--json", "--quiet")
    assert q.returncode == 0 and q.stderr == "" and json.loads(q.stdout).keys() == json.loads(r.stdout).keys()


def test_forecast_json_holds_the_quantiles(tmp_path):
    r = run("ts", "forecast", "--model", MINI, "--input", AIR, "--horizon", 6, "--json", "--output", tmp_path / "f.npy")
    d = json.loads(r.stdout)
    f = np.load(tmp_path / "f.npy")
    assert d["horizon"] == 6 and d["points"] == 144 and d["column"] == "#Passengers"
    assert d["quantile_levels"] == pytest.approx([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])
    np.testing.assert_allclose(np.array(d["quantiles"]), f, rtol=1e-6)


def test_tokenize_json_matches_the_files(tmp_path):
    r = run("ts", "tokenize", "--model", MINI, "--input", AIR, "--output-dir", tmp_path, "--json")
    d = json.loads(r.stdout)
    sizes = np.load(tmp_path / "token_sizes.npy")
    assert d["tokens"] == len(sizes) and len(d["files"]) == 6
    assert {int(k): v for k, v in d["tokens_by_size"].items()} == {int(s): int((sizes == s).sum()) for s in np.unique(sizes)}
    # Tokens per patch follow the finest chosen level: P / token_size tokens each.
    assert sum(128 // p["token_size"] for p in d["patches"]) == d["tokens"]
    for p in d["patches"]:
        assert len(p["experts"]) == 3
        real = [e["size"] for e in p["experts"] if "size" in e]
        assert p["token_size"] == min(real)
        assert sum(e["weight"] for e in p["experts"]) == pytest.approx(1, abs=1e-5)
    assert d["masked"] == int((np.load(tmp_path / "attention_mask.npy")[:-1] == 0).sum())


def test_probe_json_names_the_input_like_the_other_commands():
    d = json.loads(run("audio", "probe", "--input", WAV, "--json").stdout)
    assert d["input"] == WAV and "path" not in d


def test_roundtrip_works_for_any_codec(tmp_path):
    r = run("audio", "roundtrip", "--model", "mulaw", "--input", WAV, "--output", tmp_path / "o.wav", "--metrics", "--json")
    d = json.loads(r.stdout)
    assert d["codec"] == "mulaw" and d["model_path"] is None and d["codebooks"] == 1 and d["sample_rate"] == 16000
    assert d["metrics"]["stoi"] > 0.95  # 8-bit mu-law is close to transparent


def test_old_option_names_still_work(tmp_path):
    a = run("bench", "kairos", "--model", MINI, "--input", AIR, "--horizon", 4, "--iterations", 1, "--context", 64, "--json")
    b = run("bench", "kairos", "--model", MINI, "--input", AIR, "--horizon", 4, "--iterations", 1, "--context-length", 64, "--json")
    assert json.loads(a.stdout)["context"] == json.loads(b.stdout)["context"] == 64


def test_value_that_starts_with_dashes_needs_equals(tmp_path):
    # '--input=--x' is the file '--x' (which does not exist), not a missing value.
    one_line_error(run("audio", "probe", "--input=--x"), 1, "not found")
