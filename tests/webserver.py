"""A real HTTP server on 127.0.0.1 for the tests of feeds and pages (never the internet).

``LocalServer`` serves a table of routes from a thread; each ``Route`` says what to send:
status, headers, body (or a body made lazily, for huge responses), a delay before the
answer, a trickle (chunks with pauses), a redirect, conditional answers (``ETag`` /
``Last-Modified`` → ``304``), or a connection closed without an answer. Every request is
recorded (path and headers) so tests can check the User-Agent and conditional headers.
Slow routes sleep for bounded times, and the server stops with the test.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str | None = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before the status line
    trickle: tuple[int, float] | None = None  # (bytes per chunk, pause between chunks)
    chunks: Callable[[], Iterator[bytes]] | None = None  # a lazily made (huge) body
    length: bool = True  # send Content-Length (when the body is known)
    redirect: str | None = None  # Location of a 302
    etag: str | None = None
    last_modified: str | None = None
    hang_up: bool = False  # close the connection without answering
    slow_headers: tuple[int, float] | None = None  # (extra header lines, pause before each)


class _QuietServer(ThreadingHTTPServer):
    """A client that gives up (a refused bomb, a timeout) resets its connection: not news."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@dataclass
class Seen:
    path: str
    headers: dict[str, str]


class LocalServer:
    """``with LocalServer() as server: server.route("/a", Route(...)); server.url("/a")``."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host  # always in 127.0.0.0/8: tests never reach another address
        self.routes: dict[str, Route] = {}
        self.requests: list[Seen] = []
        self._lock = threading.Lock()
        handler = _make_handler(self)
        self.httpd = _QuietServer((host, 0), handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False  # type: ignore[attr-defined]
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, daemon=True, kwargs={"poll_interval": 0.05}
        )

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def route(self, path: str, route: Route) -> str:
        self.routes[path] = route
        return self.url(path)

    def hits(self, path: str) -> list[Seen]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def __enter__(self) -> LocalServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _make_handler(server: LocalServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            path = self.path.split("?", 1)[0]
            with server._lock:
                server.requests.append(Seen(path, {k.lower(): v for k, v in self.headers.items()}))
            route = server.routes.get(path)
            if route is None:
                self._send(Route(b"not here", status=404, content_type="text/plain"))
                return
            with contextlib.suppress(TimeoutError, BrokenPipeError, ConnectionResetError):
                self._send(route)

        def _send(self, route: Route) -> None:
            if route.delay:
                time.sleep(route.delay)
            if route.hang_up:
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            if route.redirect is not None:
                self.send_response(302)
                self.send_header("Location", route.redirect)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            inm = self.headers.get("If-None-Match")
            ims = self.headers.get("If-Modified-Since")
            if (route.etag and inm == route.etag) or (
                route.last_modified and ims == route.last_modified and not route.etag
            ):
                self.send_response(304)
                self._validators(route)
                self.end_headers()
                return
            self.send_response(route.status)
            if route.slow_headers:
                count, pause = route.slow_headers
                self.flush_headers()  # the status line first, then one header line at a time
                for i in range(count):
                    time.sleep(pause)
                    self.wfile.write(f"X-Slow-{i}: {i}\r\n".encode())
                    self.wfile.flush()
            if route.content_type:
                self.send_header("Content-Type", route.content_type)
            self._validators(route)
            for key, value in route.headers.items():
                self.send_header(key, value)
            if route.chunks is not None:
                self.send_header("Connection", "close")
                self.close_connection = True
                self.end_headers()
                for chunk in route.chunks():
                    self.wfile.write(chunk)
                return
            if route.length:
                self.send_header("Content-Length", str(len(route.body)))
            else:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            if route.trickle:
                size, pause = route.trickle
                for start in range(0, len(route.body), size):
                    self.wfile.write(route.body[start : start + size])
                    self.wfile.flush()
                    time.sleep(pause)
            else:
                self.wfile.write(route.body)

        def _validators(self, route: Route) -> None:
            if route.etag:
                self.send_header("ETag", route.etag)
            if route.last_modified:
                self.send_header("Last-Modified", route.last_modified)

    return Handler


# --- sample content ---------------------------------------------------------------------------

KIM = [
    "North Korean leader Kim Jong-un arrived in Vladivostok on Tuesday for talks with "
    "Russian President Vladimir Putin, state media reported.",
    "The two leaders discussed weapons deliveries and satellite technology, according to "
    "officials in Seoul who spoke on condition of anonymity.",
    "The White House said it was watching the meeting closely and warned of new sanctions "
    "if an arms deal went ahead.",
]
GRAIN = [
    "Turkish and Ukrainian officials met in Geneva on Thursday to discuss the Black Sea "
    "grain corridor, the Turkish foreign ministry said in a statement.",
    "The talks lasted four hours. Russia did not send a delegation, and its foreign "
    "ministry called the meeting pointless.",
]


ARTICLE_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{title} | {site}</title>
<meta property="og:site_name" content="{site}">
<meta property="article:published_time" content="{published}T08:00:00Z">
<link rel="canonical" href="{canonical}">
</head><body>
<header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/subscribe">Subscribe
now for full access</a></nav></header>
<div class="advert">Advertisement: cheap flights to anywhere, book today!</div>
<main><article>
<h1>{title}</h1>
{paragraphs}
</article></main>
<aside class="related"><h2>Most read</h2><ul><li><a href="/x">Celebrity chef opens
restaurant</a></li></ul></aside>
<footer><p>Copyright 2024 {site}. All rights reserved. Privacy policy. Cookie settings.</p>
</footer></body></html>
"""


