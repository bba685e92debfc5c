"""Tests of briefgen.render: escaping, templates, sandbox, PDF, URL fetcher, atomic writes.

The fixture ``tests/fixtures/brief.json`` is a hand-made Brief with every section
filled and hostile article text (HTML, Markdown, CSS URLs) in every text field.
"""

from __future__ import annotations

import io
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from briefgen.errors import RenderError, TemplateError
from briefgen.model import Brief, Marking
from briefgen.render import (
    builtin_templates_dir,
    list_templates,
    render,
    template_search_path,
    write_outputs,
)
from briefgen.render.filters import (
    css_string,
    format_date,
    format_datetime,
    format_when,
    likelihood_range,
    marking_colors,
    shorten_middle,
    timeline_order,
)
from briefgen.render.mdescape import md_escape

FIXTURE = Path(__file__).parent / "fixtures" / "brief.json"
SECTIONS = [
    "Key judgments",
    "Key developments",
    "Actors",
    "Statements",
    "Risks",
    "Open questions",
    "Timeline",
    "Sources",
    "Evidence",
]
HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[link](javascript:alert(1))",
    "# heading",
    "| table |",
    "`code`",
    "*stars*",
    '<iframe src="http://127.0.0.1:9/">',
    "url(http://127.0.0.1:9/x.png)",
]


