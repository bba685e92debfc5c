"""The PDF renderer requests nothing: a real HTTP server on 127.0.0.1 counts requests.

Articles whose text and markup point at the server (img src, stylesheet links, CSS
``url()`` and ``@import``) and a user template that does the same go through a whole
``briefgen build`` to HTML and PDF; the server must see zero requests. A request made
by the test itself at the end shows that the server was listening all along.
"""

from __future__ import annotations

import urllib.request
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli, write_project
from webserver import LocalServer, Route

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)
ROUTES = {
    "/img.png": Route(PNG, content_type="image/png"),
    "/style.css": Route(b"body { color: red }", content_type="text/css"),
    "/import.css": Route(b"body { color: blue }", content_type="text/css"),
    "/bg.png": Route(PNG, content_type="image/png"),
    "/theme.css": Route(b"h1 { color: green }", content_type="text/css"),
    "/theme-import.css": Route(b"h2 { color: green }", content_type="text/css"),
    "/theme-bg.png": Route(PNG, content_type="image/png"),
    "/theme-img.png": Route(PNG, content_type="image/png"),
    "/font.woff": Route(b"wOFF", content_type="font/woff"),
    "/alive": Route(b"yes", content_type="text/plain"),
}


def articles(server: str) -> dict[str, str]:
    txt = (
        "Ministry publishes statement\n\n"
        "Officials met in Geneva on Thursday to discuss the grain corridor, the foreign "
        f'ministry said. Its statement showed <img src="{server}/img.png"> and '
        f'<link rel="stylesheet" href="{server}/style.css">, the ministry said.\n\n'
        f"The page used @import url({server}/import.css); and background: "
        f"url('{server}/bg.png'), officials in Ankara said on Friday.\n"
    )
    page = (
        f'<html><head><title>Port talks</title><link rel="stylesheet" href="{server}/style.css">'
        f"<style>@import url({server}/import.css); p {{ background: url({server}/bg.png) }}"
        f"</style></head><body><article><p>Dock workers in Rotterdam ended a three-day strike "
        f'on Friday, the union said.<img src="{server}/img.png"></p>'
        f'<p style="background: url({server}/bg.png)">Wages will rise by four percent, '
        "the port authority said.</p></article></body></html>"
    )
    markdown = (
        "---\ntitle: Grain talks\n---\n"
        "Turkish officials met in Istanbul on Monday, the ministry said. "
        f'![chart]({server}/img.png) <img src="{server}/img.png"> '
        f"[statement]({server}/style.css)\n"
    )
    return {"statement.txt": txt, "port.html": page, "grain.md": markdown}


def theme(folder: Path, server: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "brief.html.j2").write_text(
        '{% extends "!default/brief.html.j2" %}{% block head %}{{ super() }}'
        f'<link rel="stylesheet" href="{server}/theme.css">'
        f'<style>@import url("{server}/theme-import.css");'
        f'@font-face {{ font-family: X; src: url("{server}/font.woff") }}'
        f'body {{ background: url("{server}/theme-bg.png") }}</style>'
        "{% endblock %}"
        f'{{% block footer %}}<img src="{server}/theme-img.png">{{% endblock %}}',
        encoding="utf-8",
    )
    return folder


@pytest.mark.slow
def test_html_and_pdf_rendering_fetch_nothing(tmp_path: Path) -> None:
    pytest.importorskip("weasyprint")
    with LocalServer() as server:
        for path, route in ROUTES.items():
            server.route(path, route)
        base = server.url("")
        theme(tmp_path / "theme", base)
        config = write_project(
            tmp_path,
            articles(base),
            config=(
                'title: "Network test"\n'
                "sources:\n  - path: articles/*\n"
                "templates: theme\n"
                "output:\n  dir: out\n  name: brief\n  formats: [html, pdf, md, json]\n"
                "cache:\n  enabled: false\n"
            ),
        )
        result = run_cli(["build", "--config", str(config)])
        requests = list(server.requests)
        with urllib.request.urlopen(server.url("/alive"), timeout=5) as answer:  # noqa: S310
            alive = answer.read()

    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert requests == [], [r.path for r in requests]
    assert alive == b"yes"

    out = tmp_path / "out"
    pdf = (out / "brief.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    html = (out / "brief.html").read_text(encoding="utf-8")
    # The user template's references are in the HTML (so the PDF renderer met them) …
    assert f'href="{base}/theme.css"' in html and f'src="{base}/theme-img.png"' in html
    # … and the article's only as escaped text.
    assert (
        f"&lt;img src=&#34;{base}/img.png&#34;&gt;" in html
        or f"&lt;img src=&quot;{base}/img.png&quot;&gt;" in html
    )
    assert f'<img src="{base}/img.png"' not in html


def test_url_fetcher_refuses_the_local_server_directly(tmp_path: Path) -> None:
    pytest.importorskip("weasyprint")
    from briefgen.render.pdf import make_url_fetcher

    folder = theme(tmp_path / "theme", "http://127.0.0.1:9")
    fetcher = make_url_fetcher([folder])
    with LocalServer() as server:
        server.route("/img.png", ROUTES["/img.png"])
        for url in (
            server.url("/img.png"),
            server.url("/img.png").replace("http:", "https:"),
            f"//127.0.0.1:{server.port}/img.png",
        ):
            with pytest.raises(ValueError, match="does not fetch"):
                fetcher.fetch(url)
        assert server.requests == []
    response: Any = fetcher.fetch((folder / "brief.html.j2").as_uri())
    try:
        assert b"!default/brief.html.j2" in response.read()
    finally:
        response.close()
