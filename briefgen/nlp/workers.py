"""The per-document map: parse each document, then run a job on its Doc.

A *job* turns one parsed Doc and its :class:`~briefgen.model.Document` into that
document's :class:`~briefgen.model.DocFacts` (the pipeline passes
``functools.partial(briefgen.extract.extract, opts=…)``). This module knows nothing
of what the job does; it only decides where the work runs, and returns the facts
(in input order, or with their indexes as they finish), each stamped with the name of
the model that parsed it:

* :func:`map_serial`: parse and run the job here, one Doc after another;
* :func:`map_overlapped`: parse here, run the job in one forked worker beside the
  parser (the second core is busy while this one parses);
* :func:`map_parallel` (``nlp.n_process`` > 1): worker processes each load the
  pipeline once and do both, parse and job, for a chunk of documents (longest first,
  chunks shrinking toward the end: :func:`plan_chunks`), and send back only the small
  ``DocFacts`` (as JSON), in the order the chunks finish. spaCy's own
  ``nlp.pipe(n_process=…)`` would send every Doc back instead. Workers are started
  with ``spawn`` (safe with threads, the same on every platform), so ``load`` and
  ``job`` must be picklable (module-level functions or ``functools.partial`` of them).

Every Doc lives inside a spaCy memory zone, one batch at a time.
"""

from __future__ import annotations

import functools
import gc
import logging
import multiprocessing
import os
import queue
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from briefgen.model import DocFacts, Document
from briefgen.nlp.models import model_name
from briefgen.nlp.stream import memory_zone, pipe_streamed

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

#: One document's work on its parsed Doc; it raises :class:`SkipDocument` to leave the
#: document out of the run.
DocJob = Callable[["Doc", Document], DocFacts]
#: Stores one document's facts (its index in the input, the facts) as they are ready.
Store = Callable[[int, "DocFacts | None"], None]

log = logging.getLogger(__name__)


class SkipDocument(Exception):  # noqa: N818 - a signal, not an error
    """Raised by a job to leave one document out; its message is the warning to show
    (logged by the main process, wherever the job ran)."""


def _run_job(job: DocJob, doc: Doc, document: Document, name: str) -> DocFacts | str:
    """The job's facts stamped with the model's ``name``, or the warning of a skip."""
    try:
        facts = job(doc, document)
    except SkipDocument as skip:
        return str(skip)
    facts.model = name
    return facts


def _reported(result: DocFacts | str) -> DocFacts | None:
    """A result in the main process: a skip's warning is logged here (a worker's own
    logging is muted), and becomes None."""
    if isinstance(result, str):
        log.warning("%s", result)
        return None
    return result


