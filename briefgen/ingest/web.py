"""Fetching feeds and article pages over HTTP, carefully and with an on-disk cache.

Nothing here hangs or fills the disk: every request has a time limit (the response must be
complete within ``timeout`` seconds, however slowly the server trickles it, headers
included), a size cap (counted on the decoded bytes as they stream, so a gzip or brotli bomb
is cut short without inflating it), a bounded number of redirects, and a content-type check.
No request reaches a loopback, private, link-local or reserved address, on any redirect hop,
unless ``fetch.allow_hosts`` lists the host (:mod:`briefgen.ingest.netguard`). Requests
carry the User-Agent ``briefgen/<version> (+offline brief generator)``.

**Cache.** Responses that carry an ``ETag`` or ``Last-Modified`` validator are kept on disk
(``<cache folder>/http/<2 hex>/<sha256 of the URL>.json`` for the metadata and ``.body`` for
the bytes, both written atomically). The next request for the same URL is conditional
(``If-None-Match`` / ``If-Modified-Since``); a ``304 Not Modified`` answer is served from the
cache. An entry that cannot be read or whose body does not match its recorded hash is
ignored. The cache never makes a fetch fail: a folder that cannot be written is reported once
and the run goes on without it.

Every failure is a :class:`FetchError` whose ``reason`` is a short phrase for the warning
line (``HTTP 404 Not Found``, ``timed out after 20 s``, ``cannot connect: …``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpcore
import httpx

from briefgen import __version__
from briefgen.ingest.base import SkippedInput, check_text, decode_bytes
from briefgen.ingest.netguard import (
    DecodingProblem,
    Guard,
    GuardedBackend,
    Refused,
    accept_encoding,
    deadline,
    decoded,
)
from briefgen.store.atomic import write_atomic

log = logging.getLogger(__name__)

USER_AGENT = f"briefgen/{__version__} (+offline brief generator)"

DEFAULT_TIMEOUT = 20.0
DEFAULT_MAX_BYTES = 5_000_000
DEFAULT_MAX_REDIRECTS = 5

#: Content types accepted for an article page.
PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, text/plain;q=0.5"
#: Content types accepted for a feed: any XML type, plus the types servers wrongly give feeds.
FEED_TYPES = ("xml", "rss", "atom", "text/plain", "text/html", "application/octet-stream")
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.1"
)

HTTP_LAYOUT = "http"


class FetchError(SkippedInput):
    """Raised by :class:`Fetcher` (and the feed and page readers) when a URL gives nothing.

    ``reason`` is a short phrase; :func:`briefgen.ingest.ingest` logs it as a warning that
    names the source, and the run goes on with the other sources.
    """


@dataclass(frozen=True)
class FetchOptions:
    """Limits of one request: total time, bytes after decompression, redirects."""

    timeout: float = DEFAULT_TIMEOUT
    max_bytes: int = DEFAULT_MAX_BYTES
    max_redirects: int = DEFAULT_MAX_REDIRECTS
    #: The HTTP cache folder (``<cache>/http``), or None for no cache.
    cache_dir: Path | None = None
    user_agent: str = USER_AGENT
    #: Hosts (names, addresses, networks) fetched although internal (``fetch.allow_hosts``).
    allow_hosts: tuple[str, ...] = ()


@dataclass
class Response:
    """A complete, accepted response body."""

    url: str  # the URL asked for
    final_url: str  # after redirects
    content_type: str  # media type only, lower case ("text/html"); "" when not given
    charset: str | None
    body: bytes
    from_cache: bool = False  # a 304 answer served from the cache


@dataclass
class FetchStats:
    fetched: int = 0  # 200 answers
    not_modified: int = 0  # 304 answers served from the cache
    failed: int = 0
    bytes: int = 0

    @property
    def requests(self) -> int:
        return self.fetched + self.not_modified + self.failed


def http_cache_dir(cache_root: Path) -> Path:
    """``<cache root>/http``, the root being briefgen's cache folder
    (:meth:`briefgen.config.Config.cache_dir`)."""
    return Path(cache_root) / HTTP_LAYOUT


class Fetcher:
    """One HTTP client for a run: limits, User-Agent, conditional requests, statistics.

    Use it as a context manager (``with Fetcher(options) as fetcher: ...``) so that the
    connections are closed. ``transport`` is for tests (an ``httpx`` transport).
    """

    def __init__(
        self, options: FetchOptions | None = None, transport: httpx.BaseTransport | None = None
    ) -> None:
        self.options = options or FetchOptions()
        self.stats = FetchStats()
        self.cache = HttpCache(self.options.cache_dir) if self.options.cache_dir else None
        self.guard = Guard(self.options.allow_hosts)
        hooks = {"request": [self._check_hop]} if _proxied() else {}
        self._client = httpx.Client(
            timeout=httpx.Timeout(self.options.timeout),
            follow_redirects=True,
            max_redirects=self.options.max_redirects,
            headers={"User-Agent": self.options.user_agent, "Accept-Encoding": accept_encoding()},
            transport=transport or _guarded_transport(self.guard),
            event_hooks=hooks,
        )

    def _check_hop(self, request: httpx.Request) -> None:
        """Through a proxy, the guard cannot see the connection: every hop's host is
        checked by name before its request instead."""
        port = request.url.port or (443 if request.url.scheme == "https" else 80)
        self.guard.check_url_host(request.url.host, port)

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def fetch(
        self,
        url: str,
        accept: Iterable[str] = PAGE_TYPES,
        accept_header: str = PAGE_ACCEPT,
        what: str = "an HTML page",
        until: float | None = None,
    ) -> Response:
        """GET ``url`` within the limits; raise :class:`FetchError` with a short reason.

        ``accept`` lists the acceptable media types (a type matches when it equals one of
        them, or, for entries without a ``/``, contains it); ``what`` names them in the
        refusal ("expected an HTML page"). ``until`` (``time.monotonic()``) ends the
        request earlier than ``fetch.timeout`` would (a feed's budget).
        """
        try:
            response = self._fetch(url, tuple(accept), accept_header, what, until)
        except FetchError:
            self.stats.failed += 1
            raise
        if response.from_cache:
            self.stats.not_modified += 1
        else:
            self.stats.fetched += 1
            self.stats.bytes += len(response.body)
        return response

    def _fetch(
        self,
        url: str,
        accept: tuple[str, ...],
        accept_header: str,
        what: str,
        until: float | None = None,
    ) -> Response:
        opts = self.options
        headers = {"Accept": accept_header}
        cached = self.cache.get(url) if self.cache else None
        if cached is not None:
            headers.update(cached.validators())
        ends = time.monotonic() + opts.timeout
        limit = f"{opts.timeout:g} s"
        if until is not None and until < ends:
            ends, limit = until, "the feed's budget (fetch.feed_budget)"
        if ends <= time.monotonic():
            raise FetchError(f"not fetched: {limit} is used up")
        try:
            with deadline(ends), self._client.stream("GET", url, headers=headers) as answer:
                if answer.status_code == 304 and cached is not None:
                    log.debug("%s: not modified; served from the cache", url)
                    if self.cache:
                        self.cache.touch(url)
                    return cached.response(url, str(answer.url))
                if answer.status_code >= 400:
                    phrase = answer.reason_phrase or ""
                    raise FetchError(f"HTTP {answer.status_code} {phrase}".rstrip())
                if answer.status_code != 200:
                    raise FetchError(f"unexpected HTTP status {answer.status_code}")
                media, charset = parse_content_type(answer.headers.get("content-type"))
                if media and not _accepted(media, accept):
                    hint = "; JSON Feed is not supported" if "json" in media else ""
                    raise FetchError(f"unexpected content type {media} (expected {what}){hint}")
                declared = answer.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > opts.max_bytes:
                    raise FetchError(_too_large(int(declared), opts.max_bytes))
                body = _read_limited(answer, opts, ends)
                final = str(answer.url)
                validators = {
                    k: answer.headers[k] for k in ("etag", "last-modified") if k in answer.headers
                }
                no_store = "no-store" in answer.headers.get("cache-control", "").lower()
        except Refused as exc:  # the source or item is reported once, by the caller
            raise FetchError(str(exc)) from None
        except DecodingProblem as exc:
            raise FetchError(f"cannot decode the response ({exc})") from None
        except (httpx.TimeoutException, httpcore.TimeoutException):
            raise FetchError(f"timed out after {limit}") from None
        except httpx.TooManyRedirects:
            raise FetchError(
                f"too many redirects (more than {opts.max_redirects}; a redirect loop?)"
            ) from None
        except httpx.UnsupportedProtocol as exc:
            raise FetchError(f"unsupported URL ({exc})") from None
        except httpx.ConnectError as exc:
            raise FetchError(f"cannot connect: {_connect_reason(exc)}") from None
        except httpx.DecodingError as exc:
            raise FetchError(f"cannot decode the response ({_first_line(exc)})") from None
        except httpx.HTTPError as exc:  # RemoteProtocolError, ReadError, ...
            raise FetchError(
                f"broken response ({_first_line(exc) or type(exc).__name__})"
            ) from None
        except httpx.InvalidURL as exc:
            raise FetchError(f"invalid URL ({exc})") from None
        if not body:
            raise FetchError("empty response")
        response = Response(
            url=url, final_url=final, content_type=media, charset=charset, body=body
        )
        if self.cache and validators and not no_store:
            self.cache.put(response, validators)
        return response


def _read_limited(answer: httpx.Response, opts: FetchOptions, ends: float) -> bytes:
    """The decoded body, counted as it streams: the cap applies to decoded bytes, one
    bounded piece at a time, never to a body inflated whole."""
    chunks: list[bytes] = []
    size = 0
    for chunk in decoded(answer.iter_raw(), answer.headers.get("content-encoding", "")):
        size += len(chunk)
        if size > opts.max_bytes:
            raise FetchError(_too_large(size, opts.max_bytes, streamed=True))
        if time.monotonic() > ends:
            raise FetchError(f"timed out after {opts.timeout:g} s (response too slow)")
        chunks.append(chunk)
    return b"".join(chunks)


def _proxied() -> bool:
    """Whether the environment sends HTTP requests through a proxy."""
    import urllib.request

    proxies = urllib.request.getproxies()
    return any(proxies.get(k) for k in ("http", "https", "all"))


def _guarded_transport(guard: Guard) -> httpx.HTTPTransport:
    """httpx's transport with its connection pool on :class:`GuardedBackend`."""
    transport = httpx.HTTPTransport()
    transport._pool = httpcore.ConnectionPool(  # the pool httpx builds, on our backend
        ssl_context=httpx.create_ssl_context(),
        max_connections=100,
        max_keepalive_connections=20,
        keepalive_expiry=5.0,
        network_backend=GuardedBackend(guard),
    )
    return transport


def _accepted(media: str, accept: tuple[str, ...]) -> bool:
    return any(media == a if "/" in a else a in media for a in accept)


def parse_content_type(value: str | None) -> tuple[str, str | None]:
    """``text/html; charset=UTF-8`` → (``text/html``, ``utf-8``)."""
    if not value:
        return "", None
    media, _, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset" and val.strip():
            charset = val.strip().strip("\"'").lower()
    return media.strip().lower(), charset


def _too_large(size: int, limit: int, streamed: bool = False) -> str:
    """The refusal; a body cut while streaming is "more than" the cap: how far past it
    the last piece reached depends on the network's chunking, not on the body."""
    if streamed:
        return f"too large (more than {_mb(limit)}; raise fetch.max_bytes to read it)"
    return f"too large ({_mb(size)} > {_mb(limit)}; raise fetch.max_bytes to read it)"


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size:,} bytes"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else ""


