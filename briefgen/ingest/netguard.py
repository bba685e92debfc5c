"""Where fetching may go, for how long, and how far a body may inflate.

Three guards used by :class:`briefgen.ingest.web.Fetcher`:

* **Addresses.** :func:`check_address` refuses loopback, private, link-local, shared,
  multicast, reserved and unspecified addresses (IPv4, IPv6, and IPv4 inside IPv6), so
  that a feed item or a redirect cannot make briefgen read an internal service or a cloud
  metadata endpoint. :class:`Guard` applies it to every host name *after* resolving it
  (whatever the spelling: ``2130706433``, ``0x7f000001``, ``[::ffff:127.0.0.1]`` all
  resolve to 127.0.0.1), on every redirect hop, and again when the connection is made
  (:class:`GuardedBackend` connects to the address it checked, so a name that resolves
  differently the second time changes nothing). Hosts listed in ``fetch.allow_hosts``
  (names, addresses or networks such as ``10.1.0.0/16``) are let through.
* **Time.** :class:`GuardedBackend` gives every socket operation only the time left
  before the request's deadline: a server that trickles one header line per second is
  cut off at ``fetch.timeout`` like any other.
* **Size.** :func:`decoded` undoes the ``Content-Encoding`` (gzip, deflate, br, in any
  number of layers) incrementally, at most 64 KiB at a time, so the byte cap counts
  decoded bytes as they stream: a 1 GB bomb costs a few hundred kilobytes of memory.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
import time
import zlib
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import httpcore

#: Largest piece of decoded output produced at once.
CHUNK = 65536

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class Refused(Exception):  # noqa: N818 - a refusal, reported as the fetch's reason
    """A URL whose host may not be fetched; the message says why and how to allow it."""


def address_problem(address: Address) -> str | None:
    """Why ``address`` may not be fetched (``"a loopback address"``), or None when it is
    a public address."""
    if isinstance(address, ipaddress.IPv6Address):
        mapped = address.ipv4_mapped or address.sixtofour or _nat64(address)
        if mapped is not None:
            return address_problem(mapped)
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_multicast:
        return "a multicast address"
    if address.is_unspecified:
        return "an unspecified address"
    if isinstance(address, ipaddress.IPv4Address) and address in _SHARED:
        return "a shared (carrier-grade NAT) address"
    if address.is_reserved:
        return "a reserved address"
    if address.is_private:
        return "a private address"
    if not address.is_global:
        return "a reserved address"
    return None


_SHARED = ipaddress.IPv4Network("100.64.0.0/10")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def _nat64(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def check_address(text: str) -> str | None:
    """:func:`address_problem` of an address written as text (a zone ``%eth0`` ignored);
    an unparsable address is refused."""
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return "not an IP address"
    return address_problem(address)


class Guard:
    """The address policy of one run: ``allow`` lists host names, addresses and networks
    that may be fetched even though they are internal."""

    def __init__(self, allow: Sequence[str] = ()) -> None:
        self.names: set[str] = set()
        self.networks: list[Network] = []
        for entry in allow:
            value = entry.strip().lower().strip("[]")
            try:
                self.networks.append(ipaddress.ip_network(value, strict=False))
            except ValueError:
                self.names.add(value.rstrip("."))

    def allowed(self, host: str, address: str | None = None) -> bool:
        name = host.strip().lower().strip("[]").rstrip(".")
        if name in self.names:
            return True
        for text in (name, address):
            if text is None:
                continue
            with contextlib.suppress(ValueError):
                ip = ipaddress.ip_address(text.split("%", 1)[0])
                if any(ip.version == n.version and ip in n for n in self.networks):
                    return True
        return False

    def resolve(self, host: str, port: int) -> list[tuple[Any, ...]]:
        """The socket addresses of ``host`` that may be fetched: every address it resolves
        to must be public (or the host allowed); raise :class:`Refused` otherwise."""
        bare = host.strip("[]")
        try:
            infos = socket.getaddrinfo(bare, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        if not infos:
            raise httpcore.ConnectError(f"cannot resolve {host}")
        for info in infos:
            address = str(info[4][0])
            problem = check_address(address)
            if problem and not self.allowed(bare, address):
                shown = bare if bare == address else f"{bare} ({address})"
                raise Refused(
                    f"refused: {shown} is {problem}; list the host in fetch.allow_hosts to fetch it"
                )
        return infos

    def check_url_host(self, host: str, port: int) -> None:
        """Refuse a URL's host before any request (used on every redirect hop)."""
        self.resolve(host, port)


# --- the deadline of the current request ----------------------------------------------------

_DEADLINE = threading.local()


@contextlib.contextmanager
def deadline(at: float) -> Iterator[None]:
    """Every socket operation in the block ends by ``at`` (``time.monotonic()``)."""
    before = getattr(_DEADLINE, "at", None)
    _DEADLINE.at = at
    try:
        yield
    finally:
        _DEADLINE.at = before


