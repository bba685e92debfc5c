"""The whole job, stage after stage: ``build(config) -> BuildResult``.

sources → ingest → nlp → extract → fuse → render → atomic write. The Brief is
assembled and every format rendered in memory before any file is written, so a
failed run leaves the previous brief intact.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import logging
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import InputError
from .model import Brief, DocFacts, Document

if TYPE_CHECKING:
    from spacy.language import Language

    from .cache import Setting
    from .config import Config
    from .fuse import FuseOptions
    from .ingest import Skipped
    from .model import SinceLast
    from .pdfworker import PdfWorker
    from .state import RunState

log = logging.getLogger(__name__)


@dataclass
class BuildResult:
    brief: Brief | None  # as rendered (the appendix is only in the JSON); None: nothing new
    paths: list[Path]
    skipped: list[Skipped] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for a stage that only makes many small,
    acyclic objects (reading cached facts, fusion): its full collections walk every
    live object, and at hundreds of documents they cost more than the stage itself."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextlib.contextmanager
def _gc_frozen() -> Iterator[None]:
    """The objects alive now (facts, the brief) left out of collections (``gc.freeze``)
    while a stage that makes many short-lived objects runs (rendering the PDF)."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@contextlib.contextmanager
def _gc_checkpoints() -> Iterator[Callable[[], None]]:
    """A ``checkpoint()`` that collects garbage (the parsed Docs, which hold reference
    cycles) and freezes what survives (the facts so far), so that later collections
    stop walking an ever larger heap; everything is unfrozen at the end."""

    def checkpoint() -> None:
        gc.collect()
        gc.freeze()

    try:
        yield checkpoint
    finally:
        gc.unfreeze()


def now() -> datetime:
    """Build time; ``SOURCE_DATE_EPOCH`` pins it for reproducible builds and golden files."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    return datetime.now(timezone.utc).replace(microsecond=0)


def load_nlp(model: str, base_dir: Path | None, watch_actors: Sequence[str] = ()) -> Language:
    from .nlp import add_sentence_fixer, add_watchlist_ruler, resolve_model

    nlp = resolve_model(model, base_dir)
    add_sentence_fixer(nlp)
    add_watchlist_ruler(nlp, list(watch_actors))
    return nlp


def extract_documents(
    nlp: Language,
    documents: Sequence[Document],
    watch_actors: Sequence[str] = (),
    watch_topics: Sequence[str] = (),
    batch_size: int = 32,
    n_process: int = 1,
) -> Iterator[DocFacts]:
    """Parse documents in batches and extract each one's facts, in input order.

    Docs are streamed through spaCy memory zones (:func:`briefgen.nlp.pipe_streamed`):
    each is extracted as soon as it is parsed and then dropped, so memory stays flat.
    ``n_process`` is accepted for compatibility; worker processes are
    :func:`briefgen.parallel.extract_parallel`'s job.
    """
    from .extract import ExtractOptions, extract
    from .nlp import model_name, pipe_streamed

    opts = ExtractOptions(tuple(watch_actors), tuple(watch_topics))
    name = model_name(nlp)
    texts = (d.text for d in documents)
    for doc, document in zip(pipe_streamed(nlp, texts, batch_size), documents, strict=True):
        facts = extract(doc, document, opts)
        facts.model = name
        yield facts


Progress = Callable[[int, int], None]


def filter_period(
    documents: Sequence[Document], since: date | None, until: date | None
) -> list[Document]:
    """The documents published from ``since`` to ``until`` (inclusive); undated ones kept."""
    if since is None and until is None:
        return list(documents)
    lo = since.isoformat() if since else "0000-00-00"
    hi = until.isoformat() if until else "9999-99-99"
    kept = [d for d in documents if d.published is None or lo <= d.published <= hi]
    undated = sum(1 for d in documents if d.published is None)
    bounds = f"{since or '…'} to {until or '…'}"
    log.info(
        "period %s: kept %d of %d document(s)%s",
        bounds,
        len(kept),
        len(documents),
        f", {undated} of them without a publication date (kept)" if undated else "",
    )
    if not kept:
        raise InputError(
            f"no document published from {since or 'the start'} to {until or 'today'} "
            f"(of {len(documents)}); widen --since/--until or period in the configuration"
        )
    return kept


def _refresh(facts: DocFacts, document: Document) -> DocFacts:
    """Cached facts with the document's current location (it may have moved)."""
    facts.document = facts.document.model_copy(
        update={"path": document.path, "url": document.url, "publisher": document.publisher}
    )
    return facts


