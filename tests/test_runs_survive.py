"""Issue 15, the run machinery: one document, a killed run or a broken cache never sinks,
hangs or locks out a run (items 1, 6, 7, 8, 9)."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli, write_project

from briefgen.cli import EXIT_OK
from briefgen.extract.dates import parse_date
from briefgen.store.lock import RunLock, lock_path
from briefgen.store.state import RunState

posix = pytest.mark.skipif(os.name != "posix", reason="POSIX process semantics")

ARTICLE = (
    "Talks in Geneva {n}\n\n"
    "Delegates from Ukraine and Russia met in Geneva on Tuesday to discuss grain exports, "
    "the foreign ministry said. The talks lasted six hours.\n"
)
FAST = (
    'title: "T"\nsources:\n  - path: articles/*\n'
    "output:\n  dir: out\n  name: brief\n  formats: [md, json]\n"
)


def wait_for(check: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


# --- item 1: one document's exception skips that document ----------------------------------


def test_dates_before_year_one_are_not_dates() -> None:
    assert parse_date("7000 years ago", ref=date(2011, 5, 1)) is None
    assert parse_date("20000 years later", ref=date(2011, 5, 1)) is None
    assert parse_date("100000000 days ago", ref=date(2011, 5, 1)) is None  # timedelta overflow
    kept = parse_date("3 years ago", ref=date(2011, 5, 1))
    assert kept is not None and kept.date == "2008-01-01"


@pytest.mark.parametrize("count", [2, 9])  # 9: the overlapped worker path (8 or more)
def test_a_document_whose_extraction_fails_is_skipped_with_one_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, count: int
) -> None:
    import briefgen.facts

    real = briefgen.facts.extract

    def fragile(doc: Any, document: Any, options: Any = None) -> Any:
        if "pharaoh" in document.text:
            raise ValueError("year -4989 is out of range")
        return real(doc, document, options=options)

    monkeypatch.setattr(briefgen.facts, "extract", fragile)
    articles = {f"a{n}.txt": ARTICLE.format(n=n) for n in range(count - 1)}
    articles["comment.txt"] = "Reader comment\n\nThe pharaoh ruled 7000 years ago.\n"
    config = write_project(tmp_path, articles, FAST + "cache:\n  enabled: false\n")
    result = run_cli(["build", "--config", str(config)])
    assert result.exit_code == EXIT_OK, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "comment.txt" in line]
    assert len(warnings) == 1 and "extraction failed (ValueError" in warnings[0]
    brief = json.loads((tmp_path / "out" / "brief.json").read_text())
    assert len(brief["documents"]) == count - 1
    assert "Traceback" not in result.stderr


# --- item 6: workers die with their parent; a lock held by a leftover never blocks --------

KILLED_PARENT = textwrap.dedent("""
    import sys, time
    from briefgen.model import DocFacts, Document
    from briefgen.nlp.workers import map_overlapped
    import spacy

    def slow(doc, document):
        time.sleep(60)

    nlp = spacy.blank("en")
    docs = [Document(text=f"Text {i}.", title="t") for i in range(10)]
    it = map_overlapped(nlp, docs, slow, batch_size=2)
    try:
        next(it)
    except Exception:
        pass
""")


@posix
def test_the_extraction_worker_dies_with_its_parent(tmp_path: Path) -> None:
    parent = subprocess.Popen([sys.executable, "-c", KILLED_PARENT], stderr=subprocess.PIPE)
    try:
        worker: list[int] = []

        def started() -> bool:
            out = subprocess.run(
                ["pgrep", "-P", str(parent.pid)], capture_output=True, text=True, check=False
            )
            worker[:] = [int(p) for p in out.stdout.split()]
            return bool(worker)

        wait_for(started, 30, "the worker")
        time.sleep(0.3)
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        wait_for(lambda: not all(_alive(p) for p in worker), 5, "the worker to end")
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is not alive
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return True


FORKS_THEN_HANGS = textwrap.dedent("""
    import os, subprocess, sys, time
    from briefgen.store.lock import RunLock
    lock = RunLock(sys.argv[1], "config.yaml")
    lock.acquire()
    mode = sys.argv[2]
    if mode == "fork":
        if os.fork() == 0:  # a worker forked while the lock is held
            time.sleep(60)
            os._exit(0)
    else:  # a leftover that holds the lock file open whatever (inherited on purpose)
        subprocess.Popen(["sleep", "60"], pass_fds=[lock._fd])
    print("held", flush=True)
    time.sleep(60)