def _remaining(timeout: float | None) -> float | None:
    at = getattr(_DEADLINE, "at", None)
    if at is None:
        return timeout
    left = at - time.monotonic()
    if left <= 0:
        raise httpcore.ReadTimeout("the request's time is up")
    return left if timeout is None else min(timeout, left)


class _Stream(httpcore.NetworkStream):
    """A connection whose every read and write ends by the request's deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _remaining(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _remaining(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        return _Stream(self._inner.start_tls(ssl_context, server_hostname, _remaining(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore's synchronous backend, connecting only to addresses :class:`Guard` allows
    (checked at connection time, on the address actually used) and bounding every
    socket operation by the request's deadline."""

    def __init__(self, guard: Guard) -> None:
        self.guard = guard
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        infos = self.guard.resolve(host, port)
        error: Exception | None = None
        for info in infos:
            try:
                stream = self._inner.connect_tcp(
                    str(info[4][0]), port, _remaining(timeout), local_address, socket_options
                )
            except httpcore.ConnectError as exc:
                error = exc
                continue
            return _Stream(stream)
        raise error or httpcore.ConnectError(f"cannot connect to {host}")

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore.NetworkStream:
        raise Refused("refused: Unix sockets are never fetched")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


# --- decoding Content-Encoding in bounded steps --------------------------------------------


class DecodingProblem(Exception):  # noqa: N818
    """A body that cannot be decoded; the message is the reason."""


def _inflate(chunks: Iterable[bytes], kind: str) -> Iterator[bytes]:
    decoder: Any = None
    for chunk in chunks:
        data = chunk
        while data:
            if decoder is None:
                decoder = zlib.decompressobj(_wbits(kind, data))
            try:
                out = decoder.decompress(data, CHUNK)
            except zlib.error as exc:
                raise DecodingProblem(f"broken {kind} data ({exc})") from None
            if out:
                yield out
            data = decoder.unconsumed_tail
            if decoder.eof:  # a concatenated member (gzip allows several)
                data = decoder.unused_data + data
                decoder = None
                if not data.strip(b"\0"):
                    break
            elif not data and len(out) == CHUNK:
                data = b""
                while True:  # output still pending inside the decoder
                    more = decoder.decompress(b"", CHUNK)
                    if not more:
                        break
                    yield more


def _wbits(kind: str, head: bytes) -> int:
    if kind in ("gzip", "x-gzip"):
        return 16 + zlib.MAX_WBITS
    # deflate: properly a zlib stream, but servers also send raw deflate
    if len(head) >= 2 and head[0] & 0x0F == 8 and ((head[0] << 8) | head[1]) % 31 == 0:
        return zlib.MAX_WBITS
    return -zlib.MAX_WBITS


def _unbrotli(chunks: Iterable[bytes]) -> Iterator[bytes]:
    import brotli

    decoder = brotli.Decompressor()
    try:
        for chunk in chunks:
            out = decoder.process(chunk, output_buffer_limit=CHUNK)
            if out:
                yield out
            while not decoder.can_accept_more_data():
                out = decoder.process(b"", output_buffer_limit=CHUNK)
                if not out:
                    break
                yield out
    except brotli.error as exc:
        raise DecodingProblem(f"broken br data ({exc})") from None


def brotli_bounded() -> bool:
    """Whether brotli can be decoded in bounded steps (the ``brotli`` package ≥ 1.2)."""
    try:
        import brotli
    except ImportError:
        return False
    return hasattr(brotli.Decompressor, "can_accept_more_data")


def accept_encoding() -> str:
    """The ``Accept-Encoding`` header: only the codings :func:`decoded` bounds."""
    return "gzip, deflate, br" if brotli_bounded() else "gzip, deflate"


#: Layers of Content-Encoding accepted on one response.
MAX_LAYERS = 3


def decoded(raw: Iterable[bytes], content_encoding: str) -> Iterator[bytes]:
    """The body with its ``Content-Encoding`` undone (layers in reverse order of their
    application), in pieces of at most :data:`CHUNK` bytes per layer."""
    codings = [c.strip().lower() for c in content_encoding.split(",") if c.strip()]
    codings = [c for c in codings if c != "identity"]
    if len(codings) > MAX_LAYERS:
        raise DecodingProblem(f"{len(codings)} layers of Content-Encoding")
    stream: Iterable[bytes] = raw
    for coding in reversed(codings):
        if coding in ("gzip", "x-gzip", "deflate"):
            stream = _inflate(stream, coding)
        elif coding == "br" and brotli_bounded():
            stream = _unbrotli(stream)
        else:
            raise DecodingProblem(f"unsupported Content-Encoding {coding}")
    yield from stream
