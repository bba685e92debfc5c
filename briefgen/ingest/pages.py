"""Article pages from the web: main text with trafilatura, metadata from the page.

The main text leaves out navigation, advertising, comments, headers and footers
(trafilatura in its precision mode; briefgen's own HTML reader when trafilatura finds
nothing). Each paragraph of the extracted text is separated by a blank line, as for local
``.html`` files, and evidence offsets index that text.

Metadata: title (``og:title``, ``<title>`` without the site name, ``<h1>``), publisher
(``og:site_name`` and the like), publication date (``article:published_time``, JSON-LD,
``<time>``), and the canonical URL when it is on the same site as the page, else the URL
the page was finally served from.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from briefgen.ingest.base import SkippedInput, check_text, guess_title, iso_date
from briefgen.ingest.dateline import with_dateline
from briefgen.ingest.language import check_language
from briefgen.ingest.read_html import MainTextParser, defuse
from briefgen.ingest.web import Fetcher, FetchError, Response, decode_body
from briefgen.model import Document

log = logging.getLogger(__name__)


#: Less text than this (characters, words) is not an article (a bare menu, an error page).
MIN_TEXT = 40
MIN_WORDS = 6


@dataclass
class Article:
    text: str
    title: str | None
    publisher: str | None
    published: str | None  # YYYY-MM-DD
    url: str | None


def read_page(url: str, fetcher: Fetcher) -> Document:
    """Fetch one article page and return it as a Document; raise :class:`FetchError`."""
    response = fetcher.fetch(url)
    return page_document(response)


def page_document(response: Response) -> Document:
    """A fetched page (HTML or plain text) as a Document."""
    text = decode_body(response)
    if response.content_type == "text/plain":
        try:
            check_text(text)
        except SkippedInput as exc:
            raise FetchError(exc.reason) from None
        return _prepared(
            Document(
                text=text,
                title=guess_title(text, _url_name(response.final_url)),
                url=response.final_url,
            )
        )
    article = extract_article(text, response.final_url)
    return _prepared(
        Document(
            text=article.text,
            title=article.title or guess_title(article.text, _url_name(response.final_url)),
            url=article.url or response.final_url,
            publisher=article.publisher,
            published=article.published,
        )
    )


def _prepared(document: Document) -> Document:
    """``document`` with its dateline and language; :class:`FetchError` when it is in a
    language briefgen does not read."""
    try:
        return check_language(with_dateline(document))
    except SkippedInput as exc:
        raise FetchError(exc.reason) from None


def extract_article(html: str, url: str) -> Article:
    """Main text and metadata of an article page; raise :class:`FetchError` without text."""
    own = MainTextParser()
    try:
        own.feed(defuse(html))  # linear even on hostile markup
        own.close()
    except (AssertionError, ValueError):  # html.parser gives up on some garbage
        own = MainTextParser()
    text = _trafilatura_text(html, url)
    if len(text) < MIN_TEXT:
        text = max(text, own.main_text(), key=len)
    try:
        check_text(text)
    except SkippedInput:
        text = ""
    if len(text) < MIN_TEXT or len(text.split()) < MIN_WORDS:
        raise FetchError("no article text found on the page")
    meta = _trafilatura_meta(html, url)
    publisher = _site_name(meta.get("sitename"), url) or own.meta.get("og:site_name")
    return Article(
        text=text,
        title=meta.get("title") or own.title(publisher),
        publisher=publisher,
        published=iso_date(meta.get("date")) or own.published(),
        url=_same_site(meta.get("url") or own.url(), url),
    )


def _trafilatura_text(html: str, url: str) -> str:
    import trafilatura

    try:
        text = trafilatura.extract(
            html,
            url=url,
            output_format="txt",
            favor_precision=True,
            include_comments=False,
            include_tables=True,
            include_links=False,
            include_images=False,
            deduplicate=False,
        )
    except Exception as exc:  # noqa: BLE001 - a parser failure on hostile input is a miss
        log.debug("trafilatura failed on %s: %s", url, exc)
        return ""
    if not text:
        return ""
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n\n".join(line for line in lines if line)


def _trafilatura_meta(html: str, url: str) -> dict[str, str]:
    from trafilatura.metadata import extract_metadata

    try:
        meta = extract_metadata(html, default_url=url, extensive=False)
    except Exception as exc:  # noqa: BLE001
        log.debug("trafilatura metadata failed on %s: %s", url, exc)
        return {}
    out: dict[str, str] = {}
    for key in ("title", "sitename", "date", "url"):
        value = getattr(meta, key, None)
        if isinstance(value, str) and value.strip():
            out[key] = " ".join(value.split())
    return out


def _url_name(url: str) -> Path:
    """The last segment of a URL's path, as a file name for a title of last resort."""
    return Path(PurePosixPath(urlsplit(url).path or "/").name or "page")


def _site_name(name: str | None, url: str) -> str | None:
    """A site name, unless it is only the page's host name (trafilatura's last resort)."""
    if not name:
        return None
    parts = urlsplit(url)
    hosts = {h.removeprefix("www.") for h in (parts.netloc.lower(), (parts.hostname or ""))}
    return None if name.lower().removeprefix("www.") in hosts else name


def _same_site(candidate: str | None, page_url: str) -> str | None:
    """``candidate`` (a canonical URL) when it is http(s) on the page's own host, else None."""
    if not candidate:
        return None
    parts, page = urlsplit(candidate), urlsplit(page_url)
    if parts.scheme not in ("http", "https"):
        return None
    host = (parts.hostname or "").removeprefix("www.")
    return candidate if host and host == (page.hostname or "").removeprefix("www.") else None
