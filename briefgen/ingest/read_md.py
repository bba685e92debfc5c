"""Markdown articles: optional YAML front matter, body converted to plain text.

Headings, paragraphs, list items, table rows and code blocks each become one paragraph,
separated by a blank line; inline markup is dropped (link text and inline code kept),
images and raw HTML are dropped. Evidence offsets index this plain text.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from briefgen.ingest.base import SkippedInput, check_text, clean_meta, guess_title, iso_date
from briefgen.model import Document

log = logging.getLogger(__name__)

# html=True only so that raw HTML arrives as html_* tokens, which are then dropped.
_MD = MarkdownIt("js-default", {"html": True})
# Every link target counts as a link, so that "[text](javascript:…)" gives its text
# like any other link; the target itself is never kept.
_MD.validateLink = lambda url: True  # type: ignore[method-assign]
_FENCES = ("---", "...")
#: Deepest nesting of lists and mappings read in front matter (deeper is refused).
MAX_FRONT_MATTER_DEPTH = 20


class _FrontMatterLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses aliases (no "billion laughs", no recursive
    structures) and nesting deeper than :data:`MAX_FRONT_MATTER_DEPTH` (no
    RecursionError): front matter is a flat mapping of a few keys."""

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in front matter", mark
            )
        if self._depth >= MAX_FRONT_MATTER_DEPTH:
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(
                None, None, f"nested more than {MAX_FRONT_MATTER_DEPTH} levels deep", mark
            )
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def read_md(text: str, path: Path) -> Document:
    front, body = split_front_matter(text, path)
    plain, heading = markdown_to_text(body)
    try:
        check_text(plain)
    except SkippedInput:
        raise SkippedInput("no text in the Markdown body") from None
    title = _text(front.pop("title", None)) or heading or guess_title(plain, path)
    published = _published(front, path)
    return Document(
        text=plain,
        title=title,
        path=str(path),
        url=_url(front.pop("url", None), path),
        publisher=_text(front.pop("publisher", None)),
        published=published,
        meta={str(k): clean_meta(v) for k, v in front.items()},
    )


def split_front_matter(text: str, path: Path) -> tuple[dict[str, Any], str]:
    """The front matter (``---`` … ``---`` at the very top) as a dict, and the body after it.

    Broken front matter is logged as a warning and ignored; the body is still used.
    """
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != "---":
        return {}, text
    end = next((i for i, line in enumerate(lines[1:], 1) if line.rstrip() in _FENCES), None)
    if end is None:
        log.warning("%s: front matter has no closing '---'; read as Markdown", path)
        return {}, text
    body = "".join(lines[end + 1 :])
    try:
        data = yaml.load("".join(lines[1:end]), Loader=_FrontMatterLoader)  # noqa: S506
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 2}: " if mark else ""
        reason = getattr(exc, "problem", None) or "invalid YAML"
        log.warning("%s: front matter ignored (%s%s)", path, where, reason)
        return {}, body
    except (ValueError, TypeError, OverflowError) as exc:  # "date: 2024-13-45"
        log.warning("%s: front matter ignored (%s)", path, exc)
        return {}, body
    if data is None:
        return {}, body
    if not isinstance(data, dict):
        log.warning("%s: front matter ignored (not a mapping of keys)", path)
        return {}, body
    return dict(data), body


def markdown_to_text(body: str) -> tuple[str, str | None]:
    """Plain text of a Markdown body and its first heading (None if it has none)."""
    blocks: list[str] = []
    heading: str | None = None
    in_heading = False
    row: list[str] | None = None
    for token in _MD.parse(body):
        if token.type == "heading_open":
            in_heading = True
        elif token.type == "heading_close":
            in_heading = False
        elif token.type == "tr_open":
            row = []
        elif token.type == "tr_close" and row is not None:
            blocks.append(" | ".join(cell for cell in row if cell))
            row = None
        elif token.type == "inline":
            line = _inline_text(token.children or [])
            if row is not None:
                row.append(line)
                continue
            blocks.append(line)
            if in_heading and heading is None and line:
                heading = line
        elif token.type in ("fence", "code_block"):
            blocks.append(token.content.strip("\n"))
    return "\n\n".join(b for b in blocks if b.strip()), heading


def _inline_text(children: list[Token]) -> str:
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")
        elif child.type == "hardbreak":
            parts.append("\n")
    return "".join(parts).strip()


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = " ".join(str(value).split())
    return text or None


def _url(value: Any, path: Path) -> str | None:
    """The front matter ``url`` if it is an http(s) address (no ``javascript:``, no files)."""
    url = _text(value)
    if url is None or url.lower().startswith(("http://", "https://")):
        return url
    log.warning("%s: front matter url %r is not an http(s) address; ignored", path, url[:100])
    return None


def _published(front: dict[str, Any], path: Path) -> str | None:
    """``published`` (or, failing that, ``date``) as YYYY-MM-DD; ``date`` stays in meta."""
    raw = front.pop("published", None)
    if raw is None:
        raw = front.get("date")
    if raw is None:
        return None
    published = iso_date(raw)
    if published is None:
        log.warning("%s: front matter date %r is not a date; ignored", path, raw)
    return published
