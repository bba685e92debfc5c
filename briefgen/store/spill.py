"""The brief's appendix on disk: written item by item, spliced into the JSON unparsed.

The appendix of a large pile (every document's developments, actors, statements … beyond
the capped sections) is most of the brief's JSON: 238 MB at 10,000 documents. Held as one
string it was the largest object of the fusion process, and serialising it made two more
copies of it. Templates never show it, so it never needs to be in memory at all:

* :class:`AppendixSpill` writes it to a file as fusion hands over each section, one item
  at a time, as exactly the bytes ``Brief.to_json()`` gives the appendix (the same as
  :func:`briefgen.model.appendix_json`), and returns a :class:`Fragment`;
* :class:`SplicedJson` is the brief's JSON as the part before the appendix, the fragment
  and the part after it: written out by copying the file in chunks, checked without
  parsing the fragment (its size, its first and last bytes, and the rest as a brief).

The fused-brief cache keeps the fragment as its ``.appendix.json`` file
(:class:`briefgen.store.cache.FusedCache`).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from pydantic import BaseModel

from briefgen.model import Appendix, Brief, appendix_json

#: The appendix's sections, in the order the JSON has them.
SECTIONS: tuple[str, ...] = tuple(Appendix.model_fields)
#: How the fragment opens and closes (``appendix_json``: one level deep in the brief).
OPENING = b"{\n"
CLOSING = b"\n  }"
_ITEM_INDENT = " " * 6
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Fragment:
    """An appendix written to ``path``: ``size`` bytes of JSON object."""

    path: Path
    size: int

    def problem(self) -> str | None:
        """Why the file is not the fragment written (None when it is): missing, another
        size (truncated by a power cut), or not opening and closing as an appendix."""
        try:
            with open(self.path, "rb") as stream:
                size = os.fstat(stream.fileno()).st_size
                if size != self.size or size < len(OPENING) + len(CLOSING):
                    return f"the appendix file has {size} bytes, not {self.size}"
                head = stream.read(len(OPENING))
                stream.seek(size - len(CLOSING))
                tail = stream.read()
        except OSError as exc:
            return f"the appendix file cannot be read ({exc.strerror or exc})"
        if head != OPENING or tail != CLOSING:
            return "the appendix file is not a JSON object"
        return None

    def text(self) -> str:
        """The whole fragment as text (small piles and tests only: it may be large)."""
        return self.path.read_text(encoding="utf-8")


class AppendixSpill:
    """Writes one appendix to a temporary file in ``folder``, section by section.

    ``section(name, items)`` must be called in the order of :data:`SECTIONS` (a section
    never given is written empty); :meth:`finish` closes the object and returns the
    :class:`Fragment`; :meth:`discard` removes the file (a failed run). Memory: one item's
    JSON at a time.
    """

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=".spill-", suffix=".json", dir=folder)
        self.path = Path(name)
        self._stream: BinaryIO | None = os.fdopen(fd, "wb")
        self._next = 0  # index in SECTIONS of the next section to write
        self._size = 0
        self._write(OPENING)

    def _write(self, data: bytes) -> None:
        assert self._stream is not None, "the appendix is finished"
        self._stream.write(data)
        self._size += len(data)

    def section(self, name: str, items: Iterable[BaseModel]) -> None:
        """Write section ``name`` (and any empty ones before it) from ``items``."""
        if name not in SECTIONS[self._next :]:
            raise ValueError(f"appendix section {name!r} out of order or repeated")
        while SECTIONS[self._next] != name:
            self._open(SECTIONS[self._next])
            self._write(b"[]")
            self._next += 1
        self._open(name)
        first = True
        for item in items:
            text = item.model_dump_json(indent=2).replace("\n", "\n" + _ITEM_INDENT)
            self._write((b"[\n" if first else b",\n") + (_ITEM_INDENT + text).encode("utf-8"))
            first = False
        self._write(b"[]" if first else b"\n    ]")
        self._next += 1

    def _open(self, name: str) -> None:
        self._write((b",\n" if self._next else b"") + f'    "{name}": '.encode())

    def finish(self) -> Fragment:
        """Close the appendix and flush it to the disk."""
        for name in SECTIONS[self._next :]:
            self.section(name, ())
        self._write(CLOSING)
        assert self._stream is not None
        self._stream.flush()
        os.fsync(self._stream.fileno())
        self._stream.close()
        self._stream = None
        return Fragment(self.path, self._size)

    def discard(self) -> None:
        if self._stream is not None:
            with contextlib.suppress(OSError):
                self._stream.close()
            self._stream = None
        with contextlib.suppress(OSError):
            self.path.unlink()


def keep_copy(fragment: Fragment, target: Path) -> Fragment:
    """``fragment`` at ``target`` too, atomically (a hard link where the folder allows,
    else a copy): a cache entry that outlives the run's own file."""
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=target.parent)
    os.close(fd)
    try:
        os.unlink(tmp)
        try:
            os.link(fragment.path, tmp)
        except OSError:
            shutil.copyfile(fragment.path, tmp)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return Fragment(target, fragment.size)


