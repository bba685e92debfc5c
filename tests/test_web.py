"""Feeds and pages over HTTP, against a real server on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import gzip
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from webserver import GRAIN, KIM, LocalServer, Route, article_html, atom10, rss091, rss10, rss20

from briefgen import __version__
from briefgen.ingest.feeds import parse_feed, read_feed
from briefgen.ingest.pages import read_page
from briefgen.ingest.web import (
    FEED_ACCEPT,
    FEED_TYPES,
    USER_AGENT,
    Fetcher,
    FetchError,
    FetchOptions,
    HttpCache,
    parse_content_type,
)


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as srv:
        yield srv


def fetcher(**kwargs: object) -> Fetcher:
    options = {"timeout": 2.0, "allow_hosts": ("127.0.0.1",), **kwargs}
    return Fetcher(FetchOptions(**options))  # type: ignore[arg-type]


def reason(excinfo: pytest.ExceptionInfo[FetchError]) -> str:
    return excinfo.value.reason


# --- fetching ------------------------------------------------------------------------------


def test_user_agent_and_accept_header(server: LocalServer) -> None:
    url = server.route("/a", Route(article_html("Kim arrives in Vladivostok", KIM)))
    with fetcher() as f:
        response = f.fetch(url)
    assert response.body.startswith(b"<!doctype html>")
    assert response.content_type == "text/html" and response.charset == "utf-8"
    (seen,) = server.hits("/a")
    assert seen.headers["user-agent"] == f"briefgen/{__version__} (+offline brief generator)"
    assert seen.headers["user-agent"] == USER_AGENT
    assert "text/html" in seen.headers["accept"]
    assert f.stats.fetched == 1 and f.stats.failed == 0


def test_slow_answer_times_out(server: LocalServer) -> None:
    url = server.route("/slow", Route(b"late", delay=3.0))
    start = time.monotonic()
    with fetcher(timeout=0.5) as f, pytest.raises(FetchError) as excinfo:
        f.fetch(url)
    assert time.monotonic() - start < 2.5
    assert reason(excinfo) == "timed out after 0.5 s"
    assert f.stats.failed == 1


def test_trickling_answer_stops_at_the_deadline(server: LocalServer) -> None:
    # Every chunk comes well within the read timeout, but the whole takes ~8 s.
    url = server.route("/trickle", Route(b"x" * 400, trickle=(10, 0.2), content_type="text/plain"))
    start = time.monotonic()
    with fetcher(timeout=1.0) as f, pytest.raises(FetchError) as excinfo:
        f.fetch(url)
    assert time.monotonic() - start < 3.0
    assert reason(excinfo).startswith("timed out after 1 s")


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (404, "HTTP 404 Not Found"),
        (500, "HTTP 500 Internal Server Error"),
        (403, "HTTP 403 Forbidden"),
    ],
)
def test_http_errors(server: LocalServer, status: int, expected: str) -> None:
    url = server.route("/e", Route(b"error page", status=status))
    with fetcher() as f, pytest.raises(FetchError) as excinfo:
        f.fetch(url)
    assert reason(excinfo) == expected


def test_unknown_path_is_a_404(server: LocalServer) -> None:
    with fetcher() as f, pytest.raises(FetchError, match="HTTP 404"):
        f.fetch(server.url("/nothing-here"))


def test_body_larger_than_the_cap_is_refused_from_its_length(server: LocalServer) -> None:
    url = server.route("/big", Route(b"<p>" + b"a" * 3_000_000 + b"</p>"))
    with fetcher(max_bytes=1_000_000) as f, pytest.raises(FetchError) as excinfo:
        f.fetch(url)
    assert reason(excinfo).startswith("too large (3.0 MB > 1.0 MB")
    assert "fetch.max_bytes" in reason(excinfo)


def test_endless_body_is_cut_at_the_cap(server: LocalServer) -> None:
    def endless() -> Iterator[bytes]:
        for _ in range(2000):  # up to 128 MB, but the client stops after about 1 MB
            yield b"<p>" + b"word " * 13_000 + b"</p>"

    url = server.route("/endless", Route(chunks=endless))
    start = time.monotonic()
    with fetcher(max_bytes=1_000_000) as f, pytest.raises(FetchError) as excinfo:
        f.fetch(url)
    assert reason(excinfo) == "too large (more than 1.0 MB; raise fetch.max_bytes to read it)"
    assert time.monotonic() - start < 15  # bounded: not the 128 MB the server offers


def test_gzip_bomb_is_cut_after_decompression(server: LocalServer) -> None:
    bomb = gzip.compress(b"\0" * 30_000_000)  # 30 MB of zeros in about 30 kB
    url = server.route("/bomb", Route(bomb, headers={"Content-Encoding": "gzip"}))
    assert len(bomb) < 100_000
    with fetcher(max_bytes=1_000_000) as f, pytest.raises(FetchError, match="too large"):
        f.fetch(url)


def test_redirect_loop_is_bounded(server: LocalServer) -> None:
    server.route("/loop1", Route(redirect="/loop2"))
    url = server.route("/loop2", Route(redirect="/loop1"))
    with fetcher(max_redirects=5) as f, pytest.raises(FetchError) as excinfo:
        f.fetch(url)
    assert reason(excinfo) == "too many redirects (more than 5; a redirect loop?)"
    assert len(server.hits("/loop1")) + len(server.hits("/loop2")) <= 7


def test_redirects_are_followed_to_the_final_page(server: LocalServer) -> None:
    server.route("/story", Route(article_html("Kim arrives", KIM)))
    server.route("/r2", Route(redirect="/story"))
    url = server.route("/r1", Route(redirect=server.url("/r2")))
    with fetcher() as f:
        response = f.fetch(url)
    assert response.url == url
    assert response.final_url == server.url("/story")


def test_redirect_to_another_scheme_is_refused(server: LocalServer) -> None:
    url = server.route("/ftp", Route(redirect="ftp://127.0.0.1/file"))
    with fetcher() as f, pytest.raises(FetchError, match="unsupported URL"):
        f.fetch(url)


@pytest.mark.parametrize("ctype", ["image/png", "application/pdf", "application/json"])
def test_wrong_content_type_for_a_page(server: LocalServer, ctype: str) -> None:
    url = server.route("/thing", Route(b"\x89PNG....", content_type=ctype))
    with fetcher() as f, pytest.raises(FetchError) as excinfo:
        f.fetch(url)
    assert reason(excinfo).startswith(f"unexpected content type {ctype} (expected an HTML page)")


def test_json_feed_is_refused_with_a_hint(server: LocalServer) -> None:
    url = server.route(
        "/feed.json",
        Route(
            b'{"version": "https://jsonfeed.org/version/1"}', content_type="application/feed+json"
        ),
    )
    with fetcher() as f, pytest.raises(FetchError) as excinfo:
        f.fetch(url, FEED_TYPES, FEED_ACCEPT, "an RSS or Atom feed")
    assert "expected an RSS or Atom feed" in reason(excinfo)
    assert "JSON Feed is not supported" in reason(excinfo)


def test_connection_refused(server: LocalServer) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with fetcher() as f, pytest.raises(FetchError) as excinfo:
        f.fetch(f"http://127.0.0.1:{port}/")
    assert reason(excinfo).startswith("cannot connect: ")


def test_server_hanging_up_without_an_answer(server: LocalServer) -> None:
    url = server.route("/hangup", Route(hang_up=True))
    with fetcher() as f, pytest.raises(FetchError, match="broken response"):
        f.fetch(url)


def test_empty_answer(server: LocalServer) -> None:
    url = server.route("/empty", Route(b""))
    with fetcher() as f, pytest.raises(FetchError, match="empty response"):
        f.fetch(url)


def test_content_type_parsing() -> None:
    assert parse_content_type('text/HTML; Charset="ISO-8859-1"') == ("text/html", "iso-8859-1")
    assert parse_content_type(None) == ("", None)
    assert parse_content_type("application/rss+xml") == ("application/rss+xml", None)


# --- the HTTP cache ------------------------------------------------------------------------


def test_etag_gives_a_conditional_request_and_a_cached_answer(
    server: LocalServer, tmp_path: Path
) -> None:
    page = article_html("Kim arrives", KIM)
    url = server.route("/e", Route(page, etag='"v1"'))
    with fetcher(cache_dir=tmp_path / "http") as f:
        first = f.fetch(url)
        second = f.fetch(url)
    assert not first.from_cache and second.from_cache
    assert second.body == page
    first_hit, second_hit = server.hits("/e")
    assert "if-none-match" not in first_hit.headers
    assert second_hit.headers["if-none-match"] == '"v1"'
    assert f.stats.fetched == 1 and f.stats.not_modified == 1


def test_last_modified_gives_a_conditional_request(server: LocalServer, tmp_path: Path) -> None:
    stamp = "Thu, 02 May 2024 08:00:00 GMT"
    url = server.route("/lm", Route(article_html("Kim arrives", KIM), last_modified=stamp))
    with fetcher(cache_dir=tmp_path) as f:
        f.fetch(url)
    with fetcher(cache_dir=tmp_path) as f:  # a later run: the cache is on disk
        again = f.fetch(url)
    assert again.from_cache
    assert server.hits("/lm")[1].headers["if-modified-since"] == stamp


def test_changed_page_is_fetched_again(server: LocalServer, tmp_path: Path) -> None:
    url = server.route("/c", Route(b"<p>old text of the page</p>", etag='"v1"'))
    with fetcher(cache_dir=tmp_path) as f:
        f.fetch(url)
        server.route("/c", Route(b"<p>new text of the page</p>", etag='"v2"'))
        changed = f.fetch(url)
        same = f.fetch(url)
    assert not changed.from_cache and changed.body == b"<p>new text of the page</p>"
    assert same.from_cache and same.body == changed.body


def test_answers_without_validators_are_not_cached(server: LocalServer, tmp_path: Path) -> None:
    url = server.route("/nv", Route(b"<p>text</p>"))
    with fetcher(cache_dir=tmp_path) as f:
        f.fetch(url)
        f.fetch(url)
    assert all("if-none-match" not in h.headers for h in server.hits("/nv"))
    assert not list(tmp_path.rglob("*.json"))


def test_broken_cache_entry_is_ignored(server: LocalServer, tmp_path: Path) -> None:
    url = server.route("/b", Route(b"<p>the page</p>", etag='"v1"'))
    with fetcher(cache_dir=tmp_path) as f:
        f.fetch(url)
    (body,) = tmp_path.rglob("*.body")
    body.write_bytes(b"tampered")
    with fetcher(cache_dir=tmp_path) as f:
        response = f.fetch(url)
    assert not response.from_cache and response.body == b"<p>the page</p>"
    assert "if-none-match" not in server.hits("/b")[1].headers
    assert not list(tmp_path.rglob(".tmp-*"))


def test_cache_prune_removes_old_entries(server: LocalServer, tmp_path: Path) -> None:
    url = server.route("/p", Route(b"<p>x</p>", etag='"1"'))
    with fetcher(cache_dir=tmp_path) as f:
        f.fetch(url)
    files = list(tmp_path.rglob("*.*"))
    assert len(files) == 2
    old = time.time() - 90 * 86400
    for file in files:
        os.utime(file, (old, old))
    assert HttpCache(tmp_path).prune(max_age_days=60) == 2


# --- pages -----------------------------------------------------------------------------------


def test_page_main_text_without_navigation_ads_or_footer(server: LocalServer) -> None:
    url = server.route(
        "/kim",
        Route(
            article_html(
                "Kim arrives in Vladivostok for talks",
                KIM,
                site="Example Wire",
                published="2024-05-02",
            )
        ),
    )
    with fetcher() as f:
        doc = read_page(url, f)
    for paragraph in KIM:
        assert paragraph in doc.text
    for junk in ("Subscribe", "Advertisement", "Copyright", "Most read", "Celebrity", "Home"):
        assert junk not in doc.text
    assert "\n\n" in doc.text  # one paragraph per block, as for local HTML files
    assert doc.title == "Kim arrives in Vladivostok for talks"
    assert doc.publisher == "Example Wire"
    assert doc.published == "2024-05-02"
    # The canonical URL points at another site: the page's own address is kept.
    assert doc.url == url
    assert doc.path is None


def test_page_canonical_url_on_the_same_site_is_used(server: LocalServer) -> None:
    canonical = server.url("/world/kim-arrives")
    url = server.route("/kim", Route(article_html("Kim arrives", KIM, canonical=canonical)))
    with fetcher() as f:
        doc = read_page(url + "?utm_source=feed", f)
    assert doc.url == canonical


def test_page_in_latin1(server: LocalServer) -> None:
    html = article_html("Café talks in Genève", GRAIN).decode("utf-8")
    html = html.replace('<meta charset="utf-8">', "") + "<!-- é -->"
    url = server.route(
        "/latin", Route(html.encode("iso-8859-1"), content_type="text/html; charset=ISO-8859-1")
    )
    with fetcher() as f:
        doc = read_page(url, f)
    assert doc.title == "Café talks in Genève"


def test_plain_text_page(server: LocalServer) -> None:
    text = "Talks in Geneva\n\n" + "\n\n".join(GRAIN) + "\n"
    url = server.route("/grain.txt", Route(text.encode(), content_type="text/plain"))
    with fetcher() as f:
        doc = read_page(url, f)
    assert doc.text == text  # unchanged, as for a local .txt file
    assert doc.title == "Talks in Geneva"


@pytest.mark.parametrize(
    "body",
    [
        os.urandom(4000),
        b"<html><body><nav><a href='/'>Home</a></nav><footer>(c)</footer></body></html>",
        b"\x1b\x02\x03\x04" * 500,
    ],
)
def test_garbage_pages_give_a_reason(server: LocalServer, body: bytes) -> None:
    url = server.route("/junk", Route(body))
    with fetcher() as f, pytest.raises(FetchError) as excinfo:
        read_page(url, f)
    assert reason(excinfo)


# --- feeds -----------------------------------------------------------------------------------


def serve_articles(server: LocalServer) -> dict[str, str]:
    return {
        "kim": server.route(
            "/news/kim",
            Route(article_html("Kim arrives (page title)", KIM, published="2024-05-01")),
        ),
        "grain": server.route(
            "/news/grain", Route(article_html("Grain talks", GRAIN, site="Geneva Daily"))
        ),
    }


def test_rss20_items_are_fetched_and_extracted(server: LocalServer) -> None:
    pages = serve_articles(server)
    feed = rss20(
        "World news",
        [
            ("Kim arrives in Vladivostok", pages["kim"], "Tue, 12 Sep 2023 06:00:00 +0900"),
            ("Grain corridor talks", pages["grain"], "Thu, 02 May 2024 10:00:00 GMT"),
            ("Gone story", server.url("/news/gone"), "Thu, 02 May 2024 11:00:00 GMT"),
        ],
    )
    url = server.route("/rss", Route(feed, content_type="application/rss+xml"))
    with fetcher() as f:
        result = read_feed(url, f, publisher="Fallback publisher")
    assert result.feed.version == "rss20" and result.feed.title == "World news"
    kim, grain = result.documents
    assert kim.title == "Kim arrives in Vladivostok"  # the item's title first
    assert kim.published == "2023-09-12"  # the item's date as written
    assert kim.publisher == "Example Wire"  # the page's site name
    assert KIM[0] in kim.text and "Subscribe" not in kim.text
    assert kim.meta["feed"] == url and kim.meta["link"] == pages["kim"]
    assert grain.publisher == "Geneva Daily"
    assert result.skipped == [(server.url("/news/gone"), "HTTP 404 Not Found")]
    assert result.seen == 0


def test_atom_with_relative_links(server: LocalServer) -> None:
    serve_articles(server)
    feed = atom10(
        "Desk feed",
        server.url("/news/"),
        [
            ("Kim &amp;amp; Putin meet", "kim", "2023-09-13T10:00:00+09:00"),
            ("Grain talks", "grain", "2024-05-02T10:00:00Z"),
        ],
    )
    url = server.route("/atom", Route(feed, content_type="application/atom+xml"))
    with fetcher() as f:
        result = read_feed(url, f)
    assert result.feed.version == "atom10"
    assert [d.meta["link"] for d in result.documents] == [
        server.url("/news/kim"),
        server.url("/news/grain"),
    ]
    assert result.documents[0].title == "Kim & Putin meet"
    assert result.documents[0].published == "2023-09-13"


def test_rss10_and_rss091(server: LocalServer) -> None:
    pages = serve_articles(server)
    url10 = server.route(
        "/rdf",
        Route(
            rss10("RDF feed", [("Kim arrives", pages["kim"], "2023-09-12T06:00:00+09:00")]),
            content_type="text/xml",
        ),
    )
    url091 = server.route(
        "/091",
        Route(rss091("Old feed", [("Grain", pages["grain"])]), content_type="application/xml"),
    )
    with fetcher() as f:
        rdf = read_feed(url10, f)
        old = read_feed(url091, f)
    assert rdf.feed.version == "rss10" and rdf.documents[0].published == "2023-09-12"
    assert old.feed.version.startswith("rss09")
    # No date in the feed: the page's own date is used; no site name either: still the page's.
    assert old.documents[0].published == "2024-05-02"
    assert old.documents[0].title == "Grain"


def test_feed_publisher_falls_back_to_the_source_then_the_feed_title(server: LocalServer) -> None:
    page = (
        b"<html><body><article>"
        + "".join(f"<p>{p}</p>" for p in GRAIN).encode()
        + b"</article></body></html>"
    )
    link = server.route("/bare", Route(page))
    url = server.route(
        "/f",
        Route(
            rss20("The Feed Title", [("Bare page", link, "")]), content_type="application/rss+xml"
        ),
    )
    with fetcher() as f:
        assert read_feed(url, f, publisher="Desk wire").documents[0].publisher == "Desk wire"
        assert read_feed(url, f).documents[0].publisher == "The Feed Title"


def test_seen_items_are_not_fetched(server: LocalServer) -> None:
    pages = serve_articles(server)
    url = server.route(
        "/rss",
        Route(
            rss20("News", [("Kim", pages["kim"], ""), ("Grain", pages["grain"], "")]),
            content_type="application/rss+xml",
        ),
    )
    with fetcher() as f:
        result = read_feed(url, f, skip_url=lambda link: link == pages["kim"])
    assert [d.title for d in result.documents] == ["Grain"]
    assert result.seen == 1
    assert server.hits("/news/kim") == []


def test_max_items(server: LocalServer) -> None:
    pages = serve_articles(server)
    items = [(f"Story {i}", pages["kim"] + f"?n={i}", "") for i in range(5)]
    url = server.route("/rss", Route(rss20("News", items), content_type="application/rss+xml"))
    with fetcher() as f:
        result = read_feed(url, f, max_items=2)
    assert len(result.documents) == 2


@pytest.mark.parametrize(
    ("body", "ctype", "expected"),
    [
        (b"this is not a feed at all", "text/plain", "not an RSS or Atom feed"),
        (
            b"<!doctype html><html><body><p>A web page</p></body></html>",
            "text/html",
            "an HTML page; give its feed's address",
        ),
        (b"/etc/passwd", "application/xml", "not an RSS or Atom feed"),
    ],
)
def test_not_a_feed(server: LocalServer, body: bytes, ctype: str, expected: str) -> None:
    url = server.route("/notfeed", Route(body, content_type=ctype))
    with fetcher() as f, pytest.raises(FetchError) as excinfo:
        read_feed(url, f)
    assert expected in reason(excinfo)


def test_feed_bytes_are_never_taken_for_a_file_name(tmp_path: Path) -> None:
    secret = tmp_path / "secret.xml"
    secret.write_bytes(rss20("Secret", [("x", "http://127.0.0.1:9/x", "")]))
    with pytest.raises(FetchError):
        parse_feed(str(secret).encode(), "http://127.0.0.1/feed")


def test_broken_feed_items_are_read_as_far_as_possible(server: LocalServer) -> None:
    pages = serve_articles(server)
    feed = rss20("News", [("Kim", pages["kim"], "")]).replace(b"</channel></rss>", b"<item>")
    url = server.route("/broken", Route(feed, content_type="application/rss+xml"))
    with fetcher() as f:
        result = read_feed(url, f)
    assert [d.title for d in result.documents] == ["Kim"]


def test_feed_with_a_failing_fetch(server: LocalServer) -> None:
    url = server.route("/slowfeed", Route(b"<rss/>", delay=2.0))
    with fetcher(timeout=0.3) as f, pytest.raises(FetchError, match="timed out"):
        read_feed(url, f)
