"""Load and validate ``config.yaml``.

:func:`load_config` reads the YAML file, validates it against :class:`Config` and
reports every problem at once as ``key.path: message`` in one :class:`ConfigError`.
Relative paths in the file are relative to the folder that holds it.
"""

from __future__ import annotations

import difflib
import errno
import os
import re
import stat
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, Literal, NamedTuple, get_args, get_origin
from urllib.parse import urlsplit

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from briefgen.data import missing, shipped
from briefgen.errors import ConfigError
from briefgen.model import ADMIRALTY_RELIABILITY, SECTION_CAPS, Marking
from briefgen.store.cache import default_dir
from briefgen.watchlist import encode_topic

FormatName = Literal["md", "html", "pdf", "json", "docx"]
FORMATS: tuple[FormatName, ...] = ("md", "html", "pdf", "json", "docx")
#: What ``output.formats`` is when not given (Word only on request).
DEFAULT_FORMATS: tuple[FormatName, ...] = ("md", "html", "pdf", "json")
TLP_LABELS = ("TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED")

#: TLP 2.0 handling (FIRST.org's short definitions) and label colour (text on black).
TLP_HANDLING: dict[str, tuple[str, str]] = {
    "TLP:RED": (
        "For the eyes and ears of individual recipients only, no further disclosure.",
        "#FF2B2B",
    ),
    "TLP:AMBER+STRICT": (
        "Limited disclosure, recipients can only spread this on a need-to-know basis "
        "within their organization only.",
        "#FFC000",
    ),
    "TLP:AMBER": (
        "Limited disclosure, recipients can only spread this on a need-to-know basis "
        "within their organization and its clients.",
        "#FFC000",
    ),
    "TLP:GREEN": (
        "Limited disclosure, recipients can spread this within their community.",
        "#33FF00",
    ),
    "TLP:CLEAR": (
        "Recipients can spread this to the world, there is no limit on disclosure.",
        "#FFFFFF",
    ),
}

_CLASSIFICATION = re.compile(r"^[A-Z0-9 /,\-]+$")
_FORMAT_LIST = ", ".join(FORMATS)


def _check_format(value: Any) -> Any:
    if not isinstance(value, str) or value.strip().lower() not in FORMATS:
        raise ValueError(f"{value!r} is not a format; choose from {_FORMAT_LIST}")
    return value.strip().lower()


