"""Hostile and broken input (issue 7): nothing crashes, nothing leaks, nothing is lost.

Each input class is read on its own first (no model: fast, precise about what is kept
and what is said), then all of them together go through one ``briefgen build`` with the
real model, which must finish with exit code 0, one warning line per skipped or cut file,
no traceback, and outputs in which nothing executes or fetches.
"""

from __future__ import annotations

import json
import logging
import re
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from conftest import check_spans, write_project
from markdown_it import MarkdownIt

from briefgen.config import Config, parse_config
from briefgen.errors import InputError
from briefgen.ingest import SkippedInput, ingest, read_file
from briefgen.ingest.base import DEFAULT_MAX_CHARS, MAX_SYMBOL_RUN, decode_bytes, limit_text
from briefgen.ingest.read_html import read_html
from briefgen.ingest.read_md import MAX_FRONT_MATTER_DEPTH
from briefgen.model import Brief

LOGGER = "briefgen"
ARTICLE = (
    "Kim arrives in Vladivostok\n\n"
    "North Korean leader Kim Jong-un arrived in Vladivostok on Tuesday for talks with "
    "Russian President Vladimir Putin, state media reported. The two leaders discussed "
    "weapons deliveries, officials in Seoul said.\n"
)
SERVER = "http://127.0.0.1:9"  # nothing may ever ask for it

HOSTILE_HTML = f"""<!doctype html><html><head><title>Port talks | Wire</title>
<link rel="stylesheet" href="{SERVER}/style.css">
<style>@import url({SERVER}/import.css); body {{ background: url({SERVER}/bg.png) }}</style>
<script>fetch("{SERVER}/script")</script></head>
<body onload="alert('body')"><article>
<p onclick="alert('p')">Dock workers in Rotterdam ended a strike on Friday, the union said.</p>
<iframe src="{SERVER}/frame"></iframe><img src="{SERVER}/img.png" onerror="alert('img')">
<p style="background: url({SERVER}/inline.png)">Wages will rise by four percent, the port
authority said in a statement.</p>
<a href="javascript:alert('link')">Read more about the strike</a>
<script>document.write('<p>injected by a script</p>')</script>
</article></body></html>
"""

HOSTILE_MD = f"""---
title: Grain corridor talks
publisher: Example Wire
---
Turkish officials met in Geneva on Thursday to discuss the grain corridor, the foreign
ministry said. [Click here](javascript:alert('md')) for the <b onclick="alert(1)">full</b>
story. ![chart]({SERVER}/chart.png)

<script>alert('raw html')</script>
<iframe src="{SERVER}/md-frame"></iframe>
"""

CP1252 = (
    "Caf\xe9 talks end\n\nThe minister said the caf\xe9 would \x93stay open\x94 \x97 for now.\n"
).encode("latin-1")


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def config_for(root: Path, **extra: Any) -> Config:
    return parse_config({"sources": [{"path": "in/*"}], **extra}, root)


def put(root: Path, name: str, content: str | bytes) -> Path:
    path = root / "in" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


