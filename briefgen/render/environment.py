"""The sandboxed Jinja environments that render the HTML and Markdown briefs.

Both search the user's templates folder first, then the built-in theme, and
reach the built-in files under the ``!default/`` prefix (so an override can
``{% extends "!default/brief.html.j2" %}``). User templates are trusted less
than code: the environment is sandboxed and undefined names are errors.
"""

from __future__ import annotations

import base64
import mimetypes
from pathlib import Path
from typing import Literal

from jinja2 import BaseLoader, ChoiceLoader, FileSystemLoader, PrefixLoader, StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from briefgen.model import LIKELIHOOD_SCALE
from briefgen.render import filters
from briefgen.render.evidence import EvidenceRegistry
from briefgen.render.grading import admiralty
from briefgen.render.mdescape import html_finalize, md_escape, md_finalize
from briefgen.render.paths import resolve_theme_file

Kind = Literal["html", "md"]

#: Filters available in every template (also listed atop templates/base.html.j2).
COMMON_FILTERS = {
    "date": filters.format_date,
    "when": filters.format_when,
    "period": filters.format_period,
    "datetime": filters.format_datetime,
    "date_range": filters.format_range,
    "likelihood_range": filters.likelihood_range,
    "slug": filters.slug,
    "shorten_middle": filters.shorten_middle,
    "upper_first": filters.upper_first,
    "quote": filters.quote,
    "css_string": filters.css_string,
    "by_date": filters.timeline_order,
    "md_escape": md_escape,
    "admiralty": admiralty,
}


def make_loader(search_path: list[Path], builtin: Path) -> BaseLoader:
    """User folder(s) → built-in theme → ``!default/…`` (always the built-in theme)."""
    loaders: list[BaseLoader] = [FileSystemLoader(str(folder)) for folder in search_path]
    loaders.append(PrefixLoader({"!default": FileSystemLoader(str(builtin))}, delimiter="/"))
    return ChoiceLoader(loaders)


def make_environment(
    kind: Kind, search_path: list[Path], builtin: Path, registry: EvidenceRegistry
) -> ImmutableSandboxedEnvironment:
    """A fresh environment for one rendering of one format, citing into ``registry``."""
    env = ImmutableSandboxedEnvironment(
        loader=make_loader(search_path, builtin),
        undefined=StrictUndefined,
        autoescape=kind == "html",
        finalize=html_finalize if kind == "html" else md_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters.update(COMMON_FILTERS)
    env.filters["cite"] = registry.cite_html if kind == "html" else registry.cite_md
    env.filters["refs"] = registry.numbers
    env.globals.update(
        evidence_entries=registry.entries,
        doc_label=registry.doc_label,
        marking_colors=filters.marking_colors,
        plural=filters.plural,
        likelihood_scale=dict(LIKELIHOOD_SCALE),
        likelihood_terms=list(LIKELIHOOD_SCALE),
        theme_css=lambda name="style.css": theme_css(env, name),
        theme_asset=lambda name: theme_asset(search_path, builtin, name),
    )
    return env


def theme_css(env: ImmutableSandboxedEnvironment, name: str = "style.css") -> Markup:
    """A stylesheet from the search path, safe to inline in ``<style>`` (never rendered)."""
    assert env.loader is not None
    source, _, _ = env.loader.get_source(env, name)
    return Markup(source.replace("</", "<\\/"))


def theme_asset(search_path: list[Path], builtin: Path, name: str) -> str:
    """A file from the search path (a logo, say) as a ``data:`` URL, so outputs stay
    self-contained. Only files inside the template folders are reachable."""
    path = resolve_theme_file(search_path, builtin, name)
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"
