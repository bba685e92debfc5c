"""briefgen.render.pdfworker: the PDF made in a forked process is the PDF made here."""

from __future__ import annotations

import io
import os
import signal
import time

import pytest
from pypdf import PdfReader

from briefgen.errors import RenderError
from briefgen.render import builtin_templates_dir, pdfworker
from briefgen.render.pdf import PdfJob

pytestmark = pytest.mark.skipif(not pdfworker.available(), reason="no fork on this platform")

HTML = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Worker test</title>
<meta name="dcterms.created" content="2024-05-02T06:00:00+00:00">
<meta name="dcterms.modified" content="2024-05-02T06:00:00+00:00"></head>
<body><h1>Worker test</h1><p>Kim Jong-un met Vladimir Putin in Vladivostok.</p></body></html>"""


def job(html: str, pdf_variant: str | None = None) -> PdfJob:
    folder = builtin_templates_dir()
    return PdfJob(html, folder, [folder], pdf_variant)


def text_of(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_worker_makes_the_same_pdf_as_this_process(fixed_time: str) -> None:
    # fixed_time: the subset fonts carry their making time (fontTools reads
    # SOURCE_DATE_EPOCH), and the two PDFs are made about 0.6 s apart.
    with pdfworker.PdfWorker() as worker:
        worker.submit(job(HTML))
        made_there = worker.result()
        assert worker.made_there
    made_here = job(HTML).run()
    assert made_there.startswith(b"%PDF-")
    assert "Vladivostok" in text_of(made_there)
    assert made_there == made_here


def test_an_error_in_the_worker_is_the_same_render_error() -> None:
    with pytest.raises(RenderError) as here:
        job(HTML, "pdf/z-9").run()
    worker = pdfworker.PdfWorker()
    worker.submit(job(HTML, "pdf/z-9"))
    with pytest.raises(RenderError) as there:
        worker.result()
    assert str(there.value) == str(here.value)
    assert "output.pdf_variant" in str(there.value)


def test_a_dead_worker_is_replaced_by_this_process() -> None:
    worker = pdfworker.PdfWorker()
    os.kill(worker._process.pid, signal.SIGKILL)
    worker._process.join(5)
    worker.submit(job(HTML))
    assert "Vladivostok" in text_of(worker.result())
    assert not worker.made_there


def test_an_unused_worker_stops_at_once() -> None:
    worker = pdfworker.PdfWorker()
    started = time.monotonic()
    worker.close()
    assert not worker._process.is_alive()
    assert time.monotonic() - started < 3


def test_start_only_when_a_pdf_is_wanted(monkeypatch: pytest.MonkeyPatch) -> None:
    pdfworker.prestart()
    early = pdfworker._early
    assert early is not None
    assert pdfworker.start(["md", "json"]) is None  # no PDF: the early worker is stopped
    assert not early._process.is_alive() and pdfworker._early is None
    pdfworker.prestart()
    early = pdfworker._early
    worker = pdfworker.start(["pdf"])
    assert worker is early  # the one forked before the configuration was read
    assert worker is not None
    worker.close()
    monkeypatch.setenv("BRIEFGEN_PDF_WORKER", "0")
    assert not pdfworker.available()
    assert pdfworker.start(["pdf"]) is None  # the PDF is then made in the build's process
