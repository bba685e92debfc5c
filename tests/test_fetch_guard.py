"""Issue 15, the network (items 3, 4, 5): no request to internal addresses, whatever the
spelling and on every redirect hop; decoded bytes capped as they stream; a total time per
request and a budget per feed.

Every server here listens in 127.0.0.0/8; the address check is tested as a function, and
refused URLs are refused before any connection, so no test sends traffic anywhere else.
"""

from __future__ import annotations

import contextlib
import gzip
import time
import tracemalloc
from collections.abc import Iterator

import pytest
from webserver import KIM, LocalServer, Route, article_html, rss20

from briefgen.ingest.feeds import read_feed
from briefgen.ingest.netguard import Guard, Refused, address_problem, check_address, decoded
from briefgen.ingest.web import Fetcher, FetchError, FetchOptions


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as srv:
        yield srv


@pytest.fixture
def other() -> Iterator[LocalServer]:
    """A second server on another loopback address (127.0.0.2)."""
    with LocalServer("127.0.0.2") as srv:
        yield srv


def fetcher(*allow: str, **kwargs: object) -> Fetcher:
    options = {"timeout": 3.0, "allow_hosts": allow, **kwargs}
    return Fetcher(FetchOptions(**options))  # type: ignore[arg-type]


# --- item 3: addresses -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("127.255.0.9", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("fd00::1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("100.64.0.1", "shared"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:169.254.169.254", "link-local"),
        ("64:ff9b::a9fe:a9fe", "link-local"),  # NAT64 of 169.254.169.254
        ("2002:7f00:1::", "loopback"),  # 6to4 of 127.0.0.1
    ],
)
def test_internal_addresses_are_refused(address: str, kind: str) -> None:
    problem = check_address(address)
    assert problem is not None and kind in problem


@pytest.mark.parametrize("address", ["93.184.215.14", "1.1.1.1", "2606:4700:4700::1111"])
def test_public_addresses_pass(address: str) -> None:
    import ipaddress

    assert address_problem(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "2130706433", "0x7f000001", "0177.0.0.1", "127.1", "[::ffff:127.0.0.1]"]
)
def test_every_spelling_of_loopback_is_refused_after_resolution(host: str) -> None:
    with pytest.raises(Refused, match="fetch.allow_hosts"):
        Guard().resolve(host, 80)


def test_allow_hosts_takes_names_addresses_and_networks() -> None:
    assert Guard(["127.0.0.1"]).allowed("127.0.0.1")
    assert Guard(["127.0.0.0/8"]).allowed("localhost", "127.0.0.1")
    assert Guard(["LocalHost"]).allowed("localhost")
    assert not Guard(["127.0.0.2"]).allowed("127.0.0.1", "127.0.0.1")
    Guard(["127.0.0.0/30"]).resolve("2130706433", 80)  # no error


def test_a_local_server_is_refused_unless_allowed(server: LocalServer) -> None:
    url = server.route("/a", Route(article_html("Kim in Vladivostok", KIM)))
    with fetcher() as f, pytest.raises(FetchError) as info:
        f.fetch(url)
    assert "127.0.0.1 is a loopback address" in info.value.reason
    assert "fetch.allow_hosts" in info.value.reason
    assert server.hits("/a") == []  # refused before any connection
    with fetcher("127.0.0.1") as f:
        assert b"Vladivostok" in f.fetch(url).body


@pytest.mark.parametrize("spelling", ["127.0.0.2", "2130706434", "0x7f000002", "127.0.2"])
def test_a_redirect_to_an_internal_address_is_refused_on_the_hop(
    server: LocalServer, other: LocalServer, spelling: str
) -> None:
    secret = other.route("/latest/meta-data", Route(b"secret-token", content_type="text/plain"))
    target = secret.replace("127.0.0.2", spelling)
    url = server.route("/story", Route(redirect=target))
    with fetcher("127.0.0.1") as f, pytest.raises(FetchError) as info:
        f.fetch(url)
    assert "is a loopback address" in info.value.reason
    assert other.hits("/latest/meta-data") == []
    assert len(server.hits("/story")) == 1


