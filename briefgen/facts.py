"""The facts stage: every document's ``DocFacts``, from the cache or parsed and extracted.

This is where the nlp and extract stages meet the per-document cache
(:mod:`briefgen.store.cache`): a document whose facts are cached is not parsed again,
and the spaCy model is loaded only when some document is not cached. The documents
that are not are parsed and extracted by one of the per-document maps of
:mod:`briefgen.nlp.workers` (here, overlapped with one worker, or in worker
processes), with :func:`briefgen.extract.extract` as the job.

A cache entry's key is the document (text, title, date) and its :class:`Setting`:
the extractor's version and a digest of its source and data files, the pipeline's
version, the model's and spaCy's versions, and the extraction options as data
(:class:`~briefgen.extract.ExtractOptions`, all of its fields).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import briefgen.extract
from briefgen.extract import ExtractOptions, extract
from briefgen.model import DocFacts, Document
from briefgen.nlp import PIPELINE_VERSION, load_nlp, model_info, spacy_version
from briefgen.nlp.cluster import map_dask
from briefgen.nlp.workers import (
    DocJob,
    SkipDocument,
    available_cores,
    can_overlap,
    drop_prestarted,
    map_overlapped,
    map_parallel,
    map_serial,
    prestart,
    processes_for,
)
from briefgen.store.cache import FactsCache, Setting, source_digest
from briefgen.store.compact import Compactor
from briefgen.store.heap import gc_checkpoints, gc_paused
from briefgen.store.spool import Spool

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from briefgen.config import Config

log = logging.getLogger(__name__)

#: ``progress(done, total)``: called as each document's facts are ready.
Progress = Callable[[int, int], None]


def extract_options(config: Config) -> ExtractOptions:
    """The extraction options of a configuration: its watchlist."""
    return ExtractOptions(tuple(config.watchlist.actor_names()), config.watchlist.topic_keys())


@cache
def extractor_digest() -> str:
    """SHA-256 over the extractor's source files and shipped data (gazetteers, roles)
    and the watchlist matching it uses."""
    return source_digest(("briefgen.extract", "briefgen.data"), (("briefgen", "watchlist.py"),))


def setting(model: str, spacy: str, options: ExtractOptions | None = None) -> Setting:
    """The :class:`Setting` of facts extracted with ``options`` from a ``model`` parse."""
    data = dataclasses.asdict(options or ExtractOptions())
    opts = tuple((k, json.dumps(v, sort_keys=True)) for k, v in sorted(data.items()))
    return Setting(
        briefgen.extract.EXTRACTOR_VERSION,
        extractor_digest(),
        PIPELINE_VERSION,
        model,
        spacy,
        opts,
    )


def facts_setting(config: Config) -> Setting | None:
    """What keys a document's cached facts besides its text (None: no cache, no model)."""
    if not config.cache.enabled:
        return None
    info = model_info(config.nlp.model, config.base_dir)
    if info is None:
        return None
    return setting(info.label, info.spacy, extract_options(config))


def extract_or_skip(
    doc: Doc, document: Document, options: ExtractOptions | None = None
) -> DocFacts:
    """:func:`~briefgen.extract.extract`, or :class:`~briefgen.nlp.workers.SkipDocument`
    with one warning naming the document when it raises: one document that trips an
    extractor never sinks the run."""
    try:
        return extract(doc, document, options=options)
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except Exception as exc:  # noqa: BLE001 - any extractor bug; the document is skipped
        where = document.path or document.url or document.title or document.id[:12]
        detail = str(exc).splitlines()[0][:200] if str(exc).strip() else "no message"
        raise SkipDocument(
            f"skipped {where}: extraction failed ({type(exc).__name__}: {detail}); "
            "the run goes on without it"
        ) from None


def extract_documents(
    nlp: Language,
    documents: Sequence[Document],
    options: ExtractOptions | None = None,
    batch_size: int = 32,
) -> Iterator[DocFacts]:
    """Parse ``documents`` here and extract each one's facts, in input order (no cache)."""
    for facts in map_serial(nlp, documents, partial(extract_or_skip, options=options), batch_size):
        if facts is not None:
            yield facts


#: From this many documents on, :func:`collect_facts` keeps their facts on disk (a
#: :class:`~briefgen.store.spool.Spool` that fusion reads in passes), not as objects:
#: about 80 kB of memory per document held (issue 17: 100,000 documents in ≤ 3 GB).
SPOOL_FROM = 5000
#: From this many documents on, the facts held are compacted as they come
#: (:class:`~briefgen.store.compact.Compactor`: each repeated string and evidence span held
#: once, about half the memory). Below it they are few enough to hold as they are, and
#: compacting them would cost the build more time (about 1.5 ms a document, in the
#: process that also waits on the parse) than their memory is worth (840 articles: some
#: 60 MB).
COMPACT_FROM = 2000


