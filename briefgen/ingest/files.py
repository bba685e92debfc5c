"""Files: which ones a ``path:`` source means, and reading one into a Document."""

from __future__ import annotations

import glob
import logging
from collections.abc import Callable
from pathlib import Path

from briefgen.ingest.base import DEFAULT_MAX_CHARS, SkippedInput, decode_bytes, limit_text
from briefgen.ingest.dateline import with_dateline
from briefgen.ingest.language import check_language
from briefgen.ingest.read_html import read_html
from briefgen.ingest.read_md import read_md
from briefgen.ingest.read_txt import read_txt
from briefgen.model import Document

log = logging.getLogger(__name__)

Reader = Callable[[str, Path], Document]

READERS: dict[str, Reader] = {
    ".txt": read_txt,
    ".md": read_md,
    ".markdown": read_md,
    ".html": read_html,
    ".htm": read_html,
}
SUPPORTED = ".txt, .md or .html"
DEFAULT_MAX_BYTES = 15_000_000


def read_file(
    path: Path, max_bytes: int = DEFAULT_MAX_BYTES, max_chars: int = DEFAULT_MAX_CHARS
) -> Document:
    """Read one article file; raise :class:`SkippedInput` when it gives no usable text.

    A file larger than ``max_bytes`` is skipped; a text longer than ``max_chars`` (or with
    a pathological run of punctuation) is cut (:func:`~briefgen.ingest.base.limit_text`)
    with one warning naming the file, so that one document cannot stall a run.
    """
    path = Path(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise SkippedInput(f"unsupported file type {path.suffix or '(none)'} (not {SUPPORTED})")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise SkippedInput(
                f"too large ({_mb(size)} > {_mb(max_bytes)}; raise ingest.max_bytes to read it)"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise SkippedInput(f"unreadable ({exc.strerror or exc})") from None
    document = reader(decode_bytes(data), path)
    return check_language(with_dateline(limited(document, max_chars, str(path))))


def limited(document: Document, max_chars: int, shown: str) -> Document:
    """``document`` with its text cut by :func:`~briefgen.ingest.base.limit_text` (and a
    warning naming ``shown``), or ``document`` itself when nothing had to be cut."""
    text, why = limit_text(document.text, max_chars)
    if why is None:
        return document
    if not text.strip():
        raise SkippedInput(f"no text before {why}")
    log.warning(
        "%s: cut at character %s of %s (%s); the rest is left out",
        shown,
        f"{len(text):,}",
        f"{len(document.text):,}",
        why,
    )
    return Document(
        text=text,
        title=document.title,
        path=document.path,
        url=document.url,
        publisher=document.publisher,
        published=document.published,
        meta=document.meta,
    )


def expand(pattern: str, base_dir: Path) -> list[Path]:
    """The files a ``path:`` source names, sorted: a file, a folder's files, or a glob.

    Globs are relative to ``base_dir`` and may use ``**``; hidden files and folders that
    the pattern's wildcards reach are left out, and so are folders a glob matches.
    """
    relative = Path(pattern).expanduser()
    target = base_dir / relative
    if not glob.has_magic(str(relative)):
        if target.is_dir():
            children = (p for p in target.iterdir() if not p.name.startswith("."))
            return sorted(p for p in children if p.is_file() and p.suffix.lower() in READERS)
        return [target] if target.exists() else []
    prefix = base_dir / _literal_prefix(relative)
    escaped = relative if relative.is_absolute() else Path(glob.escape(str(base_dir))) / relative
    files = []
    for match in glob.glob(str(escaped), recursive=True):
        path = Path(match)
        reached = path.relative_to(prefix).parts
        hidden = any(p.startswith(".") and p not in (".", "..") for p in reached)
        if path.is_file() and not hidden:
            files.append(path)
    return sorted(files)


def _literal_prefix(pattern: Path) -> Path:
    """The leading folders of a glob that have no wildcard."""
    parts = []
    for part in pattern.parts:
        if glob.has_magic(part):
            break
        parts.append(part)
    return Path(*parts) if parts else Path()


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size:,} bytes"
