"""Deadlines that stop Python code wherever it is: the run watchdog and template rendering.

:func:`deadline` arms a real-time timer (``SIGALRM`` through ``setitimer``); when it
fires, the exception made by ``expired()`` is raised in the main thread at whatever line
it is running, so even a loop that calls nothing (a template's nested ``range`` loops)
is stopped, and the ``with`` blocks around it (the run lock, temporary files) clean up
as usual. Deadlines nest: the earliest one fires first, and an inner block leaves the
outer deadline armed for the time it has left.

Where there is no ``SIGALRM`` (Windows) or outside the main thread, :func:`deadline`
arms nothing and says so (it yields False); callers then rely on their own checks
(:func:`check`).
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

Make = Callable[[], BaseException]


@dataclass
class _Entry:
    at: float  # time.monotonic()
    expired: Make


_STACK: list[_Entry] = []
_PREVIOUS: list[Any] = []  # the handler before the first deadline


def available() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def _arm() -> None:
    if not _STACK:
        signal.setitimer(signal.ITIMER_REAL, 0)
        return
    left = min(e.at for e in _STACK) - time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, max(left, 0.001))


def _fired(signum: int, frame: Any) -> None:
    now = time.monotonic()
    due = [e for e in _STACK if e.at <= now]
    if not due:  # fired early (clock rounding): wait for the rest
        _arm()
        return
    first = min(due, key=lambda e: e.at)
    _STACK.remove(first)
    _arm()
    raise first.expired()


@contextlib.contextmanager
def deadline(seconds: float | None, expired: Make) -> Iterator[bool]:
    """Raise ``expired()`` in the block once ``seconds`` have passed (None: no deadline).
    Yields whether a timer could be armed."""
    if not seconds or not available():
        yield False
        return
    entry = _Entry(time.monotonic() + seconds, expired)
    if not _STACK:
        _PREVIOUS[:] = [signal.signal(signal.SIGALRM, _fired)]
    _STACK.append(entry)
    _arm()
    try:
        yield True
    finally:
        if entry in _STACK:
            _STACK.remove(entry)
        _arm()
        if not _STACK and _PREVIOUS:
            signal.signal(signal.SIGALRM, _PREVIOUS.pop())


def check(at: float | None, expired: Make) -> None:
    """Raise ``expired()`` when ``at`` (``time.monotonic()``) has passed: the cooperative
    check for where no timer can be armed."""
    if at is not None and time.monotonic() > at:
        raise expired()
