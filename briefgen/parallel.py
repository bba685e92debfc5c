"""Parse and extract in worker processes (``nlp.n_process`` > 1).

spaCy's own ``nlp.pipe(n_process=…)`` parses in workers but sends every Doc back to
the main process, which would then extract alone. Here each worker loads the
pipeline once and does both, parse and extract, for a batch of documents, and
sends back only the small ``DocFacts``; the main process just collects them in
input order (and writes the cache). Workers are started with ``spawn`` (safe
with threads, the same on every platform); each holds one batch of Docs at a
time, inside a spaCy memory zone.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from .model import DocFacts, Document

_STATE: dict[str, Any] = {}


def _init(model: str, base_dir: str | None, watch_actors: tuple[str, ...],
          watch_topics: tuple[str, ...], batch_size: int) -> None:
    logging.getLogger("briefgen").setLevel(logging.ERROR)  # the main process reports
    try:
        from .pipeline import load_nlp

        _STATE["nlp"] = load_nlp(model, Path(base_dir) if base_dir else None, watch_actors)
    except BaseException as exc:  # noqa: BLE001 - raised again with the first batch
        _STATE["error"] = exc
    _STATE["args"] = (watch_actors, watch_topics, batch_size)


def _work(documents: list[Document]) -> list[DocFacts]:
    if "error" in _STATE:
        raise _STATE["error"]
    from .pipeline import extract_documents

    watch_actors, watch_topics, batch_size = _STATE["args"]
    return list(extract_documents(_STATE["nlp"], documents, watch_actors, watch_topics,
                                  batch_size))


def extract_parallel(
    documents: Sequence[Document], model: str, base_dir: Path | None,
    watch_actors: Sequence[str] = (), watch_topics: Sequence[str] = (),
    batch_size: int = 32, n_process: int = 2,
) -> Iterator[DocFacts]:
    """DocFacts of ``documents``, in input order, from ``n_process`` worker processes."""
    chunks = [list(documents[i:i + batch_size]) for i in range(0, len(documents), batch_size)]
    if not chunks:
        return
    ctx = multiprocessing.get_context("spawn")
    args = (model, str(base_dir) if base_dir else None, tuple(watch_actors),
            tuple(watch_topics), batch_size)
    with ctx.Pool(processes=min(n_process, len(chunks)), initializer=_init,
                  initargs=args) as pool:
        for batch in pool.imap(_work, chunks):
            yield from batch
