"""The per-configuration lock: one run at a time, a clear message, no stale blocking."""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefgen.errors import LockError
from briefgen.store.lock import Holder, RunLock, pid_alive

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX process semantics")

HOLD = textwrap.dedent("""
    import sys, time
    from briefgen.store.lock import RunLock
    lock = RunLock(sys.argv[1], "config.yaml")
    lock.acquire()
    print("held", flush=True)
    sys.stdin.read()  # until the test closes our stdin (or kills us)
    lock.release()
""")


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], Path]]:
    """Another process holding the lock at ``tmp_path/lock``."""
    path = tmp_path / "lock"
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "held"
    try:
        yield proc, path
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)


def test_lock_is_exclusive_within_one_process(tmp_path: Path) -> None:
    first = RunLock(tmp_path / "lock", "config.yaml")
    with first:
        assert first.held
        with pytest.raises(LockError, match=f"pid {os.getpid()} on {socket.gethostname()}"):
            RunLock(tmp_path / "lock", "config.yaml").acquire()
    assert not first.held
    with RunLock(tmp_path / "lock", "config.yaml"):  # free again
        pass


def test_second_process_is_refused_with_the_holder_named(
    holder: tuple[subprocess.Popen[str], Path],
) -> None:
    proc, path = holder
    with pytest.raises(LockError) as excinfo:
        RunLock(path, "desk/config.yaml").acquire()
    message = str(excinfo.value)
    assert message.startswith("desk/config.yaml is being built by another run: ")
    assert f"pid {proc.pid} on {socket.gethostname()}, started " in message
    assert "this run stops" in message
    assert excinfo.value.exit_code == 4


def test_lock_of_a_killed_run_does_not_block(
    holder: tuple[subprocess.Popen[str], Path], caplog: pytest.LogCaptureFixture
) -> None:
    proc, path = holder
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    recorded = Holder.parse(path.read_bytes())
    assert recorded is not None and recorded.pid == proc.pid  # its record is still there
    assert recorded.alive() is False
    with caplog.at_level(logging.INFO, logger="briefgen"):
        lock = RunLock(path, "config.yaml")
        lock.acquire()
    assert f"took over a stale lock of config.yaml: that run (pid {proc.pid}" in caplog.text
    assert "was killed or crashed" in caplog.text
    assert Holder.parse(path.read_bytes()).pid == os.getpid()  # type: ignore[union-attr]
    lock.release()


def test_released_lock_is_emptied_not_removed(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "lock"
    with RunLock(path, "c"):
        record = json.loads(path.read_text())
        assert record["pid"] == os.getpid() and record["host"] == socket.gethostname()
        assert record["started"] and "command" in record
    assert path.exists() and path.read_bytes() == b""


def test_lock_in_an_unwritable_place(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(LockError, match="cannot create the lock file"):
        RunLock(blocker / "lock", "c").acquire()


def test_holder_record_round_trip_and_garbage() -> None:
    me = Holder.me()
    assert Holder.parse(me.to_bytes()) == me
    assert Holder.parse(b"") is None and Holder.parse(b"{nonsense") is None
    assert me.alive() is True
    assert pid_alive(0) is False
