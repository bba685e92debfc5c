"""Turn whatever Jinja raises into one-line ``TemplateError`` messages.

Each message names the template file and line (when Jinja knows them), the
reason, and for a missing template the folders that were searched, Pelican
style: ``templates/brief.html.j2:12: undefined value: 'dev' is undefined``.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from jinja2 import TemplateNotFound, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SecurityError

from briefgen.errors import BriefgenError, TemplateError


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def _template_location(error: BaseException) -> str | None:
    """``file:line`` of the innermost template frame of the traceback, if any.

    Jinja rewrites tracebacks so template code appears as frames of the
    template file; everything else (Jinja, filters) is Python source.
    """
    location = None
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename and not frame.filename.endswith(".py") and frame.lineno:
            location = f"{frame.filename}:{frame.lineno}"
    return location


def describe(error: BaseException, search_path: list[Path]) -> str:
    """The one-line message of a template failure."""
    if isinstance(error, TemplateSyntaxError):
        source = error.filename or error.name or "<template>"
        return f"{source}:{error.lineno}: template syntax error: {_one_line(error.message)}"
    where = _template_location(error)
    prefix = f"{where}: " if where else ""
    if isinstance(error, TemplateNotFound):
        names = getattr(error, "templates", None) or [error.name]
        wanted = ", ".join(repr(str(name)) for name in names)
        searched = ", ".join(str(folder) for folder in search_path)
        return (
            f"{prefix}template {wanted} not found (searched: {searched}, and '!default/' = "
            f"{search_path[-1]}); add it to your templates folder or fix the name"
        )
    if isinstance(error, SecurityError):
        return f"{prefix}unsafe template code refused by the sandbox: {_one_line(error)}"
    if isinstance(error, UndefinedError):
        return f"{prefix}undefined value: {_one_line(error)}"
    return f"{prefix}error while rendering: {type(error).__name__}: {_one_line(error)}"


@contextmanager
def template_errors(search_path: list[Path]) -> Iterator[None]:
    """Re-raise any failure inside the block as a one-line :class:`TemplateError`."""
    try:
        yield
    except BriefgenError:
        raise
    except Exception as error:
        raise TemplateError(describe(error, search_path)) from error