T = TypeVar("T")


class Beside(Generic[T]):
    """Work of the build's own process (fusion's, on the documents alone) that can be done
    while worker processes parse: :func:`collect_facts` starts it in a thread when the
    parse runs in spawned worker processes (this process then mostly waits for their
    answers, and no process is forked meanwhile); else it is done when :meth:`result`
    first asks for it. Either way ``work()`` runs once, and :meth:`result` gives what it
    returned (or raises what it raised)."""

    def __init__(self, work: Callable[[], T]) -> None:
        self._work = work
        self._thread: threading.Thread | None = None
        self._outcome: tuple[bool, object] | None = None

    def _run(self) -> None:
        try:
            self._outcome = (True, self._work())
        except BaseException as error:  # noqa: BLE001 - raised again by result()
            self._outcome = (False, error)

    def start(self) -> None:
        """Run the work in a thread of its own (once)."""
        if self._thread is None and self._outcome is None:
            self._thread = threading.Thread(target=self._run, name="briefgen-beside", daemon=True)
            self._thread.start()

    @property
    def started(self) -> bool:
        return self._thread is not None

    def result(self) -> T:
        """What the work returned: waited for if it runs in its thread, done here if it
        never started."""
        if self._thread is not None:
            self._thread.join()
        elif self._outcome is None:
            self._run()
        assert self._outcome is not None
        ok, value = self._outcome
        if not ok:
            assert isinstance(value, BaseException)
            raise value
        return value  # type: ignore[return-value]


def collect_facts(
    config: Config,
    documents: Sequence[Document],
    progress: Progress | None = None,
    timings: dict[str, float] | None = None,
    keyed: Setting | None = None,
    spool: bool | None = None,
    beside: Beside[Any] | None = None,
) -> Sequence[DocFacts]:
    """Every document's facts, in input order: from the cache when it has them, else
    parsed and extracted (and then cached). ``keyed`` is :func:`facts_setting` of
    ``config`` when the caller has it already. ``spool``: keep them on disk (a view of a
    :class:`~briefgen.store.spool.Spool`, which the caller closes) — by default from
    :data:`SPOOL_FROM` documents on. ``beside``: work started in a thread while worker
    processes parse, if they do (:class:`Beside`)."""
    timings = timings if timings is not None else {}
    total = len(documents)
    facts: list[DocFacts | None] = [None] * total
    if spool is None:
        spool = total >= SPOOL_FROM
    spooled = Spool(DocFacts, _spool_folder(config), compress=True) if spool else None
    where = [-1] * total if spooled is not None else []

    def keep(i: int, got: DocFacts) -> DocFacts | None:
        """The facts to hold at ``i`` (None where they went to the spool)."""
        if spooled is None:
            return compactor.compact(got) if total >= COMPACT_FROM else got
        where[i] = spooled.append(got)
        return None

    def collected() -> Sequence[DocFacts]:
        if spooled is not None:
            return spooled.view([k for k in where if k >= 0])
        return [f for f in facts if f is not None]

    cache = FactsCache(config.cache_dir(), config.cache.enabled)
    keyed = keyed or facts_setting(config)
    compactor = Compactor()  # each repeated string and evidence span held once
    t0 = time.perf_counter()
    with gc_paused():
        for i, document in enumerate(documents):
            hit = cache.get(keyed.key(document), document) if keyed else None
            if hit is not None:
                facts[i] = keep(i, _relocated(hit, document))
    misses = [i for i, f in enumerate(facts) if f is None and not (where and where[i] >= 0)]
    timings["cache"] = time.perf_counter() - t0
    done = total - len(misses)
    if progress and done:
        progress(done, total)
    if cache.enabled:
        corrupt = cache.corrupt
        log.info(
            "cache: %d of %d document(s) cached%s (%s)",
            done,
            total,
            f", {corrupt} corrupt entr{'y' if corrupt == 1 else 'ies'} ignored" if corrupt else "",
            cache.folder,
        )
    if not misses:
        drop_prestarted()
        log.info("nlp: every document cached; no model loaded")
        return collected()

    options = extract_options(config)
    settings = {keyed.model: keyed} if keyed else {}

    def store(j: int, got: DocFacts | None) -> None:
        """Cache the facts of the ``j``-th document not cached."""
        if cache.enabled and got is not None:
            if got.model not in settings:  # the model that loaded is not the one expected
                settings[got.model] = setting(got.model, spacy_version(), options)
            cache.put(settings[got.model].key(documents[misses[j]]), got)

    pending = [documents[i] for i in misses]
    t1 = time.perf_counter()
    stream, stored, in_workers = _parse_and_extract(config, pending, options, store, timings)
    if beside is not None and in_workers:
        beside.start()
    with gc_checkpoints() as checkpoint:
        for n, (j, got) in enumerate(stream):
            if not stored:
                store(j, got)
            facts[misses[j]] = keep(misses[j], got) if got is not None else None
            done += 1
            if progress:
                progress(done, total)
            if (n + 1) % 128 == 0:
                checkpoint()
    timings["extract"] = time.perf_counter() - t1 - timings["model"]
    log.info("extract: %d document(s) parsed (%.2f s)", len(pending), timings["extract"])
    return collected()


