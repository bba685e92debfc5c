"""The whole job, stage after stage: ``build(config) -> BuildResult``.

ingest → facts (cached; nlp + extract) → fuse (cached) → render → write → record.
The Brief is assembled and every format rendered in memory before any file is
written, so a failed run leaves the previous brief intact; the run state is
recorded only after the outputs are written, so a failed or killed run changes
nothing. The command line applies its options to the configuration before calling
:func:`build` (:meth:`briefgen.config.Config.with_overrides`); everything here reads
the configuration.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cache, partial
from pathlib import Path

from pydantic import BaseModel

from briefgen.config import DEFAULT_NAME, Config
from briefgen.errors import BriefgenError, RenderError, RunTimeoutError
from briefgen.facts import (
    Beside,
    Progress,
    collect_facts,
    extract_documents,
    extractor_digest,
    facts_setting,
)
from briefgen.fuse import FuseOptions, fuse
from briefgen.fuse.duplicates import fingerprint, near_duplicates
from briefgen.fuse.stories import Seen
from briefgen.ingest import Skipped, SkippedInput, display_path, filter_period, ingest, read_file
from briefgen.ingest.walk import forget_ahead
from briefgen.model import Brief, Document, SinceLast
from briefgen.nlp import load_nlp
from briefgen.nlp.workers import drop_prestarted
from briefgen.render import Output, pdfworker, render, write_outputs
from briefgen.render.archive import entry_for, unique_stem, update_index
from briefgen.render.pdfworker import PdfWorker
from briefgen.render.retention import prune, remove_leftovers, update_latest
from briefgen.store import alarm
from briefgen.store.cache import FusedCache, fusion_key, source_digest
from briefgen.store.heap import gc_frozen, gc_paused
from briefgen.store.lock import RunLock, lock_path
from briefgen.store.spill import AppendixSpill, Fragment, SplicedJson, keep_copy
from briefgen.store.spool import SpoolView
from briefgen.store.state import BriefKeys, RunState, actor_key, compare, development_key, run_dir

log = logging.getLogger(__name__)


@dataclass
class BuildResult:
    brief: Brief | None  # as rendered (the appendix is only in the JSON); None: nothing new
    paths: list[Path]
    skipped: list[Skipped] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


def build(
    config: Config,
    progress: Progress | None = None,
    generated_at: datetime | None = None,
    record: bool = True,
) -> BuildResult:
    """Run the whole pipeline for one configuration and write the outputs.

    ``progress(done, total)`` is called as each document's facts are ready;
    ``generated_at`` is the build time (default: now, or ``SOURCE_DATE_EPOCH``). The run
    holds the configuration's lock: a second run raises
    :class:`~briefgen.errors.LockError` at once. ``record=False`` (``briefgen serve``'s
    previews) leaves the run state alone: the next brief compares itself with the last
    real one, and no document counts as seen.
    """
    timings: dict[str, float] = {}
    config = usable_cache(config)
    _STAGE[0] = "starting"
    limit = config.run.timeout
    with alarm.deadline(limit, partial(_too_long, limit)), _run(config) as run:
        documents, skipped = _ingest(config, run.state, timings)
        if not documents:
            return BuildResult(None, [], skipped, timings)
        when = generated_at or now()
        previous = run.state.previous(when.isoformat(timespec="seconds"))
        fused = _fused(config, documents, when, progress, timings, previous)
        try:
            brief = _since_last(fused.brief, run.state)
            outputs = _render(config, brief, fused.appendix, run.pdf_worker, timings)
            paths = _write(config, brief, outputs, when, timings)
        finally:
            fused.discard()
        if record:
            _record(run.state, documents, fused.keys, seen=config.only_new)
    return BuildResult(brief, paths, skipped, timings)


#: The stage the run is in (for the run.timeout message).
_STAGE = ["starting"]


def _too_long(limit: float | None) -> RunTimeoutError:
    return RunTimeoutError(
        f"the run took longer than run.timeout ({limit:g} s) and was stopped during "
        f"{_STAGE[0]}; nothing was written and the last good brief is kept. Raise "
        "run.timeout, or look at that stage (-v)"
    )


def now() -> datetime:
    """Build time; ``SOURCE_DATE_EPOCH`` pins it for reproducible builds and golden files."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    return datetime.now(timezone.utc).replace(microsecond=0)


