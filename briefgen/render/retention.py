"""Dated outputs over time: the ``latest`` pointers, retention, leftovers of killed runs.

* **latest** (``output.latest: true``): after each build, ``latest.<ext>`` in the output
  folder points at the brief just written — a relative symbolic link, replaced atomically,
  or a copy (written atomically) where links cannot be made.
* **retention** (``output.keep: N``): only the newest N briefs whose file names match
  ``output.name`` are kept; older ones (every format of them) are removed. The build time
  in the name orders them (the file time when the name has no date); nothing else in
  the folder is touched.
* **leftovers**: a run killed while writing (``SIGKILL``, power loss) may leave temporary
  files (``.brief-….pdf.XXXX.tmp``); the next run of the configuration removes those of
  its own outputs. The briefs themselves are never half-written (see :mod:`.output`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import string
import tempfile
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

log = logging.getLogger(__name__)

LATEST = "latest"
EXTENSIONS = ("md", "html", "pdf", "json", "docx")

#: strftime directives as regular expressions (for recognising our own file names).
_DIRECTIVES = {
    "Y": r"\d{4}",
    "G": r"\d{4}",
    "y": r"\d{2}",
    "m": r"\d{2}",
    "d": r"\d{2}",
    "H": r"\d{2}",
    "I": r"\d{2}",
    "M": r"\d{2}",
    "S": r"\d{2}",
    "j": r"\d{3}",
    "f": r"\d{6}",
    "U": r"\d{2}",
    "W": r"\d{2}",
    "V": r"\d{2}",
    "u": r"\d",
    "w": r"\d",
    "e": r" ?\d{1,2}",
    "z": r"(?:[+-]\d{4})?",
    "Z": r"[A-Za-z]*",
    "p": r"[A-Za-z]+",
    "a": r"[^\W\d_]+",
    "A": r"[^\W\d_]+",
    "b": r"[^\W\d_]+",
    "B": r"[^\W\d_]+",
    "%": "%",
}


def name_regex(pattern: str) -> re.Pattern[str]:
    """A regular expression for the stems that ``output.name`` gives; the date part is the
    group ``date`` (its strftime format is recorded in the pattern's ``formats``)."""
    parts: list[str] = []
    dated = False
    for literal, field, spec, _ in string.Formatter().parse(pattern):
        parts.append(re.escape(literal))
        if field is None:
            continue
        if not spec:
            parts.append(r".+?")
            continue
        regex = _strftime_regex(spec)
        parts.append(f"(?P<date>{regex})" if not dated else regex)
        dated = True
    # A second brief of the same name gets the build time appended (render.archive).
    return re.compile("".join(parts) + r"(?:-\d{4}(?:\d{2})?)?\Z")


def _strftime_regex(spec: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(spec):
        ch = spec[i]
        if ch == "%" and i + 1 < len(spec):
            code = spec[i + 1]
            if code == "-" and i + 2 < len(spec):  # %-d (no padding) on glibc
                out.append(r"\d{1,4}")
                i += 3
                continue
            out.append(_DIRECTIVES.get(code, r".+?"))
            i += 2
            continue
        out.append(re.escape(ch))
        i += 1
    return "".join(out)


def _date_format(pattern: str) -> str | None:
    for _, field, spec, _ in string.Formatter().parse(pattern):
        if field is not None and spec:
            return spec
    return None


def briefs(folder: Path, pattern: str) -> dict[str, list[Path]]:
    """Stem → files (regular files with a brief extension) of the briefs in ``folder``
    that ``pattern`` (``output.name``) names; ``latest.*`` is never one of them."""
    regex = name_regex(pattern)
    found: dict[str, list[Path]] = {}
    if not folder.is_dir():
        return found
    for path in folder.iterdir():
        stem, _, ext = path.name.rpartition(".")
        if ext not in EXTENSIONS or stem == LATEST or path.is_symlink() or not path.is_file():
            continue
        if regex.match(stem):
            found.setdefault(stem, []).append(path)
    return found


def _age_key(stem: str, files: Sequence[Path], pattern: str) -> tuple[float, str]:
    """When a brief was built: from its name when the name has a parsable date, else the
    newest of its files' times."""
    fmt = _date_format(pattern)
    match = name_regex(pattern).match(stem)
    if fmt and match and match.groupdict().get("date"):
        with contextlib.suppress(ValueError, OverflowError, OSError):
            parsed = datetime.strptime(match.group("date"), fmt)
            if any(code in fmt for code in ("%Y", "%y", "%G")):
                return parsed.timestamp(), stem
    newest = 0.0
    for file in files:
        with contextlib.suppress(OSError):
            newest = max(newest, file.stat().st_mtime)
    return newest, stem


def prune(folder: Path, pattern: str, keep: int, protect: Iterable[str] = ()) -> list[Path]:
    """Remove every brief but the newest ``keep`` (and the stems in ``protect``)."""
    found = briefs(folder, pattern)
    protected = set(protect)
    ordered = sorted(found, key=lambda s: _age_key(s, found[s], pattern), reverse=True)
    kept = set(ordered[:keep]) | protected
    removed: list[Path] = []
    for stem in ordered:
        if stem in kept:
            continue
        for path in found[stem]:
            try:
                path.unlink()
            except OSError as exc:
                log.warning("cannot remove the old brief %s (%s)", path, exc.strerror or exc)
                continue
            removed.append(path)
    if removed:
        log.info(
            "retention: removed %d old brief(s) (%d file(s)); keeping the newest %d",
            len({p.name.rpartition(".")[0] for p in removed}),
            len(removed),
            keep,
        )
    _drop_dangling(folder)
    return removed


def update_latest(paths: Sequence[Path]) -> list[Path]:
    """Point ``latest.<ext>`` at each written output (a link, else a copy)."""
    made: list[Path] = []
    for path in paths:
        ext = path.suffix
        latest = path.parent / f"{LATEST}{ext}"
        if path.name == latest.name:
            continue
        try:
            _link(path, latest)
        except OSError as exc:
            log.debug("cannot link %s (%s); copying", latest, exc)
            try:
                _copy(path, latest)
            except OSError as exc2:
                log.warning("cannot update %s (%s)", latest, exc2.strerror or exc2)
                continue
        made.append(latest)
    return made


def _link(target: Path, latest: Path) -> None:
    temp = latest.parent / f".{latest.name}.link{os.getpid()}.tmp"
    with contextlib.suppress(FileNotFoundError):
        temp.unlink()
    os.symlink(target.name, temp)
    try:
        os.replace(temp, latest)
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise


def _copy(target: Path, latest: Path) -> None:
    fd, name = tempfile.mkstemp(dir=latest.parent, prefix=f".{latest.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(target.read_bytes())
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(name, 0o644)
        if latest.is_symlink():
            latest.unlink()
        os.replace(name, latest)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise


def _drop_dangling(folder: Path) -> None:
    for ext in EXTENSIONS:
        latest = folder / f"{LATEST}.{ext}"
        if latest.is_symlink() and not latest.exists():
            with contextlib.suppress(OSError):
                latest.unlink()


_TEMP = re.compile(r"^\.(?P<final>.+)\.[^.]+\.tmp\Z")


def remove_leftovers(folder: Path, pattern: str) -> list[Path]:
    """Remove temporary files a killed run left for this configuration's outputs."""
    if not folder.is_dir():
        return []
    regex = name_regex(pattern)
    removed: list[Path] = []
    for path in folder.iterdir():
        match = _TEMP.match(path.name)
        if not match:
            continue
        stem, _, ext = match.group("final").rpartition(".")
        if ext not in EXTENSIONS or not (stem == LATEST or regex.match(stem)):
            continue
        with contextlib.suppress(OSError):
            path.unlink()
            removed.append(path)
    if removed:
        log.info(
            "removed %d temporary file(s) left by an interrupted run in %s", len(removed), folder
        )
    return removed
