"""Atomic writing of rendered outputs: all or nothing, never a half-written file.

Every output is first written to a temporary file in the destination folder
and flushed to disk; only when all of them are complete are they moved into
place with ``os.replace`` (atomic on POSIX and Windows). On any failure the
temporary files are removed and the previous outputs stay as they were.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from briefgen.errors import RenderError
from briefgen.store.spill import SplicedJson

#: One rendered output: its bytes, or a brief's JSON whose appendix is a file.
Output = bytes | SplicedJson

logger = logging.getLogger(__name__)


def _check_stem(stem: str) -> None:
    if not stem or stem in (".", "..") or "/" in stem or "\\" in stem or "\0" in stem:
        raise RenderError(
            f"output name {stem!r} is not a plain file name; fix 'output.name' in the configuration"
        )


def _write_temp(folder: Path, final: Path, data: Output) -> Path:
    """``data`` in a fresh temporary file next to ``final``, flushed to disk (a spliced
    JSON's appendix copied from its file in chunks)."""
    handle, name = tempfile.mkstemp(dir=folder, prefix=f".{final.name}.", suffix=".tmp")
    temp = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream:
            if isinstance(data, SplicedJson):
                data.write_to(stream)
            else:
                stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        with contextlib.suppress(OSError):
            # mkstemp makes 0600 files: keep the old file's mode, else the usual 0644.
            mode = final.stat().st_mode & 0o777 if final.exists() else 0o644
            os.chmod(temp, mode)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    return temp


def _fsync_folder(folder: Path) -> None:
    """Make the renames durable (POSIX); a no-op where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_outputs(outputs: Mapping[str, Output], out_dir: Path, stem: str) -> list[Path]:
    """Write each ``outputs[ext]`` to ``out_dir/stem.ext`` atomically; return the paths.

    Creates ``out_dir`` if needed. Raises :class:`RenderError` (naming the file)
    if anything fails, after removing every temporary file; files from a
    previous run are then left unchanged unless they had already been replaced.
    """
    _check_stem(stem)
    folder = Path(out_dir)
    targets = [(folder / f"{stem}.{ext}", data) for ext, data in outputs.items()]
    pending: list[tuple[Path, Path]] = []
    current = folder
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for final, data in targets:
            current = final
            pending.append((_write_temp(folder, final, data), final))
        written: list[Path] = []
        while pending:
            temp, final = pending[0]
            current = final
            os.replace(temp, final)
            pending.pop(0)
            written.append(final)
            logger.debug("wrote %s (%d bytes)", final, final.stat().st_size)
    except OSError as error:
        reason = error.strerror or str(error)
        raise RenderError(f"{current}: cannot write the output: {reason}") from error
    finally:
        for temp, _ in pending:
            with contextlib.suppress(OSError):
                temp.unlink()
    _fsync_folder(folder)
    return written
