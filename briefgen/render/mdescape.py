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


def md_finalize(value: Any) -> Any:
    """Jinja ``finalize`` of the Markdown environment: escape all but ``Markup``."""
    if isinstance(value, Markup):
        return value
    return md_escape(value)


def html_finalize(value: Any) -> Any:
    """Jinja ``finalize`` of the HTML environment: ``None`` prints as nothing."""
    return "" if value is None else value
