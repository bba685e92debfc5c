"""The command line: parse options, call the library, map errors to exit codes.

Heavy modules (spaCy, WeasyPrint, pydantic models) are imported inside the
commands so that ``briefgen --help`` answers at once.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import stat
import sys
import warnings
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from briefgen import __version__
from briefgen.errors import BriefgenError, ConfigError, InputError

#: Exit codes (documented in the README).
EXIT_OK = 0
EXIT_BUILD = 1
EXIT_USAGE = 2
EXIT_CONFIG = 3
EXIT_LOCKED = 4
EXIT_DELIVERY = 5
EXIT_INTERRUPTED = 130

log = logging.getLogger("briefgen")


class _Formatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        msg = record.getMessage()
        if record.levelno >= logging.ERROR:
            return f"briefgen: error: {msg}"
        if record.levelno >= logging.WARNING:
            return f"briefgen: warning: {msg}"
        return f"briefgen: {msg}"


class _FileFormatter(logging.Formatter):
    """``2024-05-02T06:00:00+0000 [4242] INFO ingest: …``: one line per record (a message
    of several lines is indented under its first), for log files read later."""

    def __init__(self) -> None:
        super().__init__(
            "%(asctime)s [%(process)d] %(levelname)s %(message)s", datefmt="%Y-%m-%dT%H:%M:%S%z"
        )

    def format(self, record: logging.LogRecord) -> str:
        return super().format(record).replace("\n", "\n    ")


_LEVELS = {-1: logging.ERROR, 0: logging.INFO}


def setup_logging(verbosity: int) -> None:
    """-q → errors only; default → one line per stage; -v → debug and library warnings."""
    level = _LEVELS.get(verbosity, logging.DEBUG)
    root = logging.getLogger("briefgen")
    for old in root.handlers:
        old.close()
    root.handlers.clear()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Formatter())
    handler.setLevel(level)
    root.addHandler(handler)
    root.setLevel(level)
    root.propagate = False
    for noisy in ("weasyprint", "fontTools", "PIL"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if verbosity > 1 else logging.CRITICAL)
    if verbosity <= 1:
        warnings.filterwarnings("ignore")


class _LogFileHandler(logging.FileHandler):
    """A log file that stops, with one warning on stderr, when it cannot be written (a full
    disk): a log that fails never fails the run nor prints Python's "Logging error"."""

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        if self.stream is None:
            return
        error = sys.exc_info()[1]
        reason = getattr(error, "strerror", None) or error or "write failed"
        root = logging.getLogger("briefgen")
        root.removeHandler(self)
        with contextlib.suppress(OSError, ValueError):
            self.close()
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.write(
                f"briefgen: warning: cannot write the log file {self.baseFilename} ({reason}); "
                "logging to it stops\n"
            )