def article_html(
    title: str,
    paragraphs: list[str],
    site: str = "Example Wire",
    published: str = "2024-05-02",
    canonical: str = "",
) -> bytes:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return ARTICLE_TEMPLATE.format(
        title=title,
        site=site,
        published=published,
        canonical=canonical or "https://example.org/story",
        paragraphs=body,
    ).encode("utf-8")


def rss20(title: str, items: list[tuple[str, str, str]]) -> bytes:
    """RSS 2.0 with items (title, link, RFC 822 date)."""
    entries = "".join(
        f"<item><title>{t}</title><link>{link}</link><pubDate>{d}</pubDate>"
        f'<guid isPermaLink="false">{i}</guid><description>Summary {i}</description></item>'
        for i, (t, link, d) in enumerate(items)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://example.org/</link>"
        f"<description>News</description>{entries}</channel></rss>"
    ).encode()


def atom10(title: str, base: str, items: list[tuple[str, str, str]]) -> bytes:
    """Atom 1.0 with entries (title, link — may be relative to ``base`` —, ISO date)."""
    entries = "".join(
        f'<entry><title type="html">{t}</title><link rel="alternate" href="{link}"/>'
        f"<id>urn:uuid:{i}</id><updated>{d}</updated><published>{d}</published></entry>"
        for i, (t, link, d) in enumerate(items)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"'
        f' xml:base="{base}"><title>{title}</title><id>urn:feed</id>'
        f"<updated>2024-05-02T08:00:00Z</updated>{entries}</feed>"
    ).encode()


def rss10(title: str, items: list[tuple[str, str, str]]) -> bytes:
    """RSS 1.0 (RDF) with items (title, link, dc:date)."""
    seq = "".join(f'<rdf:li rdf:resource="{link}"/>' for _, link, _ in items)
    entries = "".join(
        f'<item rdf:about="{link}"><title>{t}</title><link>{link}</link>'
        f"<dc:date>{d}</dc:date></item>"
        for t, link, d in items
    )
    return (
        '<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        ' xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f'<channel rdf:about="https://example.org/"><title>{title}</title>'
        f"<link>https://example.org/</link><description>d</description>"
        f"<items><rdf:Seq>{seq}</rdf:Seq></items></channel>{entries}</rdf:RDF>"
    ).encode()


def rss091(title: str, items: list[tuple[str, str]]) -> bytes:
    """RSS 0.91 with items (title, link)."""
    entries = "".join(f"<item><title>{t}</title><link>{link}</link></item>" for t, link in items)
    return (
        '<?xml version="1.0"?><rss version="0.91"><channel>'
        f"<title>{title}</title><link>https://example.org/</link>"
        f"<description>d</description><language>en</language>{entries}"
        "</channel></rss>"
    ).encode()