# ---------------------------------------------------------------- decoding and skips


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b" \n\t\r\n  \n", "whitespace only"),
        (b"\x00\x00\x00\x00", "binary (contains NUL bytes)"),
        (b"Text with a NUL \x00 byte in the middle of a sentence.", "binary (contains NUL bytes)"),
        (bytes(range(1, 9)) * 40 + b"some text", "binary (97% control characters)"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "binary (contains NUL bytes)"),
        (
            b"(" * 10_000,
            f"no text before a run of more than {MAX_SYMBOL_RUN} "
            "punctuation characters without a space at character 0",
        ),
    ],
)
def test_unreadable_text_is_skipped_with_its_reason(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    with pytest.raises(SkippedInput) as caught:
        read_file(put(tmp_path, "bad.txt", content))
    assert caught.value.reason == reason


def test_windows_1252_is_decoded_not_mangled(tmp_path: Path) -> None:
    doc = read_file(put(tmp_path, "cp1252.txt", CP1252))
    assert doc.text == "Café talks end\n\nThe minister said the café would “stay open” — for now.\n"
    assert doc.title == "Café talks end"


def test_stray_windows_1252_bytes_in_a_utf8_file_keep_the_utf8(tmp_path: Path) -> None:
    data = "Zürich: “talks” — ".encode() + b"caf\xe9 \x93open\x94 \x85 " + "naïve".encode()
    doc = read_file(put(tmp_path, "mixed.txt", data))
    assert doc.text == "Zürich: “talks” — café “open” … naïve"


def test_undefined_windows_1252_byte_is_skipped() -> None:
    with pytest.raises(SkippedInput, match="not UTF-8 or Windows-1252"):
        decode_bytes(b"caf\xe9 \x81 menu")


def test_file_over_max_bytes_is_skipped_with_one_warning_naming_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    put(tmp_path, "a.txt", ARTICLE)
    big = put(tmp_path, "big.txt", b"")
    with big.open("wb") as out:  # 15 MB and one byte: the default limit is 15,000,000
        out.truncate(15_000_001)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        result = ingest(config_for(tmp_path))
    assert [d.path for d in result.documents] == ["in/a.txt"]
    assert warnings_of(caplog) == [
        "skipped in/big.txt: too large (15.0 MB > 15.0 MB; raise ingest.max_bytes to read it)"
    ]


def test_one_line_of_one_megabyte_is_cut_at_a_word_with_one_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    line = ("The delegation met officials and discussed the grain corridor at length " * 14_000)[
        :1_000_000
    ]
    path = put(tmp_path, "line.txt", line)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        doc = read_file(path)
    assert line.startswith(doc.text)  # a prefix: offsets still index the file content
    assert DEFAULT_MAX_CHARS // 2 < len(doc.text) <= DEFAULT_MAX_CHARS
    assert line[len(doc.text)] == " "  # cut between words
    (message,) = warnings_of(caplog)
    assert str(path) in message and "ingest.max_chars" in message
    assert f"of {len(line):,}" in message


def test_long_text_is_cut_at_a_paragraph_end(tmp_path: Path) -> None:
    paragraph = "Officials met in Geneva on Thursday. They talked about grain.\n\n"
    text = paragraph * 30
    doc = read_file(put(tmp_path, "long.txt", text), max_chars=1000)
    assert text.startswith(doc.text) and len(doc.text) <= 1000
    assert doc.text.endswith("They talked about grain.")
    assert text[len(doc.text) :].startswith("\n\n")


def test_run_of_brackets_after_text_is_cut_before_the_run(tmp_path: Path) -> None:
    text = ARTICLE + "(" * 10_000 + " Kim met Putin. " + ")" * 10_000
    doc = read_file(put(tmp_path, "brackets.txt", text))
    assert doc.text == ARTICLE.rstrip()
    short = "Markets fell (sharply) [again] {twice} " + "(" * 200 + ")" * 200 + " today."
    assert read_file(put(tmp_path, "short.txt", short)).text == short  # short runs are kept


def test_limit_text_bounds() -> None:
    text = "word " * 100
    kept, why = limit_text(text, 50)
    assert why is not None and text.startswith(kept) and len(kept) <= 50
    assert limit_text("(" * MAX_SYMBOL_RUN + " ok", 1000) == ("(" * MAX_SYMBOL_RUN + " ok", None)
    assert limit_text("x " + "_" * (MAX_SYMBOL_RUN + 1), 1000)[0] == "x"


def test_max_chars_is_a_config_key_within_spacys_limit(tmp_path: Path) -> None:
    from briefgen.errors import ConfigError

    assert config_for(tmp_path).ingest.max_chars == DEFAULT_MAX_CHARS
    assert config_for(tmp_path, ingest={"max_chars": 5000}).ingest.max_chars == 5000
    with pytest.raises(ConfigError, match=r"ingest\.max_chars"):
        config_for(tmp_path, ingest={"max_chars": 2_000_000})


# ---------------------------------------------------------------- Markdown


@pytest.mark.parametrize(
    ("front", "problem"),
    [
        ("title: [unclosed\n", "line 3: expected ',' or ']'"),
        ("a: &a [*a]\n", "aliases (*name) are not allowed"),
        (
            "a: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n",
            "aliases (*name) are not allowed",
        ),
        ("a: " + "[" * 10_000 + "\n", f"nested more than {MAX_FRONT_MATTER_DEPTH} levels deep"),
        (
            "a:" + "".join(f"\n{'  ' * i}b{i}:" for i in range(1, 60)) + " x\n",
            f"nested more than {MAX_FRONT_MATTER_DEPTH} levels deep",
        ),
        ("date: 2024-13-45\n", "month must be in 1..12"),
        ("n: " + "9" * 5000 + "\n", "Exceeds the limit"),
        ("!!python/object/apply:os.system ['true']\n", "could not determine a constructor"),
        ("\tbad: tab\n", "cannot start any token"),
        ("- just\n- a list\n", "not a mapping of keys"),
    ],
)
def test_broken_front_matter_keeps_the_body_with_one_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, front: str, problem: str
) -> None:
    path = put(tmp_path, "story.md", f"---\n{front}---\nThe body is still read.\n")
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        doc = read_file(path)
    assert doc.text == "The body is still read."
    assert doc.meta == {}
    (message,) = warnings_of(caplog)
    assert message.startswith(f"{path}: front matter ignored (") and problem in message