_ERRNO = re.compile(r"^\[Errno -?\d+\]\s*")


def _connect_reason(exc: BaseException) -> str:
    """``[Errno -2] Name or service not known`` → ``name or service not known``."""
    text = _ERRNO.sub("", _first_line(exc)) or type(exc).__name__
    return text[:1].lower() + text[1:]


# --- decoding ----------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._:-]+)""")


def decode_body(response: Response) -> str:
    """The body as text: the declared charset (header, ``<meta charset>``, XML declaration),
    else UTF-8, else Windows-1252; raise :class:`FetchError` for binary data."""
    body = response.body
    head = body[:4096]
    declared = response.charset
    if declared is None:
        match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
        declared = match.group(1).decode("ascii").lower() if match else None
    if b"\x00" in body and not (declared or "").startswith(("utf-16", "utf-32")):
        raise FetchError("binary data, not text")
    if declared:
        try:
            text = body.decode(declared)
        except (LookupError, UnicodeDecodeError):
            text = None
        if text is not None:
            text = text.removeprefix("\ufeff")
            try:
                check_text(text)
            except SkippedInput as exc:
                raise FetchError(exc.reason) from None
            return text
    try:
        return decode_bytes(body)
    except SkippedInput as exc:
        raise FetchError(exc.reason) from None


