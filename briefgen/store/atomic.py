"""Write a file atomically: a temporary file in the same folder, then ``os.replace``.

Readers see the old file or the new one, never half of one; a write that fails (or a
process killed while writing) leaves at most a temporary file named ``prefix…suffix``,
which the owners of each folder know how to clean up.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_atomic(
    path: Path, data: bytes, prefix: str = ".tmp-", suffix: str = "", fsync: bool = False
) -> None:
    """Replace ``path`` with ``data``; ``fsync`` also flushes it to the disk first.

    Raises :class:`OSError` (the temporary file removed) when it cannot be written.
    """
    fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            if fsync:
                stream.flush()
                os.fsync(stream.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
