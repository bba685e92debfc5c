"""PDF articles: the text layer, page after page; title, author and dates from the metadata.

No OCR: a PDF whose pages carry no text (a scan) is skipped with a warning that says so.
The document's text is the extracted text exactly as evidence offsets index it (pages
joined by a blank line). pypdf is imported when the first PDF is read.
"""

from __future__ import annotations

import io
import logging
from datetime import datetime
from pathlib import Path
from typing import Any

from briefgen.ingest.base import SkippedInput, check_text, guess_title, iso_date
from briefgen.model import Document

log = logging.getLogger(__name__)

#: Pages read at most (a report, not a book); the rest is left out with a warning.
MAX_PAGES = 500


def read_pdf(data: bytes, path: Path) -> Document:
    """One PDF file's bytes → a Document; raise :class:`SkippedInput` when it has no text."""
    try:
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError
    except ImportError:
        raise SkippedInput("PDF input needs pypdf; install it with: pip install pypdf") from None
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise SkippedInput("encrypted PDF (a password is needed); save an unprotected copy")
        pages = list(reader.pages)
        if len(pages) > MAX_PAGES:
            log.warning("%s: only the first %d of %d pages are read", path, MAX_PAGES, len(pages))
            pages = pages[:MAX_PAGES]
        texts = [_page_text(page) for page in pages]
        info = _info(reader)
    except SkippedInput:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise SkippedInput(f"not a readable PDF ({type(exc).__name__}: {exc})") from None
    text = "\n\n".join(t for t in texts if t.strip())
    if not text.strip():
        raise SkippedInput(
            f"no text layer in its {len(pages)} page(s) (a scanned PDF?); briefgen does not "
            "OCR: run it through OCR first (for example ocrmypdf) or add the text as a .txt"
        )
    check_text(text)
    title = info.get("title") or guess_title(text, path)
    meta = {k: v for k, v in info.items() if k != "title" and v}
    meta["pages"] = len(pages)
    return Document(
        text=text,
        title=title,
        path=str(path),
        publisher=info.get("publisher"),
        published=info.get("published"),
        meta=meta,
    )


def _page_text(page: Any) -> str:
    text = page.extract_text() or ""
    # Form feeds and other controls come through from some producers; keep text only.
    return "".join(c if c.isprintable() or c in "\n\t" else " " for c in text).strip()


def _info(reader: Any) -> dict[str, Any]:
    """Title, author, subject, and the creation/modification dates as YYYY-MM-DD."""
    meta = reader.metadata
    if meta is None:
        return {}
    out: dict[str, Any] = {}
    title = _text(meta.title)
    if title and not _is_file_name(title):
        out["title"] = title
    out["author"] = _text(meta.author)
    out["subject"] = _text(meta.subject)
    created = _date(meta, "creation_date", "/CreationDate")
    modified = _date(meta, "modification_date", "/ModDate")
    out["created"] = created
    out["modified"] = modified
    out["published"] = created or modified
    return out


def _date(meta: Any, attribute: str, key: str) -> str | None:
    try:
        value = getattr(meta, attribute)
    except (ValueError, TypeError):  # a malformed date string
        value = None
    if isinstance(value, datetime):
        return value.date().isoformat()
    raw = str(meta.get(key) or "")  # "D:20240501…" that pypdf could not parse whole
    if raw.startswith("D:") and raw[2:10].isdigit():
        return iso_date(f"{raw[2:6]}-{raw[6:8]}-{raw[8:10]}")
    return None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _is_file_name(title: str) -> bool:
    """Producers often set the title to the source file's name ("Microsoft Word - a.docx")."""
    lowered = title.lower()
    return lowered.startswith("microsoft word - ") or lowered.endswith(
        (".doc", ".docx", ".pdf", ".odt", ".rtf")
    )
