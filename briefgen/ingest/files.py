"""Files: which ones a ``path:`` source means, and reading one into a Document."""

from __future__ import annotations

import glob
from collections.abc import Callable
from pathlib import Path

from briefgen.ingest.base import SkippedInput, decode_bytes
from briefgen.ingest.read_html import read_html
from briefgen.ingest.read_md import read_md
from briefgen.ingest.read_txt import read_txt
from briefgen.model import Document

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


def read_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read one article file; raise :class:`SkippedInput` when it gives no usable text."""
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
    return reader(decode_bytes(data), path)


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
