"""What every reader shares: the skip exception, byte decoding, titles and dates."""

from __future__ import annotations

import codecs
import re
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

UTF8_BOM = b"\xef\xbb\xbf"
#: Share of control characters (other than whitespace) above which text counts as binary.
MAX_CONTROL_SHARE = 0.1

#: Default of ``ingest.max_chars``: longer texts are cut (spaCy refuses more than 1,000,000).
DEFAULT_MAX_CHARS = 200_000
#: Longest run of punctuation and symbols (no letter, digit or space) that is kept.
MAX_SYMBOL_RUN = 500
#: Most words and symbols kept of one text (a 200,000-character article of prose has about
#: 40,000): texts made of one-letter words or symbols ("*a *a …", "a-a-a-…") hold up to one
#: per character, and parsing time follows the tokens, not the characters.
MAX_TOKENS = 60_000
_TOKEN = re.compile(r"\w+|[^\w\s]")

# Control characters (Unicode category Cc) other than the whitespace ones.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
# A run of punctuation and symbols ("_" is a word character to ``\w``, not to a reader).
_NO_SPACE_RUN = re.compile(r"\S{" + str(MAX_SYMBOL_RUN + 1) + ",}")
_SYMBOL_RUN = re.compile(r"(?<!_)(?<![^\w\s])(?:_|[^\w\s]){" + str(MAX_SYMBOL_RUN + 1) + ",}")
# Each pattern's group 1 starts where the kept text ends.
_PARAGRAPH_END = re.compile(r"\S([ \t]*(?:\r?\n|\r)[ \t]*(?:\r?\n|\r))")
_SENTENCE_END_RE = re.compile(r"[.!?…][\"'”’)\]]?(\s)")
_WORD_END = re.compile(r"\S(\s)")
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
    """UTF-8 (BOM stripped), else Windows-1252; newlines are left exactly as they are.

    A file that is UTF-8 except for a few Windows-1252 bytes (a Latin-1 "é" or a curly
    quote pasted into a UTF-8 file) keeps its UTF-8 characters and reads each stray byte
    as Windows-1252; a file with no valid multi-byte UTF-8 sequence at all is therefore
    read exactly as Windows-1252.
    """
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


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: each byte UTF-8 rejects, read as Windows-1252."""
    assert isinstance(error, UnicodeDecodeError)
    bad = error.object[error.start : error.end]
    try:
        return bad.decode("cp1252"), error.end
    except UnicodeDecodeError:  # bytes 0x81, 0x8D, 0x8F, 0x90, 0x9D are undefined
        raise SkippedInput("not UTF-8 or Windows-1252 text") from None


codecs.register_error("briefgen-cp1252", _cp1252_fallback)


def _decode_cp1252(data: bytes) -> str:
    return data.decode("utf-8", errors="briefgen-cp1252")


def check_text(text: str) -> None:
    """Raise :class:`SkippedInput` for text that is empty, blank or mostly control characters."""
    if not text:
        raise SkippedInput("empty")
    if not text.strip():
        raise SkippedInput("whitespace only")
    controls = len(_CONTROLS.findall(text))
    if controls > MAX_CONTROL_SHARE * len(text):
        raise SkippedInput(f"binary ({100 * controls // len(text)}% control characters)")


def limit_text(text: str, max_chars: int) -> tuple[str, str | None]:
    """``text`` cut so that parsing it stays bounded, and why it was cut (None if not).

    Three limits: at most ``max_chars`` characters and :data:`MAX_TOKENS` words and
    symbols, each cut at the last paragraph break before the limit (else the last
    sentence end, else the last space); and no run of more than
    :data:`MAX_SYMBOL_RUN` punctuation or symbol characters without a space (spaCy's
    tokenizer takes time quadratic in the length of such a run), cut before the run.
    What is kept is a prefix of ``text``, so evidence offsets still index it.
    """
    why = None
    end = max_chars + MAX_SYMBOL_RUN + 1
    # Such a run has no space in it: look for one only where MAX_SYMBOL_RUN + 1 characters
    # go without a space (a quick scan; the run's own pattern looks behind at every
    # character, a fifth of the time of reading an article).
    run = _NO_SPACE_RUN.search(text, 0, end) and _SYMBOL_RUN.search(text, 0, end)
    if run is not None and run.start() < max_chars:
        why = (
            f"a run of more than {MAX_SYMBOL_RUN} punctuation characters without a "
            f"space at character {run.start():,}"
        )
        text = text[: run.start()].rstrip()
    if len(text) > max_chars:
        why = f"longer than ingest.max_chars ({max_chars:,} characters)"
        text = text[: _boundary(text, max_chars)].rstrip()
    if len(text) > MAX_TOKENS:  # fewer characters cannot hold more tokens
        for count, token in enumerate(_TOKEN.finditer(text), start=1):
            if count > MAX_TOKENS:
                why = f"more than {MAX_TOKENS:,} words and symbols"
                text = text[: _boundary(text, token.start())].rstrip()
                break
    return text, why


def _boundary(text: str, limit: int) -> int:
    """The end of the last paragraph, else sentence, else word that fits in ``limit``."""
    head = text[: limit + 1]  # a break right at the limit counts
    floor = limit // 2  # never cut away more than half of what is allowed
    for pattern in (_PARAGRAPH_END, _SENTENCE_END_RE, _WORD_END):
        best = None
        for match in pattern.finditer(head, floor):
            if match.start(1) <= limit:
                best = match.start(1)
        if best is not None:
            return best
    return limit


def title_from_stem(path: Path) -> str:
    """``kim-putin-arms-talks.txt`` → ``Kim Putin Arms Talks`` (small words stay lower case)."""
    words = [w for w in re.split(r"[-_\s.]+", path.stem) if w]
    small = {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to"}
    out = [
        w if (w.lower() in small and i) or any(c.isupper() for c in w) else w[:1].upper() + w[1:]
        for i, w in enumerate(words)
    ]
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
    if (
        first.endswith(_SENTENCE_END)
        and len(first.split()) > _SHORT_HEADLINE_WORDS
        and not (_title_case(first) and len(first.split()) <= 25)
    ):
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
