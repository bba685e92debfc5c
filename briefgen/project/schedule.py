"""Scheduled builds with cron: the crontab line, and installing or removing it.

cron runs commands with a bare environment (``/bin/sh``, ``PATH=/usr/bin:/bin``, no
``LANG``), from the home folder. The line briefgen writes does not depend on any of that::

    0 6 * * * cd '/home/ana/desk' && LANG=C.UTF-8 HOME=/home/ana /home/ana/.venv/bin/briefgen
      build --config config.yaml --quiet --log-file /home/ana/desk/briefgen.log
      >>/home/ana/desk/briefgen.log 2>&1 # briefgen:/home/ana/desk/config.yaml

(one line): the absolute path of the executable, ``cd`` to the configuration's folder,
``LANG`` and ``HOME`` set (and ``BRIEFGEN_CACHE_DIR`` when it is set where the line is
made), the log lines written to the log file, and anything else the command prints
appended to the same file. ``%`` (which cron turns into a newline) is escaped.

The trailing comment tags the line with the configuration's path: ``install`` replaces
only the line with that tag (running it twice changes nothing) and ``remove`` removes only
it; every other line of the crontab is left as it was. The crontab is edited with
python-crontab (through the ``crontab`` command, or a file for tests).
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from briefgen.errors import ScheduleError

TAG_PREFIX = "briefgen:"
DEFAULT_LOG_NAME = "briefgen.log"
FALLBACK_LANG = "C.UTF-8"


@dataclass(frozen=True)
class CronLine:
    schedule: str
    command: str
    tag: str

    def render(self) -> str:
        return f"{self.schedule} {self.command} # {self.tag}"


def check_schedule(expression: str) -> str:
    """The cron expression as the crontab line writes it (spaces normalised; a word
    such as ``daily`` becomes ``@daily``), so that ``show`` prints what ``install``
    writes; raise :class:`ScheduleError`."""
    from crontab import CronSlices, CronTab

    expr = " ".join(expression.split())
    if expr and CronSlices.is_valid(expr):
        job = CronTab(tab="").new(command="true")
        job.setall(expr)
        expr = str(job.slices)
    if not expr or not CronSlices.is_valid(expr):
        raise ScheduleError(
            f"{expression!r} is not a cron schedule; give five fields (minute hour "
            "day-of-month month day-of-week) such as '0 6 * * *' (every day at 06:00), "
            "or daily / hourly / weekly (@daily …)"
        )
    return expr


def default_executable() -> list[str]:
    """How cron should start briefgen: the ``briefgen`` script next to this Python (a
    virtual environment's ``bin``), else the one on ``PATH``, else ``python -m briefgen``."""
    name = "briefgen.exe" if os.name == "nt" else "briefgen"
    beside = Path(sys.executable).absolute().parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return [str(beside)]
    found = shutil.which("briefgen")
    if found:
        return [str(Path(found).absolute())]
    return [str(Path(sys.executable).absolute()), "-m", "briefgen"]


def cron_line(
    schedule: str,
    config_path: Path,
    log_file: Path | None = None,
    executable: Sequence[str] | None = None,
    environ: dict[str, str] | None = None,
) -> CronLine:
    """The crontab line that builds ``config_path`` on ``schedule``.

    ``log_file`` defaults to ``briefgen.log`` beside the configuration; relative paths
    are taken from the current folder. ``environ`` (default ``os.environ``) gives
    ``LANG``, ``HOME`` and ``BRIEFGEN_CACHE_DIR``.
    """
    expr = check_schedule(schedule)
    env = dict(os.environ if environ is None else environ)
    config = Path(config_path).expanduser().absolute()
    folder = config.parent
    log = Path(log_file).expanduser().absolute() if log_file else folder / DEFAULT_LOG_NAME
    exe = list(executable or default_executable())
    lang = env.get("LANG", "")
    if "utf-8" not in lang.lower() and "utf8" not in lang.lower():
        lang = FALLBACK_LANG
    home = env.get("HOME") or str(Path.home())
    assignments = [f"LANG={_q(lang)}", f"HOME={_q(home)}"]
    cache = env.get("BRIEFGEN_CACHE_DIR", "").strip()
    if cache:
        assignments.append(f"BRIEFGEN_CACHE_DIR={_q(str(Path(cache).expanduser().absolute()))}")
    command = " ".join(
        [
            "cd",
            _q(str(folder)),
            "&&",
            *assignments,
            *(_q(part) for part in exe),
            "build",
            "--config",
            _q(config.name),
            "--quiet",
            "--log-file",
            _q(str(log)),
            f">>{_q(str(log))}",
            "2>&1",
        ]
    )
    return CronLine(expr, _escape_percent(command), tag_for(config))


def tag_for(config_path: Path) -> str:
    """The comment that marks the line of one configuration."""
    return _escape_percent(TAG_PREFIX + str(Path(config_path).expanduser().absolute()))


def _q(text: str) -> str:
    return shlex.quote(text)


def _escape_percent(text: str) -> str:
    return text.replace("%", "\\%")


# --- the crontab ----------------------------------------------------------------------------

Status = Literal["installed", "updated", "unchanged"]


def _open(tabfile: Path | None) -> Any:
    tab = _read(tabfile)
    if all(isinstance(line, str) and not line.strip() for line in tab.lines):
        tab.lines.clear()  # an empty crontab reads as one blank line: do not write it back
    return tab


def _read(tabfile: Path | None) -> Any:
    from crontab import CronTab

    if tabfile is not None:
        path = Path(tabfile)
        if not path.exists():
            path.write_text("", encoding="utf-8")
        return CronTab(tabfile=str(path))
    found = shutil.which("crontab")
    if found is None:
        raise ScheduleError(
            "the crontab command is not installed; install cron (Debian/Ubuntu: "
            "sudo apt install cron) or schedule the line from `briefgen schedule show` "
            "another way"
        )
    import crontab as python_crontab

    python_crontab.CRON_COMMAND = found  # found now, not when python-crontab was imported
    try:
        return CronTab(user=True)
    except (OSError, ValueError) as exc:
        raise ScheduleError(f"cannot read your crontab: {exc}") from exc


def _write(tab: Any) -> None:
    try:
        tab.write()
    except (OSError, ValueError) as exc:
        raise ScheduleError(f"cannot write your crontab: {exc}") from exc


def installed(config_path: Path, tabfile: Path | None = None) -> list[str]:
    """The crontab lines of this configuration (normally none or one)."""
    tab = _open(tabfile)
    return [job.render() for job in tab.find_comment(tag_for(config_path))]


def install(line: CronLine, tabfile: Path | None = None) -> Status:
    """Put ``line`` in the crontab in place of this configuration's line, if any."""
    tab = _open(tabfile)
    existing = list(tab.find_comment(line.tag))
    if len(existing) == 1 and existing[0].render() == line.render():
        return "unchanged"
    for job in existing:
        tab.remove(job)
    job = tab.new(command=line.command, comment=line.tag)
    job.setall(line.schedule)
    _write(tab)
    return "updated" if existing else "installed"


def remove(config_path: Path, tabfile: Path | None = None) -> int:
    """Remove this configuration's line(s) from the crontab; returns how many."""
    tab = _open(tabfile)
    existing = list(tab.find_comment(tag_for(config_path)))
    if not existing:
        return 0
    for job in existing:
        tab.remove(job)
    _write(tab)
    return len(existing)


def cron_daemon_running() -> bool | None:
    """Whether a cron daemon process is running (Linux: from /proc); None if unknown."""
    proc = Path("/proc")
    if not proc.is_dir():
        return None
    names = {"cron", "crond", "cronie", "busybox-crond", "fcron", "dcron"}
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            comm = (entry / "comm").read_text(encoding="utf-8", errors="replace").strip()
        except OSError:
            continue
        if comm in names:
            return True
    return False
