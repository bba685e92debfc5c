"""Go through the configured sources in order and collect their documents."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.errors import InputError
from briefgen.ingest.base import SkippedInput
from briefgen.ingest.files import SUPPORTED, expand, read_file
from briefgen.model import Document

if TYPE_CHECKING:
    from briefgen.config import Config, Source

log = logging.getLogger(__name__)

LIVE_NOT_SUPPORTED = "live sources are not supported yet"
_LISTED = 5  # files named in the "nothing usable" message


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


def ingest(config: Config) -> IngestResult:
    """Read every source of ``config``; raise :class:`InputError` when no document is left."""
    result = IngestResult()
    seen: dict[str, str] = {}  # sha256 -> path of the first document with that text
    notes: list[tuple[str, str]] = []  # (source label, why it gave nothing) for the error
    for source in config.sources:
        before = len(result.documents), len(result.skipped)
        if source.path is None:
            log.warning("%s: %s; skipped", source.label, LIVE_NOT_SUPPORTED)
            result.skipped.append(Skipped(source.label, LIVE_NOT_SUPPORTED))
            notes.append((source.label, LIVE_NOT_SUPPORTED))
            continue
        files = expand(source.path, config.base_dir)
        if not files:
            log.warning("%s: no files match (looked in %s)", source.path, config.base_dir)
            notes.append((source.label, "no files match"))
            continue
        for file in files:
            _read_one(file, source, config, result, seen)
        if len(result.documents) == before[0]:
            notes.append((source.label, _describe_skips(result.skipped[before[1] :])))
    if not result.documents:
        raise InputError(_nothing_usable(notes))
    return result


def _read_one(
    file: Path, source: Source, config: Config, result: IngestResult, seen: dict[str, str]
) -> None:
    shown = display_path(file, config.base_dir)
    try:
        doc = read_file(file, config.ingest.max_bytes)
    except SkippedInput as exc:
        log.warning("skipped %s: %s", shown, exc.reason)
        result.skipped.append(Skipped(shown, exc.reason))
        return
    doc.path = shown
    doc.publisher = doc.publisher or source.publisher
    if doc.published is None and source.published is not None:
        doc.published = source.published.isoformat()
    if doc.sha256 in seen:
        log.debug("%s has the same text as %s; counted once", shown, seen[doc.sha256])
        result.duplicates.append(Skipped(shown, f"same text as {seen[doc.sha256]}"))
        return
    seen[doc.sha256] = shown
    result.documents.append(doc)


def display_path(path: Path, base_dir: Path) -> str:
    """``path`` relative to the config folder when inside it (with ``/``), else absolute."""
    absolute = Path(os.path.normpath(path.absolute()))
    try:
        return absolute.relative_to(os.path.normpath(base_dir.absolute())).as_posix()
    except ValueError:
        return str(absolute)


def _describe_skips(skipped: list[Skipped]) -> str:
    count = len(skipped)
    listed = ", ".join(f"{s.source}: {s.reason}" for s in skipped[:_LISTED])
    more = f" and {count - _LISTED} more" if count > _LISTED else ""
    return f"{count} file{'s' if count != 1 else ''} skipped: {listed}{more}"


def _nothing_usable(notes: list[tuple[str, str]]) -> str:
    labels = ", ".join(label for label, _ in notes)
    if len(notes) == 1:
        details = notes[0][1]
    else:
        details = "; ".join(f"{label}: {why}" for label, why in notes)
    return f"no readable articles in {labels} ({details}); add {SUPPORTED} files"
