"""The per-document map: parse each document, then run a job on its Doc.

A *job* turns one parsed Doc and its :class:`~briefgen.model.Document` into that
document's :class:`~briefgen.model.DocFacts` (the pipeline passes
``functools.partial(briefgen.extract.extract, opts=…)``). This module knows nothing
of what the job does; it only decides where the work runs, and returns the facts in
input order, each stamped with the name of the model that parsed it:

* :func:`map_serial`: parse and run the job here, one Doc after another;
* :func:`map_overlapped`: parse here, run the job in one forked worker beside the
  parser (the second core is busy while this one parses);
* :func:`map_parallel` (``nlp.n_process`` > 1): worker processes each load the
  pipeline once and do both, parse and job, for a batch of documents, and send back
  only the small ``DocFacts``. spaCy's own ``nlp.pipe(n_process=…)`` would send every
  Doc back instead. Workers are started with ``spawn`` (safe with threads, the same on
  every platform), so ``load`` and ``job`` must be picklable (module-level functions
  or ``functools.partial`` of them).

Every Doc lives inside a spaCy memory zone, one batch at a time.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from briefgen.model import DocFacts, Document
from briefgen.nlp.models import model_name
from briefgen.nlp.stream import memory_zone, pipe_streamed

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

#: One document's work on its parsed Doc.
DocJob = Callable[["Doc", Document], DocFacts]
#: Stores one document's facts (its index in the input, the facts) as they are ready.
Store = Callable[[int, DocFacts], None]


def map_serial(
    nlp: Language, documents: Sequence[Document], job: DocJob, batch_size: int = 32
) -> Iterator[DocFacts]:
    """Parse ``documents`` in batches here and run ``job`` on each Doc, in input order.

    Docs are streamed through memory zones (:func:`~briefgen.nlp.stream.pipe_streamed`):
    each is handed to ``job`` as soon as it is parsed and then dropped, so memory stays
    flat however many documents.
    """
    name = model_name(nlp)
    texts = (d.parse_text() for d in documents)
    for doc, document in zip(pipe_streamed(nlp, texts, batch_size), documents, strict=True):
        facts = job(doc, document)
        facts.model = name
        yield facts


# --- parallel: parse and run the job in spawned worker processes ---------------------------

_STATE: dict[str, Any] = {}


def _init(load: Callable[[], Language], job: DocJob, batch_size: int) -> None:
    logging.getLogger("briefgen").setLevel(logging.ERROR)  # the main process reports
    try:
        _STATE["nlp"] = load()
    except BaseException as exc:  # noqa: BLE001 - raised again with the first batch
        _STATE["error"] = exc
    _STATE["job"] = job
    _STATE["batch_size"] = batch_size


def _work(documents: list[Document]) -> list[DocFacts]:
    if "error" in _STATE:
        raise _STATE["error"]
    return list(map_serial(_STATE["nlp"], documents, _STATE["job"], _STATE["batch_size"]))


def map_parallel(
    documents: Sequence[Document],
    load: Callable[[], Language],
    job: DocJob,
    batch_size: int = 32,
    n_process: int = 2,
) -> Iterator[DocFacts]:
    """``job``'s facts for ``documents``, in input order, from ``n_process`` workers that
    each build their pipeline with ``load()``."""
    chunks = [list(documents[i : i + batch_size]) for i in range(0, len(documents), batch_size)]
    if not chunks:
        return
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(
        processes=min(n_process, len(chunks)), initializer=_init, initargs=(load, job, batch_size)
    ) as pool:
        for batch in pool.imap(_work, chunks):
            yield from batch


# --- overlapped: parse here, run the job in one forked worker -------------------------------

#: Fewer documents than this are done in the main process (a worker costs ~50 ms).
OVERLAP_MIN_DOCS = 8
_ZONE_DOCS = 64  # Docs rebuilt per memory zone in the worker
_QUEUE_DEPTH = 64  # Docs in flight (bounds the memory the queues hold)


def can_overlap(documents: int) -> bool:
    """Whether :func:`map_overlapped` can and should be used: a second core, the
    ``fork`` start method (Linux, macOS) and enough documents to pay for the worker."""
    return (
        documents >= OVERLAP_MIN_DOCS
        and (os.cpu_count() or 1) >= 2
        and "fork" in multiprocessing.get_all_start_methods()
    )


def _job_worker(
    nlp: Language,
    documents: Sequence[Document],
    job: DocJob,
    inbox: Any,
    outbox: Any,
    store: Store | None = None,
) -> None:
    """Rebuild each Doc from its bytes, run the job, send the facts back, in order."""
    from spacy.tokens import Doc

    logging.getLogger("briefgen").setLevel(logging.ERROR)  # the main process reports
    name = model_name(nlp)
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
                    facts = job(doc, documents[index])
                    facts.model = name
                    if store is not None:
                        store(index, facts)
                    outbox.put((index, facts.model_dump_json()))
    except BaseException as exc:  # noqa: BLE001 - reported by the main process
        outbox.put((-1, f"{type(exc).__name__}: {exc}"))


def map_overlapped(
    nlp: Language,
    documents: Sequence[Document],
    job: DocJob,
    batch_size: int = 32,
    store: Store | None = None,
) -> Iterator[DocFacts]:
    """``job``'s facts for ``documents`` in input order, parsing here and running the job
    in parallel.

    ``store(index, facts)``, when given, runs in the worker as each document's facts are
    ready (the pipeline writes them to the cache there, off the parsing process).

    With one spaCy process (``nlp.n_process: 1``) the second core would sit idle while
    this one parses. Here the main process only parses (streamed through memory zones)
    and hands each Doc, serialised without its tensor (about 1.5 ms), to one worker
    forked after the model was loaded (so it shares the model and the documents); the
    worker rebuilds the Doc and runs the job while the next Docs are parsed. The facts
    are identical to those of :func:`map_serial`.
    """
    ctx = multiprocessing.get_context("fork")
    inbox = ctx.Queue(maxsize=_QUEUE_DEPTH)
    outbox = ctx.Queue()
    worker = ctx.Process(
        target=_job_worker,
        name="briefgen-extract",
        daemon=True,
        args=(nlp, documents, job, inbox, outbox, store),
    )
    worker.start()
    expected = 0
    sent = 0

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
                        f"the extraction worker stopped (exit code {worker.exitcode}) "
                        "before the last document"
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

    try:
        texts = (d.parse_text() for d in documents)
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
