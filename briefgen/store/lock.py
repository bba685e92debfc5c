"""One build per configuration at a time: a lock file held for the whole run.

The lock is an operating-system lock on a small file (``flock`` on POSIX,
``msvcrt.locking`` on Windows), so it goes away with the process that holds it: a run
that is killed, even with ``SIGKILL``, never leaves a lock that blocks the next one. The
file also records who holds it (process id, host, start time, command line) so that a
second run can say which run is in its way; it is emptied on release, and a record left
by a process that no longer exists is reported as a stale lock taken over.

A second run does not wait: :meth:`RunLock.acquire` raises :class:`LockError` at once
(exit code 4 on the command line).
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import socket
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType
from typing import Any

from briefgen.errors import LockError

log = logging.getLogger(__name__)

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


@dataclass(frozen=True)
class Holder:
    """Who holds (or held) a lock."""

    pid: int
    host: str
    started: str  # ISO 8601, local time with offset
    command: str

    @classmethod
    def me(cls) -> Holder:
        started = datetime.now(timezone.utc).astimezone().replace(microsecond=0)
        command = " ".join([Path(sys.argv[0]).name or "python", *sys.argv[1:]])
        return cls(os.getpid(), socket.gethostname(), started.isoformat(), command)

    @classmethod
    def parse(cls, data: bytes) -> Holder | None:
        try:
            raw: Any = json.loads(data.decode("utf-8"))
            return cls(
                int(raw["pid"]), str(raw["host"]), str(raw["started"]), str(raw.get("command", ""))
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            return None

    def to_bytes(self) -> bytes:
        return (json.dumps(self.__dict__, ensure_ascii=False) + "\n").encode("utf-8")

    def describe(self) -> str:
        command = f" ({self.command})" if self.command else ""
        return f"pid {self.pid} on {self.host}, started {self.started}{command}"

    def alive(self) -> bool | None:
        """Whether the process still exists: True, False, or None when it cannot be told
        (another host, or a platform without a safe check)."""
        if self.host != socket.gethostname():
            return None
        return pid_alive(self.pid)


def pid_alive(pid: int) -> bool | None:
    if pid <= 0:
        return False
    if os.name != "posix":  # os.kill(pid, 0) would terminate the process on Windows
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    except OSError:
        return None
    return True


class RunLock:
    """The lock of one configuration, at ``path``; ``name`` says whose in messages.

    Use it as a context manager around the whole build::

        with RunLock(state_dir / "lock", "config.yaml"):
            ...
    """

    def __init__(self, path: Path, name: str) -> None:
        self.path = Path(path)
        self.name = name
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        """Take the lock or raise :class:`LockError` naming the run that holds it."""
        if self._fd is not None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise LockError(
                f"cannot create the lock file {self.path} for {self.name} "
                f"({exc.strerror or exc}); check that the cache folder is writable"
            ) from exc
        try:
            if not _try_lock(fd):
                holder = Holder.parse(_read_all(fd))
                raise LockError(self._busy_message(holder))
            previous = Holder.parse(_read_all(fd))
            if previous is not None and previous.pid != os.getpid():
                state = previous.alive()
                how = "was killed or crashed" if state is False else "ended without releasing it"
                log.info(
                    "lock: took over a stale lock of %s: that run (%s) %s",
                    self.name,
                    previous.describe(),
                    how,
                )
            _write_all(fd, Holder.me().to_bytes())
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        log.debug("lock: holding %s", self.path)

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)  # emptied, not removed: removing would race a waiting run
        with contextlib.suppress(OSError):
            _unlock(fd)
        os.close(fd)

    def holder(self) -> Holder | None:
        """Who holds the lock now (None when free or unknown), without taking it."""
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except OSError:
            return None
        try:
            return Holder.parse(_read_all(fd))
        finally:
            os.close(fd)

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()

    def _busy_message(self, holder: Holder | None) -> str:
        if holder is None:
            who = "another run (it has not recorded who it is yet)"
        else:
            who = f"another run: {holder.describe()}"
            if holder.alive() is False:
                who += (
                    "; that process has ended but left a child process holding the "
                    f"lock open (see `fuser {self.path}`)"
                )
        return (
            f"{self.name} is being built by {who}; this run stops. Wait for it to "
            "finish (a scheduled run should not overlap the next one)"
        )


# --- the operating-system lock ----------------------------------------------------------


def _try_lock(fd: int) -> bool:
    if fcntl is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES):
                return False
            raise
        return True
    import msvcrt  # pragma: no cover - Windows

    try:  # pragma: no cover
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except OSError:  # pragma: no cover
        return False
    return True  # pragma: no cover


def _unlock(fd: int) -> None:
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return
    import msvcrt  # pragma: no cover

    os.lseek(fd, 0, os.SEEK_SET)  # pragma: no cover
    msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)  # pragma: no cover


def _read_all(fd: int) -> bytes:
    os.lseek(fd, 0, os.SEEK_SET)
    chunks = []
    while True:
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def _write_all(fd: int, data: bytes) -> None:
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
    with contextlib.suppress(OSError):
        os.fsync(fd)
