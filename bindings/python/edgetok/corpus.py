"""Tokenizing a whole corpus — a folder of WAV files or of CSV/``.npy`` series — in parallel, on one
machine or a Dask cluster.

    import edgetok
    from edgetok.corpus import CodecTask, tokenize_corpus
    from distributed import Client

    with Client("tcp://scheduler:8786") as client:           # or Client(LocalCluster(...))
        results = tokenize_corpus("corpus/", CodecTask("mulaw"), client=client)
    for r in results:                                        # in the corpus order
        print(r.path, r.tokens.shape if r.ok else r.error)

Each worker process loads the model once (a per-process cache keyed by the task) and keeps it for
the tasks that follow; models are thread-safe, so the threads of one worker share it. A file that
fails (corrupt, wrong format, non-numeric cell...) becomes a result with ``ok == False`` and the
library's message; the other files go on. Results come back in the order of the input files.

Dask is imported only when a cluster is used; ``client=None`` runs in this process (no Dask needed).
Command line: ``python -m edgetok.corpus --help`` (installed as ``edgetok-corpus`` by the wheel).
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence, Union

import numpy as np

from ._native import EdgeTokError
from .audio import AudioCodec
from .chronos import ChronosBins
from .core import read_series, read_wav
from .kairos import Kairos

AUDIO_SUFFIXES = (".wav",)
SERIES_SUFFIXES = (".csv", ".npy")


@dataclass(frozen=True)
class CodecTask:
    """Audio codes ``[T, K]`` (int32) of each WAV file with an :class:`edgetok.AudioCodec`.

    ``model`` is a codec folder (with ``edgetok.json``), ``"mulaw"`` or ``"lyra-v2"``; the path must
    exist on every worker. ``bandwidth`` (kbps) or ``n_codebooks`` choose K as in ``AudioCodec.encode``.
    """

    model: str
    manifest: str | None = None
    bandwidth: float | None = None
    n_codebooks: int | None = None
    suffixes: tuple[str, ...] = AUDIO_SUFFIXES

    def load(self) -> AudioCodec:
        """Loads the codec (once per worker process)."""
        return AudioCodec(self.model, manifest=self.manifest)

    def tokenize(self, codec: AudioCodec, path: str) -> np.ndarray:
        """Codes of one file (read as mono; the library resamples to the codec's rate)."""
        x, rate = read_wav(path)
        return codec.encode(x, rate, bandwidth=self.bandwidth, n_codebooks=self.n_codebooks)


@dataclass(frozen=True)
class ChronosBinsTask:
    """Chronos mean-scale uniform-bin ids of each series: ``{"ids", "attention_mask", "scale"}``.

    ``column`` picks the CSV column (name or index; default: the last numeric column).
    """

    column: str | None = None
    n_tokens: int = 4096
    context_length: int = 512
    suffixes: tuple[str, ...] = SERIES_SUFFIXES

    def load(self) -> ChronosBins:
        """Creates the tokenizer (once per worker process)."""
        return ChronosBins(n_tokens=self.n_tokens, context_length=self.context_length)

    def tokenize(self, bins: ChronosBins, path: str) -> dict[str, Any]:
        """Ids of one series file."""
        ids, mask, scale = bins.encode(read_series(path, self.column))
        return {"ids": ids, "attention_mask": mask, "scale": scale}


@dataclass(frozen=True)
class KairosTask:
    """Kairos tokens of each series (the dict of :meth:`edgetok.Kairos.tokenize`: embeddings
    ``[n, d_model]``, token_sizes, attention_mask, loc, scale, rope_cos, rope_sin).

    ``model`` is a Kairos folder that exists on every worker; ``column`` as in :class:`ChronosBinsTask`.
    """

    model: str
    column: str | None = None
    suffixes: tuple[str, ...] = SERIES_SUFFIXES

    def load(self) -> Kairos:
        """Loads the model (once per worker process)."""
        return Kairos(self.model)

    def tokenize(self, model: Kairos, path: str) -> dict[str, Any]:
        """Tokens of one series file."""
        return model.tokenize(read_series(path, self.column))


Task = Union[CodecTask, ChronosBinsTask, KairosTask]


@dataclass
class FileResult:
    """The outcome for one input file.

    ``tokens``: the task's output (an array or a dict of arrays), or None when it failed or was
    written to ``output``. ``error``: the message of a failure (``status``: the EDGETOK_STATUS_* code
    when the library reported it). ``worker``: ``host:pid`` of the process that did the work.
    """

    index: int
    path: str
    tokens: Any = None
    error: str | None = None
    status: int | None = None
    output: str | None = None
    worker: str = field(default="")

    @property
    def ok(self) -> bool:
        """True when the file was tokenized."""
        return self.error is None


# ---- the worker side: one model per process and task ------------------------------------------

_models: dict[Task, Any] = {}
_loads: Counter = Counter()
_lock = threading.Lock()


def _model(task: Task) -> Any:
    # The lock is held while loading so that two threads of one worker do not load the model twice.
    with _lock:
        m = _models.get(task)
        if m is None:
            m = task.load()
            _models[task] = m
            _loads[repr(task)] += 1
        return m


def model_loads() -> dict[str, int]:
    """How many times this process loaded each task's model (for checks: 1 per worker)."""
    with _lock:
        return dict(_loads)


def release_models() -> None:
    """Frees the models cached in this process (``client.run(release_models)`` on a cluster)."""
    with _lock:
        for m in _models.values():
            m.close()
        _models.clear()


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _output_path(output_dir: str, relative: str, tokens: Any) -> Path:
    suffix = ".npy" if isinstance(tokens, np.ndarray) else ".npz"
    out = Path(output_dir) / Path(relative).with_suffix(suffix)
    out.parent.mkdir(parents=True, exist_ok=True)
    return out


def tokenize_files(task: Task, items: Sequence[tuple[int, str, str]], output_dir: str | None = None) -> list[FileResult]:
    """Tokenizes ``(index, path, relative path)`` items in this process; what one Dask task runs.

    Every file gets a result: failures carry the message instead of raising. With ``output_dir``
    the tokens are written there (``.npy`` for codes, ``.npz`` for dicts, at the file's relative
    path) and the result holds the written path instead of the arrays.
    """
    worker = _worker_name()
    try:
        model = _model(task)
    except Exception as e:  # a missing or corrupt model: every file of the task says so
        msg, status = f"model load failed: {e}", getattr(e, "status", None)
        return [FileResult(i, p, error=msg, status=status, worker=worker) for i, p, _ in items]
    results = []
    for i, p, rel in items:
        try:
            tokens = task.tokenize(model, p)
            out = None
            if output_dir is not None:
                target = _output_path(output_dir, rel, tokens)
                if isinstance(tokens, np.ndarray):
                    np.save(target, tokens)
                else:
                    np.savez(target, **tokens)
                out, tokens = str(target), None
            results.append(FileResult(i, p, tokens=tokens, output=out, worker=worker))
        except Exception as e:  # one bad file must not stop the others
            status = e.status if isinstance(e, EdgeTokError) else None
            results.append(FileResult(i, p, error=str(e), status=status, worker=worker))
    return results


# ---- the client side ---------------------------------------------------------------------------

def list_corpus(source: str | os.PathLike | Iterable[str | os.PathLike],
                suffixes: Sequence[str]) -> list[tuple[str, str]]:
    """``(path, relative path)`` of the corpus files in a stable order: a folder is searched
    recursively for files with one of ``suffixes`` (case-insensitive) and sorted by relative path;
    an explicit list of files keeps its order (relative path = file name)."""
    if isinstance(source, (str, os.PathLike)):
        root = Path(source)
        if root.is_dir():
            wanted = {s.lower() for s in suffixes}
            files = [p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in wanted]
            rel = sorted((p.relative_to(root).as_posix(), p) for p in files)
            return [(str(p), r) for r, p in rel]
        if not root.exists():
            raise FileNotFoundError(f"corpus not found: {root}")
        return [(str(root), root.name)]
    return [(str(p), Path(p).name) for p in source]


def tokenize_corpus(source: str | os.PathLike | Iterable[str | os.PathLike], task: Task, *,
                    client: Any = None, files_per_task: int = 8,
                    output_dir: str | os.PathLike | None = None) -> list[FileResult]:
    """Tokenizes every file of ``source`` (a folder, or a list of files) with ``task``
    (:class:`CodecTask`, :class:`ChronosBinsTask` or :class:`KairosTask`).

    ``client``: a ``distributed.Client``; files are sent in groups of ``files_per_task`` and each
    worker process loads the model once. Without a client everything runs in this process.
    ``output_dir``: a folder every worker can write (shared file system) — tokens are stored there
    and the results carry only paths. Returns one :class:`FileResult` per file, in input order; a
    failed file (or a task lost with its worker) is a result with ``ok == False``, never an exception.
    """
    if files_per_task < 1:
        raise ValueError(f"files_per_task must be >= 1, got {files_per_task}")
    files = list_corpus(source, task.suffixes)
    items = [(i, p, rel) for i, (p, rel) in enumerate(files)]
    chunks = [items[k:k + files_per_task] for k in range(0, len(items), files_per_task)]
    out = None if output_dir is None else os.fspath(output_dir)
    if client is None:
        return [r for chunk in chunks for r in tokenize_files(task, chunk, out)]

    from distributed import wait  # Dask only when a cluster is used

    futures = client.map(tokenize_files, [task] * len(chunks), chunks, output_dir=out, pure=False)
    wait(futures)
    results: list[FileResult] = []
    for chunk, fut in zip(chunks, futures):
        if fut.status == "finished":
            results.extend(fut.result())
        else:  # the task itself failed (e.g. its worker died): report its files, keep the rest
            err = fut.exception()
            msg = f"task failed: {type(err).__name__}: {err}"
            results.extend(FileResult(i, p, error=msg) for i, p, _ in chunk)
    return results


# ---- command line -------------------------------------------------------------------------------

def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        prog="edgetok-corpus",
        description="Tokenize a folder of WAV files (audio codec) or CSV/.npy series (Chronos bins, "
                    "Kairos) with Dask: a local cluster, or an existing scheduler.")
    ap.add_argument("source", help="corpus folder (searched recursively) or one file")
    what = ap.add_mutually_exclusive_group(required=True)
    what.add_argument("--codec", metavar="MODEL", help="audio codec folder, 'mulaw' or 'lyra-v2'")
    what.add_argument("--kairos", metavar="DIR", help="Kairos model folder: tokens of each series")
    what.add_argument("--chronos-bins", action="store_true", help="Chronos mean-scale uniform-bin ids")
    ap.add_argument("--manifest", help="codec manifest (edgetok.json) outside the model folder")
    ap.add_argument("--bandwidth", type=float, help="codec bandwidth in kbps")
    ap.add_argument("--codebooks", type=int, help="number of codebooks K")
    ap.add_argument("--column", help="CSV column (name or 0-based index; default: last numeric)")
    ap.add_argument("--scheduler", help="address of a running scheduler, e.g. tcp://10.0.0.5:8786")
    ap.add_argument("--workers", type=int, default=2, help="local worker processes (default 2)")
    ap.add_argument("--threads-per-worker", type=int, default=1)
    ap.add_argument("--memory-limit", default="2GiB", help="per local worker (default 2GiB)")
    ap.add_argument("--files-per-task", type=int, default=8)
    ap.add_argument("--output-dir", help="write tokens here (.npy codes, .npz dicts)")
    ap.add_argument("--json", action="store_true", help="one JSON line per file, then a summary line")
    return ap.parse_args(argv)


