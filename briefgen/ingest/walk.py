"""The files of a ``path:`` source, found without leaving its folder or walking in circles.

A ``path:`` source names a file, a folder or a glob (``articles/**/*.md``). Its *source
folder* is the part before the first wildcard (the folder itself, for a folder). The walk:

* follows a symbolic link only when its target (resolved) lies inside the source folder;
  a link out of it (``notes.md -> /etc/passwd``, ``feeds -> /``) is skipped with one
  warning naming it, unless ``ingest.follow_links: true``;
* enters every real folder once, so links to ``.`` or to a parent folder never loop
  (with ``follow_links`` too), and stops at :data:`MAX_DEPTH` levels;
* reads only regular files (not FIFOs, sockets or devices, which would block or never
  end) and leaves out hidden files and folders below the source folder.

A file named directly in the configuration is the configuration's choice and is read
wherever it points.
"""

from __future__ import annotations

import fnmatch
import glob
import logging
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

#: Folder levels walked below a source folder.
MAX_DEPTH = 64


@dataclass
class Walk:
    """The files found and the links skipped (path, why)."""

    files: list[Path] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)


#: Walks made ahead of the ingest (``briefgen build`` counts its files before reading
#: them), each until the ingest's own call for the same source takes it.
_AHEAD: dict[tuple[str, str, tuple[str, ...], bool], Walk] = {}


def source_files(
    pattern: str,
    base_dir: Path,
    suffixes: tuple[str, ...] | set[str],
    follow_links: bool = False,
    ahead: bool = False,
) -> Walk:
    """The files of one ``path:`` source, sorted (see the module's description).

    ``suffixes`` are the file types read when the source is a folder (a glob chooses its
    own files). ``ahead``: keep the walk for the next call for the same source, which
    takes it instead of walking (and warning) again; :func:`forget_ahead` drops what no
    call took."""
    key = (pattern, str(base_dir), tuple(sorted(suffixes)), follow_links)
    if not ahead and key in _AHEAD:
        return _AHEAD.pop(key)
    walk = _walk(pattern, base_dir, suffixes, follow_links)
    if ahead:
        _AHEAD[key] = walk
    return walk


def forget_ahead() -> None:
    """Drop the walks made ahead that no ingest took (the build ended before reading)."""
    _AHEAD.clear()


def _walk(
    pattern: str, base_dir: Path, suffixes: tuple[str, ...] | set[str], follow_links: bool
) -> Walk:
    relative = Path(pattern).expanduser()
    target = base_dir / relative
    walk = Walk()
    if not glob.has_magic(str(relative)):
        if target.is_dir():
            _Walker(target, None, suffixes, follow_links, walk).run()
        elif target.exists():
            walk.files.append(target)
        return walk
    prefix = literal_prefix(relative)
    root = base_dir / prefix
    rest = relative.parts[len(prefix.parts) :]
    if root.is_dir():
        _Walker(root, list(rest), suffixes, follow_links, walk).run()
    walk.files.sort()
    return walk


def literal_prefix(pattern: Path) -> Path:
    """The leading folders of a glob that have no wildcard."""
    parts = []
    for part in pattern.parts:
        if glob.has_magic(part):
            break
        parts.append(part)
    return Path(*parts) if parts else Path()


class _Walker:
    def __init__(
        self,
        root: Path,
        pattern: list[str] | None,
        suffixes: tuple[str, ...] | set[str],
        follow_links: bool,
        walk: Walk,
    ) -> None:
        self.root = root
        self.real_root = os.path.realpath(root)
        self.pattern = pattern  # None: the folder's own files
        self.suffixes = {s.lower() for s in suffixes}
        self.follow = follow_links
        self.walk = walk
        self.visited: set[tuple[int, int]] = set()

    def run(self) -> None:
        try:
            info = os.stat(self.root)
        except OSError:
            return
        self.visited.add((info.st_dev, info.st_ino))
        self._folder(self.root, ())

    def _inside(self, path: Path) -> bool:
        real = os.path.realpath(path)
        return real == self.real_root or real.startswith(self.real_root.rstrip(os.sep) + os.sep)

    def _folder(self, folder: Path, parts: tuple[str, ...]) -> None:
        if len(parts) > MAX_DEPTH:
            log.warning("%s: deeper than %d folders; not read further", folder, MAX_DEPTH)
            return
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            log.warning("%s: cannot list the folder (%s)", folder, exc.strerror or exc)
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            here = (*parts, entry.name)
            path = Path(entry.path)
            try:
                link = entry.is_symlink()
                info = os.stat(path)  # follows the link
            except OSError:
                continue  # a dangling link, or gone meanwhile
            is_dir = stat.S_ISDIR(info.st_mode)
            wanted = self._wanted(here, is_dir)
            if not wanted:
                continue
            if link and not self.follow and not self._inside(path):
                why = (
                    f"a symbolic link out of the source folder (to {os.path.realpath(path)}); "
                    "set ingest.follow_links: true to read it"
                )
                log.warning("skipped %s: %s", path, why)
                self.walk.skipped.append((path, why))
                continue
            if is_dir:
                key = (info.st_dev, info.st_ino)
                if key in self.visited:
                    log.debug("%s: folder already walked (a link loop); not entered again", path)
                    continue
                self.visited.add(key)
                self._folder(path, here)
            elif stat.S_ISREG(info.st_mode) and wanted == "file":
                self.walk.files.append(path)

    def _wanted(self, parts: tuple[str, ...], is_dir: bool) -> str | None:
        """ "file" when ``parts`` is a file to read, "dir" when a folder to enter, else None."""
        if self.pattern is None:  # a folder source: its own files only
            if is_dir:
                return None
            return "file" if Path(parts[-1]).suffix.lower() in self.suffixes else None
        if is_dir:
            return "dir" if _could_match(self.pattern, list(parts)) else None
        return "file" if _matches(self.pattern, list(parts)) else None


def _matches(pattern: list[str], parts: list[str]) -> bool:
    """Whether the path ``parts`` matches the glob ``pattern`` (``**``: any folders)."""
    if not pattern:
        return not parts
    head = pattern[0]
    if head == "**":
        return any(_matches(pattern[1:], parts[i:]) for i in range(len(parts) + 1))
    return bool(parts) and fnmatch.fnmatchcase(parts[0], head) and _matches(pattern[1:], parts[1:])


def _could_match(pattern: list[str], parts: list[str]) -> bool:
    """Whether some path below the folder ``parts`` could match ``pattern``."""
    if not parts:
        return bool(pattern)
    if not pattern:
        return False
    head = pattern[0]
    if head == "**":
        return True
    return fnmatch.fnmatchcase(parts[0], head) and _could_match(pattern[1:], parts[1:])