def facts_setting(config: Config) -> Setting | None:
    """What keys a document's cached facts besides its text (None: no cache, no model)."""
    from .cache import setting
    from .nlp import model_info

    if not config.cache.enabled:
        return None
    info = model_info(config.nlp.model, config.base_dir)
    if info is None:
        return None
    watch = (tuple(config.watchlist.actor_names()), config.watchlist.topic_keys())
    return setting(info.label, info.spacy, *watch)


def collect_facts(
    config: Config,
    documents: Sequence[Document],
    progress: Progress | None = None,
    timings: dict[str, float] | None = None,
    keyed: Setting | None = None,
) -> list[DocFacts]:
    """Every document's facts: from the cache when it has them, else parsed and extracted
    (and then cached). The spaCy model is loaded only if some document is not cached.
    ``keyed`` is :func:`facts_setting` of ``config`` when the caller has it already."""
    from .cache import FactsCache, setting

    timings = timings if timings is not None else {}
    total = len(documents)
    done = 0
    facts: list[DocFacts | None] = [None] * total
    cache = FactsCache(config.cache_dir(), config.cache.enabled)
    watch = (tuple(config.watchlist.actor_names()), config.watchlist.topic_keys())
    keyed = keyed or facts_setting(config)
    t0 = time.perf_counter()
    misses: list[int] = []
    with _gc_paused():
        for i, document in enumerate(documents):
            hit = cache.get(keyed.key(document), document) if keyed else None
            if hit is None:
                misses.append(i)
                continue
            facts[i] = _refresh(hit, document)
            done += 1
            if progress:
                progress(done, total)
    timings["cache"] = time.perf_counter() - t0
    if cache.enabled:
        log.info(
            "cache: %d of %d document(s) cached%s (%s)",
            total - len(misses),
            total,
            f", {cache.corrupt} corrupt entr{'y' if cache.corrupt == 1 else 'ies'} ignored"
            if cache.corrupt
            else "",
            cache.folder,
        )
    if not misses:
        log.info("nlp: every document cached; no model loaded")
        return [f for f in facts if f is not None]

    pending = [documents[i] for i in misses]
    stored_by_worker = False  # the overlapped worker writes the cache entries itself
    n_process, batch = config.nlp.n_process, config.nlp.batch_size
    t1 = time.perf_counter()
    if n_process > 1 and len(pending) > batch:
        from .parallel import extract_parallel

        log.info("nlp: parsing %d document(s) in %d processes", len(pending), n_process)
        stream: Iterator[DocFacts] = extract_parallel(
            pending, config.nlp.model, config.base_dir, *watch, batch, n_process
        )
        timings["model"] = 0.0
    else:
        nlp = load_nlp(config.nlp.model, config.base_dir, config.watchlist.actor_names())
        timings["model"] = time.perf_counter() - t1
        log.info("nlp: loaded %s (%.2f s)", nlp.meta.get("name", "model"), timings["model"])
        from .parallel import can_overlap, extract_overlapped

        if can_overlap(len(pending)):
            log.debug("extract: in a worker process beside the parser")
            stream = extract_overlapped(
                nlp, pending, *watch, batch, store=lambda j, got: store(misses[j], got)
            )
            stored_by_worker = True
        else:
            stream = extract_documents(nlp, pending, *watch, batch)
    t2 = time.perf_counter()
    settings = {keyed.model: keyed} if keyed else {}

    def store(i: int, got: DocFacts) -> None:
        if cache.enabled:
            if got.model not in settings:  # the model that loaded is not the one expected
                from .nlp import spacy_version

                settings[got.model] = setting(got.model, spacy_version(), *watch)
            cache.put(settings[got.model].key(documents[i]), got)

    with _gc_checkpoints() as checkpoint:
        for n, (i, got) in enumerate(zip(misses, stream, strict=True), 1):
            facts[i] = got
            if not stored_by_worker:
                store(i, got)
            done += 1
            if progress:
                progress(done, total)
            if n % 128 == 0:
                checkpoint()
    timings["extract"] = time.perf_counter() - t2
    log.info("extract: %d document(s) parsed (%.2f s)", len(pending), timings["extract"])
    return [f for f in facts if f is not None]


def build(
    config: Config,
    formats: Sequence[str] | None = None,
    out_dir: Path | None = None,
    generated_at: datetime | None = None,
    since: date | None = None,
    until: date | None = None,
    progress: Progress | None = None,
    only_new: bool | None = None,
) -> BuildResult:
    """Run the whole pipeline for one configuration and write the outputs.

    ``since``/``until`` override ``period`` in the configuration, ``only_new`` its
    ``only_new``; ``progress(done, total)`` is called as each document's facts are ready.

    The whole run holds the configuration's lock (:mod:`briefgen.lock`): a second run
    raises :class:`~briefgen.errors.LockError` at once. The run state
    (:mod:`briefgen.state`: documents seen, the last briefs) is updated only after the
    outputs are written, so a failed or killed run changes nothing.
    """
    from . import pdfworker
    from .lock import RunLock
    from .state import RunState, run_dir

    folder = run_dir(config.config_path, config.cache_dir())
    # Forked first, while this process is small: WeasyPrint imports there meanwhile.
    worker = pdfworker.start(list(formats or config.output.formats))
    try:
        with RunLock(folder / "lock", _config_label(config)):
            state = RunState.load(folder, str(config.config_path))
            return _build_locked(
                config,
                state,
                formats,
                out_dir,
                generated_at,
                since,
                until,
                progress,
                config.only_new if only_new is None else only_new,
                worker,
            )
    finally:
        if worker is not None:
            worker.close()