#: How often (seconds) a worker waiting for work checks that its parent still exists.
PARENT_CHECK = 1.0
#: Linux ``prctl`` option: the signal a process gets when its parent dies.
_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Make this (child) process end when ``parent`` does.

    On Linux the kernel sends SIGKILL to the child when its parent ends, however it ends
    (``prctl(PR_SET_PDEATHSIG)``); elsewhere, and for the race before that call, the
    worker's own loops check :func:`orphaned` while they wait.
    """
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - no libc prctl
            pass
    if orphaned(parent):
        os._exit(1)


def orphaned(parent: int) -> bool:
    """Whether the process that started this one is gone (this one was re-parented)."""
    return os.getppid() != parent


def map_serial(
    nlp: Language, documents: Sequence[Document], job: DocJob, batch_size: int = 32
) -> Iterator[DocFacts | None]:
    """Parse ``documents`` in batches here and run ``job`` on each Doc, in input order
    (None for a document the job left out).

    Docs are streamed through memory zones (:func:`~briefgen.nlp.stream.pipe_streamed`):
    each is handed to ``job`` as soon as it is parsed and then dropped, so memory stays
    flat however many documents.
    """
    name = model_name(nlp)
    texts = (d.parse_text() for d in documents)
    for doc, document in zip(pipe_streamed(nlp, texts, batch_size), documents, strict=True):
        yield _reported(_run_job(job, doc, document, name))


# --- parallel: parse and run the job in spawned worker processes ---------------------------

_STATE: dict[str, Any] = {}

#: One document's result from a parallel worker: (its index, the facts as JSON or a skip's
#: warning, whether it is facts).
Answer = tuple[int, str, bool]


def _init(load: Callable[[], Language], job: DocJob, batch_size: int, parent: int) -> None:
    die_with_parent(parent)
    logging.getLogger("briefgen").setLevel(logging.ERROR)  # the main process reports
    try:
        _STATE["nlp"] = load()
    except BaseException as exc:  # noqa: BLE001 - raised again with the first batch
        _STATE["error"] = exc
    _freeze_heap()
    _STATE["job"] = job
    _STATE["batch_size"] = batch_size


def _freeze_heap(collect: bool = True) -> None:
    """Leave what a worker holds for good (spaCy, the model) out of later garbage
    collections: the parses and extractions that follow make many short-lived objects,
    and each full collection would walk the model's objects again. A forked worker
    freezes without collecting first (a collection would touch, and so copy, every page
    of the heap it shares with its parent)."""
    if collect:
        gc.collect()
    gc.freeze()


def _work(chunk: list[tuple[int, Document]]) -> list[Answer]:
    """In a worker: parse and run the job on each document of ``chunk``; each document's
    facts go back as compact JSON (a quarter of the main process's time to read them
    back, against unpickling the pydantic objects one by one)."""
    if "error" in _STATE:
        raise _STATE["error"]
    nlp, job = _STATE["nlp"], _STATE["job"]
    name = model_name(nlp)
    texts = (d.parse_text() for _, d in chunk)
    stream = pipe_streamed(nlp, texts, _STATE["batch_size"])
    out: list[Answer] = []
    for doc, (index, document) in zip(stream, chunk, strict=True):
        result = _run_job(job, doc, document, name)
        if isinstance(result, str):
            out.append((index, result, False))
        else:
            out.append((index, result.model_dump_json(), True))
    return out


#: ``nlp.n_process: auto`` starts a second process only when each process gets at least
#: this many documents: a worker process costs about a second and a half (spawn, import
#: spaCy, load the model), some ten documents' parse, and below a few batches each the
#: overlapped single process (:func:`map_overlapped`) is as fast.
AUTO_DOCS_PER_PROCESS = 48
#: The smallest chunk :func:`plan_chunks` makes (but for the very last): below a few
#: documents a chunk's round trip and spaCy's per-batch set-up start to show.
MIN_CHUNK = 4
#: :func:`plan_chunks` keeps each chunk at most 1 / (``TAIL_SHARE`` × workers) of the text
#: still to hand out, so the chunks shrink toward the end.
TAIL_SHARE = 2


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity where the OS tells)."""
    affinity = getattr(os, "sched_getaffinity", None)
    if affinity is not None:
        try:
            return max(1, len(affinity(0)))
        except OSError:
            pass
    return max(1, os.cpu_count() or 1)


