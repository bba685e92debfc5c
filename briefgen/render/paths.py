"""Where templates come from: the user's folder first, then the built-in theme.

The default theme is the repository's top-level ``templates/`` folder; a wheel
ships it as ``briefgen/templates`` (hatch force-include), which wins when present.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import TemplateNotFound
from jinja2.loaders import split_template_path

from briefgen.data import missing, shipped
from briefgen.errors import TemplateError


def builtin_templates_dir() -> Path:
    """The folder of the built-in theme (installed copy first, then the source tree)."""
    folder = shipped("templates")
    if folder is not None and (folder / "base.html.j2").is_file():
        return folder
    raise TemplateError(missing("the built-in templates", "templates"))


def template_search_path(templates_dir: Path | str | None = None) -> list[Path]:
    """The folders searched for a template, in order: ``templates_dir`` (if any), built-in."""
    folders: list[Path] = []
    if templates_dir is not None:
        user = Path(templates_dir).expanduser()
        if not user.is_dir():
            raise TemplateError(
                f"{user}: templates folder not found; create it (briefgen init) or fix the "
                "'templates' setting"
            )
        folders.append(user.resolve())
    builtin = builtin_templates_dir()
    if builtin not in folders:
        folders.append(builtin)
    return folders


def list_templates(templates_dir: Path | str | None = None) -> list[tuple[str, Path]]:
    """Every template name on the search path and the file it resolves to, by name.

    A name found in several folders resolves to the first one (the user's
    override); hidden files and folders are skipped.
    """
    resolved: dict[str, Path] = {}
    for folder in template_search_path(templates_dir):
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder)
            if not path.is_file() or any(part.startswith(".") for part in relative.parts):
                continue
            if "__pycache__" in relative.parts:
                continue
            resolved.setdefault(relative.as_posix(), path)
    return sorted(resolved.items())


def resolve_theme_file(search_path: list[Path], builtin: Path, name: str) -> Path:
    """The file a template-relative ``name`` resolves to, as the template loader would.

    ``!default/NAME`` is looked up in the built-in theme only. Names that try to
    leave the folders (``..``) are rejected; raises ``TemplateNotFound``.
    """
    folders = search_path
    if name.startswith("!default/"):
        folders, name = [builtin], name[len("!default/") :]
    parts = split_template_path(name)  # raises TemplateNotFound on ".." and the like
    for folder in folders:
        candidate = folder.joinpath(*parts)
        if candidate.is_file() and candidate.resolve().is_relative_to(folder.resolve()):
            return candidate
    raise TemplateNotFound(name)


def template_listing(templates_dir: Path | str | None = None) -> list[str]:
    """``briefgen templates list``: the search path, then each name, its file and origin.

    A user file that hides a built-in one says so ("yours, replaces the built-in");
    ``!default/NAME`` still reaches the built-in file.
    """
    search_path = template_search_path(templates_dir)
    builtin = builtin_templates_dir()
    lines = ["Search path (first match wins):"]
    for number, folder in enumerate(search_path, start=1):
        kind = "built-in theme, also reachable as !default/NAME" if folder == builtin else "yours"
        lines.append(f"  {number}. {folder}  ({kind})")
    entries = list_templates(templates_dir)
    width = max((len(name) for name, _ in entries), default=0)
    lines.append("")
    for name, path in entries:
        if path.is_relative_to(builtin):
            origin = "built-in"
        elif (builtin / name).is_file():
            origin = "yours, replaces the built-in"
        else:
            origin = "yours"
        lines.append(f"{name.ljust(width)}  {path}  ({origin})")
    return lines
