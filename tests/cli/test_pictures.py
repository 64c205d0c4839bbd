"""SVG pictures from the CLI: the Kairos patch-size map, the audio codes heatmap and the forecast fan
chart are well-formed XML, hold the expected number of elements for known inputs, stay small for long
inputs, and render with rsvg-convert (Debian librsvg2-bin, installed by scripts/ensure-deps.sh)."""
import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from conftest import BIN, ROOT, SHARED

EDGETOK = str(BIN / "edgetok")
SVG = "{http://www.w3.org/2000/svg}"
MINI = ROOT / "models" / "kairos-mini"
AIR = SHARED / "data" / "timeseries" / "darts" / "AirPassengers.csv"
TINY = ["--model", str(SHARED / "golden" / "encodec-24k-tiny"), "--manifest", str(ROOT / "models" / "encodec-24k-tiny" / "edgetok.json")]
ENV = {**os.environ, "EDGETOK_MODEL_PATH": str(SHARED / "models")}


def run(*args):
    r = subprocess.run([EDGETOK, *map(str, args)], capture_output=True, text=True, timeout=300, env=ENV)
    assert r.returncode == 0, r.stderr
    return r


def render(svg, tmp_path):
    """rsvg-convert must turn the SVG into a PNG of the declared size without complaint."""
    exe = shutil.which("rsvg-convert")
    assert exe, "rsvg-convert missing: run scripts/ensure-deps.sh (Debian librsvg2-bin)"
    png = tmp_path / (svg.stem + ".png")
    r = subprocess.run([exe, str(svg), "-o", str(png)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stderr == "", r.stderr
    head = png.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    root = ET.parse(svg).getroot()
    assert int.from_bytes(head[16:20], "big") == round(float(root.get("width")))
    assert int.from_bytes(head[20:24], "big") == round(float(root.get("height")))


def parse(svg):
    root = ET.parse(svg).getroot()
    assert root.tag == SVG + "svg"
    return root


def by_class(root, cls):
    return [e for e in root.iter() if e.get("class") == cls]


def run_widths(root):
    """Per row of the heatmap: the summed run lengths (in columns) and the number of runs."""
    rows, runs = {}, 0
    for path in by_class(root, "cells")[0]:
        row = None
        for cmd, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", path.get("d")):
            if cmd == "M":
                row = float(b) - 0.5
            elif cmd == "h":
                rows[row] = rows.get(row, 0) + float(a)
                runs += 1
    return rows, runs


def test_patch_size_map_counts_tokens_and_router_choices(tmp_path):
    svg = tmp_path / "map.svg"
    info = json.loads(run("ts", "tokenize", "--model", MINI, "--input", AIR, "--svg", svg, "--json").stdout)
    root = parse(svg)
    config = json.loads((MINI / "config.json").read_text())
    k = config["n_activated_experts"]
    # 144 points, P = 128: two patches, 112 padding points before the first.
    assert info["points"] == 144 and info["padding"] == 112 and len(info["patches"]) == 2
    assert len(by_class(root, "token")) == info["tokens"] == sum(info["tokens_by_size"].values())
    assert len(by_class(root, "route")) == 2 * k
    assert len(by_class(root, "series")) == 1
    # Legend: one swatch per level, per null expert, and the hatching.
    assert len(by_class(root, "legend")) == config["levels"] + config["n_null_experts"] + 1
    # A token's width is proportional to its size: the first patch's tokens fill it exactly.
    tokens = by_class(root, "token")
    sizes = [int(re.search(r", (\d+) points", t.find(SVG + "title").text).group(1)) for t in tokens]
    assert sum(sizes) == 2 * 128
    widths = [float(t.get("width")) for t in tokens]
    assert np.allclose(np.array(widths) / np.array(sizes), widths[0] / sizes[0], rtol=1e-3)
    # Tokens made of padding only are masked (hatched); there is exactly one here (64 of the 112).
    assert sum(t.get("fill") == "url(#hatch)" for t in tokens) == info["masked"] == 1
    render(svg, tmp_path)


def test_patch_size_map_of_a_long_series_covers_the_context_only(tmp_path):
    svg = tmp_path / "etth1.svg"
    info = json.loads(run("ts", "tokenize", "--model", MINI, "--input", SHARED / "data" / "timeseries" / "ett" / "ETTh1.csv",
                          "--column", "OT", "--svg", svg, "--json").stdout)
    assert info["context_start"] == info["points"] - 512 and info["padding"] == 0 and info["output_dir"] is None
    root = parse(svg)
    assert len(by_class(root, "token")) == info["tokens"]
    assert len(by_class(root, "route")) == 4 * 3
    assert svg.stat().st_size < 100_000
    render(svg, tmp_path)


def test_codes_heatmap_of_known_codes(tmp_path):
    # 20 frames × 8 codebooks of the tiny EnCodec (64 codes): every neighbour differs, so no run merges.
    t, k = 20, 8
    codes = ((np.arange(t)[:, None] * 3 + np.arange(k)[None, :] * 7) % 64).astype(np.int32)
    np.save(tmp_path / "codes.npy", codes)
    svg = tmp_path / "codes.svg"
    info = json.loads(run("audio", "decode", *TINY, "--input", tmp_path / "codes.npy", "--output", tmp_path / "o.wav",
                          "--svg", svg, "--json").stdout)
    assert info["svg"] == str(svg)
    root = parse(svg)
    rows, runs = run_widths(root)
    assert sorted(rows) == list(range(k)) and all(w == t for w in rows.values())
    assert runs == t * k
    # 64 codes → 64 colours, one path each; only the values that occur get a path.
    assert len(list(by_class(root, "cells")[0])) == len(np.unique(codes))
    render(svg, tmp_path)


def test_codes_heatmap_merges_equal_neighbours(tmp_path):
    codes = np.repeat(np.array([[0], [255], [0]], dtype=np.int32), [5, 3, 4], axis=0)  # mu-law, 12 frames
    np.save(tmp_path / "codes.npy", codes)
    svg = tmp_path / "codes.svg"
    run("audio", "decode", "--model", "mulaw", "--input", tmp_path / "codes.npy", "--output", tmp_path / "o.wav", "--svg", svg)
    rows, runs = run_widths(parse(svg))
    assert rows == {0: 12} and runs == 3
    render(svg, tmp_path)


def test_codes_heatmap_thins_long_inputs(tmp_path):
    # 60 s of mu-law = 960 000 frames: at most 1000 columns, each the same whole number of frames.
    rate = 16000
    x = (0.3 * np.sin(2 * np.pi * 220 * np.arange(60 * rate) / rate) * 32767).astype("<i2")
    wav = tmp_path / "long.wav"
    import wave
    with wave.open(str(wav), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(x.tobytes())
    svg = tmp_path / "long.svg"
    run("audio", "encode", "--model", "mulaw", "--input", wav, "--output", tmp_path / "c.npy", "--svg", svg)
    root = parse(svg)
    rows, _ = run_widths(root)
    assert rows == {0: 1000}  # 960 000 frames in 1000 columns of exactly 960 frames
    assert "a column = 960 frames" in ET.tostring(root, encoding="unicode")
    assert svg.stat().st_size < 100_000
    render(svg, tmp_path)


@pytest.mark.skipif(not (SHARED / "models" / "lyra-v2").is_dir(), reason="lyra-v2 model not in ../shared/models")
def test_codes_heatmap_from_encode_and_stream_encode(tmp_path):
    wav = SHARED / "data" / "audio" / "speech" / "jfk" / "jfk.wav"
    a, b = tmp_path / "enc.svg", tmp_path / "stream.svg"
    e = json.loads(run("audio", "encode", "--model", "lyra-v2", "--input", wav, "--output", tmp_path / "a.npy", "--svg", a, "--json").stdout)
    s = json.loads(run("audio", "stream-encode", "--model", "lyra-v2", "--input", wav, "--output", tmp_path / "b.npy", "--svg", b, "--json").stdout)
    assert e["svg"] == str(a) and s["svg"] == str(b)
    # 550 frames × 46 codebooks exceed the cell budget: whole-frame columns, the same in both pictures.
    ra, _ = run_widths(parse(a))
    rb, _ = run_widths(parse(b))
    ra = {k: round(v, 2) for k, v in ra.items()}  # widths are written with two decimals
    assert len(ra) == 46 and set(ra.values()) == {183.33} and ra == {k: round(v, 2) for k, v in rb.items()}
    assert a.stat().st_size < 100_000
    render(a, tmp_path)


def test_fan_chart(tmp_path):
    svg = tmp_path / "fan.svg"
    out = run("ts", "forecast", "--model", MINI, "--input", AIR, "--horizon", 12, "--svg", svg).stdout
    assert f"wrote {svg} (fan chart)" in out
    root = parse(svg)
    bands = [p for p in root.iter(SVG + "path") if p.find(SVG + "title") is not None]
    assert [b.find(SVG + "title").text for b in bands] == ["q0.1–q0.9", "q0.2–q0.8", "q0.3–q0.7", "q0.4–q0.6"]
    assert len(list(root.iter(SVG + "polyline"))) == 1  # the median
    render(svg, tmp_path)


def test_fan_chart_breaks_the_history_at_missing_values(tmp_path):
    x = np.sin(np.arange(100) / 5).astype(np.float32)
    x[80:85] = np.nan  # inside the drawn history (the last 48 points)
    np.save(tmp_path / "x.npy", x)
    svg = tmp_path / "fan.svg"
    run("ts", "forecast", "--model", MINI, "--input", tmp_path / "x.npy", "--horizon", 8, "--svg", svg)
    history = [p for p in parse(svg).iter(SVG + "path") if p.find(SVG + "title") is None]
    assert len(history) == 1 and history[0].get("d").count("M") == 2
    render(svg, tmp_path)