#: What the brief's JSON has in place of an empty appendix.
_MARKER = f'"appendix": {appendix_json(Appendix())}'


@dataclass(frozen=True)
class SplicedJson:
    """A brief's JSON output whose appendix is a file: ``head`` + fragment + ``tail`` +
    ``end``."""

    head: bytes | memoryview
    fragment: Fragment
    tail: bytes | memoryview
    end: bytes = b""

    @classmethod
    def of(cls, text: str, fragment: Fragment) -> SplicedJson:
        """From ``text``, a brief's JSON (with its newline) with an empty appendix."""
        if text.count(_MARKER) != 1:  # cannot happen: JSON strings escape quotes, newlines
            raise ValueError("cannot place the appendix in the brief's JSON")
        before, after = text.split(_MARKER)
        return cls((before + '"appendix": ').encode("utf-8"), fragment, after.encode("utf-8"))

    @classmethod
    def of_brief(cls, brief: Brief, fragment: Fragment) -> SplicedJson:
        """``brief``'s JSON (``Brief.to_json()`` and a newline) with ``fragment`` as its
        appendix, whatever ``brief.appendix`` holds: the JSON of the rest is held once, as
        bytes (a pile of 100,000 documents lists them all, and its stories)."""
        text = brief.model_copy(update={"appendix": Appendix()}).to_json()
        data = text.encode("utf-8")
        del text
        marker = _MARKER.encode("utf-8")
        at = data.find(marker)
        if at < 0 or data.find(marker, at + 1) >= 0:  # cannot happen (see of())
            raise ValueError("cannot place the appendix in the brief's JSON")
        view = memoryview(data)
        opening = at + len(b'"appendix": ')
        return cls(view[:opening], fragment, view[at + len(marker) :], b"\n")

    def __len__(self) -> int:
        return len(self.head) + self.fragment.size + len(self.tail) + len(self.end)

    def write_to(self, stream: BinaryIO) -> None:
        """The whole JSON into ``stream``, the fragment copied in chunks."""
        stream.write(self.head)
        with open(self.fragment.path, "rb") as source:
            copied = 0
            while chunk := source.read(_CHUNK):
                stream.write(chunk)
                copied += len(chunk)
        if copied != self.fragment.size:
            raise OSError(f"the appendix file {self.fragment.path} changed while written")
        stream.write(self.tail)
        stream.write(self.end)

    def problem(self) -> str | None:
        """Why this is not a brief's JSON (None when it is), in bounded memory: the parts
        around the appendix parse as a brief with an empty one, and the fragment is the
        file written (:meth:`Fragment.problem`)."""
        try:
            parsed = json.loads(b"".join((self.head, b"{}", self.tail, self.end)))
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            return f"it does not parse ({type(exc).__name__})"
        if not isinstance(parsed, dict) or "schema_version" not in parsed:
            return "it is not a brief"
        return self.fragment.problem()

    def to_bytes(self) -> bytes:
        """All of it in memory (small piles and tests only)."""
        return b"".join((self.head, self.fragment.path.read_bytes(), self.tail, self.end))
