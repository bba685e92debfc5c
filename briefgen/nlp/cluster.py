"""The per-document map on a Dask cluster (``nlp.executor: dask://HOST:PORT | dask-local:N``).

:func:`map_dask` sends the documents to the workers of a Dask ``distributed`` scheduler
in batches (longest documents first, batches shrinking toward the end:
:func:`~briefgen.nlp.workers.plan_chunks`); each worker parses and extracts them (the
same job as the local maps of :mod:`briefgen.nlp.workers`) and sends back only the small
``DocFacts``, as JSON. Results come
back as batches finish, in whatever order, as ``(index, facts)`` pairs, so the caller
can cache each one the moment it arrives.

* **The model once per worker.** A worker process keeps the pipeline it loaded in a
  module-level cache keyed by what was loaded (model, folder, watchlist actors): the
  first batch a worker runs loads it, every later batch reuses it. Batches on one
  worker run one at a time (a lock), so start workers with ``--nthreads 1``.
* **Faults.** A worker that dies mid-batch: the scheduler gives its batches to another
  worker (Dask retries a task whose worker died up to
  ``distributed.scheduler.allowed-failures`` times). A batch that keeps killing workers
  is split into single documents, and a document that still kills its worker is
  skipped with a warning naming it. A document on which the extractor raises is
  skipped with a warning naming it (the batch's other documents are kept). A
  scheduler that cannot be reached, or goes away mid-build, is an
  :class:`~briefgen.errors.ExecutorError` naming its address; the facts received
  until then have been handed to the caller (and cached by it).
* **Optional.** ``distributed`` is imported only here, only when a Dask executor is
  asked for; without it the error names the extra: ``pip install 'briefgen[dask]'``.

Every worker needs briefgen and the spaCy model installed (the same versions as the
client: the facts are keyed in the cache by the client's model version).
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import logging
import os
import pickle
import sys
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from briefgen.errors import ExecutorError
from briefgen.model import DocFacts, Document
from briefgen.nlp.models import model_name
from briefgen.nlp.stream import pipe_streamed
from briefgen.nlp.workers import plan_chunks

if TYPE_CHECKING:
    from spacy.language import Language

    from briefgen.nlp.workers import DocJob

log = logging.getLogger(__name__)

EXTRA_HINT = "pip install 'briefgen[dask]'"
#: Seconds to wait for the scheduler to answer, and for a first worker to join it.
CONNECT_TIMEOUT = 10.0
WORKER_TIMEOUT = 60.0


def _distributed() -> Any:
    """The ``distributed`` package, or an :class:`ExecutorError` naming the extra."""
    try:
        import distributed
    except ImportError:
        raise ExecutorError(
            "nlp.executor: a Dask executor needs Dask distributed, which is not installed; "
            f"install the extra with {EXTRA_HINT} (or set nlp.executor: local)"
        ) from None
    return distributed


# --- on the worker ---------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkSpec:
    """What a worker needs besides the documents: how to load the pipeline, the job, the
    spaCy batch size, and ``token`` naming the pipeline (the worker's cache key)."""

    load: Callable[[], Language]
    job: DocJob
    batch_size: int
    token: str
    #: What names the job's code on the worker (the extractor's digest), and the client's:
    #: a worker whose briefgen differs would fill the client's cache with other facts.
    fingerprint: Callable[[], str] | None = None
    expected: str = ""


_WORKER: dict[str, Any] = {}
_WORKER_LOCK = threading.Lock()

#: One document's result from a worker: (index, the facts as JSON, True), or (index,
#: "Error: message", False). JSON is what travels back: reading it is a quarter of the
#: client's time to unpickle the pydantic objects (about 1 against 4 ms a document).
Result = tuple[int, str, bool]


#: What Dask's nanny sets in every worker it spawns
#: (``distributed.nanny.pre-spawn-environ``), so that workers hand freed memory back to
#: the system at once.
DASK_TRIM = "65536"
#: glibc's own malloc thresholds once they have adapted to a process that frees big
#: blocks: its dynamic mmap threshold rises to at most 32 MiB, its trim threshold to
#: twice that. Setting any threshold in the environment turns that adaptation off.
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_MMAP_MAX = 32 * 1024 * 1024


def relax_malloc() -> bool:
    """Give this process glibc's adapted malloc thresholds back if Dask's nanny took them
    away (``MALLOC_TRIM_THRESHOLD_=65536``). With 64 kB the heap is trimmed after every
    free and every numpy array over 128 kB is a fresh mapping: parsing then took ten
    times the page faults (2.4 million against 0.23 for 200 articles), a sixth of a
    worker's time in the kernel, and the build a third longer than without Dask. Only
    Dask's exact value is undone (one set by hand is kept); a no-op off glibc."""
    if os.environ.get("MALLOC_TRIM_THRESHOLD_") != DASK_TRIM or not sys.platform.startswith(
        "linux"
    ):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, _MMAP_MAX)) and bool(
        mallopt(_M_TRIM_THRESHOLD, 2 * _MMAP_MAX)
    )


