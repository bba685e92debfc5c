"""The Word brief (briefgen.render.docx), read back with python-docx: headings in Word's
built-in styles, real tables, the marking in every header and footer with page numbers,
evidence numbered as cited, hostile text kept as text, and the user's reference.docx."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

docx = pytest.importorskip("docx")

from briefgen.model import Brief, Marking  # noqa: E402
from briefgen.project.scaffold import init_project  # noqa: E402
from briefgen.render import render  # noqa: E402
from briefgen.render.docx import clean, render_docx, write_reference_docx  # noqa: E402

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


@pytest.fixture(scope="module")
def brief() -> Brief:
    return Brief.from_json(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def word(brief: Brief) -> object:
    data = render(brief, ["docx"])["docx"]
    assert data[:2] == b"PK"  # a zip package
    return docx.Document(io.BytesIO(data))


def headings(document: object, level: int) -> list[str]:
    style = f"Heading {level}"
    return [p.text for p in document.paragraphs if p.style.name == style]


def test_sections_are_word_headings_in_order(word: object) -> None:
    found = [re.sub(r" \(\d+\)$", "", h) for h in headings(word, 1)]
    assert [h for h in found if h in SECTIONS] == SECTIONS
    assert word.paragraphs[0].style.name == "Title"


def test_each_development_is_a_level_2_heading_with_its_5w_table(
    word: object, brief: Brief
) -> None:
    devs = headings(word, 2)
    assert len(devs) == len(brief.key_developments)
    assert devs[0] == f"1. {brief.key_developments[0].summary}"
    first_cells = {row.cells[0].text for row in word.tables[0].rows}
    assert {"Who", "What", "When", "Where"} <= first_cells


def test_actors_and_risks_are_tables(word: object, brief: Brief) -> None:
    by_header = {t.rows[0].cells[0].text: t for t in word.tables}
    actors = by_header["Actor"]
    assert [c.text for c in actors.rows[0].cells] == [
        "Actor",
        "Type",
        "Role",
        "Affiliation",
        "Mentions",
    ]
    assert len(actors.rows) == len(brief.actors) + 1
    assert by_header["Actor"].rows[1].cells[0].text.startswith(brief.actors[0].name)
    risks = by_header["Risk"]
    assert len(risks.rows) == len(brief.risks) + 1
    assert brief.risks[0].likelihood in risks.rows[1].cells[2].text


def test_marking_in_every_header_and_footer_with_page_numbers(word: object, brief: Brief) -> None:
    label = brief.marking.label
    for section in word.sections:
        assert label in section.header.paragraphs[0].text
        footer = section.footer.paragraphs[0]
        assert label in footer.text
        instructions = [i.text.strip() for i in footer._p.iter() if i.tag.endswith("instrText")]
        assert instructions == ["PAGE", "NUMPAGES"]


def test_evidence_is_numbered_in_order_of_citation(word: object) -> None:
    texts = [p.text for p in word.paragraphs]
    start = texts.index(next(t for t in texts if t.startswith("Evidence (")))
    entries = [t for t in texts[start + 1 :] if re.match(r"\[\d+\] ", t)]
    numbers = [int(re.match(r"\[(\d+)\]", t).group(1)) for t in entries]
    assert numbers == list(range(1, len(numbers) + 1)) and numbers
    body = "\n".join(texts[:start]) + "\n".join(
        c.text for t in word.tables for r in t.rows for c in r.cells
    )
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", body)}
    assert cited == set(numbers)  # every entry is cited above it, every citation listed


def test_hostile_text_stays_text(brief: Brief) -> None:
    evil = brief.model_copy(
        update={"title": "<w:p>evil</w:p> \x00\x0b & <script>", "marking": Marking(label="SECRET")}
    )
    document = docx.Document(io.BytesIO(render_docx(evil)))
    assert document.paragraphs[0].text == "<w:p>evil</w:p>  & <script>"
    assert document.core_properties.title == "<w:p>evil</w:p> & <script>"
    assert clean("a\x00b\x1fc\td") == "abc\td"


def test_reference_docx_supplies_the_styles(tmp_path: Path, brief: Brief) -> None:
    from docx.shared import RGBColor

    reference = docx.Document()
    reference.styles["Heading 1"].font.color.rgb = RGBColor(0x6B, 0x1F, 0x1F)
    reference.add_paragraph("sample content that must not reach the brief")
    reference.save(tmp_path / "reference.docx")
    document = docx.Document(io.BytesIO(render(brief, ["docx"], tmp_path)["docx"]))
    assert document.styles["Heading 1"].font.color.rgb == RGBColor(0x6B, 0x1F, 0x1F)
    assert all("must not reach" not in p.text for p in document.paragraphs)


def test_a_broken_reference_docx_names_the_file(tmp_path: Path, brief: Brief) -> None:
    from briefgen.errors import RenderError

    (tmp_path / "reference.docx").write_bytes(b"not a zip")
    with pytest.raises(RenderError, match=r"reference\.docx: cannot read the reference"):
        render(brief, ["docx"], tmp_path)


def test_figures_are_images_when_cairosvg_works(word: object) -> None:
    pytest.importorskip("cairosvg")
    assert len(word.inline_shapes) >= 1
    assert "Figures" in headings(word, 1)


def test_empty_brief_still_makes_a_document() -> None:
    empty = Brief(title="Empty", generated_at="2023-09-05T06:30:00Z", marking=Marking(label="X"))
    document = docx.Document(io.BytesIO(render_docx(empty)))
    assert "None identified." in [p.text for p in document.paragraphs]
    assert document.tables == []


def test_init_writes_a_reference_docx(tmp_path: Path) -> None:
    written = init_project(tmp_path / "desk")
    reference = tmp_path / "desk" / "templates" / "reference.docx"
    assert reference in written
    document = docx.Document(str(reference))
    assert {"Title", "Heading 1", "Heading 2", "List Number"} <= {
        p.style.name for p in document.paragraphs
    }


def test_write_reference_docx_round_trips(tmp_path: Path, brief: Brief) -> None:
    write_reference_docx(tmp_path / "reference.docx")
    document = docx.Document(io.BytesIO(render(brief, ["docx"], tmp_path)["docx"]))
    assert document.styles["Normal"].font.name == "Calibri"


def test_even_page_headers_of_the_reference_carry_the_marking_too(
    tmp_path: Path, brief: Brief
) -> None:
    reference = docx.Document()
    reference.settings.odd_and_even_pages_header_footer = True
    reference.sections[0].different_first_page_header_footer = True
    reference.save(tmp_path / "reference.docx")
    document = docx.Document(io.BytesIO(render(brief, ["docx"], tmp_path)["docx"]))
    section = document.sections[0]
    assert not section.different_first_page_header_footer
    assert brief.marking.label in section.even_page_header.paragraphs[0].text
    assert brief.marking.label in section.even_page_footer.paragraphs[0].text


def test_a_long_title_fits_the_document_properties(brief: Brief) -> None:
    long = brief.model_copy(update={"title": "Very long title " * 40})
    document = docx.Document(io.BytesIO(render_docx(long)))
    assert len(document.core_properties.title) == 255  # Word's limit for a property
    assert document.paragraphs[0].text == "Very long title " * 40  # the page keeps it whole


def test_the_table_of_contents_is_a_field_word_updates_on_opening(word: object) -> None:
    from docx.oxml.ns import qn

    body = word.element.body
    instructions = [i.text.strip() for i in body.iter(qn("w:instrText"))]
    assert instructions[0].startswith("TOC ")
    settings = word.settings.element
    assert settings.find(qn("w:updateFields")).get(qn("w:val")) == "true"
    order = [child.tag.rpartition("}")[2] for child in settings]
    assert order.index("updateFields") < order.index("compat")  # the schema's order
