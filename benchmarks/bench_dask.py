"""Dask executor benchmark: a local build against the same build on ``dask-local:N``.

    python benchmarks/bench_dask.py                  # 400 articles, dask-local:2
    python benchmarks/bench_dask.py --n 200 --workers 2 --repeat 2

On N PolNeAR articles (``../shared/corpus/polnear-train/text/``, publisher and date from
its ``metadata.tsv``, the same pick as ``bench_build.py``), each build a separate cold
process (empty cache, JSON only, so that the figures are the per-document work):

* **one process** — the true one-process floor: the same pipeline (``load_nlp`` with the
  watchlist) parses and extracts every document in one process, one after the other
  (``map_serial``, imports and model load included, no ingest, fusion or rendering), so a
  build can only be slower than this by its other stages;
* **local, 1 process** — ``nlp.executor: local``, ``nlp.n_process: 1``: one spaCy process,
  extraction overlapped in a forked worker (already part of a second core);
* **local, auto** — ``nlp.n_process: auto`` (the default): as many worker processes as
  cores, each parsing and extracting, without Dask (what the cluster competes with here);
* **dask-local:N** — ``nlp.executor: dask-local:N``: a ``distributed.LocalCluster`` of N
  worker processes, each loading the model once, documents in batches;

and checks that every build writes the same JSON (``SOURCE_DATE_EPOCH`` pinned). Then the
**per-document scheduling overhead**: a trivial job (a blank spaCy pipeline, nothing
extracted) over the same documents through the cluster, at batch size 1 and at the
executor's batch size, against the same job run in one process; the difference per
document is what Dask's scheduling, serialisation and transfer cost.

Prints one table; a measurement, not a test. Exits 0 with a message when the corpus or
the ``dask`` extra is absent.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_build  # noqa: E402 - the benchmark next door: corpus pick, project, process timing

ACTORS = ["Donald Trump", "Hillary Clinton"]  # bench_build.write_project's watchlist


def project(root: Path, files: list[Path], meta: dict, executor: str, n_process: str) -> Path:
    args = argparse.Namespace(
        formats="json", model="auto", batch_size=32, n_process=n_process, grade=[]
    )
    root.mkdir(parents=True, exist_ok=True)
    config = bench_build.write_project(root, files, meta, args)
    text = config.read_text(encoding="utf-8").replace(
        f"  n_process: {n_process}\n", f"  n_process: {n_process}\n  executor: {executor}\n"
    )
    config.write_text(text, encoding="utf-8")
    return config


FLOOR = """
import json, sys, time
from functools import partial
from pathlib import Path
from briefgen.facts import extract_or_skip
from briefgen.extract import ExtractOptions
from briefgen.model import Document
from briefgen.nlp import load_nlp
from briefgen.nlp.workers import map_serial
args = json.load(sys.stdin)
options = ExtractOptions(tuple(args["actors"]))
nlp = load_nlp("auto", None, options.watch_actors)
docs = [Document(text=Path(p).read_text(encoding="utf-8"), title=Path(p).stem, path=p)
        for p in args["files"]]
