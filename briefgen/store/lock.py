"""One build per configuration at a time: a lock file held for the whole run.

The lock is an operating-system lock on a small file (``flock`` on POSIX,
``msvcrt.locking`` on Windows), so it goes away with the process that holds it: a run
that is killed, even with ``SIGKILL``, never leaves a lock that blocks the next one. The
file also records who holds it (process id, host, start time, command line) so that a
second run can say which run is in its way; it is emptied on release, and a record left
by a process that no longer exists is reported as a stale lock taken over.

A second run does not wait: :meth:`RunLock.acquire` raises :class:`LockError` at once
(exit code 4 on the command line).

**Where.** :func:`lock_path`: one file per configuration file (by its real path) in a
folder of the user's own, ``$BRIEFGEN_LOCK_DIR`` or ``/tmp/briefgen-<uid>`` — not in the
cache folder, so an unusable cache never stops a run and two runs of one configuration
with different cache folders still exclude each other.

**Never blocked by the dead.** The lock's file descriptor is closed in every child process
forked while it is held (the extraction and PDF workers), so only the run itself holds the
lock; should the lock still be busy while its recorded holder is gone (or is no briefgen
process), the lock file is replaced with a new one and the run goes on, with a warning.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import logging
import os
import re
import socket
import stat
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType
from typing import Any

from briefgen.errors import LockError, LockUnavailableError

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


LOCK_DIR_ENV = "BRIEFGEN_LOCK_DIR"

#: File descriptors of the locks this process holds: closed in forked children.
_HELD: set[int] = set()


def _close_in_child() -> None:
    for fd in list(_HELD):
        with contextlib.suppress(OSError):
            os.close(fd)
    _HELD.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_in_child)


def lock_dir() -> Path:
    """The folder of the run locks: ``$BRIEFGEN_LOCK_DIR``, else ``/tmp/briefgen-<uid>``
    (POSIX; a fixed place, so that cron and a terminal agree), else the temporary folder."""
    env = os.environ.get(LOCK_DIR_ENV, "").strip()
    if env:
        return Path(env).expanduser().absolute()
    if os.name == "posix":
        return Path("/tmp") / f"briefgen-{os.getuid()}"
    import tempfile  # pragma: no cover - Windows

    return Path(tempfile.gettempdir()) / "briefgen"  # pragma: no cover


def lock_path(config_path: Path) -> Path:
    """The lock file of one configuration file (by its real path) in :func:`lock_dir`."""
    real = Path(os.path.realpath(Path(config_path).expanduser().absolute()))
    digest = hashlib.sha256(str(real).encode("utf-8")).hexdigest()[:16]
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", f"{real.parent.name}-{real.stem}").strip("-.")
    return lock_dir() / f"{slug[:40] or 'config'}-{digest}.lock"


def _own_folder(folder: Path) -> None:
    """Create ``folder`` (mode 700) and check that it is a real folder of this user: a
    shared ``/tmp`` must not let another user plant or hold the lock."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = os.lstat(folder)
    if not stat.S_ISDIR(info.st_mode):
        raise NotADirectoryError(errno.ENOTDIR, "not a folder", str(folder))
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise PermissionError(errno.EPERM, "owned by another user", str(folder))


def _holds(pid: int, path: Path) -> bool | None:
    """Whether process ``pid`` has the file ``path`` open (None when it cannot be told:
    no ``/proc``, or another user's process)."""
    folder = Path(f"/proc/{pid}/fd")
    try:
        target = os.stat(path)
        entries = list(folder.iterdir())
    except OSError:
        return None
    for entry in entries:
        with contextlib.suppress(OSError):
            info = os.stat(entry)
            if (info.st_dev, info.st_ino) == (target.st_dev, target.st_ino):
                return True
    return False


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
            if self.path.parent == lock_dir():
                _own_folder(self.path.parent)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except OSError as exc:
            raise LockUnavailableError(
                f"cannot create the lock file {self.path} for {self.name} "
                f"({exc.strerror or exc}); check that its folder is writable "
                f"(or set {LOCK_DIR_ENV})"
            ) from exc
        try:
            if not _try_lock(fd):
                holder = Holder.parse(_read_all(fd))
                if not self._dead(holder):
                    raise LockError(self._busy_message(holder))
                fd = self._replace(fd, holder)
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
            with contextlib.suppress(OSError):  # a full disk: the record is only a courtesy
                _write_all(fd, Holder.me().to_bytes())
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        _HELD.add(fd)
        log.debug("lock: holding %s", self.path)

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        _HELD.discard(fd)
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

    def _dead(self, holder: Holder | None) -> bool:
        """Whether a busy lock's recorded holder is gone, or no longer has the lock file
        open (its process id reused by another program): then whatever holds the lock is
        a leftover of a killed run, not a run of this configuration."""
        if holder is None or holder.pid == os.getpid():
            return False
        alive = holder.alive()
        if alive is False:
            return True
        return alive is True and _holds(holder.pid, self.path) is False

    def _replace(self, fd: int, holder: Holder | None) -> int:
        """Set aside a lock file held by a process that is not a run (a worker orphaned by a
        killed run) and lock a new one in its place; raise :class:`LockError` if another
        run got there first."""
        old = os.fstat(fd)
        os.close(fd)
        try:
            now = os.stat(self.path)
            if (now.st_dev, now.st_ino) == (old.st_dev, old.st_ino):
                os.unlink(self.path)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except OSError as exc:
            raise LockError(f"cannot replace the stale lock file {self.path}: {exc}") from exc
        if not _try_lock(fd):
            other = Holder.parse(_read_all(fd))
            os.close(fd)
            raise LockError(self._busy_message(other))
        log.warning(
            "lock: %s was held by a process that is no run of it (%s); a new lock replaces it",
            self.name,
            holder.describe() if holder else "unknown",
        )
        _write_all(fd, b"")
        return fd

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