@pytest.fixture(scope="module")
def brief() -> Brief:
    return Brief.from_json(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def empty_brief() -> Brief:
    return Brief(
        title="Empty brief",
        generated_at="2023-09-05T06:30:00Z",
        marking=Marking(label="UNCLASSIFIED"),
    )


@pytest.fixture(scope="module")
def outputs(brief: Brief) -> dict[str, bytes]:
    return render(brief, ["md", "html", "json"])


@pytest.fixture(scope="module")
def pdf(brief: Brief) -> bytes:
    return render(brief, ["pdf"], author="Desk A")["pdf"]


def make_theme(tmp_path: Path, files: dict[str, str]) -> Path:
    folder = tmp_path / "theme"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


class Collector(HTMLParser):
    """Every start tag with its attributes, and all text, of an HTML document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self._raw = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in ("style", "title"):
            self._raw += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "title"):
            self._raw -= 1

    def handle_data(self, data: str) -> None:
        if not self._raw:
            self.text.append(data)


def parse_html(html: str) -> Collector:
    collector = Collector()
    collector.feed(html)
    return collector


# ---------------------------------------------------------------- formats, JSON


def test_render_returns_requested_formats_in_order(outputs: dict[str, bytes]) -> None:
    assert list(outputs) == ["md", "html", "json"]
    assert all(isinstance(value, bytes) and value for value in outputs.values())


def test_json_is_the_model_dump(brief: Brief, outputs: dict[str, bytes]) -> None:
    assert outputs["json"].decode() == brief.model_dump_json(indent=2) + "\n"
    assert Brief.from_json(outputs["json"]) == brief


def test_unknown_format_is_a_render_error(brief: Brief) -> None:
    with pytest.raises(RenderError, match="odt"):
        render(brief, ["odt"])


# ---------------------------------------------------------------- HTML


def test_html_has_no_active_content(outputs: dict[str, bytes]) -> None:
    html = outputs["html"].decode()
    lowered = html.lower()
    for raw in ("<script", "<iframe", "<img", 'javascript:alert(1)"'):
        assert raw not in lowered
    doc = parse_html(html)
    tags = {tag for tag, _ in doc.tags}
    assert not tags & {"script", "iframe", "img", "object", "embed", "link", "base"}
    for tag, attrs in doc.tags:
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            if name in ("href", "src", "action"):
                assert value is not None and value.startswith("#"), (tag, name, value)
    # external resources: none, the stylesheet is inline
    assert "http://" not in re.sub(r">[^<]*<", "><", html.split("</head>")[0])


def test_html_shows_hostile_text_as_text(outputs: dict[str, bytes]) -> None:
    text = "".join(parse_html(outputs["html"].decode()).text)
    for sample in HOSTILE:
        assert sample in text
    assert "Sergeï Choïgou" in text and "Zoë Müller-Łukasiewicz" in text
    assert "“actively advancing”" in text


def test_html_structure(outputs: dict[str, bytes]) -> None:
    html = outputs["html"].decode()
    assert '<html lang="en">' in html
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", html)
    assert headings == SECTIONS
    assert html.index("Key judgments") < html.index("Key developments") < html.index(">Risks<")
    assert "<style>" in html and "--accent" in html  # theme CSS inlined
    assert "TLP:AMBER" in html and "Limited disclosure" in html
    assert "likely" in html and "55–80%" in html
    assert "10–13 September 2023" in html  # a When with a date range
    assert "4 September 2023" in html and "July 2023" in html and ">2019<" in html


def test_evidence_references_resolve_and_are_numbered_once(
    brief: Brief, outputs: dict[str, bytes]
) -> None:
    html = outputs["html"].decode()
    targets = set(re.findall(r'href="#(ev-\d+)"', html))
    anchors = re.findall(r'<li id="(ev-\d+)"', html)
    assert targets and targets == set(anchors)
    assert len(anchors) == len(set(anchors))
    assert anchors == [f"ev-{n}" for n in range(1, len(anchors) + 1)]
    # the first judgment cites the first two spans; the first development re-uses them
    assert '<a href="#ev-1">[1]</a><a href="#ev-2">[2]</a>' in html
    spans = {(ev.doc, ev.start, ev.end) for ev in brief.bluf_items[0].evidence}
    assert len(spans) == 2
    # evidence appendix quotes the text, names the document and the position
    assert "characters 0–166" in html


def test_timeline_is_in_date_order_with_undated_last(outputs: dict[str, bytes]) -> None:
    md = outputs["md"].decode()
    section = md.split("## Timeline")[1].split("## Sources")[0]
    dates = [line.split("|")[1].strip() for line in section.splitlines() if line.startswith("| ")]
    assert dates[2:6] == ["2019", "July 2023", "30 August 2023", "4 September 2023"]
    assert dates[6].startswith("previously")  # undated: the source's own wording


# ---------------------------------------------------------------- Markdown


def md_tokens(md: str) -> list:
    return MarkdownIt("js-default").parse(md)


def walk(tokens: list):
    for token in tokens:
        yield token
        if token.children:
            yield from walk(token.children)


def test_markdown_has_no_html_or_links(outputs: dict[str, bytes]) -> None:
    tokens = list(walk(md_tokens(outputs["md"].decode())))
    kinds = {token.type for token in tokens}
    assert not kinds & {"html_block", "html_inline", "link_open", "image", "code_inline"}
    assert not kinds & {"code_block", "fence", "blockquote_open", "s_open"}
    for token in tokens:
        assert "javascript:" not in (token.attrGet("href") or "")


def test_markdown_headings_are_only_the_templates(outputs: dict[str, bytes]) -> None:
    tokens = md_tokens(outputs["md"].decode())
    headings = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            headings.append((token.tag, tokens[index + 1].content))
    assert [text for tag, text in headings if tag == "h2"] == SECTIONS
    assert [tag for tag, _ in headings].count("h1") == 1
    assert headings[0][1].startswith("Russia–North Korea arms talks")
    assert [tag for tag, _ in headings].count("h3") == 3  # one per key development
    assert {tag for tag, _ in headings} == {"h1", "h2", "h3"}


def test_markdown_development_facts_are_one_tight_list(outputs: dict[str, bytes]) -> None:
    tokens = md_tokens(outputs["md"].decode())
    start = next(i for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h3")
    items, depth = [], 0
    for token in tokens[start:]:
        if token.type == "bullet_list_open":
            depth += 1
        elif token.type == "bullet_list_close":
            break
        elif token.type == "inline" and depth:
            items.append(token.content.split(":**")[0].strip("*"))
    assert items == ["Confidence", "Who", "What", "When", "Where", "Sourcing", "Hedging"]


def test_markdown_tables_keep_their_shape(brief: Brief, outputs: dict[str, bytes]) -> None:
    tokens = md_tokens(outputs["md"].decode())
    tables, cells, rows = [], 0, []
    for token in tokens:
        if token.type == "table_open":
            rows = []
        elif token.type == "tr_open":
            cells = 0
        elif token.type in ("th_open", "td_open"):
            cells += 1
        elif token.type == "tr_close":
            rows.append(cells)
        elif token.type == "table_close":
            tables.append(rows)
    assert len(tables) == 3  # actors, timeline, sources
    actors, timeline, sources = tables
    assert actors == [6] * (len(brief.actors) + 1)
    assert timeline == [3] * (len(brief.timeline) + 1)
    assert sources == [6] * (len(brief.documents) + 1)


def test_markdown_shows_hostile_text_verbatim(outputs: dict[str, bytes]) -> None:
    rendered = MarkdownIt("js-default").render(outputs["md"].decode())
    text = "".join(parse_html(rendered).text)
    for sample in HOSTILE:
        assert sample in text
    assert not {tag for tag, _ in parse_html(rendered).tags} & {"script", "img", "iframe", "a"}


@pytest.mark.parametrize(
    "value",
    [
        "# heading",
        "## two",
        "> quote",
        "- item",
        "+ item",
        "* item",
        "1. first",
        "1984) year",
        "=====",
        "    indented code",
        "line\n# heading\n\n- list",
        "<div>raw</div>",
        "&lt;b&gt; &#60;i&#62;",
        "![img](x.png)",
        "[a][b]",
        "~~strike~~",
        "`code`",
        "a | b",
        "trailing \\",
    ],
)
def test_md_escape_makes_text_inert(value: str) -> None:
    safe = md_escape(value)
    md = f"{safe}\n\n- {safe}\n\n| a | b |\n| - | - |\n| {safe} | x |\n"
    tokens = list(walk(md_tokens(md)))
    kinds = [token.type for token in tokens]
    assert kinds[:3] == ["paragraph_open", "inline", "text"]
    allowed = {
        "paragraph_open", "paragraph_close", "inline", "text", "bullet_list_open",
        "bullet_list_close", "list_item_open", "list_item_close", "table_open", "table_close",
        "thead_open", "thead_close", "tbody_open", "tbody_close", "tr_open", "tr_close",
        "th_open", "th_close", "td_open", "td_close",
    }  # fmt: skip
    assert set(kinds) <= allowed, set(kinds) - allowed
    flat = " ".join(value.split())
    texts = [token.content for token in tokens if token.type == "text"]
    assert texts.count(flat) == 3, texts


# ---------------------------------------------------------------- PDF


@pytest.mark.slow
def test_pdf_pages_marking_metadata_outline(brief: Brief, pdf: bytes) -> None:
    from pypdf import PdfReader

    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    texts = [page.extract_text() for page in reader.pages]
    assert len(texts) >= 2
    for number, text in enumerate(texts, start=1):
        assert text.count("TLP:AMBER") >= 2, number  # top centre and bottom centre
        assert f"Page {number} of {len(texts)}" in text
    whole = "\n".join(texts).lower()
    for heading in SECTIONS:
        assert heading.lower() in whole
    assert "sergeï choïgou" in whole and "“actively advancing”" in whole
    assert reader.metadata is not None
    assert reader.metadata.title == brief.title
    assert reader.metadata.author == "Desk A"
    assert reader.metadata.creator and reader.metadata.creator.startswith("briefgen")
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert outline == SECTIONS


@pytest.mark.slow
def test_pdf_fetches_nothing_outside_the_theme(
    tmp_path: Path, brief: Brief, caplog: pytest.LogCaptureFixture
) -> None:
    outside = tmp_path / "secret.css"
    outside.write_text("body { color: red }")
    theme = make_theme(
        tmp_path,
        {
            "brief.html.j2": (
                '{% extends "!default/brief.html.j2" %}{% block head %}{{ super() }}'
                '<link rel="stylesheet" href="http://127.0.0.1:9/x.css">'
                f'<link rel="stylesheet" href="{outside.as_uri()}">'
                '<link rel="stylesheet" href="extra.css">{% endblock %}'
                '{% block footer %}<img src="http://127.0.0.1:9/x.png">'
                '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">{% endblock %}'
            ),
            "extra.css": "h1 { color: #123456 }",
        },
    )
    caplog.set_level("DEBUG", logger="briefgen.render.pdf")
    result = render(brief, ["pdf"], theme)["pdf"]
    assert result.startswith(b"%PDF")
    refused = " ".join(record.getMessage() for record in caplog.records)
    assert "http://127.0.0.1:9/x.css" in refused and "http://127.0.0.1:9/x.png" in refused
    assert "secret.css" in refused
    assert "extra.css" not in refused


def test_url_fetcher_allows_data_and_theme_files_only(tmp_path: Path) -> None:
    pytest.importorskip("weasyprint")
    from briefgen.render.pdf import make_url_fetcher

    theme = make_theme(tmp_path, {"style.css": "p {}"})
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    (theme / "link.css").symlink_to(secret)
    fetcher = make_url_fetcher([theme])

    response = fetcher.fetch("data:text/plain;base64,aGVsbG8=")
    assert response.read() == b"hello"
    response.close()
    response = fetcher.fetch((theme / "style.css").as_uri())
    assert response.read() == b"p {}"
    response.close()
    refused = [
        "http://127.0.0.1:9/x.png",
        "https://example.org/",
        "ftp://example.org/x",
        "file:///etc/passwd",
        secret.as_uri(),
        (theme / "link.css").as_uri(),  # a symlink out of the theme
        (theme / ".." / "secret.txt").as_uri(),
        "file://remotehost/share/x.css",
        "gopher://x/",
    ]
    for url in refused:
        with pytest.raises(ValueError):
            fetcher.fetch(url)


# ---------------------------------------------------------------- templates


def test_builtin_theme_and_search_path(tmp_path: Path) -> None:
    builtin = builtin_templates_dir()
    assert (builtin / "base.html.j2").is_file() and (builtin / "style.css").is_file()
    theme = make_theme(tmp_path, {"brief.html.j2": "x"})
    assert template_search_path(None) == [builtin]
    assert template_search_path(theme) == [theme.resolve(), builtin]
    with pytest.raises(TemplateError, match="not found"):
        template_search_path(tmp_path / "missing")


def test_list_templates_shows_overrides(tmp_path: Path) -> None:
    theme = make_theme(tmp_path, {"brief.html.j2": "x", "logo.svg": "<svg/>"})
    found = dict(list_templates(theme))
    assert found["brief.html.j2"] == theme / "brief.html.j2"
    assert found["logo.svg"] == theme / "logo.svg"
    assert found["base.html.j2"] == builtin_templates_dir() / "base.html.j2"
    assert {"brief.md.j2", "base.md.j2", "style.css"} <= set(found)


def test_override_extends_default(tmp_path: Path, brief: Brief) -> None:
    theme = make_theme(
        tmp_path,
        {
            "brief.html.j2": (
                '{% extends "!default/brief.html.j2" %}'
                "{% block bluf %}CUSTOM{{ super() }}{% endblock %}"
            )
        },
    )
    html = render(brief, ["html"], theme)["html"].decode()
    assert "CUSTOM" in html
    assert html.index("CUSTOM") < html.index("Key judgments") < html.index("Key developments")


def test_user_stylesheet_replaces_builtin(tmp_path: Path, brief: Brief) -> None:
    theme = make_theme(tmp_path, {"style.css": "/* USER-CSS */ body { color: #010203 }"})
    html = render(brief, ["html"], theme)["html"].decode()
    assert "USER-CSS" in html
    assert "briefgen default theme" not in html


def test_theme_asset_is_inlined_and_confined(tmp_path: Path, brief: Brief) -> None:
    theme = make_theme(
        tmp_path,
        {
            "logo.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
            "brief.html.j2": '<img alt="logo" src="{{ theme_asset(\'logo.svg\') }}">',
        },
    )
    html = render(brief, ["html"], theme)["html"].decode()
    assert 'src="data:image/svg+xml;base64,' in html
    (theme / "brief.html.j2").write_text("{{ theme_asset('../secret.txt') }}")
    (tmp_path / "secret.txt").write_text("secret")
    with pytest.raises(TemplateError, match="not found"):
        render(brief, ["html"], theme)


def test_unparsable_timestamp_is_shown_as_given(brief: Brief) -> None:
    odd = brief.model_copy(update={"generated_at": "early morning"})
    html = render(odd, ["html"])["html"].decode()
    assert "early morning" in html and "dcterms.created" not in html


def test_markdown_override(tmp_path: Path, brief: Brief) -> None:
    theme = make_theme(
        tmp_path,
        {
            "brief.md.j2": (
                '{% extends "!default/brief.md.j2" %}'
                "{% block risks %}## Risks\n\n{{ brief.risks[0].summary }}\n\n{% endblock %}"
            )
        },
    )
    md = render(brief, ["md"], theme)["md"].decode()
    assert "North Korean munitions reach Russian front lines" in md
    assert "\\<script\\>" in md  # still escaped in a user template


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ brief.__class__ }}",
        "{{ brief.actors.append(1) }}",
    ],
)
def test_hostile_template_is_refused(tmp_path: Path, brief: Brief, source: str) -> None:
    theme = make_theme(tmp_path, {"brief.html.j2": "line one\n" + source})
    with pytest.raises(TemplateError) as caught:
        render(brief, ["html"], theme)
    message = str(caught.value)
    assert f"{theme / 'brief.html.j2'}:2:" in message
    assert "unsafe" in message
    assert "\n" not in message


def test_syntax_error_names_file_and_line(tmp_path: Path, brief: Brief) -> None:
    theme = make_theme(tmp_path, {"brief.md.j2": "# ok\n\n{% if %}\n"})
    with pytest.raises(TemplateError) as caught:
        render(brief, ["md"], theme)
    message = str(caught.value)
    assert message.startswith(f"{theme / 'brief.md.j2'}:3: template syntax error")
    assert "\n" not in message


def test_undefined_variable_is_an_error(tmp_path: Path, brief: Brief) -> None:
    theme = make_theme(tmp_path, {"brief.html.j2": "{{ brief.title }}\n{{ no_such_thing }}"})
    with pytest.raises(TemplateError, match=r"brief\.html\.j2:2: undefined value: .*no_such_thing"):
        render(brief, ["html"], theme)
    theme = make_theme(tmp_path, {"brief.html.j2": "{{ brief.no_such_field }}"})
    with pytest.raises(TemplateError, match="no_such_field"):
        render(brief, ["html"], theme)


def test_missing_template_lists_the_search_path(tmp_path: Path, brief: Brief) -> None:
    theme = make_theme(tmp_path, {"brief.html.j2": '\n{% include "nowhere.html.j2" %}'})
    with pytest.raises(TemplateError) as caught:
        render(brief, ["html"], theme)
    message = str(caught.value)
    assert "'nowhere.html.j2' not found" in message
    assert str(theme.resolve()) in message and str(builtin_templates_dir()) in message
    assert "brief.html.j2:2" in message


def test_template_error_raised_before_anything_is_written(tmp_path: Path, brief: Brief) -> None:
    theme = make_theme(tmp_path, {"brief.md.j2": "{{ nope }}"})
    with pytest.raises(TemplateError):
        render(brief, ["json", "md"], theme)


# ---------------------------------------------------------------- empty sections


def test_empty_brief_says_none_identified(empty_brief: Brief) -> None:
    outputs = render(empty_brief, ["md", "html"])
    md, html = outputs["md"].decode(), outputs["html"].decode()
    assert md.count("*None identified.*") == 8
    assert html.count("None identified.") == 8
    assert "No evidence cited." in md and "No evidence cited." in html
    tokens = md_tokens(md)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.tag == "h2" and
                t.type == "heading_open"]  # fmt: skip
    assert headings == SECTIONS
    assert "<table" not in html  # no empty tables


@pytest.mark.slow
def test_empty_brief_pdf_is_one_page(empty_brief: Brief) -> None:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(render(empty_brief, ["pdf"])["pdf"]))
    assert len(reader.pages) == 1
    assert "UNCLASSIFIED" in reader.pages[0].extract_text()


# ---------------------------------------------------------------- filters


def test_dates_by_precision() -> None:
    assert format_date("2023-09-04", "day") == "4 September 2023"
    assert format_date("2023-09-04", "month") == "September 2023"
    assert format_date("2023-09-04", "year") == "2023"
    assert format_date(None, None, "last spring") == "last spring"
    assert format_date("2023-09-04", None, "on Monday") == "on Monday"
    assert format_datetime("2023-09-05T06:30:00Z") == "5 September 2023, 06:30 UTC"
    assert format_datetime("2023-09-05T06:30:00+05:30") == "5 September 2023, 06:30 UTC+5:30"
    assert format_datetime("yesterday") == "yesterday"


def test_when_and_timeline_order(brief: Brief) -> None:
    assert format_when(brief.key_developments[0].when) == "10–13 September 2023"
    assert format_when(brief.key_developments[2].when) == "last year"
    ordered = timeline_order(brief.timeline)
    assert [entry.sort_key for entry in ordered] == [
        "2019", "2023-07", "2023-08-30", "2023-09-04", ""
    ]  # fmt: skip


def test_likelihood_range() -> None:
    assert likelihood_range("likely") == "55–80%"
    assert likelihood_range("almost no chance") == "1–5%"
    assert likelihood_range("roughly even chance") == "45–55%"


def test_marking_colours_and_css_strings() -> None:
    tlp = marking_colors(Marking(label="TLP:RED", system="tlp"))
    assert tlp == {"fg": "#FF2B2B", "bg": "#000000"}
    hostile = marking_colors(Marking(label="SECRET", color="red;}</style><script>"))
    assert hostile == {"fg": "#FFFFFF", "bg": "#C8102E"}
    literal = css_string('a"b\\c</style><script>\n')
    assert "<" not in literal and "\n" not in literal and literal.count('"') == 2


# ---------------------------------------------------------------- writing


def test_write_outputs_writes_every_file(tmp_path: Path) -> None:
    out = tmp_path / "out" / "deeper"
    paths = write_outputs({"md": b"# x\n", "json": b"{}\n"}, out, "brief-2023-09-05")
    assert paths == [out / "brief-2023-09-05.md", out / "brief-2023-09-05.json"]
    assert (out / "brief-2023-09-05.md").read_bytes() == b"# x\n"
    assert sorted(p.name for p in out.iterdir()) == ["brief-2023-09-05.json", "brief-2023-09-05.md"]


def test_write_outputs_failure_keeps_previous_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_outputs({"md": b"old md", "html": b"old html"}, tmp_path, "brief")

    def broken_replace(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(RenderError, match="No space left"):
        write_outputs({"md": b"new md", "html": b"new html"}, tmp_path, "brief")
    assert (tmp_path / "brief.md").read_bytes() == b"old md"
    assert (tmp_path / "brief.html").read_bytes() == b"old html"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["brief.html", "brief.md"]


def test_write_outputs_failure_while_writing_leaves_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_outputs({"md": b"old"}, tmp_path, "brief")

    def broken_fsync(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(RenderError, match="brief.md"):
        write_outputs({"md": b"new"}, tmp_path, "brief")
    assert (tmp_path / "brief.md").read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["brief.md"]


@pytest.mark.parametrize("stem", ["", "../evil", "a/b", "."])
def test_write_outputs_rejects_bad_stems(tmp_path: Path, stem: str) -> None:
    with pytest.raises(RenderError):
        write_outputs({"md": b"x"}, tmp_path, stem)


def test_shorten_middle_keeps_the_file_name() -> None:
    path = "/srv/feeds/archive/2016/politics/wash-post_2015-11-10_opposition-wins.txt"
    short = shorten_middle(path, 40)
    assert len(short) == 40 and short.startswith("/srv/") and "…" in short
    assert short.endswith("opposition-wins.txt")
    assert shorten_middle("seeds/a.txt", 40) == "seeds/a.txt"
    assert shorten_middle(None) == ""


def test_since_last_takes_one_line_when_every_development_is_new(brief: Brief) -> None:
    from briefgen.model import SinceLast

    changed = brief.model_copy(
        update={
            "since_last": SinceLast(
                previous="2023-09-04T06:00:00Z",
                developments=[d.id for d in brief.key_developments],
            )
        }
    )
    md = render(changed, ["md"])["md"].decode()
    section = md.split("## Since the last brief", 1)[1].split("\n## ", 1)[0]
    assert "key developments above are new since the brief of" in section
    assert not any(line.startswith("- ") for line in section.splitlines())
    html = render(changed, ["html"])["html"].decode()
    assert html.index('id="key-developments"') < html.index('id="since-last"')
