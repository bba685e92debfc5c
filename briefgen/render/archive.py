"""The archive of past briefs in the output folder: unique names, and ``index.html`` /
``index.json`` listing every brief there.

* **Names**: with the default ``output.name`` (``brief-{date:%Y-%m-%d}``), a second build on
  the same day does not overwrite the first: when a file of the date-only name exists, the
  stem gains the build time (``brief-2024-05-01-0930``, then seconds if that exists too).
  A name set in the configuration is used as it is (same name, same files: replaced).
* **Index**: after each build, ``index.json`` (machine-readable) and ``index.html`` (a page
  with a row per brief: date, title, period, number of documents, the first key
  developments and a link to every format) are rewritten atomically, newest first. Briefs
  whose files are gone (retention, or removed by hand) drop out of it. ``index.html``
  renders ``archive.html.j2`` from the templates folder or the built-in theme.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

from briefgen.model import Brief
from briefgen.render import filters
from briefgen.render.environment import make_loader
from briefgen.render.output import write_outputs
from briefgen.render.paths import builtin_templates_dir, template_search_path
from briefgen.render.template_errors import template_errors

log = logging.getLogger(__name__)

INDEX = "index"
ARCHIVE_TEMPLATE = "archive.html.j2"
#: Key developments listed per brief in the index.
FIRST_DEVELOPMENTS = 3
INDEX_VERSION = 1


def unique_stem(
    folder: Path, stem: str, extensions: Sequence[str], when: datetime, fixed: bool
) -> str:
    """``stem``, or ``stem-HHMM`` (then ``stem-HHMMSS``) when a file of ``stem`` with one
    of ``extensions`` already exists in ``folder`` and the name is not ``fixed``."""
    if fixed:
        return stem
    for candidate in (stem, f"{stem}-{when:%H%M}", f"{stem}-{when:%H%M%S}"):
        if not any((folder / f"{candidate}.{ext}").exists() for ext in extensions):
            return candidate
    return f"{stem}-{when:%H%M%S}"


def entry_for(brief: Brief, stem: str, paths: Sequence[Path]) -> dict[str, Any]:
    """The index's record of one brief."""
    return {
        "stem": stem,
        "generated_at": brief.generated_at,
        "title": brief.title,
        "marking": brief.marking.label,
        "period": {"start": brief.period.start, "end": brief.period.end},
        "documents": len(brief.documents),
        "key_developments": [d.summary for d in brief.key_developments[:FIRST_DEVELOPMENTS]],
        "files": {p.suffix.lstrip("."): p.name for p in paths},
    }


def read_index(folder: Path) -> list[dict[str, Any]]:
    """The entries of ``folder/index.json`` (an unreadable index starts afresh, logged)."""
    path = folder / f"{INDEX}.json"
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = data["briefs"]
        if not isinstance(entries, list):
            raise TypeError("briefs is not a list")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("%s: unreadable (%s); the archive index starts afresh", path, exc)
        return []
    return [e for e in entries if isinstance(e, dict) and isinstance(e.get("stem"), str)]


def update_index(
    folder: Path, entry: dict[str, Any], templates_dir: Path | None = None
) -> list[Path]:
    """Add ``entry`` (replacing one of the same stem), drop briefs whose files are gone,
    and write ``index.json`` and ``index.html`` atomically; returns their paths."""
    entries = [e for e in read_index(folder) if e.get("stem") != entry["stem"]]
    entries.append(entry)
    kept = []
    for item in entries:
        files = item.get("files")
        if not isinstance(files, dict):
            continue
        present = {
            fmt: name
            for fmt, name in files.items()
            if isinstance(name, str) and "/" not in name and (folder / name).is_file()
        }
        if present:
            kept.append({**item, "files": present})
    kept.sort(key=lambda e: (str(e.get("generated_at", "")), e["stem"]), reverse=True)
    data = {"version": INDEX_VERSION, "briefs": kept}
    html = render_index(kept, templates_dir)
    outputs = {
        "json": (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8"),
        "html": html.encode("utf-8"),
    }
    return write_outputs(outputs, folder, INDEX)


def render_index(entries: list[dict[str, Any]], templates_dir: Path | None = None) -> str:
    """``index.html`` from ``archive.html.j2`` (sandboxed, autoescaped)."""
    search_path = template_search_path(templates_dir)
    with template_errors(search_path):
        env = ImmutableSandboxedEnvironment(
            loader=make_loader(search_path, builtin_templates_dir()),
            undefined=StrictUndefined,
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        env.filters["datetime"] = filters.format_datetime
        env.filters["date_range"] = filters.format_range
        rows = [
            {
                **e,
                "period_text": filters.format_range(
                    (e.get("period") or {}).get("start"), (e.get("period") or {}).get("end")
                ),
            }
            for e in entries
        ]
        return env.get_template(ARCHIVE_TEMPLATE).render(briefs=rows)
