"""Go through the configured sources in order and collect their documents.

``path:`` sources are read from disk; ``feed:`` and ``url:`` sources are fetched over HTTP
(:mod:`briefgen.ingest.web`, :mod:`~briefgen.ingest.feeds`, :mod:`~briefgen.ingest.pages`)
with one client for the whole run. A source that gives nothing (no file matches, a feed
that cannot be fetched, every item failing) is a warning naming it, and the run goes on
with the others; only when no source gives a document is it an error.

With ``seen`` (the run state, for ``--only-new``), documents an earlier run of the same
configuration had are left out (feed items whose link was seen are not even fetched);
when that leaves nothing, the result is empty and no error is raised.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from briefgen.errors import InputError
from briefgen.ingest.base import SkippedInput
from briefgen.ingest.files import SUFFIXES, SUPPORTED, limited, read_file, unsupported
from briefgen.ingest.walk import source_files
from briefgen.model import Document

if TYPE_CHECKING:
    from briefgen.config import Config, Source
    from briefgen.ingest.web import Fetcher, FetchOptions, FetchStats

log = logging.getLogger(__name__)

_LISTED = 5  # files named in the "nothing usable" message
HTTP_CACHE_MAX_AGE_DAYS = 60


class SeenFilter(Protocol):
    """What ``--only-new`` asks of the run state (:class:`briefgen.store.state.RunState`)."""

    def is_new(self, doc: Document) -> bool: ...

    def url_seen(self, url: str | None) -> bool: ...


@dataclass
class Skipped:
    """An input that gave no document: a file path (as shown to the user) or a source label."""

    source: str
    reason: str


@dataclass
class IngestResult:
    documents: list[Document] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    #: Documents left out because an earlier one has the same text (reason names it).
    duplicates: list[Skipped] = field(default_factory=list)
    #: Documents (and feed items) left out because an earlier run had them (--only-new).
    seen: int = 0
    #: Sources that gave nothing because they failed (a feed or page that cannot be read).
    failed: list[Skipped] = field(default_factory=list)
    #: HTTP requests of the run (None when no source is a feed or a URL).
    fetch: FetchStats | None = None


def ingest(config: Config, seen: SeenFilter | None = None) -> IngestResult:
    """Read every source of ``config``; raise :class:`InputError` when no document is left
    (unless ``seen`` left out every document: then the result is empty)."""
    result = IngestResult()
    texts: dict[str, str] = {}  # sha256 -> path or URL of the first document with that text
    notes: list[tuple[str, str]] = []  # (source label, why it gave nothing) for the error
    fetcher: Fetcher | None = None
    fetch_time = 0.0
    try:
        for source in config.sources:
            before = len(result.documents), len(result.skipped), result.seen
            if source.path is None:
                if fetcher is None:
                    fetcher = _fetcher(config)
                started = time.perf_counter()
                _read_live(source, config, fetcher, result, texts, seen, notes)
                fetch_time += time.perf_counter() - started
                continue
            walked = source_files(
                source.path, config.base_dir, set(SUFFIXES), config.ingest.follow_links
            )
            for link, why in walked.skipped:
                result.skipped.append(Skipped(display_path(link, config.base_dir), why))
            files = walked.files
            if not files:
                why = _no_match(source.path, config.base_dir)
                log.warning("%s: %s", source.path, why)
                notes.append((source.label, why))
                continue
            for file in files:
                _read_one(file, source, config, result, texts, seen)
            if len(result.documents) == before[0] and result.seen == before[2]:
                notes.append((source.label, _describe_skips(result.skipped[before[1] :])))
    finally:
        if fetcher is not None:
            result.fetch = stats = fetcher.stats
            if fetcher.cache is not None:
                fetcher.cache.prune(HTTP_CACHE_MAX_AGE_DAYS)
            fetcher.close()
            log.info(
                "fetch: %d request(s), %d downloaded (%s), %d not modified (cached), "
                "%d failed (%.2f s)",
                stats.requests,
                stats.fetched,
                _size(stats.bytes),
                stats.not_modified,
                stats.failed,
                fetch_time,
            )
    if not result.documents and not result.seen:
        raise InputError(_nothing_usable(notes))
    return result


def fetch_options(config: Config) -> FetchOptions:
    """The HTTP limits and cache folder of ``config`` (``fetch:`` and ``cache:`` keys)."""
    from briefgen.ingest.web import FetchOptions, http_cache_dir

    limits = config.fetch
    cache = http_cache_dir(config.cache_dir()) if config.cache.enabled else None
    return FetchOptions(
        timeout=limits.timeout,
        max_bytes=limits.max_bytes,
        max_redirects=limits.max_redirects,
        cache_dir=cache,
        allow_hosts=tuple(limits.allow_hosts),
    )


def _fetcher(config: Config) -> Fetcher:
    from briefgen.ingest.web import Fetcher

    return Fetcher(fetch_options(config))


def _read_one(
    file: Path,
    source: Source,
    config: Config,
    result: IngestResult,
    texts: dict[str, str],
    seen: SeenFilter | None,
) -> None:
    shown = display_path(file, config.base_dir)
    try:
        doc = read_file(file, config.ingest.max_bytes, config.ingest.max_chars)
    except SkippedInput as exc:
        log.warning("skipped %s: %s", shown, exc.reason)
        result.skipped.append(Skipped(shown, exc.reason))
        return
    doc.path = shown
    _add(doc, shown, source, result, texts, seen)


def _add(
    doc: Document,
    shown: str,
    source: Source,
    result: IngestResult,
    texts: dict[str, str],
    seen: SeenFilter | None,
) -> None:
    """Source defaults, then the duplicate and only-new checks; keep ``doc`` if it passes."""
    doc.publisher = doc.publisher or source.publisher
    if doc.published is None and source.published is not None:
        doc.published = source.published.isoformat()
    if doc.sha256 in texts:
        log.debug("%s has the same text as %s; counted once", shown, texts[doc.sha256])
        result.duplicates.append(Skipped(shown, f"same text as {texts[doc.sha256]}"))
        return
    texts[doc.sha256] = shown
    if seen is not None and not seen.is_new(doc):
        log.debug("%s: seen by an earlier run; left out (only new documents)", shown)
        result.seen += 1
        return
    result.documents.append(doc)


def _read_live(
    source: Source,
    config: Config,
    fetcher: Fetcher,
    result: IngestResult,
    texts: dict[str, str],
    seen: SeenFilter | None,
    notes: list[tuple[str, str]],
) -> None:
    """One ``feed:`` or ``url:`` source; a failure is a warning naming the source."""
    from briefgen.ingest.feeds import read_feed
    from briefgen.ingest.pages import read_page
    from briefgen.ingest.web import FetchError

    url = source.feed or source.url or ""
    try:
        if source.feed is not None:
            feed = read_feed(
                url,
                fetcher,
                max_items=config.fetch.max_items,
                publisher=source.publisher,
                skip_url=seen.url_seen if seen is not None else None,
                budget=config.fetch.feed_budget,
            )
        elif seen is not None and seen.url_seen(url):
            log.debug("%s: seen by an earlier run; not fetched (only new documents)", source.label)
            result.seen += 1
            return
        else:
            docs = [read_page(url, fetcher)]
    except FetchError as exc:
        _failed(source, exc.reason, result, notes)
        return
    if source.feed is not None:
        log.debug(
            "%s: %s feed, %d item(s): %d read, %d failed, %d seen before",
            source.label,
            feed.feed.version,
            len(feed.feed.items),
            len(feed.documents),
            len(feed.skipped),
            feed.seen,
        )
        result.seen += feed.seen
        for link, why in feed.skipped:
            log.warning("skipped %s (from %s): %s", link, source.label, why)
            result.skipped.append(Skipped(link, why))
        if not feed.feed.items:
            _failed(source, "the feed has no items", result, notes)
            return
        if not feed.documents and not feed.seen:
            why = _describe_items([Skipped(link, why) for link, why in feed.skipped])
            _failed(source, why, result, notes, warn=False)
            log.warning("%s: no item could be read; skipped", source.label)
            return
        docs = feed.documents
    for doc in docs:
        shown = doc.url or url
        try:
            doc = limited(doc, config.ingest.max_chars, shown)
        except SkippedInput as exc:
            log.warning("skipped %s (from %s): %s", shown, source.label, exc.reason)
            result.skipped.append(Skipped(shown, exc.reason))
            continue
        _add(doc, shown, source, result, texts, seen)


def _failed(
    source: Source, why: str, result: IngestResult, notes: list[tuple[str, str]], warn: bool = True
) -> None:
    if warn:
        log.warning("%s: %s; skipped", source.label, why)
    result.failed.append(Skipped(source.label, why))
    notes.append((source.label, why))


def display_path(path: Path, base_dir: Path) -> str:
    """``path`` relative to the config folder when inside it (with ``/``), else absolute."""
    absolute = Path(os.path.normpath(path.absolute()))
    try:
        return absolute.relative_to(os.path.normpath(base_dir.absolute())).as_posix()
    except ValueError:
        return str(absolute)


def _size(count: int) -> str:
    return f"{count / 1_000_000:.1f} MB" if count >= 100_000 else f"{count / 1000:.0f} kB"


def _describe_items(skipped: list[Skipped]) -> str:
    count = len(skipped)
    listed = ", ".join(f"{s.source}: {s.reason}" for s in skipped[:_LISTED])
    more = f" and {count - _LISTED} more" if count > _LISTED else ""
    return f"{count} item{'s' if count != 1 else ''} failed: {listed}{more}"


def _describe_skips(skipped: list[Skipped]) -> str:
    count = len(skipped)
    listed = ", ".join(f"{s.source}: {s.reason}" for s in skipped[:_LISTED])
    more = f" and {count - _LISTED} more" if count > _LISTED else ""
    return f"{count} file{'s' if count != 1 else ''} skipped: {listed}{more}"


def _no_match(pattern: str, base_dir: Path) -> str:
    """Why a ``path:`` source gave no file: the folder looked in, and the unsupported
    file types met there (``3 .odt files: unsupported type``)."""
    folder, types = unsupported(pattern, base_dir)
    if not types:
        return f"no files match (looked in {folder})"
    found = ", ".join(f"{n} {suffix} file{'s' if n != 1 else ''}" for suffix, n in types.items())
    return f"no {SUPPORTED} files in {folder} ({found}: unsupported type)"


def _nothing_usable(notes: list[tuple[str, str]]) -> str:
    labels = ", ".join(label for label, _ in notes)
    if len(notes) == 1:
        details = notes[0][1]
    else:
        details = "; ".join(f"{label}: {why}" for label, why in notes)
    live = [label for label, _ in notes if label.startswith(("feed ", "url "))]
    if live and len(live) == len(notes):
        hint = "check the addresses and the network, or add a `path:` source"
    else:
        hint = f"add {SUPPORTED} files"
    return f"no readable articles in {labels} ({details}); {hint}"


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