def test_markdown_links_raw_html_and_images_leave_only_text(tmp_path: Path) -> None:
    doc = read_file(put(tmp_path, "hostile.md", HOSTILE_MD))
    assert doc.title == "Grain corridor talks"
    assert "Click here for the full story." in doc.text
    for gone in ("javascript", "<", "onclick", "chart", SERVER, "alert", "iframe"):
        assert gone not in doc.text


def test_front_matter_url_must_be_http(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    good = read_file(put(tmp_path, "a.md", "---\nurl: https://example.org/a\n---\nText.\n"))
    assert good.url == "https://example.org/a"
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        bad = read_file(put(tmp_path, "b.md", "---\nurl: javascript:alert(1)\n---\nText.\n"))
    assert bad.url is None
    (message,) = warnings_of(caplog)
    assert "b.md: front matter url 'javascript:alert(1)' is not an http(s) address" in message


@pytest.mark.parametrize(
    "body",
    [
        "(" * 10_000,
        "[" * 10_000 + "x" + "]" * 10_000,
        "[a](" * 5000,
        "> " * 5000 + "deep",
        "".join("  " * i + "- item\n" for i in range(1000)),
        "*_" * 10_000 + "x",
        "`" * 10_000,
    ],
)
def test_pathological_markdown_is_read_or_skipped_quickly(tmp_path: Path, body: str) -> None:
    started = time.perf_counter()
    try:
        doc = read_file(put(tmp_path, "deep.md", body))
    except SkippedInput as skipped:
        assert skipped.reason.startswith(("no text", "no text before"))
    else:
        assert len(doc.text) <= DEFAULT_MAX_CHARS
    assert time.perf_counter() - started < 10


# ---------------------------------------------------------------- HTML


def test_html_scripts_handlers_frames_and_remote_resources_leave_only_text(
    tmp_path: Path,
) -> None:
    doc = read_file(put(tmp_path, "hostile.html", HOSTILE_HTML))
    assert doc.title == "Port talks | Wire"
    assert doc.text == (
        "Dock workers in Rotterdam ended a strike on Friday, the union said.\n\n"
        "Wages will rise by four percent, the port authority said in a statement.\n\n"
        "Read more about the strike"
    )


@pytest.mark.parametrize(
    "html",
    [
        "<p>Text</p>" + "<a" * 150_000,  # unterminated tags: quadratic in html.parser
        "<p>Text</p>" + "</" * 150_000,
        "<p>Text</p>" + "<!--x>" * 50_000,  # comments that never end
        "<p>Text</p>" + "<![x>" * 60_000,  # marked sections that never end
        "<div>" * 60_000 + "Text",  # deep nesting, never closed
        "<p>Text " + "<span>t " * 40_000,
    ],
)
def test_pathological_html_is_read_in_linear_time(html: str) -> None:
    started = time.perf_counter()
    doc = read_html(html, Path("deep.html"))
    assert doc.text.startswith("Text")
    # Before the fix each of these took from one to several minutes.
    assert time.perf_counter() - started < 15


def test_unknown_marked_section_does_not_crash_the_parser() -> None:
    doc = read_html("<p>First part.</p><![foo[ hidden ]]><p>Second part.</p>", Path("x.html"))
    assert doc.text == "First part.\n\nSecond part."


# ---------------------------------------------------------------- folders


def test_duplicate_article_under_two_names_is_counted_once(tmp_path: Path) -> None:
    put(tmp_path, "a.txt", ARTICLE)
    put(tmp_path, "copy-of-a.txt", ARTICLE)
    result = ingest(config_for(tmp_path))
    assert [d.path for d in result.documents] == ["in/a.txt"]
    assert [(d.source, d.reason) for d in result.duplicates] == [
        ("in/copy-of-a.txt", "same text as in/a.txt")
    ]


def test_folder_with_nothing_readable_is_one_clear_error(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    put(tmp_path, "empty.txt", b"")
    put(tmp_path, "blank.md", b"  \n\n")
    put(tmp_path, "nul.txt", b"\x00\x01")
    put(tmp_path, "brackets.txt", b"(" * 10_000)
    with caplog.at_level(logging.WARNING, logger=LOGGER), pytest.raises(InputError) as caught:
        ingest(parse_config({"sources": [{"path": "in"}]}, tmp_path))
    message = str(caught.value)
    assert "no readable articles in in" in message and "4 files skipped" in message
    assert "\n" not in message
    assert len(warnings_of(caplog)) == 4


# ---------------------------------------------------------------- configuration


def test_broken_config_lists_every_problem_with_its_key_path(
    make_project: Any, invoke: Any
) -> None:
    config = make_project(
        config=(
            "sources:\n  - path: articles/*\n    colour: red\n"
            "ingest:\n  max_bytes: lots\n  max_chars: [1]\n  max_pages: 3\n"
            "output:\n  formats: md\n  keep: -1\n"
            "watchlist: [Kim]\n"
        )
    )
    result = invoke(["build", "--config", str(config)])
    assert result.exit_code == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("briefgen: error:")
    for key in (
        "sources.0.colour",
        "ingest.max_bytes",
        "ingest.max_chars",
        "ingest.max_pages",
        "watchlist",
    ):
        assert f"{key}:" in lines[0], key
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize(
    "text",
    [
        "sources: [\n",
        "sources:\n  - path: a\n - path: b\n",
        "\t- tab\n",
        "a: &a [*a]\n",
        "sources: &a [*a]\n",
        "- just a list\n",
        "",
        "sources: " + "[" * 5000 + "\n",
        "period:\n  since: 2024-13-45\n",
        "title: " + "9" * 5000 + "\n",
    ],
)
def test_unparsable_config_is_exit_3_in_one_line(make_project: Any, invoke: Any, text: str) -> None:
    config = make_project(config=text)
    result = invoke(["build", "--config", str(config)])
    assert result.exit_code == 3, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("briefgen: error:"), lines
    assert "Traceback" not in result.stderr + result.stdout


# ---------------------------------------------------------------- the whole build


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def hostile_articles() -> dict[str, str | bytes]:
    line = (
        "Officials met in Vladivostok and discussed weapons deliveries with the Russian "
        "side while observers in Seoul warned of new sanctions, "
    ) * 7500
    return {
        "a-good.txt": ARTICLE,
        "b-duplicate.txt": ARTICLE,
        "cp1252.txt": CP1252,
        "empty.txt": b"",
        "blank.txt": b"  \n \t\n",
        "binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        "nul.md": b"# Title\n\nText \x00 with a NUL.\n",
        "brackets.txt": "(" * 10_000,
        "brackets-after-text.txt": ARTICLE + "(" * 10_000,
        "nested-parens.txt": "The envoy said " + "(" * 400 + "nothing" + ")" * 400 + ".\n",
        "one-line.txt": line[:1_000_000],
        "broken-front-matter.md": "---\ntitle: [oops\n---\nThe port reopened on Monday, "
        "the harbour master said.\n",
        "hostile.html": HOSTILE_HTML,
        "hostile.md": HOSTILE_MD,
        "script-only.html": "<html><body><script>alert(1)</script></body></html>",
    }


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from conftest import run_cli

    root = tmp_path_factory.mktemp("hostile")
    config = write_project(
        root,
        hostile_articles(),
        config=(
            'title: "Hostile <script>alert(1)</script> brief"\n'
            "sources:\n  - path: articles/*\n"
            "output:\n  dir: out\n  name: brief\n  formats: [md, html, json]\n"
            "cache:\n  enabled: false\n"
        ),
    )
    result = run_cli(["build", "--config", str(config)], env={"SOURCE_DATE_EPOCH": "1700000000"})
    return {"root": root, "result": result, "out": root / "out"}


@pytest.mark.slow
def test_hostile_folder_builds_without_traceback(hostile_build: dict[str, Any]) -> None:
    result = hostile_build["result"]
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert all(line.startswith("briefgen: ") for line in lines), lines
    warnings = [line for line in lines if line.startswith("briefgen: warning:")]
    skipped = {
        "empty.txt": "empty",
        "blank.txt": "whitespace only",
        "binary.txt": "binary (contains NUL bytes)",
        "nul.md": "binary (contains NUL bytes)",
        "brackets.txt": "no text before a run of more than 500 punctuation characters",
        "script-only.html": "no text found in the HTML body",
    }
    for name, reason in skipped.items():
        mine = [w for w in warnings if f"articles/{name}" in w]
        assert len(mine) == 1, (name, warnings)
        assert f"skipped articles/{name}: {reason}" in mine[0]
    for name, what in {
        "brackets-after-text.txt": "punctuation characters",
        "one-line.txt": "ingest.max_chars",
        "broken-front-matter.md": "front matter ignored",
    }.items():
        mine = [w for w in warnings if f"articles/{name}" in w]
        assert len(mine) == 1 and what in mine[0], (name, warnings)
    assert len(warnings) == len(skipped) + 3


@pytest.mark.slow
def test_hostile_folder_every_readable_document_counted_once(
    hostile_build: dict[str, Any],
) -> None:
    brief = Brief.from_json((hostile_build["out"] / "brief.json").read_text(encoding="utf-8"))
    paths = sorted(d.path for d in brief.documents)
    assert paths == sorted(
        f"articles/{name}"
        for name in (
            "a-good.txt",
            "cp1252.txt",
            "brackets-after-text.txt",
            "nested-parens.txt",
            "one-line.txt",
            "broken-front-matter.md",
            "hostile.html",
            "hostile.md",
        )
    )
    root = hostile_build["root"] / "articles"
    texts = {d.id: read_file(root / Path(d.path).name).text for d in brief.documents}
    assert check_spans(brief, texts) > 0
    assert any("café" in d.title.lower() for d in brief.documents)


@pytest.mark.slow
def test_hostile_html_output_has_nothing_that_runs_or_fetches(
    hostile_build: dict[str, Any],
) -> None:
    html = (hostile_build["out"] / "brief.html").read_text(encoding="utf-8")
    parser = Tags()
    parser.feed(html)
    names = {tag for tag, _ in parser.tags}
    assert not names & {"script", "iframe", "object", "embed", "frame", "base", "form"}
    for tag, attrs in parser.tags:
        for key, value in attrs.items():
            assert not key.lower().startswith("on"), (tag, key)
            text = (value or "").strip().lower()
            assert not text.startswith(("javascript:", "vbscript:")), (tag, key, value)
            if key in ("src", "href", "srcset", "action", "formaction", "poster", "data"):
                assert not text.startswith(("http:", "https:", "//", "file:")), (tag, key)
        if tag == "link":
            assert "stylesheet" not in (attrs.get("rel") or ""), attrs
    assert "127.0.0.1" not in "".join(re.findall(r"<style[^>]*>(.*?)</style>", html, re.S))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the title, shown as text


@pytest.mark.slow
def test_hostile_markdown_output_cannot_smuggle_html(hostile_build: dict[str, Any]) -> None:
    md = (hostile_build["out"] / "brief.md").read_text(encoding="utf-8")
    # Rendered with raw HTML allowed, as a lenient viewer would: still no tag from the text.
    rendered = MarkdownIt("commonmark", {"html": True}).render(md)
    parser = Tags()
    parser.feed(rendered)
    names = {tag for tag, _ in parser.tags}
    assert not names & {"script", "iframe", "img", "b", "style", "link"}, names
    for tag, attrs in parser.tags:
        assert not any(key.startswith("on") for key in attrs), (tag, attrs)
        assert not (attrs.get("href") or "").lower().startswith("javascript:"), attrs
    assert "Hostile <script>alert(1)</script> brief" in rendered.replace("&lt;", "<").replace(
        "&gt;", ">"
    )


@pytest.mark.slow
def test_hostile_json_is_valid_and_keeps_hostile_text_as_data(
    hostile_build: dict[str, Any],
) -> None:
    data = json.loads((hostile_build["out"] / "brief.json").read_text(encoding="utf-8"))
    assert data["title"] == "Hostile <script>alert(1)</script> brief"


# ---------------------------------------------------------------- extraction bounds


def test_long_sentences_are_read_in_bounded_pieces(nlp: Any) -> None:
    from briefgen.extract import MAX_SENTENCE_TOKENS, bounded_sentences, extract
    from briefgen.model import Document

    text = (
        "Kim Jong-un met Vladimir Putin in Vladivostok and said that the talks went well, "
    ) * 120
    doc = nlp(text)
    assert max(len(s) for s in doc.sents) > MAX_SENTENCE_TOKENS  # the parser made one
    bounded = bounded_sentences(doc)
    assert bounded.text == text and len(bounded) == len(doc)
    assert max(len(s) for s in bounded.sents) <= MAX_SENTENCE_TOKENS
    short = nlp(ARTICLE)
    assert bounded_sentences(short) is short  # normal articles are untouched
    facts = extract(doc, Document(text=text, title="Long"))
    assert check_spans(facts, text) > 0


def test_deeply_nested_brackets_do_not_recurse(nlp: Any) -> None:
    from briefgen.extract import extract
    from briefgen.model import Document

    text = (
        "The envoy said "
        + "(" * 300
        + "Kim Jong-un met Vladimir Putin"
        + ")" * 300
        + " on Tuesday. "
        + "[" * 300
        + "The talks ended."
        + "]" * 300
        + "\n"
    )
    facts = extract(nlp(text), Document(text=text, title="Nested"))
    check_spans(facts, text)


# ---------------------------------------------------------------- fetched pages


def test_fetched_pages_are_cut_and_hostile_markup_is_read_in_linear_time(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from webserver import LocalServer, Route, article_html

    long_page = article_html(
        "A long report",
        [
            f"Officials met in Geneva on day {i} of the talks and agreed on point {i} of the "
            f"plan, which covers sector {i * 7} of the border, a spokesman said."
            for i in range(60)
        ],
    )
    hostile = (
        b"<html><body><p>"
        + b"Talks resumed in Vienna on Friday, officials said. " * 20
        + b"</p>"
        + b"<a" * 300_000
        + b"</body></html>"
    )
    with LocalServer() as server:
        long_url = server.route("/long", Route(long_page))
        bad_url = server.route("/bad", Route(hostile))
        config = parse_config(
            {
                "sources": [{"url": long_url}, {"url": bad_url}],
                "ingest": {"max_chars": 2000},
                "fetch": {"allow_hosts": ["127.0.0.1"]},
            },
            tmp_path,
        )
        started = time.monotonic()
        with caplog.at_level(logging.WARNING, logger="briefgen"):
            result = ingest(config)
    assert time.monotonic() - started < 30  # not the minutes html.parser needs undefused
    by_url = {d.url: d for d in result.documents}
    assert len(by_url[long_url].text) <= 2000
    assert any(f"{long_url}: cut at character" in r.getMessage() for r in caplog.records)
    assert "Talks resumed in Vienna" in by_url[bad_url].text