""")


@posix
@pytest.mark.parametrize("mode", ["fork", "inherit"])
def test_a_killed_run_with_children_left_never_blocks_the_next(
    tmp_path: Path, mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "locks" / "c.lock"
    run = subprocess.Popen(
        [sys.executable, "-c", FORKS_THEN_HANGS, str(path), mode],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert run.stdout is not None and run.stdout.readline().strip() == "held"
        run.send_signal(signal.SIGKILL)  # the run only; its child stays
        run.wait(timeout=10)
        with caplog.at_level(logging.INFO, logger="briefgen"):
            lock = RunLock(path, "config.yaml")
            lock.acquire()  # raised LockError (exit 4) before the fix
        assert lock.held
        lock.release()
    finally:
        if run.poll() is None:
            run.kill()
        os.killpg(run.pid, signal.SIGKILL)


def test_the_lock_lives_outside_the_cache_and_follows_the_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRIEFGEN_LOCK_DIR", str(tmp_path / "locks"))
    config = tmp_path / "desk" / "config.yaml"
    assert lock_path(config) == lock_path(tmp_path / "desk" / ".." / "desk" / "config.yaml")
    assert lock_path(config) != lock_path(tmp_path / "desk" / "other.yaml")
    assert lock_path(config).parent == tmp_path / "locks"


# --- items 7, 8, 9: the cache and the state never fail a build ---------------------------


def _fused_files(cache: Path, suffix: str) -> list[Path]:
    return sorted((cache / "fused-v1").glob(f"*{suffix}"))


@pytest.mark.parametrize("damage", ["empty", "truncated", "nested"])
@pytest.mark.parametrize("part", [".appendix.json", ".keys.json", ".brief.json"])
def test_a_damaged_fused_cache_entry_is_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, part: str, damage: str
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(cache))
    config = write_project(tmp_path, {"a.txt": ARTICLE.format(n=1)}, FAST)
    assert run_cli(["build", "--config", str(config)]).exit_code == EXIT_OK
    good = json.loads((tmp_path / "out" / "brief.json").read_text())
    [entry] = _fused_files(cache, part)
    data = entry.read_bytes()
    entry.write_bytes(
        {"empty": b"", "truncated": data[: len(data) // 2], "nested": b"[" * 200_000}[damage]
    )
    again = run_cli(["build", "--config", str(config)])
    assert again.exit_code == EXIT_OK, again.stderr
    rebuilt = json.loads((tmp_path / "out" / "brief.json").read_text())  # valid JSON
    assert rebuilt["documents"] == good["documents"]
    assert rebuilt["appendix"] == good["appendix"]


def test_invalid_outputs_never_replace_the_last_good_ones() -> None:
    from briefgen.errors import RenderError
    from briefgen.pipeline import check_outputs

    check_outputs({"json": b'{"schema_version": "1"}', "md": b"# Brief\n", "pdf": b"%PDF-1.7"})
    for bad in ({"json": b'{"schema_version": "1", "appendix": '}, {"md": b""}, {"pdf": b"<"}):
        with pytest.raises(RenderError, match="invalid"):
            check_outputs(bad)


@pytest.mark.parametrize("content", [b"[" * 200_000, b"", b"\xff\xfe", b'{"seen": 3}'])
def test_a_corrupt_state_file_is_set_aside(
    tmp_path: Path, content: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "state.json").write_bytes(content)
    with caplog.at_level(logging.WARNING, logger="briefgen"):
        state = RunState.load(tmp_path, "config.yaml")
    assert state.seen_ids == {} and state.briefs == []
    assert "starting afresh" in caplog.text
    assert (tmp_path / "state.json.corrupt").read_bytes() == content
    assert not (tmp_path / "state.json").exists()


def test_deeply_nested_state_in_a_build_is_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(cache))
    config = write_project(tmp_path, {"a.txt": ARTICLE.format(n=1)}, FAST)
    assert run_cli(["build", "--config", str(config)]).exit_code == EXIT_OK
    [state] = (cache / "runs").glob("*/state.json")
    state.write_bytes(b"[" * 200_000)
    again = run_cli(["build", "--config", str(config)])
    assert again.exit_code == EXIT_OK, again.stderr
    assert "not a briefgen state file" in again.stderr


def test_a_cache_folder_that_is_a_file_builds_without_the_cache(tmp_path: Path) -> None:
    (tmp_path / "cachefile").write_text("x")
    config = write_project(
        tmp_path, {"a.txt": ARTICLE.format(n=1)}, FAST + "cache:\n  dir: cachefile\n"
    )
    result = run_cli(["build", "--config", str(config)])
    assert result.exit_code == EXIT_OK, result.stderr  # was 4, "another run"
    assert "building without the cache" in result.stderr
    assert (tmp_path / "out" / "brief.json").exists()


def test_two_cache_folders_of_one_config_share_its_lock(tmp_path: Path) -> None:
    config = write_project(tmp_path, {"a.txt": ARTICLE.format(n=1)}, FAST)
    with RunLock(lock_path(config), "config.yaml"):
        for cache in ("c1", "c2"):
            result = run_cli(
                ["build", "--config", str(config)],
                env={"BRIEFGEN_CACHE_DIR": str(tmp_path / cache)},
            )
            assert result.exit_code == 4, result.stderr


# --- item 10: log file and configuration faults are one line and a documented code --------


def _briefgen(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefgen", *args],
        capture_output=True,
        text=True,
        timeout=timeout,  # a FIFO used to block here for ever
        check=False,
    )


@posix
@pytest.mark.parametrize("kind", ["fifo", "under-a-file", "folder", "proc"])
def test_an_unusable_log_file_is_a_config_error(tmp_path: Path, kind: str) -> None:
    if kind == "proc" and not Path("/proc/version").exists():
        pytest.skip("needs /proc")
    target = {
        "fifo": "fifo.log",
        "under-a-file": "config.yaml/x.log",
        "folder": "articles",
        "proc": "/proc/version",
    }[kind]
    if kind == "fifo":
        os.mkfifo(tmp_path / "fifo.log")
    config = write_project(tmp_path, {"a.txt": ARTICLE.format(n=1)}, FAST + f"log_file: {target}\n")
    result = _briefgen("build", "--config", str(config), "-q", timeout=20)
    assert result.returncode == 3, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "log_file: cannot append to" in lines[0]


@posix
@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_under_the_log_is_one_warning(tmp_path: Path) -> None:
    config = write_project(tmp_path, {"a.txt": ARTICLE.format(n=1)}, FAST + "log_file: /dev/full\n")
    result = _briefgen("build", "--config", str(config))
    assert result.returncode == 0, result.stderr
    assert "Logging error" not in result.stderr and "Traceback" not in result.stderr
    assert result.stderr.count("cannot write the log file /dev/full") == 1
    assert (tmp_path / "out" / "brief.json").exists()


@posix
@pytest.mark.parametrize("kind", ["fifo", "nul", "huge"])
def test_an_unreadable_config_is_one_line_exit_3(tmp_path: Path, kind: str) -> None:
    config = tmp_path / "config.yaml"
    if kind == "fifo":
        os.mkfifo(config)
    elif kind == "nul":
        config.write_bytes(b'title: "T\x00"\nsources:\n  - path: a/*\n')
    else:
        config.write_bytes(b"# " + b"x" * 2_000_000 + b"\n")
    result = _briefgen("build", "--config", str(config), timeout=20)
    assert result.returncode == 3, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "internal error" not in lines[0], lines
    assert "config.yaml" in lines[0] and "cannot be read" in lines[0]


def test_a_full_disk_under_the_cache_means_a_build_without_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import errno

    from briefgen.config import parse_config
    from briefgen.pipeline import usable_cache

    config = parse_config(
        {"sources": [{"path": "a/*"}], "cache": {"dir": str(tmp_path / "c")}}, tmp_path
    )

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with caplog.at_level(logging.WARNING, logger="briefgen"):
        checked = usable_cache(config)
    assert checked.cache.enabled is False and config.cache.enabled is True
    assert "No space left on device" in caplog.text and "without the cache" in caplog.text


def test_the_lock_is_taken_even_when_its_record_cannot_be_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    import briefgen.store.lock as lock_module

    def full(fd: int, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(lock_module, "_write_all", full)
    with RunLock(tmp_path / "c.lock", "config.yaml") as lock:
        assert lock.held


@posix
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_a_run_killed_during_extraction_never_blocks_the_next(tmp_path: Path, how: int) -> None:
    articles = {f"a{n}.txt": ARTICLE.format(n=n) * 40 for n in range(12)}  # overlapped path
    config = write_project(tmp_path, articles, FAST + "cache:\n  enabled: false\n")
    log = tmp_path / "run.log"
    run = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "briefgen",
            "build",
            "--config",
            str(config),
            "--log-file",
            str(log),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: log.exists() and "nlp: loaded" in log.read_text(), 120, "extraction")
        run.send_signal(how)
        run.wait(timeout=10)
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
    lock = RunLock(lock_path(config), "config.yaml")
    lock.acquire()  # LockError (exit 4) until the orphaned worker was killed by hand
    lock.release()