# --- the run: its lock, its state, its PDF worker --------------------------------------------


@dataclass
class _Run:
    state: RunState
    pdf_worker: PdfWorker | None


@contextlib.contextmanager
def _run(config: Config) -> Iterator[_Run]:
    """The configuration's lock held (:mod:`briefgen.store.lock`), its run state
    (:mod:`briefgen.store.state`: documents seen, the last briefs) loaded, and the PDF
    worker forked first, while this process is small: WeasyPrint imports there meanwhile."""
    folder = run_dir(config.config_path, config.cache_dir())
    worker = pdfworker.start(config.output.formats)
    try:
        with RunLock(lock_path(config.config_path), display_path(config.config_path, Path.cwd())):
            yield _Run(RunState.load(folder, str(config.config_path)), worker)
    finally:
        drop_prestarted()  # parse workers started early for documents that were cached
        forget_ahead()  # source walks made ahead that no ingest took
        if worker is not None:
            worker.close()


_STAGE_NAMES = {
    "ingest": "ingest (reading and fetching the sources)",
    "fuse": "fuse",
    "render": "render (templates and PDF)",
}


@contextlib.contextmanager
def _timed(timings: dict[str, float], stage: str) -> Iterator[Callable[[], float]]:
    """Adds the time the block takes to ``timings[stage]``; yields a function that
    gives the stage's time so far."""
    start = time.perf_counter()
    before = timings.get(stage, 0.0)
    _STAGE[0] = _STAGE_NAMES.get(stage, stage)

    def elapsed() -> float:
        return before + time.perf_counter() - start

    try:
        yield elapsed
    finally:
        timings[stage] = elapsed()


# --- the stages -------------------------------------------------------------------------------


def _ingest(
    config: Config, state: RunState, timings: dict[str, float]
) -> tuple[list[Document], list[Skipped]]:
    """The documents to brief: read, without those seen before (``only_new``), in the
    period asked for. None when every document was seen by an earlier run."""
    with _timed(timings, "ingest") as elapsed:
        ingested = ingest(config, seen=state if config.only_new else None)
    if not ingested.documents:  # only possible when every document was seen before
        log.info(
            "ingest: 0 new document(s), %d seen by an earlier run, %d skipped (%.2f s)",
            ingested.seen,
            len(ingested.skipped),
            elapsed(),
        )
        log.info("no new documents; nothing written")
        return [], list(ingested.skipped)
    documents = filter_period(ingested.documents, config.period.since, config.period.until)
    log.info(
        "ingest: %d document(s), %d skipped%s (%.2f s)",
        len(documents),
        len(ingested.skipped),
        f", {ingested.seen} seen by an earlier run" if ingested.seen else "",
        timings["ingest"],
    )
    return documents, list(ingested.skipped)


@dataclass
class _Fused:
    brief: Brief  # without its appendix (the templates never show it)
    appendix: Fragment  # the run's own file of the appendix as the brief's JSON has it
    keys: BriefKeys  # what the next brief compares itself with

    def discard(self) -> None:
        """Remove the run's appendix file (the cache keeps its own link or copy)."""
        with contextlib.suppress(OSError):
            self.appendix.path.unlink()


def _fused(
    config: Config,
    documents: Sequence[Document],
    when: datetime,
    progress: Progress | None,
    timings: dict[str, float],
    previous: BriefKeys | None = None,
) -> _Fused:
    """The fused brief: from the cache when this corpus was fused before with the same
    options, else from every document's facts (themselves cached, :mod:`briefgen.facts`).
    ``previous`` (the last brief's keys) lets stories it did not report rank first at
    equal coverage: when some of the stories were in it and some not, the pile is fused
    again with it among the options (its own cache entry); a rebuild of the same pile,
    whose stories were all in the last brief, keeps the plain cached brief."""
    options = FuseOptions.from_config(config)
    fused = _fused_with(config, options, documents, when, progress, timings)
    if previous is None:
        return fused
    seen = Seen.of(
        sorted({str(s) for d in previous.developments for s in d.get("spans", [])}),
        [[str(w) for w in d.get("words", [])] for d in previous.developments],
    )
    if not _novelty_matters(fused, seen):
        return fused
    fused.discard()
    log.info("fuse: stories new since the last brief rank first at equal coverage")
    options = options.model_copy(
        update={
            "previous_spans": tuple(sorted(seen.spans)),
            "previous_summaries": tuple(sorted(tuple(sorted(w)) for w in seen.summaries)),
        }
    )
    return _fused_with(config, options, documents, when, progress, timings)


