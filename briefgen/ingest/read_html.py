"""HTML articles: main text and metadata with the standard library's tolerant parser.

The main text is the largest ``<article>``, else ``<main>``, else the whole body, without
scripts, navigation, headers, footers, forms and the like. Each block element becomes a
paragraph (blank line between blocks, whitespace inside a block collapsed).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from briefgen.ingest.base import SkippedInput, check_text, guess_title, iso_date
from briefgen.model import Document


def _tags(names: str) -> frozenset[str]:
    return frozenset(names.split())


DROPPED = _tags(
    "script style noscript template iframe svg math nav header footer aside form button "
    "select textarea object canvas dialog"
)
BLOCKS = _tags(
    "address article aside blockquote body br caption center dd details dialog div dl dt "
    "fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 head header hr html li main "
    "nav ol p pre section summary table tbody td tfoot th thead title tr ul"
)
VOID = _tags("area base br col embed hr img input link meta param source track wbr")
HEAD_ONLY = _tags("base link meta noscript script style template title")
DATE_KEYS = ("date", "pubdate", "publish-date", "dc.date", "dcterms.date", "datepublished")


def read_html(text: str, path: Path) -> Document:
    parser = MainTextParser()
    parser.feed(defuse(text))
    parser.close()
    body = parser.main_text()
    try:
        check_text(body)
    except SkippedInput:
        raise SkippedInput("no text found in the HTML body") from None
    publisher = parser.meta.get("og:site_name")
    return Document(
        text=body,
        title=parser.title(publisher) or guess_title(body, path),
        path=str(path),
        url=parser.url(),
        publisher=publisher,
        published=parser.published(),
    )


_MARKED_SECTION_END = re.compile(r"\]\s*>")
_TERMINATORS = (
    # (what opens a construct, what closes it): an opener after the last closer can
    # never be closed, and html.parser rescans to the end for each one (quadratic).
    ("<!--", re.compile("-->")),
    ("<![", re.compile(r"\]\s*>")),
    ("<", re.compile(">")),
)


def defuse(html: str) -> str:
    """``html`` with every construct that can never be closed turned into text.

    The standard library's parser looks for the end of a tag, comment or marked section
    that has none by scanning to the end of the input, again at each following ``<``:
    quadratic time, so 1 MB of ``<a<a<a…`` takes many minutes. A ``<`` (or ``<!--``,
    ``<![``) after the last ``>`` (``-->``, ``]>``) cannot start anything the parser
    would accept, and it reads such text as data anyway; writing it as ``&lt;`` gives the
    same text in linear time.
    """
    for opener, closer in _TERMINATORS:
        last = None
        for last in closer.finditer(html):  # noqa: B007 - the last match is wanted
            pass
        tail_start = last.end() if last is not None else 0
        if opener in html[tail_start:]:
            tail = html[tail_start:].replace(opener, "&lt;" + opener[1:])
            html = html[:tail_start] + tail
    return html


class MainTextParser(HTMLParser):
    """Collects text blocks tagged with the ``<article>``/``<main>`` they belong to."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.buffer: list[str] = []
        # (text, article number or 0, inside <main>)
        self.blocks: list[tuple[str, int, bool]] = []
        self.articles = 0
        self.meta: dict[str, str] = {}
        self.canonical: str | None = None
        self.time: str | None = None
        self.doc_title: list[str] | None = None
        self.h1: list[str] | None = None
        self._h1_open = False
        self._title_open = False
        # Bookkeeping so that no callback walks the stack (deeply nested or never closed
        # tags would make that quadratic): each tag's positions in the stack, how many
        # dropped elements are open, and the numbers of the open <article>s.
        self._where: dict[str, list[int]] = {}
        self._dropped_open = 0
        self._articles: list[int] = []

    # --- parser callbacks

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): v or "" for k, v in attrs}
        if tag == "meta":
            self._meta(values)
        elif tag == "link" and "canonical" in values.get("rel", "").lower().split():
            self.canonical = self.canonical or values.get("href")
        elif tag == "time" and values.get("datetime"):
            self.time = self.time or values["datetime"]
        if self._is_open("head") and tag not in HEAD_ONLY:
            self._close("head")  # content before <body>: the head has ended
        if tag in BLOCKS:
            self._flush()
        if tag in VOID:
            return
        if tag == "article":
            self.articles += 1
            tag = f"article#{self.articles}"
        elif tag == "title" and self.doc_title is None and not self._dropped():
            self.doc_title, self._title_open = [], True
        elif tag == "h1" and self.h1 is None:
            self.h1, self._h1_open = [], True
        self._push(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCKS:
            self._flush()
        if tag == "h1":
            self._h1_open = False
        if tag == "title":
            self._title_open = False
        if tag == "article" and self._articles:
            tag = f"article#{self._articles[-1]}"
        self._close(tag)

    def handle_data(self, data: str) -> None:
        if self._h1_open and self.h1 is not None:
            self.h1.append(data)
        if self._title_open and self.doc_title is not None:
            self.doc_title.append(data)
            return
        if self._is_open("head") or self._is_open("title") or self._dropped():
            return
        self.buffer.append(data)

    def close(self) -> None:
        super().close()
        self._flush()

    # --- results

    def main_text(self) -> str:
        sizes: dict[int, int] = {}
        for text, article, _ in self.blocks:
            if article:
                sizes[article] = sizes.get(article, 0) + len(text)
        if sizes:
            best = max(sizes, key=lambda n: (sizes[n], -n))
            chosen = [text for text, article, _ in self.blocks if article == best]
        elif any(in_main for _, _, in_main in self.blocks):
            chosen = [text for text, _, in_main in self.blocks if in_main]
        else:
            chosen = [text for text, _, _ in self.blocks]
        return "\n\n".join(chosen)

    def title(self, publisher: str | None) -> str | None:
        if self.meta.get("og:title"):
            return _collapse(self.meta["og:title"])
        title = _collapse("".join(self.doc_title or []))
        if title and publisher:
            for sep in (" | ", " - ", " – ", " — ", " · "):
                if title.endswith(sep + publisher):
                    title = title[: -len(sep + publisher)].strip()
        return title or _collapse("".join(self.h1 or [])) or None

    def published(self) -> str | None:
        candidates = [self.meta.get("article:published_time"), self.time]
        candidates += [self.meta.get(key) for key in DATE_KEYS]
        for value in candidates:
            if value and (day := iso_date(value)):
                return day
        return None

    def url(self) -> str | None:
        for value in (self.canonical, self.meta.get("og:url")):
            if value and value.strip().lower().startswith(("http://", "https://")):
                return value.strip()
        return None

    # --- helpers

    def _meta(self, values: dict[str, str]) -> None:
        key = (values.get("property") or values.get("name") or values.get("itemprop") or "").lower()
        content = values.get("content", "").strip()
        if key and content and key not in self.meta:
            self.meta[key] = content

    def parse_marked_section(self, i: int, report: bool = True) -> int:
        """``<![word[ … ]]>`` with a word html.parser does not know raises AssertionError
        in Python 3.11: skip such a section like any other (it holds no article text)."""
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            end = _MARKED_SECTION_END.search(self.rawdata, i + 3)
            return end.end() if end else -1

    def _is_open(self, tag: str) -> bool:
        return bool(self._where.get(tag))

    def _dropped(self) -> bool:
        return self._dropped_open > 0

    def _push(self, tag: str) -> None:
        self._where.setdefault(tag, []).append(len(self.stack))
        self.stack.append(tag)
        if tag in DROPPED:
            self._dropped_open += 1
        elif tag.startswith("article#"):
            self._articles.append(int(tag[8:]))

    def _close(self, tag: str) -> None:
        """Pop ``tag`` and the elements left open inside it; ignore a stray end tag."""
        if not self._is_open(tag):
            return
        index = self._where[tag][-1]
        for popped in self.stack[index:]:
            self._where[popped].pop()
            if popped in DROPPED:
                self._dropped_open -= 1
            elif popped.startswith("article#"):
                self._articles.pop()
            elif popped == "h1":
                self._h1_open = False
            elif popped == "title":
                self._title_open = False
        del self.stack[index:]

    def _flush(self) -> None:
        text = _collapse("".join(self.buffer))
        self.buffer.clear()
        if text:
            article = self._articles[0] if self._articles else 0
            self.blocks.append((text, article, self._is_open("main")))


def _collapse(text: str) -> str:
    return " ".join(text.split())
