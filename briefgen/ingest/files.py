"""Files: reading one into a Document (which files a ``path:`` source means:
:mod:`briefgen.ingest.walk`)."""

from __future__ import annotations

import glob
import logging
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

from briefgen.ingest.base import DEFAULT_MAX_CHARS, SkippedInput, decode_bytes, limit_text
from briefgen.ingest.dateline import with_dateline
from briefgen.ingest.language import check_language
from briefgen.ingest.read_docx import read_docx
from briefgen.ingest.read_html import read_html
from briefgen.ingest.read_md import read_md
from briefgen.ingest.read_pdf import read_pdf
from briefgen.ingest.read_txt import read_txt
from briefgen.ingest.walk import literal_prefix
from briefgen.model import Document

log = logging.getLogger(__name__)

Reader = Callable[[str, Path], Document]
BinaryReader = Callable[[bytes, Path], Document]

READERS: dict[str, Reader] = {
    ".txt": read_txt,
    ".md": read_md,
    ".markdown": read_md,
    ".html": read_html,
    ".htm": read_html,
}
#: Formats read from their bytes (no text decoding first).
BINARY_READERS: dict[str, BinaryReader] = {".pdf": read_pdf, ".docx": read_docx}
SUFFIXES = (*READERS, *BINARY_READERS)
SUPPORTED = ".txt, .md, .html, .pdf or .docx"
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
    suffix = path.suffix.lower()
    reader = READERS.get(suffix)
    binary = BINARY_READERS.get(suffix)
    if reader is None and binary is None:
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
    if binary is not None:
        document = binary(data, path)
    else:
        assert reader is not None
        document = reader(decode_bytes(data), path)
    if not document.published:
        document.published = filename_date(path.name)
    return check_language(with_dateline(limited(document, max_chars, str(path))))


_FILE_DATE = re.compile(
    r"^(?P<y>(?:19|20)\d{2})(?P<sep>[-_.]?)(?P<m>\d{2})(?P=sep)(?P<d>\d{2})(?!\d)"
)


def filename_date(name: str) -> str | None:
    """The publication date a file name starts with (``2016-10-12-fbi.md``,
    ``20161012_fbi.txt``), as Pelican reads one; None when it starts with no valid date.
    Front matter (``published:``) wins over it."""
    m = _FILE_DATE.match(name)
    if m is None:
        return None
    try:
        return date(int(m["y"]), int(m["m"]), int(m["d"])).isoformat()
    except ValueError:
        return None


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


def unsupported(pattern: str, base_dir: Path) -> tuple[Path, dict[str, int]]:
    """Where a ``path:`` source that matched nothing looked (the folder it names, else
    the deepest folder without wildcards), and the file types found there that briefgen
    cannot read, with their counts, for the warning that says why nothing matched."""
    relative = Path(pattern).expanduser()
    target = base_dir / relative
    folder = target if target.is_dir() else base_dir / literal_prefix(relative)
    if not glob.has_magic(str(relative)) and not target.is_dir():
        folder = target.parent
    counts: dict[str, int] = {}
    try:
        entries = sorted(folder.iterdir())[:10_000] if folder.is_dir() else []
    except OSError:
        entries = []
    for entry in entries:
        suffix = entry.suffix.lower() or "(none)"
        if entry.name.startswith(".") or suffix in SUFFIXES or not entry.is_file():
            continue
        counts[suffix] = counts.get(suffix, 0) + 1
    return folder, counts


def literal_folder(pattern: str, base_dir: Path) -> Path:
    """The folder a ``path:`` source lives in: the pattern's part before any wildcard
    (a folder named outright is itself; a file, its folder)."""
    relative = Path(pattern).expanduser()
    if glob.has_magic(str(relative)):
        return base_dir / literal_prefix(relative)
    target = base_dir / relative
    return target if target.is_dir() else target.parent


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size:,} bytes"
