"""Escaping of inserted text for the Markdown output.

Article text is hostile: whatever it contains must come out of a Markdown
renderer as the same plain text, never as a heading, list, table cell break,
link, image, code span, emphasis or raw HTML. :func:`md_escape` makes one value
safe to place anywhere on a Markdown line (including at its start and inside a
table cell); :func:`md_finalize` is the Jinja ``finalize`` hook of the Markdown
environment, so every ``{{ value }}`` is escaped unless it is ``Markup`` (text
the template code built on purpose, such as evidence references).
"""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup

# Characters that can form Markdown syntax anywhere on a line. Backslash first.
_ALWAYS = "\\`*_[]<>#|{}~"
_ALWAYS_RE = re.compile("[" + re.escape(_ALWAYS) + "]")
# An HTML entity or numeric character reference would be decoded: escape its "&".
_ENTITY_RE = re.compile(r"&(?=#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)")
# What makes a line a block: list markers, ordered-list numbers, setext/thematic rules.
_LINE_START_RE = re.compile(r"^([+\-=]|\d{1,9}(?=[.)]))")
_SPACE_RE = re.compile(r"\s+")


def md_escape(value: Any) -> str:
    """Escape ``value`` so Markdown shows it verbatim, on one line.

    Whitespace runs (newlines included) become one space, so inserted text can
    never start a new block; then Markdown punctuation is backslash-escaped.
    """
    if value is None:
        return ""
    text = _SPACE_RE.sub(" ", str(value)).strip()
    text = _ALWAYS_RE.sub(lambda match: "\\" + match.group(0), text)
    text = _ENTITY_RE.sub("\\\\&", text)
    match = _LINE_START_RE.match(text.lstrip(" "))
    if match:
        lead = len(text) - len(text.lstrip(" "))
        token = match.group(1)
        if token[0].isdigit():
            # "1984." → "1984\." : escape the delimiter, not the digits.
            cut = lead + len(token)
            text = text[:cut] + "\\" + text[cut:]
        else:
            text = text[:lead] + "\\" + text[lead:]
    return text


#: Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): they
#: reorder the text around them, so "txt.exe" can show as "exe.txt"; always removed.
_BIDI_RE = re.compile("[\u202a-\u202e\u2066-\u2069]")
#: Zero-width characters (space, non-joiner, joiner, word joiner, BOM, Mongolian vowel
#: separator) next to an ASCII character or a space, where they only hide a break in a word
#: ("pay\u200dpal"); between other characters (emoji sequences, Indic and Arabic
#: scripts) they are kept.
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u180e"
_ZERO_WIDTH_RE = re.compile(
    f"(?<=[\\x00-\\x7f])[{_ZERO_WIDTH}]+|[{_ZERO_WIDTH}]+(?=[\\x00-\\x7f])|^[{_ZERO_WIDTH}]+|"
    f"[{_ZERO_WIDTH}]+$|\\u200b+"
)


def neutralise_controls(text: str) -> str:
    """``text`` without the invisible characters that could disguise it in a viewer:
    bidirectional overrides always, zero-width characters where they split ASCII words.
    Applied to every rendered HTML and Markdown output (JSON keeps the text as data)."""
    if not text.isascii():
        text = _BIDI_RE.sub("", text)
        text = _ZERO_WIDTH_RE.sub("", text)
    return text


def md_finalize(value: Any) -> Any:
    """Jinja ``finalize`` of the Markdown environment: escape all but ``Markup``."""
    if isinstance(value, Markup):
        return value
    return md_escape(value)


def html_finalize(value: Any) -> Any:
    """Jinja ``finalize`` of the HTML environment: ``None`` prints as nothing."""
    return "" if value is None else value
