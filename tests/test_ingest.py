"""briefgen.ingest: readers, decoding, skips and the source walk."""

from __future__ import annotations

import logging
import socket
from pathlib import Path
from typing import Any

import pytest
from webserver import LocalServer

from briefgen.config import Config, parse_config
from briefgen.errors import InputError
from briefgen.ingest import SkippedInput, ingest, read_file
from briefgen.ingest.base import iso_date

LOGGER = "briefgen.ingest"


def make_files(root: Path, files: dict[str, str | bytes]) -> Path:
    """Create ``files`` (relative path → text or bytes) under ``root``; return ``root``."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8"))
    return root


def config_for(root: Path, *sources: dict[str, Any], **extra: Any) -> Config:
    extra.setdefault("fetch", {"allow_hosts": ["127.0.0.1"]})  # the local test servers
    return parse_config({"sources": list(sources) or [{"path": "seeds/*"}], **extra}, root)


def closed_port_url() -> str:
    """An address on 127.0.0.1 where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/story"


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


ARTICLE = "Kim arrives in Vladivostok\n\nKim Jong-un arrived by armoured train on Tuesday.\n"

# --- .txt


def test_txt_text_is_the_file_content_unchanged(tmp_path: Path) -> None:
    content = "Talks end\r\n\r\nKim met Putin.\r\nThey spoke of “arms”.\r\n"
    make_files(tmp_path, {"a.txt": content})
    doc = read_file(tmp_path / "a.txt")
    assert doc.text == content
    raw = (tmp_path / "a.txt").read_bytes().decode("utf-8")
    start = doc.text.index("Putin")
    assert raw[start : start + 5] == "Putin"
    assert doc.title == "Talks end"
    assert (doc.publisher, doc.published, doc.url) == (None, None, None)


def test_txt_title_falls_back_to_the_file_name(tmp_path: Path) -> None:
    sentence = (
        "On September 4, The New York Times reported that Kim Jong-un intends to meet Putin.\n"
    )
    make_files(tmp_path, {"kim-putin-arms-talks.txt": sentence + "More text.\n"})
    assert read_file(tmp_path / "kim-putin-arms-talks.txt").title == "Kim Putin Arms Talks"
    make_files(tmp_path, {"only_line.txt": "Just one line"})
    assert read_file(tmp_path / "only_line.txt").title == "Only Line"


def test_utf8_bom_is_stripped(tmp_path: Path) -> None:
    make_files(tmp_path, {"bom.txt": b"\xef\xbb\xbf" + ARTICLE.encode()})
    assert read_file(tmp_path / "bom.txt").text == ARTICLE


def test_cp1252_file_is_decoded(tmp_path: Path) -> None:
    make_files(tmp_path, {"cp.txt": b"Caf\xe9 talks\r\n\x93Arms\x94 for shells \x96 report\r\n"})
    doc = read_file(tmp_path / "cp.txt")
    assert doc.text == "Café talks\r\n“Arms” for shells – report\r\n"


def test_undecodable_file_is_skipped(tmp_path: Path) -> None:
    make_files(tmp_path, {"bad.txt": b"abc \x81\x8d text"})
    with pytest.raises(SkippedInput, match="not UTF-8 or Windows-1252 text"):
        read_file(tmp_path / "bad.txt")


# --- .md


MD = """---
title: "Kim and Putin meet"
publisher: Daily NK
published: 2023-09-13
url: https://example.org/kim-putin
tags: [nk, russia]
---
# Summit in *Vladivostok*

Kim met [Putin](https://example.org) at the `Vostochny` cosmodrome.
They spoke <b>briefly</b>.

<div>raw html block</div>

- first item
- second **item**

```
code stays
```
"""


def test_md_front_matter_and_plain_text(tmp_path: Path) -> None:
    make_files(tmp_path, {"a.md": MD})
    doc = read_file(tmp_path / "a.md")
    assert doc.title == "Kim and Putin meet"
    assert doc.publisher == "Daily NK"
    assert doc.published == "2023-09-13"
    assert doc.url == "https://example.org/kim-putin"
    assert doc.meta == {"tags": ["nk", "russia"]}
    assert doc.text == (
        "Summit in Vladivostok\n\n"
        "Kim met Putin at the Vostochny cosmodrome. They spoke briefly.\n\n"
        "first item\n\nsecond item\n\ncode stays"
    )


def test_md_title_from_first_heading_and_iso_date_string(tmp_path: Path) -> None:
    make_files(
        tmp_path,
        {
            "b.markdown": "---\npublished: '2023-09-13T10:00:00Z'\n---\n"
            "Intro line.\n\n## The heading\n\nBody.\n"
        },
    )
    doc = read_file(tmp_path / "b.markdown")
    assert doc.title == "The heading"
    assert doc.published == "2023-09-13"