Format = Annotated[FormatName, BeforeValidator(_check_format)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Source(_Section):
    """One input: a file glob, an RSS/Atom feed or one article URL."""

    path: str | None = None
    feed: str | None = None
    url: str | None = None
    publisher: str | None = None
    published: date | None = None

    @field_validator("path")
    @classmethod
    def _path_not_empty(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("empty path; give a file, folder or glob such as seeds/*")
        return value

    @field_validator("feed", "url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None:
            return value
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"{value!r} is not an http:// or https:// URL")
        return value.strip()

    @model_validator(mode="after")
    def _exactly_one(self) -> Source:
        given = [self.path, self.feed, self.url]
        if sum(v is not None for v in given) != 1:
            raise ValueError("give exactly one of path, feed, url")
        return self

    @property
    def kind(self) -> Literal["path", "feed", "url"]:
        if self.path is not None:
            return "path"
        return "feed" if self.feed is not None else "url"

    @property
    def label(self) -> str:
        """How messages name this source: ``seeds/*``, ``feed https://…``, ``url https://…``."""
        if self.path is not None:
            return self.path
        return f"{self.kind} {self.feed or self.url}"


#: ``output.name`` when not set: with it, a second brief of the day gains the time.
DEFAULT_NAME = "brief-{date:%Y-%m-%d}"


class Output(_Section):
    dir: str = "out"
    name: str = DEFAULT_NAME
    formats: list[Format] = Field(default_factory=lambda: list(DEFAULT_FORMATS), min_length=1)
    pdf_variant: str | None = None  # WeasyPrint's pdf_variant, e.g. "pdf/a-3u"
    latest: bool = False  # latest.<ext> points at the newest brief (a link, else a copy)
    keep: int | None = Field(default=None, ge=1)  # keep only the newest N briefs of this name
    index: bool = True  # index.html / index.json: the archive of the briefs in output.dir

    @field_validator("pdf_variant")
    @classmethod
    def _check_pdf_variant(cls, value: str | None) -> str | None:
        # WeasyPrint's variants (weasyprint.pdf.VARIANTS), listed here to keep it unimported.
        variants = (
            "pdf/a-1a",
            "pdf/a-1b",
            "pdf/a-2a",
            "pdf/a-2b",
            "pdf/a-2u",
            "pdf/a-3a",
            "pdf/a-3b",
            "pdf/a-3u",
            "pdf/a-4e",
            "pdf/a-4f",
            "pdf/a-4u",
            "pdf/ua-1",
            "pdf/ua-2",
            "pdf/x-1a",
            "pdf/x-3",
            "pdf/x-4",
            "pdf/x-5g",
        )
        if value is None or not value.strip():
            return None
        name = value.strip().lower()
        if name not in variants:
            raise ValueError(f"{value!r} is not a PDF variant; choose from {', '.join(variants)}")
        return name

    @field_validator("name")
    @classmethod
    def _check_name(cls, value: str) -> str:
        try:
            result = value.format(date=datetime.now())
        except KeyError as exc:
            raise ValueError(
                f"unknown field {{{exc.args[0]}}}; the only field is {{date}}, "
                "as in 'brief-{date:%Y-%m-%d}'"
            ) from None
        except IndexError:
            raise ValueError("empty field {}; name it {date}") from None
        except (ValueError, AttributeError, TypeError) as exc:
            raise ValueError(
                f"not a valid name pattern ({exc}); write a literal brace as {{{{ or }}}}"
            ) from None
        if not result.strip(" ."):
            raise ValueError("gives an empty file name")
        if "/" in result or "\\" in result:
            raise ValueError(
                f"gives {result!r}, which contains a path separator; put folders in output.dir"
            )
        return value

    @field_validator("formats", mode="before")
    @classmethod
    def _split_string(cls, value: Any) -> Any:
        return value.split(",") if isinstance(value, str) else value

    @field_validator("formats")
    @classmethod
    def _dedupe(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))


class Executor(NamedTuple):
    """Where the per-document work (parse + extract) runs: ``nlp.executor`` parsed."""

    kind: Literal["local", "dask", "dask-local"]
    #: ``tcp://HOST:PORT`` of an existing Dask scheduler (kind ``dask``).
    address: str | None = None
    #: Worker processes of the ``distributed.LocalCluster`` to start (kind ``dask-local``).
    workers: int = 0

    def __str__(self) -> str:
        if self.kind == "dask":
            return f"dask://{(self.address or '').removeprefix('tcp://')}"
        if self.kind == "dask-local":
            return f"dask-local:{self.workers}"
        return "local"


_EXECUTOR_HINT = "use local, dask://HOST:PORT or dask-local:N"


def parse_executor(value: str) -> Executor:
    """``local``, ``dask://HOST:PORT`` (also ``tcp://HOST:PORT``) or ``dask-local:N``.

    Raises :class:`ValueError` with a one-line message saying what is accepted.
    """
    text = value.strip()
    low = text.lower()
    if low == "local":
        return Executor("local")
    if low.startswith("dask-local"):
        count = text[len("dask-local") :].lstrip(":").strip()
        if not count.isdigit() or not 1 <= int(count) <= 1024:
            raise ValueError(
                f"{value!r}: dask-local needs a worker count from 1 to 1024, as in dask-local:2"
            )
        return Executor("dask-local", workers=int(count))
    for scheme in ("dask://", "tcp://"):
        if low.startswith(scheme):
            hostport = text[len(scheme) :].rstrip("/")
            host, _, port = hostport.rpartition(":")
            if not host or not port.isdigit() or not 0 < int(port) < 65536:
                raise ValueError(
                    f"{value!r}: give the scheduler as dask://HOST:PORT, as in dask://10.0.0.5:8786"
                )
            return Executor("dask", address=f"tcp://{hostport}")
    raise ValueError(f"{value!r} is not an executor; {_EXECUTOR_HINT}")


class Nlp(_Section):
    model: str = Field(default="auto", min_length=1)
    batch_size: int = Field(default=32, ge=1, le=1024)
    #: Worker processes on this machine; ``auto``: every core when there is enough to parse.
    n_process: int | Literal["auto"] = "auto"
    #: ``local``, ``dask://HOST:PORT`` or ``dask-local:N`` (see :func:`parse_executor`).
    executor: str = "local"

    @field_validator("n_process", mode="before")
    @classmethod
    def _n_process(cls, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip().lower()
            if text == "auto":
                return "auto"
            if not text.isdigit():
                raise ValueError(f"expected a whole number or auto, got {value!r}")
            value = int(text)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"expected a whole number or auto, got {value!r}")
        if value < 1:
            raise ValueError(f"must be at least 1 (or auto), got {value!r}")
        return value

    @field_validator("executor")
    @classmethod
    def _executor(cls, value: str) -> str:
        return str(parse_executor(value))

    def parsed_executor(self) -> Executor:
        """``executor`` parsed (it was checked when the configuration loaded)."""
        return parse_executor(self.executor)


class WatchItem(_Section):
    """A watched actor or topic with the other names it goes by."""

    name: str = Field(min_length=1)
    aliases: list[str] = []

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("empty; give the name as written in the articles")
        return " ".join(value.split())

    @field_validator("aliases")
    @classmethod
    def _aliases(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(" ".join(v.split()) for v in value if v.strip()))


class Watchlist(_Section):
    """Actors and topics to follow: each a name, or ``{name, aliases}``."""

    actors: list[str | WatchItem] = []
    topics: list[str | WatchItem] = []

    @field_validator("actors", "topics")
    @classmethod
    def _clean(cls, value: list[str | WatchItem]) -> list[str | WatchItem]:
        out: dict[str, str | WatchItem] = {}
        for item in value:
            if isinstance(item, str):
                if item.strip():
                    out.setdefault(" ".join(item.split()), " ".join(item.split()))
            else:
                out.setdefault(item.name, item)
        return list(out.values())

    def items(self, kind: str) -> list[WatchItem]:
        """The ``actors`` or ``topics`` as :class:`WatchItem` (a plain name has no aliases)."""
        raw = self.actors if kind == "actors" else self.topics
        return [WatchItem(name=i) if isinstance(i, str) else i for i in raw]

    def actor_names(self) -> list[str]:
        """Every name and alias of the watched actors (recognised as entities)."""
        names = [n for item in self.items("actors") for n in (item.name, *item.aliases)]
        return list(dict.fromkeys(names))

    def topic_keys(self) -> tuple[str, ...]:
        """The topics as extraction gets them: ``name|alias|…`` (see briefgen.watchlist)."""
        return tuple(encode_topic(t.name, t.aliases) for t in self.items("topics"))


class IngestLimits(_Section):
    """Bounds on one input file, so that no single document can stall a run."""

    max_bytes: int = Field(default=15_000_000, ge=1)
    # Longer texts are cut at a paragraph or sentence end (spaCy refuses > 1,000,000).
    max_chars: int = Field(default=200_000, ge=1000, le=1_000_000)
    #: follow symbolic links out of a path: source's folder (never in circles)
    follow_links: bool = False


class PeriodFilter(_Section):
    """Keep documents published from ``since`` to ``until`` (both inclusive).

    Documents without a publication date are kept (and counted in a log line).
    """

    since: date | None = None
    until: date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> PeriodFilter:
        if self.since and self.until and self.since > self.until:
            raise ValueError(f"since ({self.since}) is after until ({self.until}); swap them")
        return self


class Fetch(_Section):
    """Limits of the HTTP requests of ``feed:`` and ``url:`` sources."""

    timeout: float = Field(default=20.0, gt=0)  # seconds for a whole request
    max_bytes: int = Field(default=5_000_000, ge=1000)  # per response, after decompression
    max_redirects: int = Field(default=5, ge=0)
    max_items: int = Field(default=50, ge=1)  # items read from each feed, newest first
    #: seconds for a whole feed: the feed and all of its items
    feed_budget: float = Field(default=60.0, gt=0)
    #: hosts fetched even though internal (loopback, private, link-local addresses):
    #: names, addresses or networks such as 10.1.0.0/16
    allow_hosts: list[str] = []


def _cap(section: str) -> Any:
    return Field(default=SECTION_CAPS[section], ge=1, le=10_000)


class Sections(_Section):
    """How many items each section of the brief shows, most important first; the JSON's
    ``appendix`` has the rest. The defaults (``SECTION_CAPS``) make a five-minute read."""

    key_developments: int = _cap("key_developments")
    actors: int = _cap("actors")
    statements: int = _cap("statements")
    risks: int = _cap("risks")
    open_questions: int = _cap("open_questions")
    timeline: int = _cap("timeline")


class Cache(_Section):
    """The per-document cache of extraction results (see :mod:`briefgen.store.cache`)."""

    enabled: bool = True
    dir: str | None = None  # default: the platform's user cache folder

    @field_validator("dir")
    @classmethod
    def _dir_not_empty(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("empty; give a folder or remove the key for the default")
        return value


class Smtp(_Section):
    """The mail server of ``deliver.email``. The password is never in the file: the
    environment variable named by ``password_env`` holds it."""

    host: str = Field(default="localhost", min_length=1)
    port: int = Field(default=25, ge=1, le=65535)
    starttls: bool = False  # upgrade a plain connection (port 587)
    tls: bool = False  # implicit TLS from the start (SMTPS, port 465)
    user: str | None = None
    password_env: str = "BRIEFGEN_SMTP_PASSWORD"
    timeout: float = Field(default=30.0, gt=0, le=600)

    @model_validator(mode="after")
    def _one_tls(self) -> Smtp:
        if self.starttls and self.tls:
            raise ValueError("give starttls (port 587) or tls (port 465), not both")
        return self


class Email(_Section):
    """``deliver.email``: the brief mailed after each build."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    to: list[str] = Field(min_length=1)
    cc: list[str] = []
    sender: str = Field(alias="from", min_length=3)
    smtp: Smtp = Smtp()
    subject: str = "{{ title }} ({{ marking }}), {{ date }}"  # a Jinja template
    body: str = "email.txt.j2"  # a template in the templates folder or the built-in theme
    attach: list[Format] = ["pdf"]

    @field_validator("to", "cc", "sender")
    @classmethod
    def _addresses(cls, value: Any) -> Any:
        for address in value if isinstance(value, list) else [value]:
            text = str(address).strip()
            if "@" not in text or any(c in text for c in "\r\n,;") or " " in text:
                raise ValueError(f"{address!r} is not one e-mail address (name@example.org)")
        return value


class Webhook(_Section):
    """``deliver.webhook``: a POST of a short JSON summary (``{"text": …}``, which Slack,
    Mattermost, Rocket.Chat and Google Chat accept) with links to the files."""

    url: str
    timeout: float = Field(default=20.0, gt=0, le=600)

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"{value!r} is not an http:// or https:// URL")
        return value.strip()


class Deliver(_Section):
    """``deliver:``: where the brief goes once every output is written."""

    email: Email | None = None
    webhook: Webhook | None = None
    link_base: str | None = None  # URL the output folder is published at (links in mail/chat)


class Run(_Section):
    """The run as a whole."""

    #: seconds a build may take; past it the run stops cleanly (its lock released, the
    #: last good brief kept) and says which stage it was in. None: no limit.
    timeout: float | None = Field(default=None, gt=0)


class Config(_Section):
    """The validated configuration. Build it with :func:`load_config` or :func:`parse_config`."""

    title: str = "Intelligence brief"
    marking: str = "UNCLASSIFIED"
    handling: str | None = None
    author: str | None = None
    sources: list[Source] = Field(min_length=1)
    templates: str | None = None
    output: Output = Output()
    nlp: Nlp = Nlp()
    watchlist: Watchlist = Watchlist()
    ingest: IngestLimits = IngestLimits()
    period: PeriodFilter = PeriodFilter()
    sources_grading: dict[str, str] = {}  # publisher -> Admiralty reliability letter A-F
    sections: Sections = Sections()
    cache: Cache = Cache()
    fetch: Fetch = Fetch()
    run: Run = Run()
    only_new: bool = False  # brief only documents no earlier run of this config had
    log_file: str | None = None  # log lines appended here (besides stderr)
    deliver: Deliver = Deliver()  # e-mail and webhook after each build

    _base_dir: Path = PrivateAttr(default_factory=Path.cwd)
    _config_path: Path | None = PrivateAttr(default=None)

    @field_validator("marking")
    @classmethod
    def _check_marking(cls, value: str) -> str:
        text = " ".join(value.split())
        if text.upper().startswith("TLP:"):
            label = text.upper().replace(" ", "")
            if label in TLP_LABELS:
                return label
            hint = "; TLP 2.0 renamed TLP:WHITE to TLP:CLEAR" if label == "TLP:WHITE" else ""
            raise ValueError(
                f"{value!r} is not a TLP 2.0 label; choose from {', '.join(TLP_LABELS)}{hint}"
            )
        if not text:
            raise ValueError("empty; give a classification line (UNCLASSIFIED) or a TLP label")
        if not _CLASSIFICATION.match(text):
            upper = text.upper()
            hint = f"; did you mean {upper!r}?" if _CLASSIFICATION.match(upper) else ""
            raise ValueError(
                f"{value!r} is not a classification line (capital letters, digits, spaces, "
                f"'/', ',' and '-') or a TLP label such as TLP:AMBER{hint}"
            )
        return text

    @field_validator("sources_grading")
    @classmethod
    def _check_grading(cls, value: dict[str, str]) -> dict[str, str]:
        out: dict[str, str] = {}
        bad: list[str] = []
        for publisher, grade in value.items():
            letter = grade.strip().upper()
            if not publisher.strip():
                bad.append(f"an empty publisher name (grade {grade!r})")
            elif letter not in ADMIRALTY_RELIABILITY:
                bad.append(f"{publisher!r}: {grade!r}")
            else:
                out[" ".join(publisher.split())] = letter
        if bad:
            scale = ", ".join(f"{k} {v}" for k, v in ADMIRALTY_RELIABILITY.items())
            raise ValueError(
                f"{'; '.join(bad)} is not an Admiralty source grade; give one letter A-F ({scale})"
            )
        return out

    @field_validator("templates")
    @classmethod
    def _templates_exist(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return value
        base = Path((info.context or {}).get("base_dir", Path.cwd()))
        folder = base / Path(value).expanduser()
        if not folder.is_dir():
            raise ValueError(f"folder {str(folder)!r} does not exist; create it or remove the key")
        return value

    @model_validator(mode="after")
    def _remember_location(self, info: ValidationInfo) -> Config:
        context = info.context or {}
        if "base_dir" in context:
            self._base_dir = Path(context["base_dir"]).absolute()
        if context.get("config_path") is not None:
            self._config_path = Path(context["config_path"]).absolute()
        return self

    @property
    def base_dir(self) -> Path:
        """The folder relative paths in the configuration are resolved against (absolute)."""
        return self._base_dir

    @property
    def config_path(self) -> Path:
        """The configuration file (``base_dir / "config.yaml"`` when built from a dict)."""
        return self._config_path or self._base_dir / "config.yaml"

    def resolve(self, path: str) -> Path:
        """``path`` (``~`` expanded) relative to :attr:`base_dir` unless absolute."""
        return self._base_dir / Path(path).expanduser()

    def output_dir(self) -> Path:
        return self.resolve(self.output.dir)

    def cache_dir(self) -> Path:
        """The cache folder (absolute): ``cache.dir``, else ``$BRIEFGEN_CACHE_DIR``, else the
        platform's user cache folder (:func:`briefgen.store.cache.default_dir`)."""
        if self.cache.dir:
            return self.resolve(self.cache.dir)
        return default_dir().absolute()

    def output_stem(self, now: datetime) -> str:
        """The output file name without extension, e.g. ``brief-2024-05-01``."""
        return self.output.name.format(date=now)

    def with_overrides(
        self,
        *,
        formats: Sequence[str] | None = None,
        out_dir: Path | None = None,
        since: date | None = None,
        until: date | None = None,
        only_new: bool | None = None,
        executor: str | None = None,
    ) -> Config:
        """This configuration with the command line's options applied, once, for everything
        downstream to read: ``--format`` (``output.formats``), ``--out`` (``output.dir``,
        relative to the working folder), ``--since``/``--until`` (each replaces its end of
        ``period``), ``--only-new`` and ``--executor`` (``nlp.executor``). An option left
        at None changes nothing.

        Raises :class:`ValueError` naming a format that is not one of :data:`FORMATS`, or
        an executor that :func:`parse_executor` does not accept.
        """
        output: dict[str, Any] = {}
        if formats is not None:
            try:
                checked = Output.model_validate({"formats": list(formats)})
            except ValidationError as exc:
                err = exc.errors()[0]
                raise ValueError(_message(err, tuple(err["loc"]))) from None
            output["formats"] = checked.formats
        if out_dir is not None:
            output["dir"] = str(Path(out_dir).expanduser().absolute())
        period: dict[str, Any] = {}
        if since is not None:
            period["since"] = since
        if until is not None:
            period["until"] = until
        update: dict[str, Any] = {
            "output": self.output.model_copy(update=output),
            "period": self.period.model_copy(update=period),
        }
        if only_new is not None:
            update["only_new"] = only_new
        if executor is not None:
            update["nlp"] = self.nlp.model_copy(update={"executor": str(parse_executor(executor))})
        return self.model_copy(update=update)

    def marking_info(self) -> Marking:
        """The marking to print: label, handling text, system and (TLP) colour."""
        if self.marking in TLP_HANDLING:
            handling, color = TLP_HANDLING[self.marking]
            if self.handling is not None:
                handling = self.handling
            return Marking(label=self.marking, handling=handling, system="tlp", color=color)
        return Marking(label=self.marking, handling=self.handling or "", system="classification")


# --- loading and error reporting -------------------------------------------------------------


def load_config(path: str | Path) -> Config:
    """Read and validate a configuration file; raise :class:`ConfigError` listing every problem."""
    file = Path(path).expanduser()
    try:
        text = _read_config(file)
    except FileNotFoundError:
        raise ConfigError(
            str(path),
            [f"file not found (looked for {file.absolute()}); `briefgen init DIR` creates one"],
        ) from None
    except IsADirectoryError:
        raise ConfigError(str(path), ["is a folder, not a YAML file"]) from None
    except OSError as exc:
        raise ConfigError(str(path), [f"cannot be read: {exc.strerror or exc}"]) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(str(path), [f"cannot be read: {exc}"]) from None
    data, problems = _parse_yaml(text, str(path))
    return parse_config(data, file.absolute().parent, config_path=file, problems=problems)


#: The largest configuration file read (a configuration is a few kilobytes).
MAX_CONFIG_BYTES = 1_000_000


def _read_config(file: Path) -> str:
    """The text of a configuration file: a regular file (a FIFO or a device would block or
    never end), at most :data:`MAX_CONFIG_BYTES`, UTF-8 without NUL or other control
    characters that YAML refuses."""
    fd = os.open(file, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, "is a folder", str(file))
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file (a FIFO, socket or device?)")
        if info.st_size > MAX_CONFIG_BYTES:
            raise OSError(errno.EFBIG, f"larger than {MAX_CONFIG_BYTES:,} bytes")
        with os.fdopen(os.dup(fd), "rb") as stream:
            data = stream.read(MAX_CONFIG_BYTES + 1)
    finally:
        os.close(fd)
    text = data.decode("utf-8-sig")
    bad = next((c for c in text if c in _CONTROL), None)
    if bad is not None:
        line = text.count("\n", 0, text.index(bad)) + 1
        raise OSError(
            errno.EINVAL,
            f"line {line} holds the control character U+{ord(bad):04X}; a configuration is "
            "plain text",
        )
    return text


_CONTROL = frozenset(chr(c) for c in (*range(0, 9), 11, 12, *range(14, 32), 127))


def parse_config(
    data: Any,
    base_dir: str | Path,
    config_path: str | Path | None = None,
    problems: list[str] | None = None,
) -> Config:
    """Validate already-parsed YAML data; relative paths resolve against ``base_dir``.

    ``problems`` found earlier (such as keys given twice) are reported with the others.
    """
    name = str(config_path or "config")
    problems = list(problems or [])
    if data is None:
        data = {}
    if not isinstance(data, dict):
        top = f"the top level must be a mapping (title:, sources:, …), got {_type_name(data)}"
        raise ConfigError(name, [*problems, top])
    context = {"base_dir": Path(base_dir).absolute(), "config_path": config_path}
    try:
        config = Config.model_validate(data, context=context)
    except ValidationError as exc:
        problems += [_describe(err) for err in exc.errors()]
    if problems:
        raise ConfigError(name, problems)
    return config


try:  # libyaml's parser where PyYAML has it (its wheels do): five times faster on a
    # configuration that lists every file of a corpus as a source
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]


class _Loader(_SafeLoader):
    """A safe loader that notes keys given twice instead of silently keeping the last."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates: list[str] = []

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[str] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                if key_node.value in seen:
                    line = key_node.start_mark.line + 1
                    self.duplicates.append(
                        f"line {line}: key {key_node.value!r} is given twice; keep one"
                    )
                seen.add(key_node.value)
        return super().construct_mapping(node, deep=deep)


def _parse_yaml(text: str, name: str) -> tuple[Any, list[str]]:
    """The YAML data and the keys given twice; a syntax error is raised as the only problem."""
    try:
        loader = _Loader(text)
    except yaml.YAMLError as exc:  # the reader checks the characters first
        raise ConfigError(name, [f"invalid YAML: {str(exc).splitlines()[0]}"]) from None
    try:
        return loader.get_single_data(), loader.duplicates
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = exc.problem or exc.context or "invalid YAML"
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "YAML"
        problem = f"{where}: {reason}"
    except yaml.YAMLError as exc:
        problem = f"invalid YAML: {exc}"
    except RecursionError:
        problem = "invalid YAML: nested too deeply; a configuration needs a few levels at most"
    except (ValueError, TypeError, OverflowError) as exc:  # from PyYAML's constructors
        detail = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        problem = f"invalid YAML value: {detail} (dates are YYYY-MM-DD)"
    finally:
        loader.dispose()
    raise ConfigError(name, [problem])


def _describe(err: Any) -> str:
    loc = tuple(err["loc"])
    key = ".".join(str(part) for part in loc) or "(top level)"
    return f"{key}: {_message(err, loc)}"


_SOURCE_HINT = "list at least one source, such as `- path: seeds/*`"


def _message(err: Any, loc: tuple[Any, ...]) -> str:
    kind, value = err["type"], err.get("input")
    ctx = err.get("ctx") or {}
    if kind == "extra_forbidden":
        known = _known_keys(loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), known, n=1)
        if close:
            return f"unknown key; did you mean {close[0]!r}?"
        return "unknown key; known keys here: " + ", ".join(known)
    if kind in ("value_error", "assertion_error"):
        return str(ctx.get("error", err["msg"]))
    if kind == "missing":
        return f"required; {_SOURCE_HINT}" if loc == ("sources",) else "required"
    if kind == "too_short":
        if loc == ("sources",):
            return _SOURCE_HINT
        if loc[-1] == "formats":
            return f"list at least one format from {_FORMAT_LIST}"
        return "must not be empty"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        if len(loc) == 2 and loc[0] == "sources":
            return "expected one of `path: GLOB`, `feed: URL` or `url: URL`"
        return f"expected a mapping of keys, got {_type_name(value)}"
    if kind == "list_type":
        return f"expected a list, got {_type_name(value)}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_type":
        return f"expected text, got {_type_name(value)}; put it in quotes"
    if kind.startswith("int_"):
        return f"expected a whole number, got {value!r}"
    if kind in ("greater_than_equal", "less_than_equal"):
        bound = ctx.get("ge", ctx.get("le"))
        return f"must be {'at least' if 'ge' in ctx else 'at most'} {bound}, got {value!r}"
    if kind.startswith("date_"):
        return f"expected a date as YYYY-MM-DD, got {value!r}"
    return str(err["msg"])


def _known_keys(loc: tuple[Any, ...]) -> list[str]:
    """The keys valid at ``loc`` (a path into :class:`Config`)."""
    model: type[BaseModel] = Config
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(str(part))
        if field is None:
            return []
        annotation = field.annotation
        if get_origin(annotation) is list:
            annotation = get_args(annotation)[0]
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return []
        model = annotation
    return list(model.model_fields)


def _type_name(value: Any) -> str:
    if value is None:
        return "nothing"
    names = {dict: "a mapping", list: "a list", str: "text", bool: "true/false", int: "a number"}
    return names.get(type(value), type(value).__name__)


# --- the default configuration ---------------------------------------------------------------


def default_config_text() -> str:
    """The commented default ``config.yaml``: the repository's, shipped in the wheel as
    ``briefgen/data/config.yaml`` (what ``briefgen init`` writes, with templates on)."""
    path = shipped("data/config.yaml")
    if path is None:
        raise ConfigError("config.yaml", [missing("the default configuration", "data/config.yaml")])
    return path.read_text(encoding="utf-8")
