"""The default theme's figures, markings and PDF furniture, and customising it.

Uses the hand-made fixture brief (hostile text in every field, TLP:AMBER) and a
few briefs built in the tests; only the CLI test at the end needs the model.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from briefgen.model import Actor, Brief, Evidence, Risk, TimelineEntry
from briefgen.render import render
from briefgen.render.figures import (
    actor_network,
    build_figures,
    publisher_chart,
    risk_matrix,
    timeline_chart,
)
from briefgen.render.figures.network import co_occurrences
from briefgen.render.figures.timeline import split_entries
from briefgen.render.grading import admiralty

FIXTURE = Path(__file__).parent / "fixtures" / "brief.json"
SVG = "{http://www.w3.org/2000/svg}"
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
HOSTILE_NAME = '<script>alert("x")</script> & </svg><svg onload=alert(1)> ]]> \x07'


@pytest.fixture(scope="module")
def brief() -> Brief:
    return Brief.from_json(FIXTURE.read_text(encoding="utf-8"))


def graded(brief: Brief) -> Brief:
    """The fixture with Admiralty gradings on two of its three documents."""
    docs = [
        doc.model_copy(update={"grading": grade})
        for doc, grade in zip(brief.documents, ["B2", {"reliability": "c"}, None], strict=True)
    ]
    return brief.model_copy(update={"documents": docs})


def parse_svg(markup: str) -> ET.Element:
    root = ET.fromstring(str(markup))
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox")
    return root


def svg_texts(root: ET.Element) -> str:
    return " ".join("".join(node.itertext()) for node in root.iter(f"{SVG}text"))


def make_theme(tmp_path: Path, files: dict[str, str]) -> Path:
    folder = tmp_path / "theme"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


# ---------------------------------------------------------------- figures


def test_every_figure_of_the_fixture_is_valid_svg(brief: Brief) -> None:
    figures = build_figures(graded(brief))
    assert set(figures) == {"timeline", "network", "risks", "publishers", "coverage"}
    for name, markup in figures.items():
        if name == "coverage" and len(brief.stories) < 2:
            assert markup == ""  # one document, one story: no coverage to compare
            continue
        root = parse_svg(markup)
        assert root.find(f"{SVG}title") is not None, name
        assert svg_texts(root), name


def test_figures_are_embedded_inline_in_the_html(brief: Brief) -> None:
    html = render(graded(brief), ["html"])["html"].decode()
    figures = re.findall(
        r'<figure class="chart" id="figure-([a-z]+)">\s*(<svg.*?</svg>)', html, re.S
    )
    assert [name for name, _ in figures] == ["network", "risks", "timeline", "publishers"]
    for _, markup in figures:
        parse_svg(markup)
    assert "<figcaption>" in html
    assert "href" not in "".join(markup for _, markup in figures)  # nothing to fetch


def test_hostile_actor_names_are_escaped_in_the_network(brief: Brief) -> None:
    actors = [
        Actor(
            id="a1",
            name=HOSTILE_NAME,
            type="person",
            salience=1.0,
            mentions=3,
            evidence=[Evidence(doc="d", start=0, end=20, text="x")],
        ),
        Actor(
            id="a2",
            name="Zoë “Ünïcode” O’Brien",
            type="state",
            salience=0.5,
            evidence=[Evidence(doc="d", start=0, end=20, text="x")],
        ),
    ]
    hostile = brief.model_copy(update={"actors": actors})
    markup = str(actor_network(hostile))
    root = parse_svg(markup)  # still well-formed XML
    assert "<script" not in markup and "&lt;script&gt;" in markup
    assert all("onload" not in el.attrib for el in root.iter())
    assert all(el.tag.startswith(SVG) for el in root.iter())
    assert {el.tag.removeprefix(SVG) for el in root.iter()} <= {
        "svg",
        "title",
        "desc",
        "line",
        "circle",
        "text",
        "tspan",
        "rect",
    }
    texts = svg_texts(root)
    assert '<script>alert("x")' in texts  # shown as text
    assert "\x07" not in markup
    assert "Zoë “Ünïcode” O’Brien" in texts
    lines = root.findall(f"{SVG}line")
    assert len(lines) == 1  # they share one evidence sentence


def test_network_counts_shared_sentences_by_evidence_and_by_name() -> None:
    s1 = Evidence(doc="d", start=0, end=40, text="Kim met Putin in Vladivostok on Monday.")
    s2 = Evidence(doc="d", start=41, end=80, text="Moscow and Pyongyang deepened ties.")
    s3 = Evidence(doc="d", start=81, end=120, text="Washington said nothing at all.")
    brief = Brief(
        title="t",
        generated_at="2023-09-05T06:00:00Z",
        marking={"label": "UNCLASSIFIED"},
        actors=[
            Actor(
                id="kim",
                name="Kim Jong-un",
                aliases=["Kim", "Pyongyang"],
                salience=1.0,
                evidence=[s1],
            ),
            Actor(
                id="putin",
                name="Vladimir Putin",
                aliases=["Putin", "Moscow"],
                salience=0.9,
                evidence=[s1],
            ),
            Actor(
                id="us", name="United States", aliases=["Washington"], salience=0.2, evidence=[s3]
            ),
        ],
        timeline=[TimelineEntry(text="ties", evidence=[s2])],
    )
    pairs = co_occurrences(brief, list(brief.actors))
    assert pairs == {("kim", "putin"): 2}
    root = parse_svg(actor_network(brief))
    assert len(root.findall(f"{SVG}line")) == 1
    assert "United States" in svg_texts(root)  # unlinked actors are still shown
    assert actor_network(brief.model_copy(update={"actors": brief.actors[:1]})) == ""


def test_network_shows_at_most_twelve_actors(brief: Brief) -> None:
    actors = [Actor(id=f"a{i}", name=f"Actor {i}", salience=1 / (i + 1)) for i in range(20)]
    root = parse_svg(actor_network(brief.model_copy(update={"actors": actors})))
    texts = svg_texts(root)
    assert "Actor 11" in texts and "Actor 12" not in texts


def test_timeline_places_entries_without_a_year_on_their_own_axis() -> None:
    entries = [
        TimelineEntry(date="2019-01-01", precision="year", text="First summit"),
        TimelineEntry(date="2023-09-04", precision="day", text="Report"),
        TimelineEntry(
            date=None, precision="day", text="Missile test", when="August 30", sort_key="9999-08-30"
        ),
        TimelineEntry(
            date=None, precision="month", text="Shoigu trip", when="July", sort_key="9999-07-00"
        ),
        TimelineEntry(date=None, text="Some day", when="previously"),
    ]
    dated, no_year, undated = split_entries(entries)
    assert [item.number for item in dated] == [1, 2]
    assert [item.number for item in no_year] == [3, 4] and undated == 1
    assert dated[0].end.isoformat() == "2019-12-31"  # a year is drawn as a span
    root = parse_svg(timeline_chart(entries))
    texts = svg_texts(root)
    assert "YEAR NOT STATED" in texts
    assert "1 undated entry is in the table only" in texts
    for number in ("1", "2", "3", "4"):
        assert re.search(rf"(^| ){number}  ", texts), number
    assert "5  " not in texts
    assert timeline_chart([entries[-1]]) == ""


def test_timeline_labels_do_not_overlap_when_crowded() -> None:
    entries = [
        TimelineEntry(date="2023-09-04", precision="day", text=f"Event {i} " * 6) for i in range(6)
    ]
    entries += [TimelineEntry(date="2023-09-05", precision="day", text="Next day event")]
    root = parse_svg(timeline_chart(entries))
    labels = [
        (float(t.get("x", 0)), float(t.get("y", 0)), "".join(t.itertext()))
        for t in root.iter(f"{SVG}text")
        if t.find(f"{SVG}tspan") is not None
    ]
    assert len(labels) == 2  # same-date entries share one label: "1, 2, 3, 4, 5, 6  …"
    assert labels[0][2].startswith("1, 2, 3, 4, 5, 6") and "(+5)" in labels[0][2]
    assert len({y for _, y, _ in labels}) == 2  # on two lanes


def test_risk_matrix_places_each_risk_in_its_cell() -> None:
    risks = [
        Risk(id="r1", summary="a", category="c", likelihood="likely", impact="high"),
        Risk(id="r2", summary="b", category="c", likelihood="almost no chance", impact="low"),
    ]
    root = parse_svg(risk_matrix(risks))
    texts = svg_texts(root)
    for term in ("almost no", "roughly even", "certain", "55–80%", "High", "Low"):
        assert term in texts
    assert risk_matrix([]) == ""
    many = [
        Risk(id=f"r{i}", summary="x", category="c", likelihood="likely", impact="high")
        for i in range(11)
    ]
    assert "+4" in svg_texts(parse_svg(risk_matrix(many)))  # 7 discs and "+4"


def test_risks_whose_source_gave_no_likelihood_sit_in_a_not_stated_column() -> None:
    risks = [
        Risk(id="r1", summary="a", category="c", likelihood=None, basis="could", impact="high"),
        Risk(id="r2", summary="b", category="c", likelihood="likely", impact="high"),
    ]
    texts = svg_texts(parse_svg(risk_matrix(risks)))
    assert "not stated" in texts and "could / may" in texts
    # Without such a risk there is no such column.
    assert "not stated" not in svg_texts(parse_svg(risk_matrix(risks[1:])))


def test_publisher_chart_needs_two_documents_and_shows_grades(brief: Brief) -> None:
    assert publisher_chart(brief.documents[:1]) == ""
    texts = svg_texts(parse_svg(publisher_chart(graded(brief).documents)))
    assert "GRADE" in texts and "B2" in texts and "Publisher not stated" in texts


@pytest.mark.parametrize(
    ("value", "code", "words"),
    [
        ("B", "B", "source usually reliable"),
        ("b2", "B2", "information probably true"),
        ({"reliability": "F", "credibility": 6}, "F6", "truth cannot be judged"),
        ("official wire", "official wire", ""),
    ],
)
def test_admiralty_grading(value: Any, code: str, words: str) -> None:
    grade = admiralty(value)
    assert grade is not None and grade.code == code and words in grade.description
    assert admiralty(None) is None and admiralty("") is None


def test_sources_show_grades_only_when_configured(brief: Brief) -> None:
    plain = render(brief, ["html", "md"])
    assert 'class="grade"' not in plain["html"].decode() and "| Grade |" not in plain["md"].decode()
    outputs = render(graded(brief), ["html", "md"])
    html, md = outputs["html"].decode(), outputs["md"].decode()
    assert '<span class="badge grade"' in html and "Source usually reliable" in html
    assert "| Grade |" in md and "B2 (source usually reliable; information probably true)" in md


# ---------------------------------------------------------------- customisation


def test_block_override_and_css_override_change_the_output(tmp_path: Path, brief: Brief) -> None:
    theme = make_theme(
        tmp_path,
        {
            "brief.html.j2": (
                '{% extends "!default/brief.html.j2" %}\n'
                '{% block style %}{{ super() }}<style>{{ theme_css("desk.css") }}</style>'
                "{% endblock %}\n"
                '{% block risks %}<p class="desk-note">DESK NOTE</p>{{ super() }}{% endblock %}\n'
            ),
            "desk.css": ":root { --accent: #6b1f1f; }\n.desk-note { color: #123456; }\n",
        },
    )
    default = render(brief, ["html"])["html"].decode()
    custom = render(brief, ["html"], theme)["html"].decode()
    assert "DESK NOTE" not in default and "#6b1f1f" not in default
    assert "DESK NOTE" in custom and "--accent: #6b1f1f" in custom
    assert custom.index("DESK NOTE") < custom.index('id="figure-risks"')  # super() kept
    assert "briefgen default theme" in custom  # the built-in stylesheet is still there


@pytest.mark.slow
def test_css_override_reaches_the_pdf(tmp_path: Path, brief: Brief) -> None:
    from pypdf import PdfReader

    small = Brief(title="Small", generated_at="2023-09-05T06:00:00Z", marking=brief.marking)
    theme = make_theme(tmp_path, {"style.css": "@page { size: A5; }\nbody { color: #000 }"})
    pdf = render(small, ["pdf"], theme)["pdf"]
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (420, 595)  # A5 in points


# ---------------------------------------------------------------- PDF


@pytest.fixture(scope="module")
def archival_pdf(brief: Brief) -> bytes:
    return render(brief, ["pdf"], author="Desk A", pdf_variant="pdf/a-3u")["pdf"]


@pytest.mark.slow
def test_pdf_marking_and_page_numbers_on_every_page(archival_pdf: bytes) -> None:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(archival_pdf))
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert text.count("TLP:AMBER") >= 2, number  # top and bottom of the page
        assert f"Page {number} of {len(pages)}" in text
        assert "Russia–North Korea arms talks" in text  # running header
    assert "Limited disclosure" in pages[0]  # handling text on the first page
    assert "Key judgments".upper() in pages[0].upper()


@pytest.mark.slow
def test_pdf_outline_metadata_language_and_variant(brief: Brief, archival_pdf: bytes) -> None:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(archival_pdf))
    assert [item.title for item in reader.outline if not isinstance(item, list)] == SECTIONS
    meta = reader.metadata
    assert meta is not None
    assert meta.title == brief.title and meta.author == "Desk A"
    assert meta.creator and meta.creator.startswith("briefgen")
    assert "TLP:AMBER" in (meta.subject or "")
    assert meta.get("/CreationDate") == "D:20230905063000Z" == meta.get("/ModDate")
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert root["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"
    xmp = reader.xmp_metadata
    assert xmp is not None and (xmp.pdfaid_part, xmp.pdfaid_conformance) == ("3", "U")


def test_unknown_pdf_variant_is_a_config_error() -> None:
    from briefgen.config import parse_config
    from briefgen.errors import ConfigError

    config = parse_config(
        {"sources": [{"path": "x"}], "output": {"pdf_variant": "PDF/A-3u"}}, Path.cwd()
    )
    assert config.output.pdf_variant == "pdf/a-3u"
    assert parse_config({"sources": [{"path": "x"}]}, Path.cwd()).output.pdf_variant is None
    with pytest.raises(ConfigError, match=r"output\.pdf_variant: 'pdf/a' is not a PDF variant"):
        parse_config({"sources": [{"path": "x"}], "output": {"pdf_variant": "pdf/a"}}, Path.cwd())


# ---------------------------------------------------------------- sandbox via the CLI


@pytest.mark.model
@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("line one\n{{ ''.__class__.__mro__ }}\n", "brief.html.j2:2: unsafe template code"),
        (
            '{% extends "!default/brief.html.j2" %}\n{% block title %}\n{{ nope }}{% endblock %}',
            "brief.html.j2:3: undefined value: 'nope' is undefined",
        ),
    ],
)
def test_bad_template_fails_cleanly_through_the_cli(
    make_project: Any, invoke: Any, template: str, expected: str
) -> None:
    project = _project_with_theme(make_project, template)
    result = invoke(["build", "--config", str(project), "--format", "html", "-q"])
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("briefgen: error: ") and expected in lines[0]
    assert "Traceback" not in result.stderr
    assert not (project.parent / "out" / "brief.html").exists()


def _project_with_theme(make_project: Any, template: str) -> Path:
    config = make_project(
        {
            "a.txt": "Ministers meet\nGerman Foreign Minister Annalena Baerbock met Chinese "
            "Foreign Minister Wang Yi in Geneva on Monday.\n"
        },
    )
    theme = config.parent / "theme"
    theme.mkdir()
    (theme / "brief.html.j2").write_text(template, encoding="utf-8")
    config.write_text(config.read_text(encoding="utf-8") + "templates: theme\n", encoding="utf-8")
    return config


def test_timeline_puts_a_distant_event_on_an_axis_of_its_own() -> None:
    from briefgen.render.figures.timeline import split_outliers

    entries = [TimelineEntry(date="2008-01-01", precision="year", text="The 2008 campaign")]
    entries += [
        TimelineEntry(date=f"2016-0{m}-1{m}", precision="day", text=f"Primary {m}")
        for m in range(1, 8)
    ]
    dated, _, _ = split_entries(entries)
    earlier, main, later = split_outliers(dated)
    assert [i.number for i in earlier] == [1] and len(main) == 7 and later == []
    texts = svg_texts(parse_svg(timeline_chart(entries)))
    assert "EARLIER" in texts and "DATED" in texts
    # A timeline without such a gap stays on one axis.
    assert split_outliers(dated[1:]) == ([], dated[1:], [])


@pytest.fixture(scope="module")
def default_pdf(brief: Brief) -> bytes:
    return render(brief, ["pdf"], author="Desk A")["pdf"]


@pytest.mark.slow
def test_default_pdf_is_tagged_pdf_ua_with_xmp_language_and_bookmarks(
    brief: Brief, default_pdf: bytes
) -> None:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(default_pdf))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])  # tagged
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    xmp = reader.xmp_metadata
    assert xmp is not None
    assert b"pdfuaid" in root["/Metadata"].get_object().get_data()
    assert [item.title for item in reader.outline if not isinstance(item, list)] == SECTIONS


@pytest.mark.slow
def test_archival_pdf_is_tagged_too(archival_pdf: bytes) -> None:
    from pypdf import PdfReader

    root = PdfReader(io.BytesIO(archival_pdf)).trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils not installed")
def test_pdfinfo_says_tagged(tmp_path: Path, default_pdf: bytes) -> None:
    path = tmp_path / "brief.pdf"
    path.write_bytes(default_pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    assert re.search(r"^Tagged:\s+yes$", info.stdout, re.M)
    assert re.search(r"^Metadata Stream:\s+yes$", info.stdout, re.M)
