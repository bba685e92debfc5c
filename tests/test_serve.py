"""``briefgen serve`` (briefgen.serve): the brief served with a reload script that only
the served copy carries; a template edit rebuilds it and the served page changes; a broken
template shows its error in the page; headless Chromium (where installed) draws the page."""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from briefgen.serve import Preview, error_page, make_server, serve, with_reload

ARTICLE = (
    "Valdora closes northern port\n\nPort authorities in Valdora closed the northern "
    "terminal on Tuesday, the harbour master said.\n"
)
TEMPLATE = (
    '{% extends "!default/brief.html.j2" %}\n'
    '{% block footer %}<p id="mark">MARK</p>{% endblock %}\n'
)


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def wait_for(condition: Any, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_reload_script_is_added_before_body_end() -> None:
    page = with_reload("<html><body><p>x</p></body></html>", 7)
    assert page.index("var version = 7") < page.index("</body>")
    assert with_reload("no body", 1).startswith("no body<script>")


def test_error_page_escapes_the_message() -> None:
    assert "&lt;script&gt;" in error_page("<script>alert(1)</script>")


def test_server_serves_the_page_and_its_version() -> None:
    pages = iter(["<html><body>one</body></html>", "<html><body>two</body></html>"])
    preview = Preview(lambda: next(pages))
    preview.rebuild()
    server = make_server(preview, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        assert get(f"{base}/__version") == "1"
        assert "one" in get(f"{base}/") and "briefgen serve: live reload" in get(f"{base}/")
        preview.rebuild()
        assert get(f"{base}/__version") == "2" and "two" in get(f"{base}/")
        with pytest.raises(urllib.error.HTTPError):
            get(f"{base}/../../etc/passwd")
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def served(make_project: Any) -> Iterator[tuple[Path, str]]:
    config = make_project(
        articles={"port.txt": ARTICLE},
        config="sources:\n  - path: articles/*\ntemplates: templates\noutput:\n  formats: [html]\n",
    )
    templates = config.parent / "templates"
    templates.mkdir()
    (templates / "brief.html.j2").write_text(TEMPLATE.replace("MARK", "first"))
    stop = threading.Event()
    ready: list[str] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            serve(config, "127.0.0.1", 0, stop=stop, on_ready=ready.append)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert wait_for(lambda: ready or errors, 120), "serve did not start"
    assert not errors, errors
    try:
        yield templates, ready[0]
    finally:
        stop.set()
        thread.join(timeout=10)


def test_editing_a_template_changes_the_served_page(served: tuple[Path, str]) -> None:
    templates, url = served
    first = get(url)
    assert '<p id="mark">first</p>' in first
    assert "briefgen serve: live reload" in first
    version = get(url + "__version")
    (templates / "brief.html.j2").write_text(TEMPLATE.replace("MARK", "second"))
    assert wait_for(lambda: get(url + "__version") != version), "no rebuild after the edit"
    assert '<p id="mark">second</p>' in get(url)
    # a broken template: its one-line error is the page until it is fixed
    (templates / "brief.html.j2").write_text("{% block oops %}")
    assert wait_for(lambda: "The build failed" in get(url))
    (templates / "brief.html.j2").write_text(TEMPLATE.replace("MARK", "third"))
    assert wait_for(lambda: '<p id="mark">third</p>' in get(url))


def test_nothing_written_to_the_output_folder_or_the_run_state(
    served: tuple[Path, str],
) -> None:
    templates, url = served
    assert "<html" in get(url)
    out = templates.parent / "out"
    assert not out.exists() or not any(out.iterdir())


CHROMIUM = next(
    (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)),
    None,
)


@pytest.mark.skipif(CHROMIUM is None, reason="no headless Chromium installed")
def test_headless_chromium_draws_the_served_page(served: tuple[Path, str], tmp_path: Path) -> None:
    _, url = served
    shot = tmp_path / "page.png"
    subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={shot}",
            "--window-size=1000,1400",
            url,
        ],
        check=True,
        timeout=120,
        capture_output=True,
    )
    from PIL import Image

    image = Image.open(shot).convert("L")
    low, high = image.getextrema()
    assert high - low > 100  # text on a background, not a blank page
