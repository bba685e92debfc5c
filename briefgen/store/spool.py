"""Models held on disk, not in memory: a sequence whose items are read back on demand.

Fusion of a large pile (100,000 documents) cannot hold every document's facts, nor every
development, statement and timeline entry it merges, as Python objects: each is several
times its JSON in memory. A :class:`Spool` keeps each item's JSON in an anonymous
temporary file (deleted by the system when closed, even after a crash) and only its
offset in memory (8 bytes); ``spool[i]`` validates a fresh copy. The operating system's
page cache keeps a recently written file in memory where it has some to spare, without
it counting against the process.

Reading an item back costs a JSON validation (about 1 ms for a document's facts, tens
of microseconds for a statement): code that reads a spool should read each item a
bounded number of times, in passes.
"""

from __future__ import annotations

import os
import tempfile
import zlib
from array import array
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Generic, TypeVar, overload

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)
S = TypeVar("S", bound=BaseModel)

#: Bytes gathered before a write to the file.
_BUFFER = 1 << 20


class Items(Sequence[M], Generic[M]):
    """Indexing by position or slice, and iteration, from :meth:`item` (the sequences of
    this module, and views over them elsewhere): each read makes a fresh copy."""

    def item(self, k: int) -> M:
        """The item at position ``k`` (0 ≤ k < len)."""
        raise NotImplementedError

    @overload
    def __getitem__(self, i: int) -> M: ...

    @overload
    def __getitem__(self, i: slice) -> list[M]: ...

    def __getitem__(self, i: int | slice) -> M | list[M]:
        if isinstance(i, slice):
            return [self.item(k) for k in range(*i.indices(len(self)))]
        return self.item(range(len(self))[i])

    def __iter__(self) -> Iterator[M]:
        for k in range(len(self)):
            yield self.item(k)


class Spool(Items[M]):
    """Items of ``kind`` in a temporary file in ``folder`` (the system's by default),
    compressed with zlib when ``compress`` (worth it for large items: a document's facts
    compress about 5 to 1)."""

    def __init__(self, kind: type[M], folder: Path | None = None, compress: bool = False) -> None:
        self.kind = kind
        self._compress = compress
        # closed by close() (or when the spool is collected): no context manager fits
        self._file = tempfile.TemporaryFile(prefix="briefgen-spool-", dir=folder)  # noqa: SIM115
        self._fd = self._file.fileno()
        self._starts = array("q", [0])  # item i is bytes starts[i]:starts[i + 1]
        self._buffer = bytearray()
        self._written = 0  # bytes in the file (the buffer follows them)

    def __len__(self) -> int:
        return len(self._starts) - 1

    def append(self, item: M) -> int:
        """Keep ``item`` (as its JSON); returns its index."""
        return self.append_json(item.model_dump_json().encode("utf-8"))

    def append_json(self, data: bytes) -> int:
        """Keep an item given as its JSON (bytes of ``kind``'s JSON); returns its index."""
        if self._compress:
            data = zlib.compress(data, 1)
        self._buffer += data
        self._starts.append(self._starts[-1] + len(data))
        if len(self._buffer) >= _BUFFER:
            self._flush()
        return len(self._starts) - 2

    def _flush(self) -> None:
        if self._buffer:
            os.pwrite(self._fd, self._buffer, self._written)
            self._written += len(self._buffer)
            self._buffer.clear()

    def raw(self, i: int) -> bytes:
        """Item ``i``'s JSON."""
        start, end = self._starts[i], self._starts[i + 1]
        if end > self._written:
            self._flush()
        data = os.pread(self._fd, end - start, start)
        return zlib.decompress(data) if self._compress else data

    def get(self, i: int, kind: type[S]) -> S:
        """Item ``i`` read as ``kind`` (e.g. a model of only the fields a pass needs)."""
        return kind.model_validate_json(self.raw(i))

    def item(self, k: int) -> M:
        return self.kind.model_validate_json(self.raw(k))

    def view(self, order: Sequence[int]) -> SpoolView[M]:
        """The items at ``order``'s indices, as a sequence of their own."""
        return SpoolView(self, order)

    def close(self) -> None:
        """Remove the file (the spool is empty afterwards)."""
        self._file.close()
        self._starts = array("q", [0])
        self._buffer.clear()
        self._written = 0

    def __enter__(self) -> Spool[M]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SpoolView(Items[M]):
    """Some items of a spool, in an order of their own (``spool.view(order)``): ``items``,
    the spool's index of each."""

    def __init__(self, spool: Spool[M], order: Sequence[int]) -> None:
        self.spool = spool
        self.items = order if isinstance(order, array) else array("q", order)

    def __len__(self) -> int:
        return len(self.items)

    def get(self, i: int, kind: type[S]) -> S:
        """Item ``i`` read as ``kind``."""
        return self.spool.get(self.items[i], kind)

    def item(self, k: int) -> M:
        return self.spool.item(self.items[k])

    def close(self) -> None:
        """Close the spool it views."""
        self.spool.close()


class Held(Sequence[M], Generic[M]):
    """A :class:`Spool`'s interface over items held as they are (a small pile's: writing
    them away would cost more than it saves). ``held[i]`` is the item itself."""

    def __init__(self) -> None:
        self._items: list[M] = []

    def __len__(self) -> int:
        return len(self._items)

    def append(self, item: M) -> int:
        self._items.append(item)
        return len(self._items) - 1

    @overload
    def __getitem__(self, i: int) -> M: ...

    @overload
    def __getitem__(self, i: slice) -> list[M]: ...

    def __getitem__(self, i: int | slice) -> M | list[M]:
        return self._items[i]

    def close(self) -> None:
        self._items = []

    def __enter__(self) -> Held[M]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