job = partial(extract_or_skip, options=options)
kept = sum(1 for f in map_serial(nlp, docs, job, args["batch_size"]) if f is not None)
print(kept)
"""


def one_process(files: list[Path], env: dict[str, str]) -> bench_build.Run:
    """The one-process floor: parse and extract every document here, serially."""
    stdin = json.dumps({"files": [str(f) for f in files], "batch_size": 32, "actors": ACTORS})
    return bench_build.run([sys.executable, "-c", FLOOR], stdin, env)


def cold_build(config: Path, env: dict[str, str]) -> bench_build.Run:
    shutil.rmtree(config.parent / "cache", ignore_errors=True)
    cmd = [sys.executable, "-m", "briefgen", "build", "--config", str(config)]
    return bench_build.run(cmd, env=env)


def _trivial(doc: object, document: object) -> object:
    from briefgen.model import DocFacts, DocumentRef

    d = document  # a briefgen Document
    return DocFacts(
        document=DocumentRef(id=d.id, title=d.title, sha256=d.sha256)  # type: ignore[attr-defined]
    )


def _blank() -> object:
    import spacy

    return spacy.blank("en")


def overhead(files: list[Path], workers: int, batch: int) -> list[tuple[str, float, float]]:
    """(label, seconds, ms per document) for the trivial job, in one process and on the
    cluster at batch size 1 and ``batch``."""
    import cloudpickle

    from briefgen.model import Document
    from briefgen.nlp.cluster import map_dask
    from briefgen.nlp.workers import map_serial

    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    docs = [Document(text=f.read_text(encoding="utf-8"), title=f.stem) for f in files]
    nlp = _blank()
    t0 = time.perf_counter()
    for _ in map_serial(nlp, docs, _trivial, batch):  # type: ignore[arg-type]
        pass
    serial = time.perf_counter() - t0
    rows = [("one process, no Dask", serial, 1000 * serial / len(docs))]
    import logging

    import distributed

    # One cluster, started and warmed before the clock: the overhead per document, not
    # the start-up (which the builds above include).
    with distributed.LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    ) as cluster:
        address = cluster.scheduler_address
        list(map_dask(docs[:8], _blank, _trivial, address=address, batch_size=1))  # type: ignore[arg-type]
        for size in (1, batch):
            t0 = time.perf_counter()
            got = sum(
                1
                for _ in map_dask(docs, _blank, _trivial, address=address, batch_size=size)  # type: ignore[arg-type]
            )
            seconds = time.perf_counter() - t0
            assert got == len(docs)
            label = f"dask-local:{workers}, batch {size}"
            rows.append((label, seconds, 1000 * seconds / len(docs)))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=400, help="articles (default 400)")
    parser.add_argument("--workers", type=int, default=2, help="dask-local workers (default 2)")
    parser.add_argument(
        "--corpus",
        type=Path,
        default=Path(os.environ.get("BRIEFGEN_CORPUS", bench_build.DEFAULT_CORPUS)),
    )
    parser.add_argument("--repeat", type=int, default=1, help="keep the fastest of this many")
    parser.add_argument("--keep", type=Path, help="keep the projects and briefs in this folder")
    args = parser.parse_args(argv)
    try:
        import distributed  # noqa: F401
    except ImportError:
        print("the dask extra is not installed (pip install 'briefgen[dask]'); skipping")
        return 0
    text_dir = args.corpus / "polnear-train" / "text"
    files = sorted(text_dir.glob("*.txt")) if text_dir.is_dir() else []
    if not files:
        print(f"corpus not found at {text_dir}; skipping")
        return 0
    meta = bench_build.read_metadata(args.corpus)
    chosen = bench_build.pick(files, meta, min(args.n, len(files)))
    n = len(chosen)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"briefgen Dask benchmark: {n} articles, dask-local:{args.workers}, {os.cpu_count()} "
        f"CPU(s), load average {load:.1f} at start; best of {args.repeat}",
        flush=True,
    )
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="briefgen-bench-dask-"))
    env = dict(os.environ, PYTHONHASHSEED="0", SOURCE_DATE_EPOCH="1700000000")
    env.pop("BRIEFGEN_CACHE_DIR", None)
    cluster = f"dask-local:{args.workers}"
    configs = {
        "local": project(workdir / "local", chosen, meta, "local", "1"),
        "local, auto": project(workdir / "auto", chosen, meta, "local", "auto"),
        cluster: project(workdir / "dask", chosen, meta, cluster, "1"),
    }
    best: dict[str, bench_build.Run] = {}
    try:
        for _ in range(args.repeat):  # interleaved, so that a slow spell hits every run
            got = one_process(chosen, env)
            if "one process" not in best or got.seconds < best["one process"].seconds:
                best["one process"] = got
            print(f"  one process: {got.seconds:.1f} s", flush=True)
            for label, config in configs.items():
                got = cold_build(config, env)
                if label not in best or got.seconds < best[label].seconds:
                    best[label] = got
                print(f"  {label}: {got.seconds:.1f} s", flush=True)
        folders = ("local", "auto", "dask")
        briefs = {(workdir / d / "out" / "brief.json").read_bytes() for d in folders}
        same = len(briefs) == 1
        rows = overhead(chosen, args.workers, 32)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    floor = best["one process"].seconds
    base = best["local"].seconds
    print(
        f"{'run':<22} {'wall s':>7} {'docs/s':>7} {'× 1 proc':>8} {'× local':>8} "
        f"{'peak MB':>8}  stages (s)"
    )
    for label, r in best.items():
        stages = ", ".join(f"{k} {v:.2f}" for k, v in bench_build.stage_times(r.stderr).items())
        print(
            f"{label:<22} {r.seconds:>7.1f} {n / r.seconds:>7.2f} {floor / r.seconds:>8.2f} "
            f"{base / r.seconds:>8.2f} {r.peak_mb:>8.0f}  {stages}"
        )
    print(f"same JSON from every build: {'yes' if same else 'NO'}")
    print(f"{'trivial job':<28} {'wall s':>7} {'ms/doc':>7}")
    for label, seconds, per_doc in rows:
        print(f"{label:<28} {seconds:>7.2f} {per_doc:>7.2f}")
    serial = rows[0][2]
    for label, _, per_doc in rows[1:]:
        print(f"scheduling overhead, {label}: {per_doc - serial:+.2f} ms per document")
    if hasattr(os, "getloadavg"):
        print("load average at the end: " + " / ".join(f"{x:.1f}" for x in os.getloadavg()))
    speedup = floor / best[cluster].seconds
    print(
        f"target: {cluster} near 1.7× the one-process throughput: {speedup:.2f}× "
        f"({base / best[cluster].seconds:.2f}× the default local build)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
