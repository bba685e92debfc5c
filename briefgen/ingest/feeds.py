"""RSS and Atom feeds: each item's linked article is fetched and read as a page.

feedparser reads RSS 0.9x, 1.0 (RDF), 2.0 and Atom 0.3/1.0. It is only ever given the
fetched bytes (never a URL or a file name), so it fetches and opens nothing itself.

For each item, in feed order (at most ``max_items``): the link (relative links resolved
against the feed's URL) is fetched and its main text extracted (:mod:`briefgen.ingest.pages`).
Metadata comes from the feed first and the page second: title (item, then page), publication
date (item ``published``/``updated``, then page), publisher (the page's site name, then the
source's ``publisher:``, then the feed's title), URL (the page's canonical URL on the same
site, else the address it was served from). An item whose page cannot be fetched or has no
text is skipped with its reason; the other items go on.
"""

from __future__ import annotations

import html
import io
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urljoin, urlsplit

from briefgen.ingest.base import iso_date
from briefgen.ingest.pages import page_document
from briefgen.ingest.web import FEED_ACCEPT, FEED_TYPES, Fetcher, FetchError
from briefgen.model import Document

log = logging.getLogger(__name__)

DEFAULT_MAX_ITEMS = 50


@dataclass
class FeedItem:
    link: str
    title: str | None = None
    published: str | None = None  # YYYY-MM-DD


@dataclass
class Feed:
    url: str
    title: str | None
    version: str  # feedparser's name: rss20, atom10, rss10, rss091u, …
    items: list[FeedItem] = field(default_factory=list)


@dataclass
class FeedResult:
    """What one feed gave: documents, items skipped (link, reason), items seen before."""

    feed: Feed
    documents: list[Document] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    seen: int = 0


def fetch_feed(url: str, fetcher: Fetcher, until: float | None = None) -> Feed:
    """Fetch and parse one feed; raise :class:`FetchError` when it is not a feed."""
    response = fetcher.fetch(url, FEED_TYPES, FEED_ACCEPT, "an RSS or Atom feed", until)
    return parse_feed(response.body, response.final_url, response.content_type, response.charset)


def parse_feed(body: bytes, url: str, content_type: str = "", charset: str | None = None) -> Feed:
    """The items of a feed document; raise :class:`FetchError` when it is no feed at all."""
    import feedparser

    media = content_type if content_type and "xml" in content_type else "application/xml"
    headers = {
        "content-location": url,
        "content-type": media + (f"; charset={charset}" if charset else ""),
    }
    parsed: Any = feedparser.parse(
        io.BytesIO(body), response_headers=headers, resolve_relative_uris=True, sanitize_html=True
    )
    if not parsed.get("version") and not parsed.entries:
        problem = parsed.get("bozo_exception")
        detail = f" ({_first_line(problem)})" if problem else ""
        if content_type == "text/html" or body.lstrip()[:15].lower().startswith(
            (b"<!doctype html", b"<html")
        ):
            detail = " (an HTML page; give its feed's address, often linked as RSS)"
        raise FetchError(f"not an RSS or Atom feed{detail}")
    if parsed.get("bozo"):
        log.debug(
            "%s: feed is not well-formed (%s); read what could be read",
            url,
            _first_line(parsed.get("bozo_exception")),
        )
    items: list[FeedItem] = []
    links: set[str] = set()
    for entry in parsed.entries:
        link = _link(entry, url)
        if link is None or link in links:
            continue
        links.add(link)
        items.append(
            FeedItem(link=link, title=_plain(entry.get("title")), published=_entry_date(entry))
        )
    return Feed(
        url=url,
        title=_plain(parsed.feed.get("title")),
        version=parsed.get("version") or "unknown",
        items=items,
    )


def read_feed(
    url: str,
    fetcher: Fetcher,
    max_items: int = DEFAULT_MAX_ITEMS,
    publisher: str | None = None,
    skip_url: Callable[[str], bool] | None = None,
    budget: float | None = None,
) -> FeedResult:
    """The documents of a feed's items. ``skip_url(link)`` true leaves an item out unfetched
    (``--only-new``: seen by an earlier run). Raise :class:`FetchError` if the feed itself
    cannot be read; failing items are listed in ``skipped``.

    ``budget`` (seconds, ``fetch.feed_budget``) bounds the whole feed: the feed and its
    items together; items not fetched when it is used up are skipped with that reason."""
    until = time.monotonic() + budget if budget else None
    feed = fetch_feed(url, fetcher, until)
    result = FeedResult(feed=feed)
    if len(feed.items) > max_items:
        log.info(
            "%s: %d items; reading the first %d (fetch.max_items)", url, len(feed.items), max_items
        )
    for item in feed.items[:max_items]:
        if skip_url is not None and skip_url(item.link):
            result.seen += 1
            continue
        try:
            doc = page_document(fetcher.fetch(item.link, until=until))
        except FetchError as exc:
            result.skipped.append((item.link, exc.reason))
            continue
        doc.title = item.title or doc.title
        doc.published = item.published or doc.published
        doc.publisher = doc.publisher or publisher or feed.title
        doc.meta.update({"feed": url, "link": item.link})
        result.documents.append(doc)
    return result


# --- helpers ------------------------------------------------------------------------------


def _link(entry: Any, base: str) -> str | None:
    """The item's article link, absolute; None when it has no http(s) link."""
    candidates = [entry.get("link")]
    candidates += [
        link.get("href")
        for link in entry.get("links", [])
        if link.get("rel", "alternate") == "alternate"
    ]
    guid = entry.get("id")
    if entry.get("guidislink") or (isinstance(guid, str) and guid.startswith("http")):
        candidates.append(guid)
    for value in candidates:
        if not isinstance(value, str) or not value.strip():
            continue
        absolute = urljoin(base, value.strip())
        if urlsplit(absolute).scheme in ("http", "https") and urlsplit(absolute).netloc:
            return absolute
    return None


_TAG = re.compile(r"<[^>]*>")


def _plain(value: Any) -> str | None:
    """Feed text (titles may hold HTML and entities) as one plain line."""
    if not isinstance(value, str):
        return None
    text = " ".join(html.unescape(_TAG.sub(" ", value)).split())
    return text or None


def _entry_date(entry: Any) -> str | None:
    """The item's date as written (``published``, else ``updated``, else ``dc:date``)."""
    # dict.get: feedparser's own get() maps a missing "updated" to "published", noisily.
    for key in ("published", "updated", "created", "date"):
        day = iso_date(dict.get(entry, key))
        if day:
            return day
    for key in ("published_parsed", "updated_parsed"):
        parsed = dict.get(entry, key)
        if parsed:
            try:
                return date(parsed[0], parsed[1], parsed[2]).isoformat()
            except (TypeError, ValueError, IndexError):
                continue
    return None


def _first_line(value: Any) -> str:
    text = str(value or "").strip()
    return text.splitlines()[0][:200] if text else ""
