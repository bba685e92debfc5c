"""Data that ships with briefgen: the gazetteers and role lists (this folder), and the
repository's own files that a wheel carries inside the package.

``pyproject.toml`` force-includes into the wheel, from the repository root, the default
theme (``templates/`` → ``briefgen/templates``), the default configuration
(``config.yaml`` → ``briefgen/data/config.yaml``), the sample article (``seeds/…`` →
``briefgen/data/sample/…``) and the template reference (``docs/templates.md`` →
``briefgen/data/templates.md``). Each exists once, in the repository; :func:`shipped`
finds the installed copy, else (a source checkout, an editable install) the original.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]  # the briefgen package folder

#: Inside the installed package → in the repository.
SHIPPED = {
    "templates": "templates",
    "data/config.yaml": "config.yaml",
    "data/sample/kim-putin-arms-talks.txt": "seeds/kim-putin-arms-talks.txt",
    "data/templates.md": "docs/templates.md",
}


def candidates(installed: str) -> list[Path]:
    """Where :func:`shipped` looks for ``installed`` (a key of :data:`SHIPPED`), in order."""
    return [PACKAGE / installed, PACKAGE.parent / SHIPPED[installed]]


def missing(what: str, installed: str) -> str:
    """The message for a shipped file that :func:`shipped` cannot find: what it is, where it
    was looked for, and the fix."""
    searched = ", ".join(str(path) for path in candidates(installed))
    return f"{what} not found (searched: {searched}); reinstall briefgen"


def shipped(installed: str) -> Path | None:
    """The file or folder that the wheel ships as ``briefgen/<installed>``: the
    installed copy, else the source checkout's; None when neither exists."""
    for candidate in candidates(installed):
        if candidate.exists():
            return candidate
    return None
