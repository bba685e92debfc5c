"""Word (.docx) articles: paragraphs and tables in reading order; title, author and dates
from the document properties.

The text is the paragraphs joined by a blank line (a table row becomes one line, its cells
separated by `` | ``), which evidence offsets index. python-docx is imported when the
first Word file is read.
"""

from __future__ import annotations

import io
import logging
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

from briefgen.ingest.base import SkippedInput, check_text, guess_title
from briefgen.model import Document

log = logging.getLogger(__name__)

_TITLE_STYLES = ("title", "heading 1")


def read_docx(data: bytes, path: Path) -> Document:
    """One .docx file's bytes → a Document; raise :class:`SkippedInput` when it has no text."""
    try:
        from docx import Document as open_docx
    except ImportError:
        raise SkippedInput(
            "Word input needs python-docx; install it with: pip install python-docx"
        ) from None
    try:
        doc = open_docx(io.BytesIO(data))
        blocks, heading = _blocks(doc)
        props = doc.core_properties
        info = {
            "author": _text(props.author),
            "subject": _text(props.subject),
            "created": _date(props.created),
            "modified": _date(props.modified),
        }
        title = _text(props.title)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError) as exc:
        raise SkippedInput(f"not a readable Word file ({type(exc).__name__}: {exc})") from None
    except Exception as exc:  # python-docx raises its own errors for broken packages
        if type(exc).__module__.startswith("docx"):
            raise SkippedInput(f"not a readable Word file ({type(exc).__name__})") from None
        raise
    text = "\n\n".join(blocks)
    if not text.strip():
        raise SkippedInput("no text (an empty Word document, or only images)")
    check_text(text)
    meta = {k: v for k, v in info.items() if v}
    return Document(
        text=text,
        title=title or heading or guess_title(text, path),
        path=str(path),
        published=info["created"] or info["modified"],
        meta=meta,
    )


def _blocks(doc: Any) -> tuple[list[str], str | None]:
    """The non-blank paragraphs and table rows in body order, and the first title heading."""
    from docx.table import Table

    blocks: list[str] = []
    heading = None
    for item in doc.iter_inner_content():
        if isinstance(item, Table):
            blocks.extend(_rows(item))
            continue
        line = " ".join(item.text.split())
        if not line:
            continue
        style = (item.style.name if item.style is not None else "").lower()
        if heading is None and not blocks and style in _TITLE_STYLES:
            heading = line
        blocks.append(line)
    return blocks, heading


def _rows(table: Any) -> list[str]:
    rows = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            value = " ".join(cell.text.split())
            if value and (not cells or cells[-1] != value):  # merged cells repeat
                cells.append(value)
        if cells:
            rows.append(" | ".join(cells))
    return rows


def _text(value: Any) -> str | None:
    text = " ".join(str(value or "").split())
    return text or None


def _date(value: Any) -> str | None:
    return value.date().isoformat() if isinstance(value, datetime) else None