def add_log_file(path: Path, verbosity: int) -> None:
    """Append the log lines to ``path`` as well (at least one per stage, even with -q).

    Raises :class:`OSError` when the file cannot be opened for appending, or when it is
    not a regular file or a character device (a FIFO would block the run until something
    reads it).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        mode = stat.S_IFREG
    if not (stat.S_ISREG(mode) or stat.S_ISCHR(mode)):
        kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file (a FIFO or socket?)"
        raise OSError(errno.EINVAL, f"it is {kind}")
    handler = _LogFileHandler(path, mode="a", encoding="utf-8")
    handler.setFormatter(_FileFormatter())
    level = min(logging.INFO, _LEVELS.get(verbosity, logging.DEBUG))
    handler.setLevel(level)
    root = logging.getLogger("briefgen")
    root.addHandler(handler)
    root.setLevel(min(root.level, level))


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


class _ProgressBar:
    """``briefgen: [#####.....] 420/840 documents`` on stderr, redrawn in place.

    Only used when stderr is a terminal (never in cron logs or pipes). Log lines
    clear the bar first (a filter on the briefgen handler), then it is redrawn.
    """

    WIDTH = 30

    def __init__(self) -> None:
        self.shown = False
        self.last = 0.0
        self.state = (0, 0)
        for handler in logging.getLogger("briefgen").handlers:
            handler.addFilter(self._before_log)

    def _before_log(self, record: logging.LogRecord) -> bool:
        self.clear()
        return True

    def __call__(self, done: int, total: int) -> None:
        import time

        self.state = (done, total)
        now = time.monotonic()
        if done < total and now - self.last < 0.1:
            return
        self.last = now
        filled = self.WIDTH * done // max(1, total)
        bar = "#" * filled + "." * (self.WIDTH - filled)
        sys.stderr.write(f"\rbriefgen: [{bar}] {done}/{total} documents")
        sys.stderr.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
            self.shown = False

    def close(self) -> None:
        self.clear()
        for handler in logging.getLogger("briefgen").handlers:
            handler.removeFilter(self._before_log)


class _Command(click.Command):
    """A briefgen command: its ``-q``/``-v`` set up logging before it runs, and a
    :class:`~briefgen.errors.BriefgenError` it raises becomes one line on stderr and the
    error's exit code. The one place where either happens."""

    def invoke(self, ctx: click.Context) -> Any:
        setup_logging(verbosity(ctx.params))
        try:
            return super().invoke(ctx)
        except BriefgenError as exc:
            log.error("%s", exc)
            ctx.exit(exc.exit_code)


def verbosity(params: dict[str, Any]) -> int:
    """-1 with ``--quiet``, else the number of ``-v`` (0 without)."""
    return -1 if params.get("quiet") else int(params.get("verbose") or 0)


class _Group(click.Group):
    """Every command of the group, and of its subgroups, is a :class:`_Command`."""

    command_class = _Command
    group_class = type  # click: subgroups are of this same class


_QUIET = click.option("-q", "--quiet", is_flag=True, help="Print nothing on success.")
_VERBOSE = click.option("-v", "--verbose", count=True, help="More detail (-vv: library logs too).")

_F = TypeVar("_F", bound=Callable[..., Any])


def _config_option(help_text: str) -> Callable[[_F], _F]:
    """``--config`` (the configuration file, ``config.yaml`` by default)."""
    return click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default="config.yaml",
        show_default=True,
        help=help_text,
    )


_CONFIG = _config_option("Configuration file.")


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="briefgen")
def cli() -> None:
    """briefgen turns news articles into an intelligence brief (Markdown, HTML, PDF, JSON).

    Exit codes: 0 ok, 1 build error, 2 usage, 3 configuration, 4 another run holds the lock,
    5 the brief is written but its delivery (deliver: e-mail, webhook) failed.
    """


@cli.command()
@_CONFIG
@click.option(
    "--format",
    "formats",
    metavar="LIST",
    help="Comma-separated formats to write (md,html,pdf,json); default from config.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder; default output.dir from config.",
)
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="Only documents published on or after this day (default: period.since).",
)
@click.option(
    "--until",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="Only documents published on or before this day (default: period.until).",
)
@click.option(
    "--only-new",
    is_flag=True,
    default=None,
    help="Only documents no earlier run of this configuration had; with none, "
    "write nothing (default: only_new in the config).",
)
@click.option(
    "--log-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Append the log lines to this file too (default: log_file in the config).",
)
@click.option(
    "--no-deliver",
    is_flag=True,
    help="Write the brief but do not send it (deliver: in the config is skipped).",
)
@click.option(
    "--executor",
    metavar="SPEC",
    help="Where documents are parsed: local, dask://HOST:PORT (a Dask scheduler) or "
    "dask-local:N (N local Dask workers); default nlp.executor in the config.",
)
@_QUIET
@_VERBOSE
def build(
    config_path: Path,
    formats: str | None,
    out_dir: Path | None,
    since: datetime | None,
    until: datetime | None,
    only_new: bool | None,
    log_file: Path | None,
    no_deliver: bool,
    executor: str | None,
    quiet: bool,
    verbose: int,
) -> None:
    """Build the brief from the sources in the configuration."""
    level = verbosity({"quiet": quiet, "verbose": verbose})
    if log_file is not None:
        try:
            add_log_file(log_file, level)
        except OSError as exc:
            raise click.BadParameter(
                f"cannot append to {log_file}: {exc.strerror or exc}", param_hint="--log-file"
            ) from None
    wanted = [v.strip().lower() for v in formats.split(",") if v.strip()] if formats else None
    if since and until and since > until:
        raise click.BadParameter(
            f"{since:%Y-%m-%d} is after --until {until:%Y-%m-%d}", param_hint="--since"
        )
    if executor is not None:
        from briefgen.config import parse_executor

        try:
            parse_executor(executor)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--executor") from None
    from briefgen.render import pdfworker

    pdfworker.prestart(wanted)  # WeasyPrint imports in it while the configuration loads
    from briefgen.config import load_config

    loaded = load_config(config_path)
    try:
        config = loaded.with_overrides(
            formats=wanted,
            out_dir=out_dir,
            since=since.date() if since else None,
            until=until.date() if until else None,
            only_new=only_new,
            executor=executor,
        )
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--format") from None
    if log_file is None and config.log_file:
        target = config.resolve(config.log_file)
        try:
            add_log_file(target, level)
        except OSError as exc:
            raise ConfigError(
                str(config_path),
                [
                    f"log_file: cannot append to {target} ({exc.strerror or exc}); fix the "
                    "path or its permissions"
                ],
            ) from None
    from briefgen.facts import prestart_workers

    prestart_workers(config)  # spaCy loads in them while the pipeline imports and reads
    from briefgen.pipeline import build as run_build

    bar = _ProgressBar() if not quiet and _is_terminal(sys.stderr) else None
    try:
        result = run_build(config, progress=bar)
    finally:
        if bar:
            bar.close()
    if result.brief is None:
        return
    total = sum(result.timings.values())
    log.info(
        "wrote %d file(s) from %d document(s) in %.1f s",
        len(result.paths),
        len(result.brief.documents),
        total,
    )
    if not no_deliver:
        from briefgen.deliver import deliver

        deliver(config, result.brief, result.paths)  # DeliveryError: exit 5, brief kept


