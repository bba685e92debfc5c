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
import os
import queue
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from .model import DocFacts, Document

_STATE: dict[str, Any] = {}


def _init(
    model: str,
    base_dir: str | None,
    watch_actors: tuple[str, ...],
    watch_topics: tuple[str, ...],
    batch_size: int,
) -> None:
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
    return list(extract_documents(_STATE["nlp"], documents, watch_actors, watch_topics, batch_size))


def extract_parallel(
    documents: Sequence[Document],
    model: str,
    base_dir: Path | None,
    watch_actors: Sequence[str] = (),
    watch_topics: Sequence[str] = (),
    batch_size: int = 32,
    n_process: int = 2,
) -> Iterator[DocFacts]:
    """DocFacts of ``documents``, in input order, from ``n_process`` worker processes."""
    chunks = [list(documents[i : i + batch_size]) for i in range(0, len(documents), batch_size)]
    if not chunks:
        return
    ctx = multiprocessing.get_context("spawn")
    args = (
        model,
        str(base_dir) if base_dir else None,
        tuple(watch_actors),
        tuple(watch_topics),
        batch_size,
    )
    with ctx.Pool(processes=min(n_process, len(chunks)), initializer=_init, initargs=args) as pool:
        for batch in pool.imap(_work, chunks):
            yield from batch


# --- overlapped: parse here, extract in one forked worker ---------------------------------

#: Fewer documents than this are extracted in the main process (a worker costs ~50 ms).
OVERLAP_MIN_DOCS = 8
_ZONE_DOCS = 64  # Docs rebuilt per memory zone in the worker
_QUEUE_DEPTH = 64  # Docs in flight (bounds the memory the queues hold)


def can_overlap(documents: int) -> bool:
    """Whether :func:`extract_overlapped` can and should be used: a second core, the
    ``fork`` start method (Linux, macOS) and enough documents to pay for the worker."""
    return (
        documents >= OVERLAP_MIN_DOCS
        and (os.cpu_count() or 1) >= 2
        and "fork" in multiprocessing.get_all_start_methods()
    )


def _extract_worker(
    nlp: Any,
    documents: Sequence[Document],
    opts: Any,
    name: str,
    inbox: Any,
    outbox: Any,
    store: Any = None,
) -> None:
    """Rebuild each Doc from its bytes, extract its facts, send them back, in order."""
    from spacy.tokens import Doc

    from .extract import extract
    from .nlp import memory_zone

    logging.getLogger("briefgen").setLevel(logging.ERROR)  # the main process reports
    try:
        done = False
        while not done:
            with memory_zone(nlp):
                for _ in range(_ZONE_DOCS):
                    item = inbox.get()
                    if item is None:
                        done = True
                        break
                    index, data = item
                    doc = Doc(nlp.vocab).from_bytes(data)
                    facts = extract(doc, documents[index], opts)
                    facts.model = name
                    if store is not None:
                        store(index, facts)
                    outbox.put((index, facts.model_dump_json()))
    except BaseException as exc:  # noqa: BLE001 - reported by the main process
        outbox.put((-1, f"{type(exc).__name__}: {exc}"))


def extract_overlapped(
    nlp: Any,
    documents: Sequence[Document],
    watch_actors: Sequence[str] = (),
    watch_topics: Sequence[str] = (),
    batch_size: int = 32,
    store: Callable[[int, DocFacts], None] | None = None,
) -> Iterator[DocFacts]:
    """DocFacts of ``documents`` in input order, parsing here and extracting in parallel.

    ``store(index, facts)``, when given, runs in the worker as each document's facts are
    ready (the pipeline writes them to the cache there, off the parsing process).

    With one spaCy process (``nlp.n_process: 1``) the second core would sit idle while
    this one parses. Here the main process only parses (streamed through memory zones)
    and hands each Doc, serialised without its tensor (about 1.5 ms), to one worker
    forked after the model was loaded (so it shares the model and the documents); the
    worker rebuilds the Doc and extracts its facts while the next Docs are parsed. The
    facts are identical to those of :func:`briefgen.pipeline.extract_documents`.
    """
    from .extract import ExtractOptions
    from .nlp import model_name, pipe_streamed

    ctx = multiprocessing.get_context("fork")
    opts = ExtractOptions(tuple(watch_actors), tuple(watch_topics))
    inbox = ctx.Queue(maxsize=_QUEUE_DEPTH)
    outbox = ctx.Queue()
    worker = ctx.Process(
        target=_extract_worker,
        name="briefgen-extract",
        daemon=True,
        args=(nlp, documents, opts, model_name(nlp), inbox, outbox, store),
    )
    worker.start()
    expected = 0

    def receive(block: bool) -> Iterator[DocFacts]:
        nonlocal expected
        while expected < sent:
            try:
                index, payload = outbox.get(timeout=1.0) if block else outbox.get_nowait()
            except queue.Empty:
                if not block:
                    return
                if not worker.is_alive():
                    raise RuntimeError(
                        f"the extraction worker stopped (exit code "
                        f"{worker.exitcode}) before the last document"
                    ) from None
                continue
            if index < 0:
                raise RuntimeError(f"extraction failed in the worker: {payload}")
            if index != expected:  # the worker answers in order; anything else is a bug
                raise RuntimeError(
                    f"extraction worker answered document {index}, expected {expected}"
                )
            expected += 1
            yield DocFacts.model_validate_json(payload)

    sent = 0
    try:
        texts = (d.text for d in documents)
        for doc in pipe_streamed(nlp, texts, batch_size):
            inbox.put((sent, doc.to_bytes(exclude=["tensor", "user_data"])))
            sent += 1
            yield from receive(block=False)
        inbox.put(None)
        yield from receive(block=True)
    finally:
        if worker.is_alive():
            if expected < sent:  # stopped early (an error, or the consumer gave up)
                worker.terminate()
            worker.join(timeout=10)
        inbox.close()
        outbox.close()
