"""Render a ``Brief`` as Markdown, HTML, PDF and JSON, then write the files atomically.

``render`` builds every requested format in memory (nothing is written, so a
template error leaves the previous outputs untouched); ``write_outputs`` then
puts them in place all at once. Templates are Jinja files looked up in the
user's folder first, then the built-in theme (see :mod:`briefgen.render.paths`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefgen.config import FORMATS
from briefgen.errors import RenderError
from briefgen.model import Brief, brief_json
from briefgen.render.context import build_context
from briefgen.render.docx import render_docx
from briefgen.render.environment import Kind, bounded_render, make_environment
from briefgen.render.evidence import EvidenceRegistry
from briefgen.render.figures import build_figures
from briefgen.render.output import Output, write_outputs
from briefgen.render.paths import builtin_templates_dir, list_templates, template_search_path
from briefgen.render.pdf import PdfJob
from briefgen.render.template_errors import template_errors
from briefgen.store.spill import Fragment, SplicedJson

__all__ = [
    "FORMATS",
    "Output",
    "builtin_templates_dir",
    "list_templates",
    "render",
    "render_template",
    "template_search_path",
    "write_outputs",
]

if TYPE_CHECKING:
    from briefgen.render.pdfworker import PdfWorker

logger = logging.getLogger(__name__)


#: The entry template of each templated format.
ENTRY_TEMPLATES = {"html": "brief.html.j2", "pdf": "brief.html.j2", "md": "brief.md.j2"}


def _check_formats(formats: Sequence[str]) -> list[str]:
    wanted: list[str] = []
    for fmt in formats:
        name = str(fmt).strip().lower().lstrip(".")
        if name not in FORMATS:
            raise RenderError(f"unknown output format {fmt!r}; choose from {', '.join(FORMATS)}")
        if name not in wanted:
            wanted.append(name)
    return wanted


def render_template(
    output: str,
    context: dict[str, Any],
    search_path: list[Path],
    name: str | None = None,
) -> str:
    """Render the entry template of ``output`` ("html", "pdf" or "md") with ``context``.

    Every template error becomes a one-line :class:`~briefgen.errors.TemplateError`.
    """
    kind: Kind = "md" if output == "md" else "html"
    registry = EvidenceRegistry(context["brief"].documents)
    with template_errors(search_path):
        env = make_environment(kind, search_path, builtin_templates_dir(), registry)
        template = env.get_template(name or ENTRY_TEMPLATES[output])
        return bounded_render(template, {**context, "output": output})


def render(
    brief: Brief,
    formats: Sequence[str],
    templates_dir: Path | None = None,
    *,
    author: str | None = None,
    pdf_variant: str | None = None,
    pdf_worker: PdfWorker | None = None,
    appendix: str | Fragment | None = None,
) -> dict[str, Output]:
    """Every requested format of ``brief`` as bytes, keyed by format, in request order.

    ``formats`` is any of :data:`~briefgen.config.FORMATS`. ``templates_dir`` is the
    user's templates folder, searched before the built-in theme. ``author`` goes
    into the HTML/PDF metadata ("briefgen" when not given). ``pdf_variant``
    (``output.pdf_variant``, e.g. "pdf/a-3u") makes an archival PDF. ``pdf_worker``
    (:mod:`briefgen.render.pdfworker`) makes the PDF in another process while the other
    formats are rendered; without it, the PDF is made here. ``appendix``, when given, is
    the JSON's appendix as text (:func:`briefgen.model.appendix_json`: the overflow of
    the capped sections, which the templates never show) in place of ``brief.appendix``,
    or a file holding it (:class:`~briefgen.store.spill.Fragment`): the JSON output is then
    a :class:`~briefgen.store.spill.SplicedJson`, written by copying the file.
    Nothing is written. Raises :class:`~briefgen.errors.TemplateError` for template
    problems and :class:`~briefgen.errors.RenderError` for anything else.
    """
    wanted = _check_formats(formats)
    outputs: dict[str, Output] = dict.fromkeys(wanted, b"")  # the requested order
    if "json" in wanted:
        if isinstance(appendix, Fragment):
            outputs["json"] = SplicedJson.of_brief(brief, appendix)
        else:
            text = brief.to_json() if appendix is None else brief_json(brief, appendix)
            outputs["json"] = (text + "\n").encode("utf-8")
    if "docx" in wanted:
        outputs["docx"] = render_docx(
            brief, templates_dir, author=author, figures=build_figures(brief)
        )
    templated = [f for f in wanted if f not in ("json", "docx")]
    if not templated:
        return outputs
    search_path = template_search_path(templates_dir)
    context = build_context(brief, author=author)
    if "pdf" in wanted:
        html = render_template("pdf", context, search_path)
        pdf_job = PdfJob(html, search_path[0], search_path, pdf_variant)
        if pdf_worker is not None:  # it lays the PDF out while the others are rendered here
            pdf_worker.submit(pdf_job)
    for fmt in templated:
        if fmt != "pdf":
            outputs[fmt] = render_template(fmt, context, search_path).encode("utf-8")
    if "pdf" in wanted:
        outputs["pdf"] = pdf_worker.result() if pdf_worker is not None else pdf_job.run()
    for fmt, data in outputs.items():
        logger.debug("rendered %s: %d bytes", fmt, len(data))
    return outputs