@cli.command()
@_CONFIG
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on (0: any free port).",
)
@_QUIET
@_VERBOSE
def serve(config_path: Path, host: str, port: int, quiet: bool, verbose: int) -> None:
    """Build, serve the HTML brief at http://HOST:PORT/ and rebuild and reload the page
    whenever the configuration, a template or a source changes (Ctrl-C stops)."""
    from briefgen.serve import serve as run_serve

    try:
        run_serve(config_path, host, port)
    except KeyboardInterrupt:
        log.info("stopped")


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the <input stem>.json files.",
)
@click.option("--model", default="auto", show_default=True, help="spaCy model name or path.")
@_QUIET
@_VERBOSE
def extract(files: tuple[Path, ...], out_dir: Path, model: str, quiet: bool, verbose: int) -> None:
    """Write one single-document Brief JSON per input file (DIR/<stem>.json)."""
    from briefgen.pipeline import single_briefs

    written, skipped = single_briefs(list(files), out_dir, model=model)
    if not written:
        reasons = "; ".join(f"{name}: {why}" for name, why in skipped)
        raise InputError(
            f"no readable input ({reasons}); give .txt, .md, .html, .pdf or .docx files"
        )
    log.info("wrote %d file(s) to %s", len(written), out_dir)


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the Brief JSON contract."""
    import json

    from briefgen.model import json_schema

    click.echo(json.dumps(json_schema(), indent=2))


@cli.group("cache")
def cache_group() -> None:
    """The per-document cache of extraction results: where it is, how big; empty it."""


_CACHE_CONFIG = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Configuration whose cache.dir to use (default: config.yaml if present, "
    "else the platform's cache folder).",
)


def _facts_cache(config_path: Path | None) -> Any:
    from briefgen.store.cache import FactsCache

    if config_path is None and not Path("config.yaml").is_file():
        return FactsCache()
    from briefgen.config import load_config

    config = load_config(config_path or Path("config.yaml"))
    return FactsCache(config.cache_dir(), config.cache.enabled)


@cache_group.command("info")
@_CACHE_CONFIG
def cache_info(config_path: Path | None) -> None:
    """Print the cache folder, its number of entries and their size."""
    info = _facts_cache(config_path).info()
    click.echo(f"folder:  {info.folder}")
    click.echo(f"entries: {info.entries}")
    click.echo(f"size:    {info.bytes / 1e6:.1f} MB")


@cache_group.command("clear")
@_CACHE_CONFIG
def cache_clear(config_path: Path | None) -> None:
    """Remove every cached entry (the next build parses every document again)."""
    cache = _facts_cache(config_path)
    removed = cache.clear()
    click.echo(f"removed {removed} entr{'y' if removed == 1 else 'ies'} from {cache.folder}")


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--force",
    is_flag=True,
    help="Write into a non-empty folder, overwriting briefgen's files there.",
)
@_QUIET
def init(directory: Path, force: bool, quiet: bool) -> None:
    """Create a project in DIRECTORY: config.yaml, seeds/ (a sample), templates/ (examples)."""
    from briefgen.project.scaffold import init_project

    written = init_project(directory, force=force)
    log.info(
        "created %d file(s) in %s; build the sample brief with: cd %s && briefgen build",
        len(written),
        directory,
        directory,
    )


@cli.group()
def templates() -> None:
    """Inspect the templates: where each name comes from."""


@templates.command("list")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Configuration whose 'templates' folder to include (default: config.yaml if present).",
)
def templates_list(config_path: Path | None) -> None:
    """Show the search path and the file each template name resolves to."""
    from briefgen.render.paths import template_listing

    folder = None
    if config_path is not None or Path("config.yaml").is_file():
        from briefgen.config import load_config

        config = load_config(config_path or Path("config.yaml"))
        folder = config.resolve(config.templates) if config.templates else None
    lines = template_listing(folder)
    click.echo("\n".join(lines))


@cli.group("schedule")
def schedule_group() -> None:
    """Run `briefgen build` from cron: show, install or remove the crontab line."""


_SCHEDULE_CONFIG = _config_option("Configuration the scheduled run builds.")


def _scheduled_line(cron: str, config_path: Path, log_file: Path | None) -> Any:
    from briefgen.config import load_config
    from briefgen.project.schedule import cron_line

    config = load_config(config_path)  # a broken configuration is not scheduled
    if log_file is None and config.log_file:
        log_file = config.resolve(config.log_file)
    return cron_line(cron, config.config_path, log_file=log_file)


_CRON = click.option(
    "--cron",
    "cron",
    required=True,
    metavar="SCHEDULE",
    help='Five cron fields, e.g. "0 6 * * *" (every day at 06:00), or @daily.',
)
_LOG = click.option(
    "--log-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Log of the scheduled runs (default: log_file in the config, else "
    "briefgen.log beside it).",
)


@schedule_group.command("show")
@_CRON
@_SCHEDULE_CONFIG
@_LOG
def schedule_show(cron: str, config_path: Path, log_file: Path | None) -> None:
    """Print the crontab line (absolute paths, LANG and HOME set, output to a log)."""
    line = _scheduled_line(cron, config_path, log_file)
    click.echo(line.render())


@schedule_group.command("install")
@_CRON
@_SCHEDULE_CONFIG
@_LOG
def schedule_install(cron: str, config_path: Path, log_file: Path | None) -> None:
    """Put the line in your crontab (replacing this configuration's line, if any)."""
    from briefgen.project.schedule import install

    line = _scheduled_line(cron, config_path, log_file)
    status = install(line)
    click.echo(f"{status}: {line.render()}")


@schedule_group.command("remove")
@_SCHEDULE_CONFIG
def schedule_remove(config_path: Path) -> None:
    """Remove this configuration's line from your crontab (other lines are untouched)."""
    from briefgen.project.schedule import remove

    count = remove(config_path)
    click.echo(
        f"removed {count} line{'s' if count != 1 else ''} for {config_path.expanduser().absolute()}"
    )


def main(argv: list[str] | None = None) -> Any:
    """Entry point: run the CLI; no traceback reaches the user."""
    try:
        return cli.main(args=argv, prog_name="briefgen", standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("briefgen: interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except Exception as exc:  # noqa: BLE001 - last resort: one line, no traceback
        if "-v" in (argv or sys.argv) or "-vv" in (argv or sys.argv):
            raise
        click.echo(
            f"briefgen: internal error: {type(exc).__name__}: {exc} "
            "(run again with -v for details and report it)",
            err=True,
        )
        sys.exit(EXIT_BUILD)