# --- the on-disk cache --------------------------------------------------------------------


@dataclass
class CachedEntry:
    url: str
    final_url: str
    content_type: str
    charset: str | None
    etag: str | None
    last_modified: str | None
    body: bytes = field(repr=False, default=b"")

    def validators(self) -> dict[str, str]:
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers

    def response(self, url: str, final_url: str) -> Response:
        return Response(
            url=url,
            final_url=final_url or self.final_url,
            content_type=self.content_type,
            charset=self.charset,
            body=self.body,
            from_cache=True,
        )


class HttpCache:
    """Responses with validators, one metadata file and one body file per URL."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder).absolute()
        self._write_failed = False

    def _paths(self, url: str) -> tuple[Path, Path]:
        key = hashlib.sha256(url.encode("utf-8")).hexdigest()
        base = self.folder / key[:2] / key
        return base.with_suffix(".json"), base.with_suffix(".body")

    def get(self, url: str) -> CachedEntry | None:
        meta_path, body_path = self._paths(url)
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            body = body_path.read_bytes()
        except (OSError, ValueError, RecursionError):  # a corrupt entry is a miss
            return None
        try:
            if meta["url"] != url or meta["sha256"] != hashlib.sha256(body).hexdigest():
                log.debug("http cache: ignored a stale or broken entry for %s", url)
                return None
            return CachedEntry(
                url=url,
                final_url=meta.get("final_url") or url,
                content_type=meta.get("content_type") or "",
                charset=meta.get("charset"),
                etag=meta.get("etag"),
                last_modified=meta.get("last_modified"),
                body=body,
            )
        except (KeyError, TypeError, AttributeError):
            return None

    def put(self, response: Response, validators: dict[str, str]) -> None:
        if self._write_failed:
            return
        meta_path, body_path = self._paths(response.url)
        meta: dict[str, Any] = {
            "url": response.url,
            "final_url": response.final_url,
            "content_type": response.content_type,
            "charset": response.charset,
            "etag": validators.get("etag"),
            "last_modified": validators.get("last-modified"),
            "sha256": hashlib.sha256(response.body).hexdigest(),
        }
        try:
            meta_path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(body_path, response.body, fsync=True)
            meta_bytes = json.dumps(meta, ensure_ascii=False).encode("utf-8")
            write_atomic(meta_path, meta_bytes, fsync=True)
        except OSError as exc:
            self._write_failed = True
            log.warning(
                "http cache: cannot write to %s (%s); going on without it",
                self.folder,
                exc.strerror or exc,
            )

    def touch(self, url: str) -> None:
        """Mark an entry as used (for :meth:`prune`)."""
        for path in self._paths(url):
            with contextlib.suppress(OSError):
                os.utime(path)

    def prune(self, max_age_days: float = 60) -> int:
        """Remove entries not used for ``max_age_days``; returns how many files went."""
        if not self.folder.is_dir():
            return 0
        limit = time.time() - max_age_days * 86400
        removed = 0
        for path in self.folder.glob("*/*"):
            with contextlib.suppress(OSError):
                if path.is_file() and path.stat().st_mtime < limit:
                    path.unlink()
                    removed += 1
        return removed