def test_md_broken_front_matter_warns_and_keeps_body(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    make_files(tmp_path, {"seeds/broken.md": "---\ntitle: [oops\n---\n# Real title\n\nBody.\n"})
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        result = ingest(config_for(tmp_path))
    doc = result.documents[0]
    assert doc.text == "Real title\n\nBody."
    assert doc.title == "Real title"
    messages = warnings(caplog)
    assert len(messages) == 1
    assert "broken.md" in messages[0] and "front matter" in messages[0]


def test_md_without_text_is_skipped(tmp_path: Path) -> None:
    make_files(tmp_path, {"empty.md": "---\ntitle: x\n---\n<div>only html</div>\n"})
    with pytest.raises(SkippedInput):
        read_file(tmp_path / "empty.md")


# --- .html


HTML = """<!DOCTYPE html>
<html><head>
<title>Kim meets Putin | Example News</title>
<meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="2023-09-13T08:00:00+09:00">
<link rel="canonical" href="https://example.org/kim-putin">
<style>p { color: red }</style>
<script>var s = "<p>script text</p>";</script>
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<header>Site header</header>
<article>
<h2>Summit</h2>
<p>Kim Jong-un met   Vladimir Putin &amp; discussed <b>weapons</b>.<br>Next&nbsp;line.
<p>A &#8220;quoted&#8221; claim.</p>
<ul><li>One<li>Two</ul>
<aside>Read more</aside><script>alert(1)</script>
</article>
<footer>Copyright</footer>
</body></html>
"""


def test_html_main_text_and_metadata(tmp_path: Path) -> None:
    make_files(tmp_path, {"a.html": HTML})
    doc = read_file(tmp_path / "a.html")
    assert doc.text == (
        "Summit\n\nKim Jong-un met Vladimir Putin & discussed weapons.\n\nNext line.\n\n"
        "A “quoted” claim.\n\nOne\n\nTwo"
    )
    for dropped in ("script", "Home", "Site header", "Read more", "Copyright", "color"):
        assert dropped not in doc.text
    assert doc.title == "Kim meets Putin"
    assert doc.publisher == "Example News"
    assert doc.published == "2023-09-13"
    assert doc.url == "https://example.org/kim-putin"


def test_html_prefers_main_then_body_and_reads_og_title(tmp_path: Path) -> None:
    make_files(
        tmp_path,
        {
            "main.htm": '<meta property="og:title" content="OG title"><div>Menu</div>'
            "<main><p>Main text.</p></main><time datetime='2024-01-02'>2 Jan</time>",
            "body.html": "<body><h1>Headline</h1><div>Body text</div></body>",
        },
    )
    main = read_file(tmp_path / "main.htm")
    assert (main.text, main.title, main.published) == ("Main text.", "OG title", "2024-01-02")
    body = read_file(tmp_path / "body.html")
    assert (body.text, body.title) == ("Headline\n\nBody text", "Headline")


def test_html_broken_markup(tmp_path: Path) -> None:
    make_files(
        tmp_path,
        {"b.html": "<div><p>First<div></span>second</p></i></div></article>tail &copy <b>bold"},
    )
    doc = read_file(tmp_path / "b.html")
    assert doc.text == "First\n\nsecond\n\ntail © bold"


def test_html_without_text_is_skipped(tmp_path: Path) -> None:
    make_files(tmp_path, {"s.html": "<html><body><script>var a = 1;</script></body></html>"})
    with pytest.raises(SkippedInput, match="no text"):
        read_file(tmp_path / "s.html")


# --- skips, warnings and the source walk


def test_bad_files_are_skipped_with_one_warning_each(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    make_files(
        tmp_path,
        {
            "seeds/a-good.txt": ARTICLE,
            "seeds/binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "seeds/controls.txt": bytes(range(1, 9)) * 10,
            "seeds/empty.txt": b"",
            "seeds/blank.md": "  \n\t\r\n",
            "seeds/huge.txt": "x" * 2000,
            "seeds/image.png": b"\x89PNG",
        },
    )
    config = config_for(tmp_path, ingest={"max_bytes": 1000})
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        result = ingest(config)
    assert [d.path for d in result.documents] == ["seeds/a-good.txt"]
    reasons = {s.source: s.reason for s in result.skipped}
    assert reasons["seeds/binary.txt"] == "binary (contains NUL bytes)"
    assert reasons["seeds/controls.txt"].startswith("binary (")
    assert reasons["seeds/empty.txt"] == "empty"
    assert reasons["seeds/blank.md"] == "whitespace only"
    assert reasons["seeds/huge.txt"].startswith("too large")
    assert reasons["seeds/image.png"].startswith("unsupported file type .png")
    assert len(result.skipped) == 6
    messages = warnings(caplog)
    assert len(messages) == 6
    assert all(m.startswith("skipped seeds/") and "\n" not in m for m in messages)
    assert "skipped seeds/empty.txt: empty" in messages


def test_globs_hidden_files_and_folders(tmp_path: Path) -> None:
    make_files(
        tmp_path,
        {
            "articles/b.md": "# B\n\nBee text.",
            "articles/a.txt": "A text.",
            "articles/deep/c.html": "<p>Sea text.</p>",
            "articles/.hidden.txt": "Hidden text.",
            "articles/.git/d.txt": "Git text.",
            "folder/e.txt": "E text.",
            "folder/notes.pdf": "not read",
        },
    )
    config = config_for(tmp_path, {"path": "articles/**/*"}, {"path": "folder"})
    paths = [d.path for d in ingest(config).documents]
    assert paths == ["articles/a.txt", "articles/b.md", "articles/deep/c.html", "folder/e.txt"]


def test_path_outside_config_folder_is_absolute(tmp_path: Path) -> None:
    make_files(tmp_path, {"elsewhere/x.txt": ARTICLE, "cfg/.keep": ""})
    expected = str((tmp_path / "elsewhere" / "x.txt").absolute())
    config = config_for(tmp_path / "cfg", {"path": str(tmp_path / "elsewhere" / "x.txt")})
    assert ingest(config).documents[0].path == expected
    config = config_for(tmp_path / "cfg", {"path": "../elsewhere/*.txt"})
    assert ingest(config).documents[0].path == expected


def test_duplicate_text_counted_once(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    make_files(tmp_path, {"seeds/one.txt": ARTICLE, "seeds/two.txt": ARTICLE})
    with caplog.at_level(logging.DEBUG, logger=LOGGER):
        result = ingest(config_for(tmp_path))
    assert [d.path for d in result.documents] == ["seeds/one.txt"]
    assert result.duplicates[0].source == "seeds/two.txt"
    assert warnings(caplog) == []
    assert any("same text" in r.getMessage() for r in caplog.records)


def test_source_metadata_fills_gaps(tmp_path: Path) -> None:
    make_files(tmp_path, {"seeds/a.txt": ARTICLE, "seeds/b.md": "---\npublisher: Own\n---\nB."})
    source = {"path": "seeds/*", "publisher": "Yonhap", "published": "2023-09-04"}
    docs = ingest(config_for(tmp_path, source)).documents
    assert [(d.publisher, d.published) for d in docs] == [
        ("Yonhap", "2023-09-04"),
        ("Own", "2023-09-04"),
    ]


def test_failing_feed_and_url_sources_warn(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    make_files(tmp_path, {"seeds/a.txt": ARTICLE})
    nowhere = closed_port_url()
    with LocalServer() as server:
        missing = server.url("/rss")  # the server answers 404
        config = config_for(tmp_path, {"feed": missing}, {"url": nowhere}, {"path": "seeds/*"})
        with caplog.at_level(logging.WARNING, logger=LOGGER):
            result = ingest(config)
    assert len(result.documents) == 1
    feed, url = warnings(caplog)
    assert feed == f"feed {missing}: HTTP 404 Not Found; skipped"
    assert url.startswith(f"url {nowhere}: cannot connect: ")
    assert [s.source for s in result.failed] == [f"feed {missing}", f"url {nowhere}"]


def test_no_usable_input_raises(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    make_files(tmp_path, {"seeds/a.bin.txt": b"\x00\x01", "seeds/b.txt": b""})
    with caplog.at_level(logging.WARNING, logger=LOGGER), pytest.raises(InputError) as info:
        ingest(config_for(tmp_path))
    message = str(info.value)
    assert message.startswith("no readable articles in seeds/* (2 files skipped: ")
    assert "seeds/a.bin.txt: binary" in message and "seeds/b.txt: empty" in message
    assert message.endswith("add .txt, .md, .html, .pdf or .docx files")
    assert info.value.exit_code == 1


def test_glob_matching_nothing(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger=LOGGER), pytest.raises(InputError) as info:
        ingest(config_for(tmp_path, {"path": "news/*.md"}, {"feed": closed_port_url()}))
    assert "news/*.md: no files match" in warnings(caplog)[0]
    assert str(info.value).startswith("no readable articles in news/*.md, feed http://")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-09-13", "2023-09-13"),
        ("2023-09-13T23:30:00-05:00", "2023-09-13"),
        ("2023/9/4", "2023-09-04"),
        ("Wed, 13 Sep 2023 08:00:00 GMT", "2023-09-13"),
        ("2023-02-30", None),
        ("yesterday", None),
        (20230913, None),
    ],
)
def test_iso_date(value: Any, expected: str | None) -> None:
    assert iso_date(value) == expected