def _novelty_matters(fused: _Fused, seen: Seen) -> bool:
    """Whether the last brief had some of the stories' key developments and not others
    (all or none: novelty lifts every story alike and the ranking stands)."""
    keys = {d.get("id"): d for d in fused.keys.developments}
    flags = set()
    for story in fused.brief.stories:
        lead = keys.get(story.developments[0]) if story.developments else None
        if lead is None:
            continue
        flags.add(
            seen.known_words(
                [str(w) for w in lead.get("words", [])], [str(x) for x in lead.get("spans", [])]
            )
        )
    return len(flags) > 1


def _fused_with(
    config: Config,
    options: FuseOptions,
    documents: Sequence[Document],
    when: datetime,
    progress: Progress | None,
    timings: dict[str, float],
) -> _Fused:
    """The fused brief of ``documents`` with ``options``: cached, else fused."""
    keyed = facts_setting(config)
    cache = FusedCache(config.cache_dir(), config.cache.enabled)
    key = None
    if keyed is not None:
        doc_keys = [keyed.key(d) for d in documents]
        key = fusion_key(fusion_digest(), options.cache_text(), doc_keys, documents)
        with _timed(timings, "fuse"):
            hit = _cached_fused(cache, key, when)
        if hit is not None:
            log.info(
                "cache: every document and the fused brief cached; nothing parsed or fused again"
            )
            return _logged(hit, timings)
    _STAGE[0] = f"parsing and extraction ({len(documents)} document(s))"
    copying = Beside(partial(_copies, documents))  # while worker processes parse, if they do
    facts = collect_facts(config, documents, progress, timings, keyed, beside=copying)
    with _timed(timings, "fuse"):
        copies = copying.result()
        if len(facts) < len(documents):  # a document whose extraction failed is left out
            kept = {f.document.id for f in facts}
            documents = [d for d in documents if d.id in kept]
            if copies:
                copies = _copies(documents)
        if copies:
            log.info("fuse: %d near-duplicate document(s) (wire copies) counted once", len(copies))
        spill = _spill(config)
        try:
            more_keys: dict[str, list[dict[str, object]]] = {"key_developments": [], "actors": []}

            def sink(section: str, items: Sequence[BaseModel]) -> None:
                """Each section of the appendix to the file, its keys kept (items are
                read once: a large pile's are read back from disk)."""
                key = {"key_developments": development_key, "actors": actor_key}.get(section)
                if key is None:
                    spill.section(section, items)
                    return
                keys = more_keys[section]

                def keyed() -> Iterator[BaseModel]:
                    for item in items:
                        keys.append(key(item))
                        yield item

                spill.section(section, keyed())

            with gc_paused():
                brief = fuse(
                    facts, options, when, copy_of=copies, appendix=sink, spool_dir=spill.path.parent
                )
            if isinstance(facts, SpoolView):
                facts.close()  # a large pile's facts, on disk
            del facts
            fragment = spill.finish()
        except OSError as exc:
            spill.discard()
            raise RenderError(
                f"cannot write the brief's appendix to {spill.path.parent} "
                f"({exc.strerror or exc}); free some space there or change cache.dir"
            ) from None
        except BaseException:
            spill.discard()
            raise
        keys = BriefKeys.of(brief)
        keys.developments += more_keys["key_developments"]
        keys.actors += more_keys["actors"]
        fused = _Fused(brief, fragment, keys)
        if key is not None:
            data = fused.brief.to_json(indent=None).encode("utf-8")
            cache.put(key, data, fused.appendix, fused.keys.to_dict())
    return _logged(fused, timings)


def _copies(documents: Sequence[Document]) -> dict[str, str]:
    """The near-duplicate documents (wire copies) among ``documents``: ``{copy: original}``."""
    return near_duplicates(
        [fingerprint(d.id, d.text) for d in documents], [d.published for d in documents]
    )