def _pipeline(spec: WorkSpec) -> Language:
    """This worker's pipeline for ``spec``, loaded on first use and kept."""
    if _WORKER.get("token") != spec.token:
        relax_malloc()
        _WORKER.clear()  # one pipeline per worker: a new setting replaces the old one
        if spec.fingerprint is not None and spec.fingerprint() != spec.expected:
            raise RuntimeError(
                "briefgen's extractor on this worker is not the client's (another version "
                "or edited code); install the same briefgen on every worker"
            )
        _WORKER["nlp"] = spec.load()
        _WORKER["token"] = spec.token
    nlp: Language = _WORKER["nlp"]
    return nlp


def run_batch(spec: WorkSpec, batch: list[tuple[int, Document]]) -> list[Result]:
    """On a worker: parse and extract each document of ``batch``; a document on which
    the job (or the parser) raises comes back as its error message instead."""
    with _WORKER_LOCK:
        nlp = _pipeline(spec)
        name = model_name(nlp)
        out: list[Result] = []
        todo = list(batch)
        while todo:
            try:
                texts = (document.parse_text() for _, document in todo)
                for doc, (index, document) in zip(
                    pipe_streamed(nlp, texts, spec.batch_size), list(todo), strict=True
                ):
                    todo.pop(0)
                    try:
                        facts = spec.job(doc, document)
                    except Exception as exc:  # noqa: BLE001 - one document, reported by name
                        out.append((index, _describe(exc), False))
                        continue
                    facts.model = name
                    out.append((index, facts.model_dump_json(), True))
            except Exception as exc:  # noqa: BLE001 - the parser failed on todo[0]
                index, _ = todo.pop(0)
                out.append((index, _describe(exc), False))
        return out


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split())[:300]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# --- on the client ---------------------------------------------------------------------------


def pipeline_token(load: Callable[[], Language]) -> str:
    """A name for the pipeline ``load`` builds (the digest of its pickle)."""
    return hashlib.sha256(pickle.dumps(load)).hexdigest()[:16]


def _name(document: Document) -> str:
    return str(document.path or document.url or document.title or document.id[:12])


def _connect(distributed: Any, address: str | None, local_workers: int) -> tuple[Any, Any, str]:
    """A client (and the LocalCluster it owns, if any) and the address to report."""
    if address is None:
        import dask

        try:
            # Dask's statistical profiler wakes every 10 ms in each worker and takes the GIL
            # to walk the stack of the thread that parses: nobody reads its profiles here.
            # Nor is the malloc setting Dask's nanny gives its workers (relax_malloc).
            with dask.config.set(
                {
                    "distributed.worker.profile.enabled": False,
                    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
                }
            ):
                cluster = distributed.LocalCluster(
                    n_workers=local_workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=logging.ERROR,
                )
        except Exception as exc:  # noqa: BLE001 - reported as one line
            raise ExecutorError(
                f"nlp.executor: cannot start a local Dask cluster of {local_workers} "
                f"worker(s): {_describe(exc)}"
            ) from None
        client = distributed.Client(cluster, set_as_default=False)
        return client, cluster, f"dask-local:{local_workers} ({cluster.scheduler_address})"
    try:
        client = distributed.Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ExecutorError(
            f"nlp.executor: cannot reach the Dask scheduler at {address} ({_describe(exc)}); "
            "start one there with `dask scheduler`, or fix the address"
        ) from None
    return client, None, address


def _workers(client: Any, address: str) -> int:
    try:
        client.wait_for_workers(1, timeout=WORKER_TIMEOUT)
    except (OSError, TimeoutError):
        raise ExecutorError(
            f"nlp.executor: no Dask worker joined the scheduler at {address} within "
            f"{WORKER_TIMEOUT:.0f} s; start workers with `dask worker {address} --nthreads 1`"
        ) from None
    return max(1, len(client.scheduler_info().get("workers", {})))