def _spool_folder(config: Config) -> Path | None:
    """Where a large pile's facts wait for fusion: the cache's folder where there is one
    (the system's temporary folder may be memory, a tmpfs), else the temporary folder."""
    if not config.cache.enabled:
        return None
    folder = config.cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder


def _parse_and_extract(
    config: Config,
    documents: Sequence[Document],
    options: ExtractOptions,
    store: Callable[[int, DocFacts | None], None],
    timings: dict[str, float],
) -> tuple[Iterator[tuple[int, DocFacts | None]], bool, bool]:
    """The per-document map that suits the configuration and the work, with extraction as
    its job, as ``(index, facts)`` pairs (a Dask cluster answers out of order; facts are
    None for a document the job skipped), whether it stores each document's facts
    itself (the overlapped worker does, off this process), and whether the work is in
    spawned worker processes of this machine (this process waits for them, and forks
    nothing)."""
    job: DocJob = partial(extract_or_skip, options=options)
    model, base_dir, actors = config.nlp.model, config.base_dir, options.watch_actors
    batch = config.nlp.batch_size
    executor = config.nlp.parsed_executor()
    n_process = processes_for(config.nlp.n_process, len(documents), batch)
    if executor.kind != "local" or n_process <= 1:
        drop_prestarted()  # worker processes started early that this work does not need
    if executor.kind != "local":
        timings["model"] = 0.0
        load = partial(load_nlp, model, base_dir, actors)
        pairs = map_dask(
            documents,
            load,
            partial(extract, options=options),  # the cluster skips a raising document itself
            address=executor.address,
            local_workers=executor.workers,
            batch_size=batch,
            fingerprint=extractor_digest,
        )
        return pairs, False, False
    if n_process > 1:
        log.info("nlp: parsing %d document(s) in %d processes", len(documents), n_process)
        timings["model"] = 0.0
        load = partial(load_nlp, model, base_dir, actors)
        return map_parallel(documents, load, job, batch, n_process), False, True
    t0 = time.perf_counter()
    nlp = load_nlp(model, base_dir, actors)
    timings["model"] = time.perf_counter() - t0
    log.info("nlp: loaded %s (%.2f s)", nlp.meta.get("name", "model"), timings["model"])
    if can_overlap(len(documents)):
        log.debug("extract: in a worker process beside the parser")
        return enumerate(map_overlapped(nlp, documents, job, batch, store=store)), True, False
    return enumerate(map_serial(nlp, documents, job, batch)), False, False


def prestart_workers(config: Config) -> bool:
    """Start the parallel parse's worker processes before the sources are read, when the
    build will most likely need them (whether it does is known only once every document
    is read and looked up in the cache): their spaCy import and model load (about 1.5 s)
    then overlap this process's imports and reading. They start when parsing is local,
    ``nlp.n_process`` allows several processes, the ``path:`` sources hold enough files
    for them (:func:`~briefgen.nlp.workers.processes_for`) and the facts cache holds
    fewer entries than half as many (a rebuild finds most documents cached and parses
    none). Whatever they were not needed for is ended (``drop_prestarted``). Returns
    whether they were started."""
    if config.nlp.parsed_executor().kind != "local":
        return False
    n = config.nlp.n_process
    if (available_cores() if n == "auto" else int(n)) < 2:
        return False
    from briefgen.ingest.files import SUFFIXES
    from briefgen.ingest.walk import source_files

    follow = config.ingest.follow_links
    files = sum(  # walked once: the ingest takes these walks
        len(source_files(s.path, config.base_dir, set(SUFFIXES), follow, ahead=True).files)
        for s in config.sources
        if s.path is not None
    )
    processes = processes_for(n, files, config.nlp.batch_size)
    if processes < 2:
        return False
    if config.cache.enabled and FactsCache(config.cache_dir()).count(files // 2) >= files // 2:
        return False
    options = extract_options(config)
    load = partial(load_nlp, config.nlp.model, config.base_dir, options.watch_actors)
    job: DocJob = partial(extract_or_skip, options=options)
    prestart(load, job, config.nlp.batch_size, processes)
    log.debug("nlp: %d worker processes started while the sources are read", processes)
    return True


def _relocated(facts: DocFacts, document: Document) -> DocFacts:
    """Cached facts with the document's current location (it may have moved)."""
    facts.document = facts.document.model_copy(
        update={"path": document.path, "url": document.url, "publisher": document.publisher}
    )
    return facts