def processes_for(n_process: int | str, documents: int, batch_size: int) -> int:
    """How many processes parse ``documents``: ``nlp.n_process`` as configured (when there
    is more than one batch to share), or for ``auto`` every core when the documents are
    enough to pay for the extra model loads (:data:`AUTO_DOCS_PER_PROCESS` each), and one
    otherwise."""
    if n_process == "auto":
        wanted = min(available_cores(), documents // AUTO_DOCS_PER_PROCESS)
    else:
        wanted = int(n_process)
    if wanted <= 1 or documents <= batch_size:
        return 1
    return wanted


def plan_chunks(
    sizes: Sequence[int], workers: int, batch_size: int, min_chunk: int = MIN_CHUNK
) -> list[list[int]]:
    """The documents (their indexes) in chunks for ``workers`` processes that each take
    the next chunk when they finish one, every document in exactly one chunk.

    ``sizes`` are the documents' lengths, a fair guess of their cost. The longest go
    first and the chunks shrink toward the end: each holds at most ``batch_size``
    documents and at most 1 / (:data:`TAIL_SHARE` × ``workers``) of the text not yet
    handed out (but at least ``min_chunk`` documents). So the last chunks are a few short
    documents, and no process sits idle for long at the end while another finishes a big
    chunk (a chunk of 32 ordinary articles is some 5 s of parsing, so with such chunks in
    input order one of two processes waits about half of that, on average, at the end of
    a run). Sorting by length also puts documents of
    like length in one spaCy batch. Ties keep the input order: the plan depends only on
    the sizes.
    """
    order = sorted(range(len(sizes)), key=lambda i: (-sizes[i], i))
    left = sum(max(0, s) for s in sizes)
    share = TAIL_SHARE * max(1, workers)
    chunks: list[list[int]] = []
    pos = 0
    while pos < len(order):
        cap = left / share
        chunk: list[int] = []
        work = 0
        while pos < len(order) and len(chunk) < max(1, batch_size):
            size = max(0, sizes[order[pos]])
            if len(chunk) >= min_chunk and work + size > cap:
                break
            chunk.append(order[pos])
            work += size
            pos += 1
        left -= work
        chunks.append(chunk)
    return chunks


def map_parallel(
    documents: Sequence[Document],
    load: Callable[[], Language],
    job: DocJob,
    batch_size: int = 32,
    n_process: int = 2,
) -> Iterator[tuple[int, DocFacts | None]]:
    """``(index, facts)`` for ``documents`` from ``n_process`` workers that each build
    their pipeline with ``load()``, as the chunks of :func:`plan_chunks` finish (not in
    input order; facts are None for a document the job left out)."""
    plan = plan_chunks([len(d.text) for d in documents], n_process, batch_size)
    chunks = [[(i, documents[i]) for i in chunk] for chunk in plan]
    early = take_prestarted((load, job, batch_size))
    if not chunks:
        if early is not None:
            early.terminate()
        return
    if early is not None:
        log.debug("nlp: the worker processes started early are taking the documents")
    ctx = multiprocessing.get_context("spawn")
    with early or ctx.Pool(
        processes=min(n_process, len(chunks)),
        initializer=_init,
        initargs=(load, job, batch_size, os.getpid()),
    ) as pool:
        for answers in pool.imap_unordered(_work, chunks):
            for index, payload, ok in answers:
                yield index, DocFacts.model_validate_json(payload) if ok else _reported(payload)


#: The pool :func:`prestart` started, with what it was started for, until
#: :func:`take_prestarted` takes it or :func:`drop_prestarted` ends it.
_EARLY: dict[str, Any] = {}


def prestart(load: Callable[[], Language], job: DocJob, batch_size: int, processes: int) -> None:
    """Start :func:`map_parallel`'s worker processes now, before the documents are known:
    each imports spaCy and loads its pipeline (about a second and a half) while this
    process reads the sources. The next :func:`map_parallel` with the same ``load``,
    ``job`` and ``batch_size`` (compared by value) takes them; :func:`drop_prestarted`
    ends them when the build turns out not to need them."""
    if _EARLY or processes < 2:
        return
    ctx = multiprocessing.get_context("spawn")
    try:
        pool = ctx.Pool(
            processes=processes,
            initializer=_init,
            initargs=(load, job, batch_size, os.getpid()),
        )
    except OSError as error:  # no processes left: map_parallel tries again when needed
        log.debug("nlp: no early worker processes (%s)", error)
        return
    _EARLY.update(pool=pool, key=_same((load, job, batch_size)))


def _same(what: tuple[Any, ...]) -> tuple[Any, ...]:
    """A value to compare a (load, job, batch_size) by: partials by their function and
    arguments (two equal partials are different objects)."""
    return tuple(
        (p.func, p.args, tuple(sorted(p.keywords.items())))
        if isinstance(p, functools.partial)
        else p
        for p in what
    )


def take_prestarted(what: tuple[Any, ...]) -> Any:
    """The pool :func:`prestart` started for ``what`` (load, job, batch_size), or None; a
    pool started for something else is ended."""
    if not _EARLY:
        return None
    pool, key = _EARLY.pop("pool"), _EARLY.pop("key")
    if key == _same(what):
        return pool
    pool.terminate()
    return None


def drop_prestarted() -> None:
    """End the pool :func:`prestart` started, if nothing took it."""
    if _EARLY:
        _EARLY.pop("key")
        _EARLY.pop("pool").terminate()


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
    parent: int = 0,
) -> None:
    """Rebuild each Doc from its bytes, run the job, send the facts back, in order.

    The worker ends with its parent: it asks the kernel for that (Linux) and checks
    while it waits for work, so a killed run never leaves it blocked on the queue."""
    from spacy.tokens import Doc

    die_with_parent(parent)
    logging.getLogger("briefgen").setLevel(logging.ERROR)  # the main process reports
    _freeze_heap(collect=False)
    name = model_name(nlp)
    try:
        done = False
        while not done:
            with memory_zone(nlp):
                for _ in range(_ZONE_DOCS):
                    item = _get(inbox, parent)
                    if item is None:
                        done = True
                        break
                    index, data = item
                    doc = Doc(nlp.vocab).from_bytes(data)
                    result = _run_job(job, doc, documents[index], name)
                    facts = result if isinstance(result, DocFacts) else None
                    if store is not None:
                        store(index, facts)
                    warning = result if isinstance(result, str) else ""
                    outbox.put((index, facts.model_dump_json() if facts else warning, bool(facts)))
    except BaseException as exc:  # noqa: BLE001 - reported by the main process
        outbox.put((-1, f"{type(exc).__name__}: {exc}", False))


