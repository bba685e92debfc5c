"""The sandboxed Jinja environments that render the HTML and Markdown briefs.

Both search the user's templates folder first, then the built-in theme, and
reach the built-in files under the ``!default/`` prefix (so an override can
``{% extends "!default/brief.html.j2" %}``). User templates are trusted less
than code: the environment is sandboxed and undefined names are errors.

**Confined.** A template (or a stylesheet read by ``theme_css()``) is read only when its
real path, symbolic links resolved, lies inside the folder it was found in, and only when
it is a regular file of at most :data:`MAX_TEMPLATE_BYTES`: a link to ``/etc/passwd`` or a
linked folder renders nothing from outside the theme.

**Bounded.** :func:`bounded_render` stops a template that runs longer than
:data:`RENDER_SECONDS` or writes more than :data:`MAX_OUTPUT_CHARS` characters, with an
error naming the template; ``*`` and ``**`` refuse results of more than
:data:`MAX_VALUE_SIZE` items or digits before computing them, and Jinja's sandbox caps
``range()`` at 100,000 items.
"""

from __future__ import annotations

import base64
import mimetypes
import os
import posixpath
import stat
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    Template,
)
from jinja2.loaders import split_template_path
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from markupsafe import Markup

from briefgen.errors import TemplateError
from briefgen.model import LIKELIHOOD_SCALE
from briefgen.render import filters
from briefgen.render.evidence import EvidenceRegistry
from briefgen.render.grading import admiralty
from briefgen.render.mdescape import html_finalize, md_escape, md_finalize, neutralise_controls
from briefgen.render.paths import resolve_theme_file
from briefgen.store import alarm

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


#: Largest template or stylesheet read.
MAX_TEMPLATE_BYTES = 2_000_000
#: Longest time one format's template may run (seconds).
RENDER_SECONDS = 120.0
#: Most characters one format's template may write.
MAX_OUTPUT_CHARS = 50_000_000
#: Largest sequence (or number of digits) that ``*`` and ``**`` may make in a template.
MAX_VALUE_SIZE = 1_000_000


class ConfinedLoader(FileSystemLoader):
    """A :class:`FileSystemLoader` that reads only regular files whose real path lies in
    the folder they were found in (no symbolic link out of it), of a bounded size."""

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        pieces = split_template_path(template)
        for folder in self.searchpath:
            candidate = posixpath.join(folder, *pieces)
            if os.path.isfile(candidate):
                _check_confined(candidate, folder, template)
                break
        return super().get_source(environment, template)


def _check_confined(path: str, folder: str, name: str) -> None:
    real, root = os.path.realpath(path), os.path.realpath(folder)
    if not real.startswith(root.rstrip(os.sep) + os.sep):
        raise TemplateError(
            f"{path}: template {name!r} is a symbolic link out of the templates folder "
            f"(to {real}); templates are read only from inside {folder}. Copy the file in"
        )
    info = os.stat(real)
    if not stat.S_ISREG(info.st_mode):
        raise TemplateError(f"{path}: template {name!r} is not a regular file")
    if info.st_size > MAX_TEMPLATE_BYTES:
        raise TemplateError(
            f"{path}: template {name!r} is larger than {MAX_TEMPLATE_BYTES:,} bytes"
        )


class BoundedEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox, with ``*`` and ``**`` bounded and a deadline checked on every call
    (where no timer can interrupt the rendering)."""

    intercepted_binops = frozenset({"*", "**"})
    deadline: float | None = None

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for seq, count in ((left, right), (right, left)):
                if isinstance(seq, str | bytes | list | tuple) and isinstance(count, int):
                    if len(seq) * count > MAX_VALUE_SIZE:
                        raise SecurityError(
                            f"a value of {len(seq) * count:,} items (more than "
                            f"{MAX_VALUE_SIZE:,}) refused"
                        )
        if operator == "**" and isinstance(left, int) and isinstance(right, int):
            digits = abs(right) * max(abs(left), 1).bit_length() * 0.302
            if digits > MAX_VALUE_SIZE:
                raise SecurityError(f"a number of about {digits:,.0f} digits refused")
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        if __self.deadline is not None and time.monotonic() > __self.deadline:
            raise TemplateError(f"rendering took longer than {RENDER_SECONDS:g} s; stopped")
        return super().call(__context, __obj, *args, **kwargs)


def bounded_render(template: Template, context: dict[str, Any]) -> str:
    """``template`` rendered with ``context``, within :data:`RENDER_SECONDS` and
    :data:`MAX_OUTPUT_CHARS`; raise :class:`TemplateError` naming it otherwise."""
    name = template.filename or template.name or "template"
    env = template.environment

    def too_slow() -> TemplateError:
        return TemplateError(
            f"{name}: rendering took longer than {RENDER_SECONDS:g} s and was stopped; "
            "look for a loop that never ends or grows too large"
        )

    ends = time.monotonic() + RENDER_SECONDS
    if isinstance(env, BoundedEnvironment):
        env.deadline = ends
    parts: list[str] = []
    size = 0
    try:
        with alarm.deadline(RENDER_SECONDS, too_slow):
            for chunk in template.generate(context):
                size += len(chunk)
                if size > MAX_OUTPUT_CHARS:
                    raise TemplateError(
                        f"{name}: the output grew beyond {MAX_OUTPUT_CHARS:,} characters and "
                        "was stopped; look for a loop or a repeated value that is too large"
                    )
                alarm.check(ends, too_slow)
                parts.append(chunk)
    finally:
        if isinstance(env, BoundedEnvironment):
            env.deadline = None
    return neutralise_controls("".join(parts))


def make_loader(search_path: list[Path], builtin: Path) -> BaseLoader:
    """User folder(s) → built-in theme → ``!default/…`` (always the built-in theme)."""
    loaders: list[BaseLoader] = [ConfinedLoader(str(folder)) for folder in search_path]
    loaders.append(PrefixLoader({"!default": ConfinedLoader(str(builtin))}, delimiter="/"))
    return ChoiceLoader(loaders)


def make_environment(
    kind: Kind, search_path: list[Path], builtin: Path, registry: EvidenceRegistry
) -> ImmutableSandboxedEnvironment:
    """A fresh environment for one rendering of one format, citing into ``registry``."""
    env = BoundedEnvironment(
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