def _config_label(config: Config) -> str:
    from .ingest import display_path

    return display_path(config.config_path, Path.cwd())


def _build_locked(
    config: Config,
    state: RunState,
    formats: Sequence[str] | None,
    out_dir: Path | None,
    generated_at: datetime | None,
    since: date | None,
    until: date | None,
    progress: Progress | None,
    only_new: bool,
    pdf_worker: PdfWorker | None = None,
) -> BuildResult:
    from .cache import FusedCache, fusion_key
    from .dedupe import fingerprint, near_duplicates
    from .fuse import FuseOptions, fuse
    from .ingest import ingest
    from .model import Appendix, Period, SinceLast, appendix_json, brief_json
    from .render import render, write_outputs
    from .render.retention import prune, remove_leftovers, update_latest
    from .state import BriefKeys, compare

    timings: dict[str, float] = {}
    target = out_dir or config.output_dir()
    remove_leftovers(target, config.output.name)
    t0 = time.perf_counter()
    ingested = ingest(config, seen=state if only_new else None)
    timings["ingest"] = time.perf_counter() - t0
    if not ingested.documents:  # only possible when every document was seen before
        log.info(
            "ingest: 0 new document(s), %d seen by an earlier run, %d skipped (%.2f s)",
            ingested.seen,
            len(ingested.skipped),
            timings["ingest"],
        )
        log.info("no new documents; nothing written")
        return BuildResult(brief=None, paths=[], skipped=list(ingested.skipped), timings=timings)
    since = since or config.period.since
    until = until or config.period.until
    documents = filter_period(ingested.documents, since, until)
    seen_note = f", {ingested.seen} seen by an earlier run" if ingested.seen else ""
    log.info(
        "ingest: %d document(s), %d skipped%s (%.2f s)",
        len(documents),
        len(ingested.skipped),
        seen_note,
        timings["ingest"],
    )

    when = generated_at or now()
    asked = Period(
        start=since.isoformat() if since else None, end=until.isoformat() if until else None
    )
    options = FuseOptions(
        title=config.title,
        marking=config.marking_info(),
        watch_topics=config.watchlist.topic_keys(),
        watch_items=_watch_items(config),
        sources_grading=dict(config.sources_grading),
        period=asked if since or until else None,
        max_developments=config.sections.key_developments,
        max_actors=config.sections.actors,
        max_statements=config.sections.statements,
        max_risks=config.sections.risks,
        max_questions=config.sections.open_questions,
        max_timeline=config.sections.timeline,
    )
    fused = FusedCache(config.cache_dir(), config.cache.enabled)
    keyed = facts_setting(config)
    fused_key = (
        fusion_key([keyed.key(d) for d in documents], documents, _options_text(options))
        if keyed
        else None
    )
    cached = fused.get(fused_key) if fused_key else None
    brief = _cached_brief(cached[0], when) if cached else None
    t3 = time.perf_counter()
    if cached and brief is not None:
        appendix, keys = (
            cached[1],
            BriefKeys.from_dict({**cached[2], "generated_at": brief.generated_at}),
        )
        timings["fuse"] = time.perf_counter() - t3
        log.info("cache: every document and the fused brief cached; nothing parsed or fused again")
    else:
        facts = collect_facts(config, documents, progress, timings, keyed)
        t3 = time.perf_counter()
        copies = near_duplicates(
            [fingerprint(d.id, d.text) for d in documents], [d.published for d in documents]
        )
        if copies:
            log.info("fuse: %d near-duplicate document(s) (wire copies) counted once", len(copies))
        with _gc_paused():
            full = fuse(facts, dataclasses.replace(options, copy_of=copies), when)
        del facts
        appendix, keys = appendix_json(full.appendix), BriefKeys.of(full)
        brief = full.model_copy(update={"appendix": Appendix()})
        del full
        if fused_key:
            fused.put(
                fused_key, brief.to_json(indent=None).encode("utf-8"), appendix, keys.to_dict()
            )
    changes = compare(brief, state.previous(brief.generated_at))
    brief.since_last = SinceLast(
        previous=changes.previous, developments=changes.developments, actors=changes.actors
    )
    timings["fuse"] = time.perf_counter() - t3
    log.info(
        "fuse: %d development(s), %d actor(s), %d statement(s), %d risk(s), "
        "%d question(s), %d timeline entries, %d contradiction(s)%s (%.2f s)",
        len(brief.key_developments),
        len(brief.actors),
        len(brief.statements),
        len(brief.risks),
        len(brief.open_questions),
        len(brief.timeline),
        len(brief.contradictions),
        _since_note(brief.since_last),
        timings["fuse"],
    )

    t4 = time.perf_counter()
    fmts = list(formats or config.output.formats)
    templates = config.resolve(config.templates) if config.templates else None
    # The templates never show the appendix (the overflow of the capped sections, most
    # of a large corpus): ``brief`` is without it, the JSON gets all of it (as text).
    shown = brief
    others = [f for f in fmts if f != "json"]
    with _gc_frozen():
        rendered = (
            render(
                shown,
                others,
                templates,
                author=config.author,
                pdf_variant=config.output.pdf_variant,
                pdf_worker=pdf_worker,
            )
            if others
            else {}
        )
    if "json" in fmts:
        rendered["json"] = (brief_json(brief, appendix) + "\n").encode("utf-8")
    outputs = {f: rendered[f] for f in fmts}
    stem = config.output_stem(when.astimezone())
    paths = write_outputs(outputs, target, stem)
    timings["render"] = time.perf_counter() - t4
    log.info("render: %s (%.2f s)", ", ".join(str(p) for p in paths), timings["render"])
    if config.output.latest:
        update_latest(paths)
    if config.output.keep:
        prune(target, config.output.name, config.output.keep, protect=[stem])
    state.record_documents(documents)
    state.record_keys(keys)
    state.save()
    return BuildResult(brief=brief, paths=paths, skipped=list(ingested.skipped), timings=timings)