def test_feed_items_linking_to_internal_addresses_are_skipped(
    server: LocalServer, other: LocalServer
) -> None:
    inside = server.route("/admin", Route(article_html("Internal admin page", KIM)))
    public = other.route("/news", Route(article_html("Kim arrives in Vladivostok", KIM)))
    feed = other.route(
        "/rss",
        Route(
            rss20(
                "News", [("Admin", inside, None), ("Kim", public, "Tue, 12 Sep 2023 06:00:00 GMT")]
            ),
            content_type="application/rss+xml",
        ),
    )
    with fetcher("127.0.0.2") as f:
        result = read_feed(feed, f)
    assert [d.url for d in result.documents] == [public]
    assert [(link, why.split(";")[0]) for link, why in result.skipped] == [
        (inside, "refused: 127.0.0.1 is a loopback address")
    ]
    assert server.hits("/admin") == []


# --- item 4: decompression bombs ---------------------------------------------------------------


def _peak_while(call: object) -> int:
    tracemalloc.start()
    with contextlib.suppress(FetchError):
        call()  # type: ignore[operator]
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


@pytest.mark.parametrize("encoding", ["gzip", "gzip, gzip", "br", "deflate"])
def test_bombs_are_capped_on_decoded_bytes_as_they_stream(
    server: LocalServer, encoding: str
) -> None:
    import zlib

    body = b"\0" * 40_000_000  # 40 MB of zeros
    if encoding == "br":
        brotli = pytest.importorskip("brotli")
        bomb = brotli.compress(body, quality=5)
    elif encoding == "deflate":
        bomb = zlib.compress(body, 9)
    else:
        bomb = body
        for _ in encoding.split(","):
            bomb = gzip.compress(bomb, 9)
    assert len(bomb) < 100_000
    url = server.route("/bomb", Route(bomb, headers={"Content-Encoding": encoding}))
    with fetcher("127.0.0.1", max_bytes=1_000_000) as f:
        with pytest.raises(FetchError, match="too large"):
            f.fetch(url)
        peak = _peak_while(lambda: f.fetch(url))
    assert peak < 8_000_000, f"{peak:,} bytes held for a 1 MB cap"


def test_decoding_is_bounded_per_piece() -> None:
    bomb = gzip.compress(gzip.compress(b"x" * 5_000_000))
    pieces = list(decoded(iter([bomb]), "gzip, gzip"))
    assert b"".join(pieces) == b"x" * 5_000_000
    assert max(len(p) for p in pieces) <= 65536


def test_unknown_encodings_are_refused(server: LocalServer) -> None:
    url = server.route("/z", Route(b"\x28\xb5\x2f\xfd", headers={"Content-Encoding": "zstd"}))
    with fetcher("127.0.0.1") as f, pytest.raises(FetchError, match="unsupported Content-Enc"):
        f.fetch(url)


# --- item 5: time --------------------------------------------------------------------------


def test_headers_trickled_one_line_at_a_time_time_out(server: LocalServer) -> None:
    url = server.route("/drip", Route(b"<p>late</p>", slow_headers=(20, 0.25)))
    start = time.monotonic()
    with fetcher("127.0.0.1", timeout=1.0) as f, pytest.raises(FetchError, match="timed out"):
        f.fetch(url)
    assert time.monotonic() - start < 2.5  # not the 5 s the server takes


def test_a_feed_has_an_overall_budget(server: LocalServer) -> None:
    items = []
    for i in range(5):
        link = server.route(f"/slow{i}", Route(article_html(f"Story {i}", KIM), delay=0.8))
        items.append((f"Story {i}", link, "Tue, 12 Sep 2023 06:00:00 GMT"))
    feed = server.route("/rss", Route(rss20("Slow", items), content_type="application/rss+xml"))
    start = time.monotonic()
    with fetcher("127.0.0.1", timeout=3.0) as f:
        result = read_feed(feed, f, budget=1.5)
    took = time.monotonic() - start
    assert took < 2.5, took  # five items of 0.8 s each would take 4 s
    assert 1 <= len(result.documents) <= 2
    assert any("fetch.feed_budget" in why for _, why in result.skipped)


def test_a_deeply_nested_http_cache_entry_is_a_miss(tmp_path: object) -> None:
    from pathlib import Path

    from briefgen.ingest.web import HttpCache

    cache = HttpCache(Path(str(tmp_path)))
    meta, body = cache._paths("http://example.org/a")
    meta.parent.mkdir(parents=True)
    meta.write_text("[" * 200_000)
    body.write_bytes(b"x")
    assert cache.get("http://example.org/a") is None
