"""``briefgen serve``: build, serve the HTML brief, rebuild on change, reload the page.

Like ``mkdocs serve``: the brief is built once into a private folder (the configured
output folder is not touched, and the run state is not recorded, so the next real brief
still compares itself with the last real one), its HTML served at ``http://HOST:PORT/``,
and the configuration, the templates folder and the source folders watched (watchfiles).
Each change rebuilds (warm builds take about a second: every document's facts come from
the cache) and the open page reloads itself: the served copy carries a small script that
asks ``/__version`` every ``POLL_MS`` milliseconds. That script exists only in what is
served, never in a written brief. A broken template or configuration shows its one-line
error in the page until the next change fixes it.
"""

from __future__ import annotations

import html
import logging
import tempfile
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from briefgen.errors import BriefgenError

log = logging.getLogger(__name__)

#: How often the served page asks whether a newer build exists.
POLL_MS = 500
#: Changes arriving within this many milliseconds make one rebuild.
DEBOUNCE_MS = 300

RELOAD_SCRIPT = """<script>/* briefgen serve: live reload (not in written briefs) */
(function () {
  var version = %d;
  setInterval(function () {
    fetch("/__version", {cache: "no-store"}).then(function (r) { return r.text(); })
      .then(function (t) { if (parseInt(t, 10) !== version) { location.reload(); } })
      .catch(function () {});
  }, %d);
})();
</script>"""


def with_reload(page: str, version: int) -> str:
    """``page`` with the reload script before ``</body>`` (at the end if it has none)."""
    script = RELOAD_SCRIPT % (version, POLL_MS)
    index = page.lower().rfind("</body>")
    return page + script if index < 0 else page[:index] + script + page[index:]


def error_page(message: str) -> str:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        "<title>briefgen: build failed</title></head><body>"
        '<h1>The build failed</h1><pre style="white-space: pre-wrap">'
        f"{html.escape(message)}</pre><p>Fix it and save: the page reloads.</p></body></html>"
    )


@dataclass
class _Page:
    version: int = 0
    html: str = error_page("building…")


class Preview:
    """The state of one ``serve`` session: the page served and its version, and the
    build that makes it. ``build_page()`` returns the HTML of a fresh build (or raises
    :class:`~briefgen.errors.BriefgenError`); :meth:`rebuild` runs it and publishes."""

    def __init__(self, build_page: Callable[[], str]) -> None:
        self._build_page = build_page
        self._lock = threading.Lock()
        self.page = _Page()

    def rebuild(self) -> bool:
        """Build once; the page becomes the brief, or the error. True when it built."""
        try:
            text, ok = self._build_page(), True
        except BriefgenError as exc:
            log.error("%s", exc)
            text, ok = error_page(str(exc)), False
        with self._lock:
            self.page = _Page(self.page.version + 1, text)
        return ok

    def current(self) -> _Page:
        with self._lock:
            return self.page


def make_server(preview: Preview, host: str, port: int) -> ThreadingHTTPServer:
    """The HTTP server of ``preview`` (not started): ``/`` the page, ``/__version``."""

    class Handler(BaseHTTPRequestHandler):
        server_version = "briefgen-serve"

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            path = self.path.split("?", 1)[0]
            page = preview.current()
            if path == "/__version":
                self._send(str(page.version).encode(), "text/plain; charset=utf-8")
            elif path in ("/", "/index.html"):
                body = with_reload(page.html, page.version).encode("utf-8")
                self._send(body, "text/html; charset=utf-8")
            else:
                self._send(b"not found", "text/plain; charset=utf-8", HTTPStatus.NOT_FOUND)

        def _send(self, body: bytes, kind: str, status: HTTPStatus = HTTPStatus.OK) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            log.debug("serve: %s", format % args)

    server = _Server((host, port), Handler)
    server.daemon_threads = True
    return server


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A browser that goes away mid-request (a reload, a closed tab) is no error:
        one debug line, not a traceback on the terminal."""
        log.debug("serve: connection from %s ended early", client_address[0])


def watched_paths(config: Any) -> list[Path]:
    """The configuration file, its templates folder and the folders of its ``path:``
    sources (the part of each pattern before any wildcard); only those that exist."""
    from briefgen.ingest.files import literal_folder

    found = [config.config_path]
    if config.templates:
        found.append(config.resolve(config.templates))
    for source in config.sources:
        if source.path is not None:
            found.append(literal_folder(source.path, config.base_dir))
    unique: list[Path] = []
    for path in found:
        if path.exists() and path not in unique:
            unique.append(path)
    return unique


def serve(
    config_path: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    stop: threading.Event | None = None,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve the brief of ``config_path`` until ``stop`` is set (or Ctrl-C).

    ``on_ready(url)`` is called once the first build is served. Raises
    :class:`~briefgen.errors.ConfigError` when the configuration cannot be loaded at
    the start (later, a broken configuration is shown in the page).
    """
    from watchfiles import watch

    from briefgen.config import load_config

    stop = stop or threading.Event()
    first = load_config(config_path)  # a broken configuration stops here, with its code
    with tempfile.TemporaryDirectory(prefix="briefgen-serve-") as folder:
        preview = Preview(lambda: build_html(config_path, Path(folder)))
        preview.rebuild()
        try:
            server = make_server(preview, host, port)
        except OSError as exc:
            raise BriefgenError(
                f"cannot serve on {host}:{port} ({exc.strerror or exc}); choose another "
                "--port or stop what uses it"
            ) from None
        thread = threading.Thread(target=server.serve_forever, name="briefgen-serve")
        thread.daemon = True
        thread.start()
        url = f"http://{host}:{server.server_address[1]}/"
        log.info("serving %s (watching %s); Ctrl-C stops", url, _names(watched_paths(first)))
        if on_ready is not None:
            on_ready(url)
        try:
            while not stop.is_set():
                paths = watched_paths(_config_or(first, config_path))
                for changes in watch(
                    *paths, stop_event=stop, debounce=DEBOUNCE_MS, raise_interrupt=False
                ):
                    changed = sorted({Path(p).name for _, p in changes})
                    log.info("changed: %s; rebuilding", ", ".join(changed))
                    preview.rebuild()
                    break  # the watched set may have changed with the configuration
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)


def build_html(config_path: Path, folder: Path) -> str:
    """One preview build of ``config_path`` into ``folder``: the HTML only, nothing
    recorded, every document briefed (``only_new`` off). Returns the page."""
    from briefgen.config import load_config
    from briefgen.pipeline import build

    config = load_config(config_path).with_overrides(
        formats=["html"], out_dir=folder, only_new=False
    )
    result = build(config, record=False)
    if not result.paths:
        raise BriefgenError("the build wrote nothing (no documents)")
    path = next(p for p in result.paths if p.suffix == ".html")
    text = path.read_text(encoding="utf-8")
    for old in folder.iterdir():  # keep the private folder from growing with time stamps
        if old.is_file() and old != path:
            old.unlink(missing_ok=True)
    return text


def _config_or(fallback: Any, config_path: Path) -> Any:
    from briefgen.config import load_config

    try:
        return load_config(config_path)
    except BriefgenError:
        return fallback


def _names(paths: Iterable[Path]) -> str:
    return ", ".join(str(p) for p in paths)