def _get(inbox: Any, parent: int) -> Any:
    """The next item of ``inbox``; the worker exits when its parent is gone."""
    while True:
        try:
            return inbox.get(timeout=PARENT_CHECK)
        except queue.Empty:
            if parent and orphaned(parent):
                os._exit(1)


def _put(inbox: Any, item: Any, worker: Any) -> None:
    """Put ``item`` on the worker's ``inbox`` unless the worker has stopped (a full queue
    no one reads would block this process for ever)."""
    while True:
        try:
            inbox.put(item, timeout=PARENT_CHECK)
            return
        except queue.Full:
            if not worker.is_alive():
                raise RuntimeError(
                    f"the extraction worker stopped (exit code {worker.exitcode})"
                ) from None


def map_overlapped(
    nlp: Language,
    documents: Sequence[Document],
    job: DocJob,
    batch_size: int = 32,
    store: Store | None = None,
) -> Iterator[DocFacts | None]:
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
        args=(nlp, documents, job, inbox, outbox, store, os.getpid()),
    )
    worker.start()
    expected = 0
    sent = 0

    def receive(block: bool) -> Iterator[DocFacts | None]:
        nonlocal expected
        while expected < sent:
            try:
                index, payload, ok = outbox.get(timeout=1.0) if block else outbox.get_nowait()
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
            yield DocFacts.model_validate_json(payload) if ok else _reported(payload)

    try:
        texts = (d.parse_text() for d in documents)
        for doc in pipe_streamed(nlp, texts, batch_size):
            _put(inbox, (sent, doc.to_bytes(exclude=["tensor", "user_data"])), worker)
            sent += 1
            yield from receive(block=False)
        _put(inbox, None, worker)
        yield from receive(block=True)
    finally:
        if worker.is_alive():
            if expected < sent:  # stopped early (an error, or the consumer gave up)
                worker.terminate()
            worker.join(timeout=10)
        inbox.close()
        outbox.close()