def _spill(config: Config) -> AppendixSpill:
    """A new file for the appendix: beside the fused-brief cache (from where the cache
    links it), else in the system's temporary folder."""
    folder = Path(tempfile.gettempdir())
    if config.cache.enabled:
        cache = FusedCache(config.cache_dir())
        folder = cache.root
        cache.sweep()
    try:
        return AppendixSpill(folder)
    except OSError as exc:
        raise RenderError(
            f"cannot write the brief's appendix to {folder} ({exc.strerror or exc}); "
            "free some space there or change cache.dir"
        ) from None


@cache
def fusion_digest() -> str:
    """SHA-256 over the code that decides a fused brief: the extractor, fusion, the model."""
    modules = [("briefgen", m) for m in ("model.py", "config.py", "pipeline.py", "facts.py")]
    return source_digest(("briefgen.fuse",), [("briefgen", "watchlist.py"), *modules]) + (
        extractor_digest()
    )


def _cached_fused(cache: FusedCache, key: str, when: datetime) -> _Fused | None:
    """A fused brief from the cache with this build's time; None if absent or unreadable."""
    cached = cache.get(key)
    if cached is None:
        return None
    data, appendix, keys = cached
    try:
        brief = Brief.model_validate_json(data)
        brief.generated_at = when.isoformat(timespec="seconds")
        brief_keys = BriefKeys.from_dict({**keys, "generated_at": brief.generated_at})
        # The run's own link to the appendix: another run may prune the cache entry.
        fd, name = tempfile.mkstemp(prefix=".spill-", suffix=".json", dir=cache.root)
        os.close(fd)
        own = keep_copy(appendix, Path(name))
    except OSError as exc:
        log.warning("cache: fused brief %s is unreadable (%s); fusing again", key[:12], exc)
        return None
    except (ValueError, TypeError, KeyError, RecursionError) as exc:
        log.warning(
            "cache: fused brief %s is unreadable (%s); fusing again", key[:12], type(exc).__name__
        )
        return None
    return _Fused(brief, own, brief_keys)


def _logged(fused: _Fused, timings: dict[str, float]) -> _Fused:
    brief = fused.brief
    log.info(
        "fuse: %d development(s), %d actor(s), %d statement(s), %d risk(s), "
        "%d question(s), %d timeline entries, %d contradiction(s) (%.2f s)",
        len(brief.key_developments),
        len(brief.actors),
        len(brief.statements),
        len(brief.risks),
        len(brief.open_questions),
        len(brief.timeline),
        len(brief.contradictions),
        timings.get("fuse", 0.0),
    )
    return fused


def _since_last(brief: Brief, state: RunState) -> Brief:
    """The brief with what is new since the last brief of this configuration."""
    changes = compare(brief, state.previous(brief.generated_at))
    brief.since_last = SinceLast(
        previous=changes.previous, developments=changes.developments, actors=changes.actors
    )
    if changes.previous is not None:
        log.info(
            "new since the last brief: %d development(s), %d actor(s)",
            len(changes.developments),
            len(changes.actors),
        )
    return brief


def _render(
    config: Config,
    brief: Brief,
    appendix: Fragment,
    pdf_worker: PdfWorker | None,
    timings: dict[str, float],
) -> dict[str, Output]:
    """Every configured format of the brief, in memory."""
    templates = config.resolve(config.templates) if config.templates else None
    with _timed(timings, "render"), gc_frozen():
        return render(
            brief,
            config.output.formats,
            templates,
            author=config.author,
            pdf_variant=config.output.pdf_variant,
            pdf_worker=pdf_worker,
            appendix=appendix,
        )


