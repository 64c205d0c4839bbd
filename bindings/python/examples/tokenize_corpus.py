#!/usr/bin/env python3
"""Tokenize a folder of WAV files with an audio codec on a Dask cluster, in corpus order.

    python3 tokenize_corpus.py FOLDER [--codec mulaw | DIR] [--manifest M] [--workers 2]
                               [--scheduler tcp://HOST:8786] [--output-dir codes/]

Without --scheduler a LocalCluster of --workers processes is started. Every worker loads the codec
once; a file that cannot be read is listed with its error and the others are still tokenized.
The same for series and more options: python3 -m edgetok.corpus --help (or edgetok-corpus).
"""
import argparse
import sys
from distributed import Client, LocalCluster

from edgetok.corpus import CodecTask, model_loads, tokenize_corpus


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder")
    ap.add_argument("--codec", default="mulaw")
    ap.add_argument("--manifest")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--scheduler")
    ap.add_argument("--output-dir")
    a = ap.parse_args()

    task = CodecTask(a.codec, manifest=a.manifest)
    cluster = None if a.scheduler else LocalCluster(n_workers=a.workers, threads_per_worker=1,
                                                    memory_limit="1GiB", dashboard_address=None)
    try:
        with Client(a.scheduler or cluster) as client:
            results = tokenize_corpus(a.folder, task, client=client, output_dir=a.output_dir)
            loads = client.run(model_loads)      # {worker address: {task: loads}}
    finally:
        if cluster is not None:
            cluster.close()
    for r in results:
        what = (r.output or f"codes {tuple(r.tokens.shape)}") if r.ok else f"FAILED: {r.error}"
        print(f"{r.index:4d} {r.path}: {what}")
    failed = sum(not r.ok for r in results)
    per_worker = sorted(sum(v.values()) for v in loads.values())
    print(f"{len(results)} files, {failed} failed; model loads per worker: {per_worker}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
