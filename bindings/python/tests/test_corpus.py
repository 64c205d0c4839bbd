"""Corpus tokenization with Dask distributed (edgetok.corpus): a LocalCluster of 2 worker processes
on real WAV and CSV files from ../shared/data plus deliberately broken copies in a tmp folder.
Checks order, equality with in-process tokenization, one model load per worker, per-file errors."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import edgetok
from conftest import ROOT, SHARED
from edgetok.corpus import ChronosBinsTask, CodecTask, KairosTask, list_corpus, main, model_loads, tokenize_corpus

distributed = pytest.importorskip("distributed")

ENCODEC = CodecTask(str(SHARED / "golden" / "encodec-24k-tiny"),
                    manifest=str(ROOT / "models" / "encodec-24k-tiny" / "edgetok.json"), bandwidth=1.8)
KAIROS_MINI = str(ROOT / "models" / "kairos-mini")
SPEECH = SHARED / "data" / "audio" / "speech"
SERIES = SHARED / "data" / "timeseries"


@pytest.fixture(scope="module")
def client():
    # Spawned worker processes import edgetok from the source tree, like the test process.
    saved = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT / "bindings" / "python")] + ([saved] if saved else []))
    try:
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                           memory_limit="1GiB", dashboard_address=None)
    finally:
        if saved is None:
            del os.environ["PYTHONPATH"]
        else:
            os.environ["PYTHONPATH"] = saved
    with distributed.Client(cluster) as c:
        c.wait_for_workers(2)
        yield c
    cluster.close()


@pytest.fixture(scope="module")
def wav_corpus(tmp_path_factory):
    """10 real clips (links to ../shared) in two folders, a truncated WAV, a text file to ignore."""
    root = tmp_path_factory.mktemp("wavs")
    (root / "digits").mkdir()
    for name in ["0_jackson_0", "1_nicolas_3", "2_theo_7", "3_yweweler_1", "4_jackson_2", "5_nicolas_9"]:
        (root / "digits" / f"{name}.wav").symlink_to(SPEECH / "fsdd" / f"{name}.wav")
    for rel in ["jfk/jfk.wav", "ljspeech/LJ001-0002.wav", "vctk/p240_00000.wav", "librispeech/1320_00000.wav"]:
        (root / rel.replace("/", "_")).symlink_to(SPEECH / rel)
    (root / "digits" / "broken.wav").write_bytes((SPEECH / "jfk" / "jfk.wav").read_bytes()[:3000])
    (root / "notes.txt").write_text("not audio")
    return root


@pytest.fixture(scope="module")
def csv_corpus(tmp_path_factory):
    """8 real series (links to ../shared) and a copy of AirPassengers with a corrupt cell on line 5."""
    root = tmp_path_factory.mktemp("series")
    for rel in ["darts/AirPassengers.csv", "statsmodels/co2.csv", "statsmodels/sunspots.csv", "ett/ETTh1.csv",
                "nab/nyc_taxi.csv", "nab/speed_7578.csv", "nab/ambient_temperature_system_failure.csv",
                "nab/ec2_cpu_utilization_825cc2.csv"]:
        (root / rel.replace("/", "_")).symlink_to(SERIES / rel)
    lines = (SERIES / "darts" / "AirPassengers.csv").read_text().splitlines()
    lines[4] = "1949-04,12x9"
    (root / "bad.csv").write_text("\n".join(lines) + "\n")
    return root


def test_dask_is_imported_only_when_a_cluster_is_used():
    code = ("import sys, edgetok, edgetok.corpus; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                       env=dict(os.environ, PYTHONPATH=str(ROOT / "bindings" / "python")))
    assert r.stdout.strip() == "[]"


def test_listing_is_sorted_recursive_and_filtered(wav_corpus):
    files = list_corpus(wav_corpus, (".wav",))
    rel = [r for _, r in files]
    assert rel == sorted(rel) and len(rel) == 11
    assert "digits/broken.wav" in rel and not any(r.endswith(".txt") for r in rel)
    with pytest.raises(FileNotFoundError):
        list_corpus(wav_corpus / "missing", (".wav",))


def test_audio_corpus_on_two_workers(client, wav_corpus):
    results = tokenize_corpus(wav_corpus, ENCODEC, client=client, files_per_task=2)
    files = list_corpus(wav_corpus, (".wav",))
    assert [r.path for r in results] == [p for p, _ in files]          # corpus order
    assert [r.index for r in results] == list(range(len(files)))
    bad = [r for r in results if not r.ok]
    assert [os.path.basename(r.path) for r in bad] == ["broken.wav"]
    assert bad[0].status == 4 and "truncated" in bad[0].error
    # Same codes as tokenizing in this process.
    with edgetok.AudioCodec(ENCODEC.model, manifest=ENCODEC.manifest) as codec:
        for r in results:
            if r.ok:
                x, rate = edgetok.read_wav(r.path)
                want = codec.encode(x, rate, bandwidth=1.8)
                assert r.tokens.dtype == np.int32 and r.tokens.shape == want.shape and want.shape[1] == 4
                np.testing.assert_array_equal(r.tokens, want)
    # Both worker processes did work, and each loaded the codec exactly once.
    assert len({r.worker for r in results}) == 2
    loads = client.run(model_loads)
    assert sorted(v.get(repr(ENCODEC), 0) for v in loads.values()) == [1, 1]


def test_outputs_written_by_workers(client, wav_corpus, tmp_path):
    task = CodecTask("mulaw")
    results = tokenize_corpus(wav_corpus, task, client=client, files_per_task=3, output_dir=tmp_path)
    ok = [r for r in results if r.ok]
    assert len(ok) == 10 and all(r.tokens is None for r in ok)
    for r in ok:
        assert r.output.startswith(str(tmp_path)) and r.output.endswith(".npy")
        codes = np.load(r.output)
        assert codes.dtype == np.int32 and codes.shape[1] == 1
    assert (tmp_path / "digits" / "0_jackson_0.npy").is_file()
    assert not (tmp_path / "digits" / "broken.npy").exists()


def test_series_corpus_chronos_and_kairos(client, csv_corpus):
    files = [p for p, _ in list_corpus(csv_corpus, (".csv",))]
    for task in (ChronosBinsTask(), KairosTask(KAIROS_MINI)):
        results = tokenize_corpus(csv_corpus, task, client=client, files_per_task=2)
        assert [r.path for r in results] == files
        bad = [r for r in results if not r.ok]
        assert [os.path.basename(r.path) for r in bad] == ["bad.csv"]
        # Without --column the reader looks for a column of numbers: the corrupt cell disqualifies it.
        assert bad[0].status == 4 and "bad.csv: no numeric column" in bad[0].error
        assert len([r for r in results if r.ok]) == 8
    # Chronos ids equal the in-process result; Kairos tokens of the one model have its width.
    bins_results = tokenize_corpus(csv_corpus, ChronosBinsTask(), client=client, files_per_task=4)
    with edgetok.ChronosBins() as bins:
        for r in bins_results:
            if r.ok:
                ids, mask, scale = bins.encode(edgetok.read_series(r.path))
                np.testing.assert_array_equal(r.tokens["ids"], ids)
                np.testing.assert_array_equal(r.tokens["attention_mask"], mask)
                assert r.tokens["scale"] == scale
    kairos = tokenize_corpus(csv_corpus, KairosTask(KAIROS_MINI), client=client)
    assert all(r.tokens["embeddings"].shape[1] == 128 for r in kairos if r.ok)


def test_serial_run_matches_cluster(client, csv_corpus):
    task = ChronosBinsTask(context_length=64)
    local = tokenize_corpus(csv_corpus, task)
    remote = tokenize_corpus(csv_corpus, task, client=client, files_per_task=1)
    assert [(r.path, r.ok) for r in local] == [(r.path, r.ok) for r in remote]
    for a, b in zip(local, remote):
        if a.ok:
            np.testing.assert_array_equal(a.tokens["ids"], b.tokens["ids"])
            assert a.tokens["ids"].size == 65


def test_missing_model_is_reported_per_file_not_raised(client, csv_corpus):
    results = tokenize_corpus(csv_corpus, KairosTask("/no/such/kairos"), client=client, files_per_task=4)
    assert len(results) == 9 and not any(r.ok for r in results)
    assert all(r.error.startswith("model load failed:") and r.status == 6 for r in results)
    with pytest.raises(ValueError, match="files_per_task"):
        tokenize_corpus(csv_corpus, ChronosBinsTask(), files_per_task=0)


def test_command_line_json_against_a_running_scheduler(client, csv_corpus, capsys):
    code = main([str(csv_corpus), "--chronos-bins", "--scheduler", client.scheduler.address, "--json"])
    lines = [json.loads(l) for l in capsys.readouterr().out.splitlines()]
    assert code == 1                                           # one file failed, the rest are done
    assert lines[-1]["files"] == 9 and lines[-1]["failed"] == 1 and lines[-1]["workers"] == 2
    rows = lines[:-1]
    assert [r["ok"] for r in rows].count(False) == 1
    air = next(r for r in rows if r["path"].endswith("darts_AirPassengers.csv"))
    assert air["tokens"]["ids"] == [145]                        # 144 values + EOS