def _write(
    config: Config,
    brief: Brief,
    outputs: dict[str, Output],
    when: datetime,
    timings: dict[str, float],
) -> list[Path]:
    """The outputs written atomically under a name no earlier brief of the day has (unless
    ``output.name`` is set: :func:`~briefgen.render.archive.unique_stem`), then ``latest``
    updated, old briefs pruned and the archive index rewritten."""
    target = config.output_dir()
    local = when.astimezone()
    fixed = config.output.name != DEFAULT_NAME
    stem = unique_stem(target, config.output_stem(local), list(outputs), local, fixed)
    check_outputs(outputs)
    with _timed(timings, "render") as elapsed:
        remove_leftovers(target, config.output.name)
        paths = write_outputs(outputs, target, stem)
    log.info("render: %s (%.2f s)", ", ".join(str(p) for p in paths), elapsed())
    if config.output.latest:
        update_latest(paths)
    if config.output.keep:
        prune(target, config.output.name, config.output.keep, protect=[stem])
    if config.output.index:
        templates = config.resolve(config.templates) if config.templates else None
        try:
            update_index(target, entry_for(brief, stem, paths), templates)
        except BriefgenError as exc:  # the brief is written; the index is a convenience
            log.warning("archive index not updated: %s", exc)
    return paths


def check_outputs(outputs: dict[str, Output]) -> None:
    """Check every rendered output before it replaces the last good one: not empty, the
    JSON parses as a brief object, text formats are UTF-8 and the PDF starts as a PDF.
    A JSON whose appendix is a file is checked in bounded memory
    (:meth:`~briefgen.store.spill.SplicedJson.problem`: the rest parses as a brief, the
    file is the one written). Raises :class:`~briefgen.errors.RenderError` naming the
    format otherwise."""
    for fmt, data in outputs.items():
        problem = None
        if isinstance(data, SplicedJson):
            problem = data.problem()
        elif not data.strip():
            problem = "it is empty"
        elif fmt == "pdf":
            problem = None if data.startswith(b"%PDF-") else "it is not a PDF"
        elif fmt in ("json", "md", "html"):
            try:
                text = data.decode("utf-8")
                if fmt == "json":
                    parsed = json.loads(text)
                    if not isinstance(parsed, dict) or "schema_version" not in parsed:
                        problem = "it is not a brief"
            except (UnicodeDecodeError, ValueError, RecursionError) as exc:
                problem = f"it does not parse ({type(exc).__name__})"
        if problem:
            raise RenderError(
                f"the {fmt} output is invalid ({problem}); the last good brief is kept. "
                "Clear the cache (`briefgen cache clear`) and build again"
            )


def usable_cache(config: Config) -> Config:
    """``config`` itself when its cache folder can be written, else a copy with the cache
    off and one warning: the cache is never a reason for a build to fail."""
    if not config.cache.enabled:
        return config
    folder = config.cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".probe-{os.getpid()}"
        try:
            with open(probe, "wb") as stream:
                stream.write(b"briefgen")
                stream.flush()
                os.fsync(stream.fileno())
        finally:
            with contextlib.suppress(OSError):
                probe.unlink()
    except OSError as exc:
        log.warning(
            "cache: cannot use the cache folder %s (%s); building without the cache "
            "(fix or change cache.dir)",
            folder,
            exc.strerror or exc,
        )
        return config.model_copy(
            update={"cache": config.cache.model_copy(update={"enabled": False})}
        )
    return config


def _record(state: RunState, documents: Sequence[Document], keys: BriefKeys, seen: bool) -> None:
    """What the next run of this configuration compares itself with: the brief's keys
    always; its documents as seen only in an ``only_new`` run, so that a manual build
    does not empty the next scheduled ``--only-new`` run."""
    if seen:
        state.record_documents(documents)
    state.record_keys(keys)
    state.save()


# --- briefgen extract ---------------------------------------------------------------------------


def single_briefs(
    files: Sequence[Path],
    out_dir: Path,
    model: str = "auto",
    batch_size: int = 32,
    generated_at: datetime | None = None,
) -> tuple[list[Path], list[tuple[str, str]]]:
    """``briefgen extract``: one single-document Brief JSON per input file."""
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
    stems_of: dict[str, list[str]] = {}
    for stem, document in zip(stems, documents, strict=True):
        stems_of.setdefault(document.id, []).append(stem)
    for facts in extract_documents(nlp, documents, batch_size=batch_size):
        brief = fuse([facts], FuseOptions(title=facts.document.title), when)
        for stem in stems_of.pop(facts.document.id, []):  # a failed document has no facts
            written += write_outputs(render(brief, ["json"]), out_dir, stem)
    return written, skipped