def map_dask(
    documents: Sequence[Document],
    load: Callable[[], Language],
    job: DocJob,
    *,
    address: str | None = None,
    local_workers: int = 2,
    batch_size: int = 32,
    fingerprint: Callable[[], str] | None = None,
) -> Iterator[tuple[int, DocFacts]]:
    """``(index, facts)`` for ``documents``, as the Dask workers finish them.

    ``address`` (``tcp://HOST:PORT``) is an existing scheduler; without it a
    ``distributed.LocalCluster`` of ``local_workers`` worker processes is started here
    and closed at the end. Documents that crash the job are skipped with a warning.
    ``fingerprint`` (a module-level function) names the job's code; each worker checks that
    it gives what it gives here before its first batch.
    Raises :class:`~briefgen.errors.ExecutorError` when the scheduler cannot be
    reached or goes away, or a worker cannot load the pipeline.
    """
    if not documents:
        return
    distributed = _distributed()
    client, cluster, where = _connect(distributed, address, local_workers)
    futures: list[Any] = []
    try:
        workers = _workers(client, where)
        # Longest documents first, batches shrinking toward the end (the same plan as the
        # local workers): no worker sits idle long at the end while another finishes a big
        # last batch, and a dead worker's batch costs little to compute again.
        plan = plan_chunks([len(d.text) for d in documents], workers, batch_size)
        expected = fingerprint() if fingerprint is not None else ""
        spec = WorkSpec(load, job, batch_size, pipeline_token(load), fingerprint, expected)
        log.info(
            "nlp: parsing %d document(s) on %d Dask worker(s) at %s, in %d batch(es)",
            len(documents),
            workers,
            where,
            len(plan),
        )
        run_id = uuid.uuid4().hex[:12]

        def submit(batch: list[tuple[int, Document]]) -> Any:
            key = f"briefgen-extract-{run_id}-{batch[0][0]}-{len(batch)}"
            return client.submit(run_batch, spec, batch, key=key, pure=False)

        batches = {}
        for chunk in plan:
            batch = [(i, documents[i]) for i in chunk]
            future = submit(batch)
            batches[future.key] = batch
            futures.append(future)
        # Each batch's results are fetched in the background as it finishes (not one
        # round trip after another from this loop), errors handed over as values.
        pending = distributed.as_completed(
            futures, loop=client.loop, with_results=True, raise_errors=False
        )
        for future, outcome in pending:
            batch = batches.pop(future.key)
            try:
                results = _results(future, outcome)
            except distributed.KilledWorker:
                if len(batch) > 1:  # find the document that kills workers
                    log.warning(
                        "nlp: a batch of %d document(s) killed Dask workers; "
                        "sending its documents one by one",
                        len(batch),
                    )
                    for single in batch:
                        retry = submit([single])
                        batches[retry.key] = [single]
                        futures.append(retry)
                        pending.add(retry)
                else:
                    log.warning(
                        "extract: skipped %s: it killed Dask worker processes",
                        _name(batch[0][1]),
                    )
                continue
            except _lost(distributed) as exc:
                raise _gone(where, exc) from None
            except Exception as exc:  # noqa: BLE001 - e.g. the model does not load there
                raise ExecutorError(
                    f"nlp.executor: a Dask worker at {where} failed: {_describe(exc)}; "
                    "every worker needs briefgen and the spaCy model installed"
                ) from None
            finally:
                future.release()
            for index, got, ok in results:
                if ok:
                    yield index, DocFacts.model_validate_json(got)
                else:
                    log.warning("extract: skipped %s: %s", _name(documents[index]), got)
    except _lost(distributed) as exc:
        raise _gone(where, exc) from None
    finally:
        _close(client, cluster, futures)


def _results(future: Any, outcome: Any) -> list[Result]:
    """A finished batch's results as ``as_completed(with_results=True,
    raise_errors=False)`` gives them, or the batch's error raised: a failed task comes
    as ``(type, exception, traceback)``, a cancelled one as its ``CancelledError``."""
    if isinstance(outcome, BaseException):
        raise outcome
    if future.status == "error":
        raise outcome[1]
    results: list[Result] = outcome
    return results


def _lost(distributed: Any) -> tuple[type[BaseException], ...]:
    """What a client raises when its scheduler is gone."""
    from asyncio import CancelledError as AsyncCancelled
    from concurrent.futures import CancelledError

    from distributed.comm.core import CommClosedError

    return (
        CancelledError,  # distributed's FutureCancelledError ("scheduler-connection-lost")
        AsyncCancelled,
        CommClosedError,
        OSError,
        TimeoutError,
        distributed.TimeoutError,
    )


def _gone(where: str, exc: BaseException) -> ExecutorError:
    return ExecutorError(
        f"nlp.executor: lost the Dask scheduler at {where} mid-build ({_describe(exc)}); "
        "the facts received so far are cached: run again to resume"
    )


def _close(client: Any, cluster: Any, futures: list[Any]) -> None:
    """Cancel what is left, close the client (and the cluster started here); quietly."""
    quiet = logging.getLogger("distributed")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)  # shutdown noise
    with contextlib.suppress(Exception):  # best effort on the way out
        if client.status == "running":
            client.cancel([f for f in futures if not f.done()])
    with contextlib.suppress(Exception):
        client.close(timeout=5)
    if cluster is not None:
        with contextlib.suppress(Exception):
            cluster.close(timeout=10)
    quiet.setLevel(level)