def _options_text(options: FuseOptions) -> str:
    """The fusion options as text, for the fused brief's cache key."""
    import json

    return json.dumps(
        [
            options.title,
            options.marking.model_dump(mode="json"),
            options.watch_topics,
            options.watch_items,
            sorted(options.sources_grading.items()),
            options.period.model_dump(mode="json") if options.period else None,
            options.max_developments,
            options.max_actors,
            options.max_statements,
            options.max_risks,
            options.max_questions,
            options.max_timeline,
        ]
    )


def _cached_brief(data: bytes, when: datetime) -> Brief | None:
    """A fused brief from the cache with this build's time; None if it is unreadable."""
    try:
        brief = Brief.model_validate_json(data)
    except ValueError as exc:
        log.debug("cache: fused brief unreadable (%s); fusing again", type(exc).__name__)
        return None
    brief.generated_at = when.isoformat(timespec="seconds")
    return brief


def _watch_items(config: Config) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """(kind, name, aliases) of every watchlist item, actors first."""
    return tuple(
        (kind[:-1], item.name, tuple(item.aliases))
        for kind in ("actors", "topics")
        for item in config.watchlist.items(kind)
    )


def _since_note(since: SinceLast) -> str:
    if since.previous is None:
        return ""
    return (
        f", new since the last brief: {len(since.developments)} development(s), "
        f"{len(since.actors)} actor(s)"
    )


def single_briefs(
    files: Sequence[Path],
    out_dir: Path,
    model: str = "auto",
    batch_size: int = 32,
    generated_at: datetime | None = None,
) -> tuple[list[Path], list[tuple[str, str]]]:
    """``briefgen extract``: one single-document Brief JSON per input file."""
    from .fuse import FuseOptions, fuse
    from .ingest import SkippedInput, display_path, read_file
    from .render import write_outputs

    documents: list[Document] = []
    stems: list[str] = []
    skipped: list[tuple[str, str]] = []
    for path in files:
        try:
            documents.append(read_file(path))
            stems.append(path.stem)
        except SkippedInput as exc:
            skipped.append((display_path(path, Path.cwd()), exc.reason))
            log.warning("skipped %s: %s", path, exc.reason)
        except OSError as exc:
            skipped.append((str(path), exc.strerror or str(exc)))
            log.warning("skipped %s: %s", path, exc.strerror or exc)
    written: list[Path] = []
    if not documents:
        return written, skipped
    nlp = load_nlp(model, Path.cwd())
    when = generated_at or now()
    for stem, facts in zip(
        stems, extract_documents(nlp, documents, batch_size=batch_size), strict=True
    ):
        brief = fuse([facts], FuseOptions(title=facts.document.title), when)
        data = (brief.to_json() + "\n").encode("utf-8")
        written += write_outputs({"json": data}, out_dir, stem)
    return written, skipped