def _describe(tokens: Any) -> Any:
    if isinstance(tokens, np.ndarray):
        return {"shape": list(tokens.shape)}
    if isinstance(tokens, dict):
        return {k: list(v.shape) if isinstance(v, np.ndarray) else v for k, v in tokens.items()}
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """``edgetok-corpus``: exit 0 when every file was tokenized, 1 when some failed (all are
    still attempted), 2 for a usage error."""
    a = _parse(argv)
    if a.codec:
        task: Task = CodecTask(a.codec, a.manifest, a.bandwidth, a.codebooks)
    elif a.kairos:
        task = KairosTask(a.kairos, a.column)
    else:
        task = ChronosBinsTask(a.column)
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        print("edgetok-corpus: Dask distributed is not installed (apt install python3-distributed, "
              "or pip install distributed)", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    cluster = None
    try:
        if not a.scheduler:
            cluster = LocalCluster(n_workers=a.workers, threads_per_worker=a.threads_per_worker,
                                   processes=True, memory_limit=a.memory_limit, dashboard_address=None)
        with Client(a.scheduler or cluster) as client:
            results = tokenize_corpus(a.source, task, client=client, files_per_task=a.files_per_task,
                                      output_dir=a.output_dir)
            workers = len(client.scheduler_info()["workers"])
    except (OSError, ValueError) as e:
        print(f"edgetok-corpus: {e}", file=sys.stderr)
        return 2
    finally:
        if cluster is not None:
            cluster.close()
    seconds = time.perf_counter() - t0
    failed = [r for r in results if not r.ok]
    for r in results:
        if a.json:
            row = {"path": r.path, "ok": r.ok, "worker": r.worker}
            row.update({"error": r.error, "status": r.status} if not r.ok else
                       {"output": r.output} if r.output else {"tokens": _describe(r.tokens)})
            print(json.dumps(row))
        elif not r.ok:
            print(f"{r.path}: {r.error}", file=sys.stderr)
    summary = {"files": len(results), "failed": len(failed), "workers": workers, "seconds": round(seconds, 2)}
    print(json.dumps(summary) if a.json else
          f"tokenized {len(results) - len(failed)} of {len(results)} files ({len(failed)} failed) "
          f"on {workers} workers in {seconds:.1f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
