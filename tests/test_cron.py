"""A real cron run: ``schedule install`` a ``* * * * *`` line, wait for cron to build the
brief under its bare environment, check the brief and the log, ``schedule remove``.

Skipped where there is no ``crontab`` command or no running cron daemon; ``.ci/run``
installs Debian's ``cron`` and starts it. Takes about a minute (cron fires on the minute).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from datetime import datetime
from pathlib import Path

import pytest
from conftest import run_cli
from webserver import KIM

from briefgen.project.schedule import cron_daemon_running, tag_for


def _skip_reason() -> str | None:
    if os.name != "posix":
        return "cron needs a POSIX system"
    if shutil.which("crontab") is None:
        return "no crontab command (Debian: apt install cron)"
    if not cron_daemon_running():
        return "no cron daemon is running (start it with `cron` as root)"
    return None


pytestmark = [
    pytest.mark.cron,
    pytest.mark.skipif(_skip_reason() is not None, reason=_skip_reason() or ""),
]

FIRE_WITHIN = 75  # seconds from installing the line until cron starts the build
BUILD_WITHIN = 120  # seconds more for the build itself (it loads the spaCy model)


def crontab_lines() -> list[str]:
    done = subprocess.run(["crontab", "-l"], capture_output=True, text=True, check=False)
    return done.stdout.splitlines() if done.returncode == 0 else []


def test_cron_runs_the_scheduled_build(tmp_path: Path) -> None:
    root = tmp_path / "cron project"  # a space in the path, as users have
    (root / "articles").mkdir(parents=True)
    (root / "articles" / "kim.txt").write_text(
        "Kim arrives in Vladivostok\n\n" + "\n\n".join(KIM) + "\n", encoding="utf-8"
    )
    config = root / "config.yaml"
    config.write_text(
        'title: "Cron brief"\n'
        "sources:\n  - path: articles/*\n"
        'output:\n  dir: out\n  name: "brief-{date:%Y%m%d-%H%M%S}"\n  formats: [md, json]\n'
        "  latest: true\n"
        "cache:\n  dir: .cache\n",
        encoding="utf-8",
    )
    log = root / "briefgen.log"
    before = crontab_lines()

    if datetime.now().second > 50:  # too close to the minute: cron may not reread in time
        time.sleep(62 - datetime.now().second)
    shown = run_cli(["schedule", "show", "--cron", "* * * * *", "--config", str(config)])
    assert shown.exit_code == 0, shown.stderr
    installed = run_cli(["schedule", "install", "--cron", "* * * * *", "--config", str(config)])
    assert installed.exit_code == 0, installed.stderr
    start = time.monotonic()
    try:
        tag = tag_for(config)
        lines = [line for line in crontab_lines() if line.endswith(f"# {tag}")]
        assert lines == [shown.stdout.strip()]
        assert [line for line in crontab_lines() if tag not in line] == [
            line for line in before if tag not in line
        ]

        while not log.exists() and time.monotonic() - start < FIRE_WITHIN:
            time.sleep(0.5)
        assert log.exists(), f"cron did not start the build within {FIRE_WITHIN} s"
        fired = time.monotonic() - start

        def finished() -> bool:
            text = log.read_text(encoding="utf-8", errors="replace")
            return "wrote " in text or " ERROR " in text or "Traceback" in text

        while not finished() and time.monotonic() - start < FIRE_WITHIN + BUILD_WITHIN:
            time.sleep(0.5)
        text = log.read_text(encoding="utf-8", errors="replace")
        assert " ERROR " not in text and "Traceback" not in text, text
        assert "wrote 2 file(s) from 1 document(s)" in text, text
        for stage in ("ingest: 1 document(s)", "fuse: ", "render: "):
            assert stage in text
    finally:
        removed = run_cli(["schedule", "remove", "--config", str(config)])
    assert removed.exit_code == 0, removed.stderr
    assert "removed 1 line" in removed.stdout
    assert not [line for line in crontab_lines() if tag_for(config) in line]
    assert crontab_lines() == before or (not before and crontab_lines() == [])

    brief = json.loads((root / "out" / "latest.json").read_text(encoding="utf-8"))
    assert brief["title"] == "Cron brief"
    assert [d["path"] for d in brief["documents"]] == ["articles/kim.txt"]
    assert any("Kim" in d["summary"] for d in brief["key_developments"])
    assert fired <= FIRE_WITHIN
