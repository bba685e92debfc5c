"""The crontab line and its installation (on a crontab file, not the user's crontab)."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import pytest

from briefgen.errors import ScheduleError
from briefgen.project.schedule import (
    check_schedule,
    cron_line,
    default_executable,
    install,
    installed,
    remove,
    tag_for,
)

ENV = {"LANG": "en_GB.UTF-8", "HOME": "/home/ana"}


def test_line_works_under_crons_bare_environment(tmp_path: Path) -> None:
    config = tmp_path / "desk" / "config.yaml"
    line = cron_line("0 6 * * *", config, executable=["/opt/venv/bin/briefgen"], environ=ENV)
    text = line.render()
    assert text.startswith("0 6 * * * cd ")
    words = shlex.split(line.command)
    assert words[:3] == ["cd", str(config.parent), "&&"]
    assert "LANG=en_GB.UTF-8" in words and "HOME=/home/ana" in words
    exe = words.index("/opt/venv/bin/briefgen")
    log = str(config.parent / "briefgen.log")
    assert words[exe:] == [
        "/opt/venv/bin/briefgen",
        "build",
        "--config",
        "config.yaml",
        "--quiet",
        "--log-file",
        log,
        f">>{log}",
        "2>&1",
    ]
    assert text.endswith(f" # briefgen:{config}")


def test_line_sets_a_utf8_lang_and_keeps_the_cache_folder(tmp_path: Path) -> None:
    line = cron_line(
        "@daily",
        tmp_path / "c.yaml",
        executable=["/x/briefgen"],
        environ={"HOME": "/root", "BRIEFGEN_CACHE_DIR": "/var/cache/bg"},
    )
    words = shlex.split(line.command)
    assert "LANG=C.UTF-8" in words
    assert "BRIEFGEN_CACHE_DIR=/var/cache/bg" in words
    assert line.schedule == "@daily"


def test_paths_are_quoted_and_percent_escaped(tmp_path: Path) -> None:
    folder = tmp_path / "my desk 100%"
    line = cron_line(
        "*/15 * * * *",
        folder / "config.yaml",
        log_file=folder / "logs" / "run.log",
        executable=["/x/briefgen"],
        environ=ENV,
    )
    assert "%" not in line.command.replace("\\%", "")
    assert "%" not in line.tag.replace("\\%", "")
    # What cron hands to /bin/sh (after turning \% back into %) is the right command.
    words = shlex.split(line.command.replace("\\%", "%"))
    assert words[1] == str(folder)
    assert str(folder / "logs" / "run.log") in words


def test_default_executable_is_absolute() -> None:
    exe = default_executable()
    assert Path(exe[0]).is_absolute()
    assert exe[0].endswith("briefgen") or exe[1:] == ["-m", "briefgen"]
    if (Path(sys.executable).parent / "briefgen").exists():
        assert exe == [str(Path(sys.executable).absolute().parent / "briefgen")]


@pytest.mark.parametrize("bad", ["", "* * *", "61 * * * *", "every day", "0 6 * * * *x"])
def test_bad_schedules(bad: str) -> None:
    with pytest.raises(ScheduleError, match="is not a cron schedule"):
        check_schedule(bad)


def test_schedule_spaces_are_normalised() -> None:
    assert check_schedule("  0  6 * *   1-5 ") == "0 6 * * 1-5"


def test_install_is_idempotent_and_touches_only_its_own_line(tmp_path: Path) -> None:
    tab = tmp_path / "crontab"
    tab.write_text(
        "MAILTO=ops@example.org\n# backups\n30 2 * * * /usr/local/bin/backup\n"
        "0 7 * * * /x/briefgen build # briefgen:/elsewhere/config.yaml\n"
    )
    config = tmp_path / "desk" / "config.yaml"
    line = cron_line("0 6 * * *", config, executable=["/x/briefgen"], environ=ENV)
    assert install(line, tab) == "installed"
    assert install(line, tab) == "unchanged"
    text = tab.read_text()
    assert text.count(tag_for(config)) == 1
    assert "MAILTO=ops@example.org" in text and "30 2 * * * /usr/local/bin/backup" in text
    assert "# briefgen:/elsewhere/config.yaml" in text
    assert installed(config, tab) == [line.render()]

    later = cron_line("15 5 * * 1-5", config, executable=["/x/briefgen"], environ=ENV)
    assert install(later, tab) == "updated"
    assert installed(config, tab) == [later.render()]

    assert remove(config, tab) == 1
    assert remove(config, tab) == 0
    text = tab.read_text()
    assert tag_for(config) not in text
    assert "30 2 * * * /usr/local/bin/backup" in text
    assert "# briefgen:/elsewhere/config.yaml" in text


def test_missing_crontab_command(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no crontab there
    with pytest.raises(ScheduleError, match="crontab command is not installed"):
        remove(tmp_path / "config.yaml")


@pytest.mark.parametrize(("given", "written"), [("daily", "@daily"), ("@hourly", "@hourly")])
def test_show_prints_the_line_install_writes(tmp_path: Path, given: str, written: str) -> None:
    """``schedule show --cron daily`` prints a valid line, the very one ``install`` writes."""
    tab = tmp_path / "crontab"
    config = tmp_path / "desk" / "config.yaml"
    line = cron_line(given, config, executable=["/x/briefgen"], environ=ENV)
    assert line.render().startswith(f"{written} cd ")
    install(line, tab)
    assert installed(config, tab) == [line.render()]
    assert tab.read_text().strip() == line.render()
