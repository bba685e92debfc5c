"""What every reader shares: the skip exception, byte decoding, titles and dates."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

UTF8_BOM = b"\xef\xbb\xbf"
#: Share of control characters (other than whitespace) above which text counts as binary.
MAX_CONTROL_SHARE = 0.1

_C1 = re.compile("[\x80-\x9f]")
_WHITESPACE_CONTROLS = set("\t\n\r\f\v")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")
_SLASH_DATE = re.compile(r"^\s*(\d{4})/(\d{1,2})/(\d{1,2})\b")


class SkippedInput(Exception):
    """Raised by :func:`briefgen.ingest.read_file` and the readers for a file that gives no text.

    ``reason`` says why, as a short phrase (``empty``, ``binary (contains NUL bytes)``);
    :func:`briefgen.ingest.ingest` logs it as ``skipped <path>: <reason>`` and goes on.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def decode_bytes(data: bytes) -> str:
    """UTF-8 (BOM stripped), else Windows-1252; newlines are left exactly as they are."""
    if not data:
        raise SkippedInput("empty")
    if b"\x00" in data:
        raise SkippedInput("binary (contains NUL bytes)")
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = _decode_cp1252(data)
    check_text(text)
    return text


def _decode_cp1252(data: bytes) -> str:
    try:
        text: str | None = data.decode("cp1252")
    except UnicodeDecodeError:  # bytes 0x81, 0x8D, 0x8F, 0x90, 0x9D are undefined
        text = None
    if text is None or _C1.search(text):
        raise SkippedInput("not UTF-8 or Windows-1252 text")
    return text


def check_text(text: str) -> None:
    """Raise :class:`SkippedInput` for text that is empty, blank or mostly control characters."""
    if not text:
        raise SkippedInput("empty")
    if not text.strip():
        raise SkippedInput("whitespace only")
    controls = sum(
        1 for ch in text if ch not in _WHITESPACE_CONTROLS and unicodedata.category(ch) == "Cc"
    )
    if controls > MAX_CONTROL_SHARE * len(text):
        raise SkippedInput(f"binary ({100 * controls // len(text)}% control characters)")


def title_from_stem(path: Path) -> str:
    """``kim-putin-arms-talks.txt`` → ``Kim Putin Arms Talks`` (small words stay lower case)."""
    words = [w for w in re.split(r"[-_\s.]+", path.stem) if w]
    small = {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to"}
    out = [w if (w.lower() in small and i) or any(c.isupper() for c in w) else
           w[:1].upper() + w[1:] for i, w in enumerate(words)]
    return " ".join(out) or path.name


_SENTENCE_END = (".", "?", "!", ":", '"', "”")
_SHORT_HEADLINE_WORDS = 10


def headline(text: str) -> str | None:
    """The first non-blank line when it reads like a headline followed by more text, else None."""
    lines = text.lstrip().splitlines()
    if not lines:
        return None
    first = " ".join(lines[0].split())
    rest = "\n".join(lines[1:]).strip()
    if not first or not rest or len(first) > 200:
        return None
    if first.endswith(_SENTENCE_END) and len(first.split()) > _SHORT_HEADLINE_WORDS \
            and not (_title_case(first) and len(first.split()) <= 25):
        return None
    return first


def _title_case(line: str) -> bool:
    """Headline style: most longer words capitalised ("Trump Must Decide If He Wants …")."""
    words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", line) if len(w) > 3]
    return bool(words) and sum(w[0].isupper() for w in words) >= 0.7 * len(words)


def guess_title(text: str, path: Path) -> str:
    """A headline first line, else the file name turned into words."""
    return headline(text) or title_from_stem(path)


def iso_date(value: Any) -> str | None:
    """A date, datetime or date string (ISO 8601, ``YYYY/MM/DD``, RFC 2822) as ``YYYY-MM-DD``.

    The date is taken as written (no time-zone conversion); anything else gives None.
    """
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str):
        return None
    match = _ISO_DATE.match(value) or _SLASH_DATE.match(value)
    try:
        if match:
            return date(*(int(g) for g in match.groups())).isoformat()
        return parsedate_to_datetime(value.strip()).date().isoformat()
    except (ValueError, TypeError, IndexError):
        return None


def clean_meta(value: Any) -> Any:
    """Front-matter values made JSON-friendly (dates as ISO strings)."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): clean_meta(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_meta(v) for v in value]
    return value
