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

from briefgen.errors import RenderError
from briefgen.model import Brief
from briefgen.render.context import build_context
from briefgen.render.environment import Kind, make_environment
from briefgen.render.evidence import EvidenceRegistry
from briefgen.render.output import write_outputs
from briefgen.render.paths import builtin_templates_dir, list_templates, template_search_path
from briefgen.render.template_errors import template_errors

__all__ = [
    "FORMATS",
    "builtin_templates_dir",
    "list_templates",
    "render",
    "render_template",
    "template_search_path",
    "write_outputs",
]

if TYPE_CHECKING:
    from briefgen.pdfworker import PdfWorker

logger = logging.getLogger(__name__)

#: Output formats, in the order they are usually listed.
FORMATS = ("md", "html", "pdf", "json")

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
        return template.render({**context, "output": output})


def render(
    brief: Brief,
    formats: Sequence[str],
    templates_dir: Path | None = None,
    *,
    author: str | None = None,
    pdf_variant: str | None = None,
    pdf_worker: PdfWorker | None = None,
) -> dict[str, bytes]:
    """Every requested format of ``brief`` as bytes, keyed by format, in request order.

    ``formats`` is any of "md", "html", "pdf", "json". ``templates_dir`` is the
    user's templates folder, searched before the built-in theme. ``author`` goes
    into the HTML/PDF metadata ("briefgen" when not given). ``pdf_variant``
    (``output.pdf_variant``, e.g. "pdf/a-3u") makes an archival PDF. ``pdf_worker``
    (:mod:`briefgen.pdfworker`) makes the PDF in another process while the other
    formats are rendered; without it, the PDF is made here. Nothing is written.
    Raises :class:`~briefgen.errors.TemplateError` for template problems and
    :class:`~briefgen.errors.RenderError` for anything else.
    """
    wanted = _check_formats(formats)
    search_path = template_search_path(templates_dir)
    context = build_context(brief, author=author)
    pdf_job = {
        "base_dir": search_path[0],
        "allowed_folders": search_path,
        "pdf_variant": pdf_variant,
    }
    if "pdf" in wanted and pdf_worker is not None:
        # The worker lays the PDF out while the other formats are rendered here.
        pdf_worker.submit(render_template("pdf", context, search_path), **pdf_job)
    outputs: dict[str, bytes] = {}
    for fmt in wanted:
        if fmt == "json":
            outputs[fmt] = (brief.model_dump_json(indent=2) + "\n").encode("utf-8")
        elif fmt in ("md", "html"):
            outputs[fmt] = render_template(fmt, context, search_path).encode("utf-8")
        elif pdf_worker is None:
            from briefgen.render.pdf import html_to_pdf

            outputs[fmt] = html_to_pdf(render_template("pdf", context, search_path), **pdf_job)
        else:
            outputs[fmt] = b""  # keeps the requested order; filled in below
    if "pdf" in wanted and pdf_worker is not None:
        outputs["pdf"] = pdf_worker.result()
    for fmt, data in outputs.items():
        logger.debug("rendered %s: %d bytes", fmt, len(data))
    return outputs
