"""PDF and Word sources (briefgen.ingest.read_pdf, read_docx): the text read, title, author
and date from the metadata, evidence offsets into the extracted text, scanned PDFs and
broken files skipped with a reason, and a folder of unsupported files named as such."""

from __future__ import annotations

import io
import logging
from datetime import datetime, timezone
from pathlib import Path

import pytest

from briefgen.ingest import read_file
from briefgen.ingest.base import SkippedInput

docx = pytest.importorskip("docx")
pypdf = pytest.importorskip("pypdf")

ARTICLE = [
    "Port authorities in Valdora closed the northern terminal on Tuesday.",
    "The harbour master said the closure would last two days.",
]


def make_docx(path: Path, *, title: str | None = "Valdora port closed") -> Path:
    document = docx.Document()
    document.add_paragraph("Valdora closes its port", style="Title")
    for line in ARTICLE:
        document.add_paragraph(line)
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Terminal"
    table.cell(0, 1).text = "North"
    props = document.core_properties
    if title is not None:
        props.title = title
    props.author = "Desk reporter"
    props.created = datetime(2024, 5, 2, 8, 0, tzinfo=timezone.utc)
    document.save(path)
    return path


def make_pdf(path: Path) -> Path:
    """A real PDF with a text layer (WeasyPrint), title and author in its metadata."""
    from briefgen.render.pdf import html_to_pdf

    body = "".join(f"<p>{line}</p>" for line in ARTICLE)
    html = (
        '<html lang="en"><head><title>Valdora port closed</title>'
        '<meta name="author" content="Desk reporter">'
        '<meta name="dcterms.created" content="2024-05-02T08:00:00Z"></head>'
        f"<body>{body}</body></html>"
    )
    path.write_bytes(html_to_pdf(html, base_dir=path.parent, allowed_folders=[path.parent]))
    return path


def test_docx_text_title_author_date(tmp_path: Path) -> None:
    doc = read_file(make_docx(tmp_path / "report.docx"))
    assert doc.title == "Valdora port closed"
    assert doc.meta["author"] == "Desk reporter"
    assert doc.published == "2024-05-02"
    assert doc.text.split("\n\n") == ["Valdora closes its port", *ARTICLE, "Terminal | North"]
    start = doc.text.index("closed the northern terminal")
    assert doc.text[start : start + 28] == "closed the northern terminal"


def test_docx_without_a_title_property_takes_its_title_paragraph(tmp_path: Path) -> None:
    doc = read_file(make_docx(tmp_path / "report.docx", title=None))
    assert doc.title == "Valdora closes its port"


def test_empty_and_broken_docx_are_skipped_with_a_reason(tmp_path: Path) -> None:
    docx.Document().save(tmp_path / "empty.docx")
    with pytest.raises(SkippedInput, match="no text"):
        read_file(tmp_path / "empty.docx")
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(SkippedInput, match="not a readable Word file"):
        read_file(tmp_path / "broken.docx")


@pytest.mark.slow
def test_pdf_text_layer_title_author_date(tmp_path: Path) -> None:
    doc = read_file(make_pdf(tmp_path / "report.pdf"))
    assert doc.title == "Valdora port closed"
    assert doc.meta["author"] == "Desk reporter"
    assert doc.published == "2024-05-02"
    assert doc.meta["pages"] == 1
    for line in ARTICLE:
        assert line in doc.text
    start = doc.text.index("harbour master")
    assert doc.text[start : start + 14] == "harbour master"


def test_scanned_pdf_without_text_is_skipped_with_a_clear_reason(tmp_path: Path) -> None:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    (tmp_path / "scan.pdf").write_bytes(buffer.getvalue())
    with pytest.raises(SkippedInput, match=r"no text layer .*scanned PDF.*does not OCR"):
        read_file(tmp_path / "scan.pdf")


def test_broken_pdf_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.7\n garbage")
    with pytest.raises(SkippedInput, match="not a readable PDF|no text layer"):
        read_file(tmp_path / "broken.pdf")


def test_folder_of_unsupported_files_names_the_type(
    make_project: object, caplog: pytest.LogCaptureFixture
) -> None:
    from briefgen.config import load_config
    from briefgen.errors import InputError
    from briefgen.ingest import ingest

    config_path = make_project(
        articles={"notes.odt": b"PK odt", "more.odt": b"PK odt"},
        config="sources:\n  - path: articles\n",
    )
    config = load_config(config_path)
    with caplog.at_level(logging.WARNING, logger="briefgen"), pytest.raises(InputError) as err:
        ingest(config)
    message = str(err.value)
    assert "2 .odt files: unsupported type" in message
    assert str(config_path.parent / "articles") in message  # the folder looked in


def test_pdf_and_docx_in_a_folder_are_ingested(make_project: object, tmp_path: Path) -> None:
    from briefgen.config import load_config
    from briefgen.ingest import ingest

    config_path = make_project(config="sources:\n  - path: articles\n")
    (config_path.parent / "articles").mkdir()
    make_docx(config_path.parent / "articles" / "report.docx")
    config = load_config(config_path)
    result = ingest(config)
    assert [d.title for d in result.documents] == ["Valdora port closed"]
