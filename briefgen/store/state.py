"""What earlier runs of one configuration saw and briefed, kept beside the cache.

Each configuration file (by its absolute path) has a folder
``<cache folder>/runs/<folder>-<name>-<hash>/`` holding its lock (:mod:`briefgen.store.lock`)
and ``state.json``:

* **seen documents** — the ids (content hashes) and URLs of the documents of every
  successful run, with the day they were last seen. ``--only-new`` briefs only documents
  whose id and URL are both unseen; feed items whose link was seen are not even fetched.
  Entries not seen for :data:`SEEN_MAX_AGE_DAYS` are forgotten.
* **the last briefs** — for each of the last few briefs: its build time and the keys of
  its developments (evidence spans and summary words) and actors (names and aliases), so
  that the next brief can say what is new *since the last brief*.

The state is written atomically and only after a run has written its outputs: a failed
or killed run changes nothing. A state file that cannot be read is reported and ignored.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from briefgen.model import Brief, Document
from briefgen.store.atomic import write_atomic
from briefgen.store.cache import default_dir, unusable_reason

log = logging.getLogger(__name__)

RUNS_LAYOUT = "runs"
STATE_FILE = "state.json"
LOCK_FILE = "lock"
STATE_VERSION = 1
SEEN_MAX_AGE_DAYS = 400
KEPT_BRIEFS = 3
#: Share of shared summary words from which two developments count as the same.
SAME_SUMMARY = 0.6


def run_dir(config_path: Path, cache_root: Path | None = None) -> Path:
    """The folder of one configuration's lock and state, under ``<cache root>/runs``."""
    if cache_root is None:
        cache_root = default_dir()
    real = Path(os.path.realpath(Path(config_path).expanduser().absolute()))
    digest = hashlib.sha256(str(real).encode("utf-8")).hexdigest()[:16]
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", f"{real.parent.name}-{real.stem}").strip("-.")
    return Path(cache_root).absolute() / RUNS_LAYOUT / f"{slug[:40] or 'config'}-{digest}"


# --- the keys of a brief -----------------------------------------------------------------

_WORD = re.compile(r"[^\W_]{3,}", re.UNICODE)


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


def _name(text: str) -> str:
    return " ".join(text.lower().replace("’", "'").split())


@dataclass
class BriefKeys:
    """What the next brief compares itself with."""

    generated_at: str
    developments: list[dict[str, Any]] = field(default_factory=list)  # {id, spans, words}
    actors: list[dict[str, Any]] = field(default_factory=list)  # {id, names}

    @classmethod
    def of(cls, brief: Brief) -> BriefKeys:
        appendix = getattr(brief, "appendix", None)
        devs = [*brief.key_developments, *getattr(appendix, "key_developments", [])]
        actors = [*brief.actors, *getattr(appendix, "actors", [])]
        return cls(
            generated_at=brief.generated_at,
            developments=[development_key(d) for d in devs],
            actors=[actor_key(a) for a in actors],
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "generated_at": self.generated_at,
            "developments": self.developments,
            "actors": self.actors,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> BriefKeys:
        """Keys read back from a state or cache file; ``TypeError`` when they are not."""
        developments, actors = raw.get("developments", []), raw.get("actors", [])
        if not isinstance(developments, list) or not isinstance(actors, list):
            raise TypeError("developments and actors must be lists")
        if not all(isinstance(x, dict) for x in [*developments, *actors]):
            raise TypeError("each development and actor must be an object")
        return cls(str(raw["generated_at"]), list(developments), list(actors))


def development_key(dev: Any) -> dict[str, Any]:
    """What the next brief compares a development with: its id, spans and words."""
    return {"id": dev.id, "spans": sorted(_spans(dev)), "words": sorted(_words(dev.summary))}


def actor_key(actor: Any) -> dict[str, Any]:
    """What the next brief compares an actor with: its id and names."""
    return {"id": actor.id, "names": sorted(_actor_names(actor))}


def _spans(dev: Any) -> set[str]:
    return {f"{e.doc}:{e.start}:{e.end}" for e in dev.evidence}


def _actor_names(actor: Any) -> set[str]:
    return {_name(n) for n in [actor.name, *actor.aliases] if n and n.strip()} | {actor.id}


@dataclass
class Changes:
    """Developments and actors of a brief that the previous brief did not have."""

    previous: str | None  # build time of the previous brief; None for the first brief
    developments: list[str] = field(default_factory=list)  # ids, in the brief's order
    actors: list[str] = field(default_factory=list)


def compare(brief: Brief, previous: BriefKeys | None) -> Changes:
    """What is new in ``brief`` since ``previous``.

    A development is not new when it cites a span an earlier development cited, or when
    its summary shares most of its words with an earlier one; an actor is not new when
    its name or an alias was an earlier actor's name or alias. Without a previous brief,
    nothing is listed (there is nothing to compare with).
    """
    if previous is None:
        return Changes(previous=None)
    old_spans: set[str] = set()
    old_words: list[set[str]] = []
    for dev in previous.developments:
        old_spans.update(dev.get("spans", []))
        old_words.append(set(dev.get("words", [])))
    old_names = {n for actor in previous.actors for n in actor.get("names", [])}
    new_devs = [
        d.id
        for d in brief.key_developments
        if not (_spans(d) & old_spans) and not _similar(_words(d.summary), old_words)
    ]
    new_actors = [a.id for a in brief.actors if not (_actor_names(a) & old_names)]
    return Changes(previous=previous.generated_at, developments=new_devs, actors=new_actors)


def _similar(words: set[str], others: Iterable[set[str]]) -> bool:
    if not words:
        return False
    return any(len(words & o) / len(words | o) >= SAME_SUMMARY for o in others if o)


# --- the state file ----------------------------------------------------------------------


class RunState:
    """The state of one configuration; :meth:`load` it, change it, :meth:`save` it."""

    def __init__(self, folder: Path, config: str = "") -> None:
        self.folder = Path(folder)
        self.path = self.folder / STATE_FILE
        self.config = config
        self.seen_ids: dict[str, str] = {}
        self.seen_urls: dict[str, str] = {}
        self.briefs: list[BriefKeys] = []
        self.today = date.today().isoformat()

    @classmethod
    def load(cls, folder: Path, config: str = "") -> RunState:
        state = cls(folder, config)
        try:
            data = state.path.read_bytes()
        except FileNotFoundError:
            return state
        except OSError as exc:
            log.warning(
                "state: cannot read %s (%s); starting afresh (every document counts as new)",
                state.path,
                exc.strerror or exc,
            )
            return state
        try:
            raw = json.loads(data.decode("utf-8"))
            state.seen_ids = {str(k): str(v) for k, v in raw["seen"]["ids"].items()}
            state.seen_urls = {str(k): str(v) for k, v in raw["seen"]["urls"].items()}
            state.briefs = [BriefKeys.from_dict(b) for b in raw.get("briefs", [])]
        except (KeyError, TypeError, AttributeError, ValueError, RecursionError) as exc:
            aside = state.set_aside()
            log.warning(
                "state: %s is not a briefgen state file (%s); %s; starting afresh "
                "(every document counts as new)",
                state.path,
                unusable_reason(exc),
                f"kept as {aside.name}" if aside else "ignored",
            )
            return cls(folder, config)
        return state

    def set_aside(self) -> Path | None:
        """Move a corrupt state file out of the way (``state.json.corrupt``), so that it
        is reported once and can be looked at; None when it cannot be moved."""
        aside = self.path.with_name(self.path.name + ".corrupt")
        try:
            os.replace(self.path, aside)
        except OSError:
            return None
        return aside

    # -- seen documents

    def url_seen(self, url: str | None) -> bool:
        """Whether an earlier run had a document from ``url`` (marks it seen today)."""
        if not url or url not in self.seen_urls:
            return False
        self.seen_urls[url] = self.today
        return True

    def is_new(self, doc: Document) -> bool:
        """Whether no earlier run had this document (by text or by URL); a seen document
        is marked as seen today."""
        seen = doc.id in self.seen_ids
        for url in _urls(doc):
            seen = self.url_seen(url) or seen
        if doc.id in self.seen_ids:
            self.seen_ids[doc.id] = self.today
        return not seen

    def record_documents(self, documents: Sequence[Document]) -> None:
        for doc in documents:
            self.seen_ids[doc.id] = self.today
            for url in _urls(doc):
                self.seen_urls[url] = self.today
        limit = (date.fromisoformat(self.today) - timedelta(days=SEEN_MAX_AGE_DAYS)).isoformat()
        self.seen_ids = {k: v for k, v in self.seen_ids.items() if v >= limit}
        self.seen_urls = {k: v for k, v in self.seen_urls.items() if v >= limit}

    # -- briefs

    def previous(self, generated_at: str) -> BriefKeys | None:
        """The latest recorded brief built before ``generated_at`` (a rebuild with the
        same pinned build time compares with the brief before it, so it stays identical)."""
        earlier = [b for b in self.briefs if _instant(b.generated_at) < _instant(generated_at)]
        return max(earlier, key=lambda b: _instant(b.generated_at), default=None)

    def record_brief(self, brief: Brief) -> None:
        self.record_keys(BriefKeys.of(brief))

    def record_keys(self, keys: BriefKeys) -> None:
        kept = [b for b in self.briefs if b.generated_at != keys.generated_at] + [keys]
        kept.sort(key=lambda b: _instant(b.generated_at))
        self.briefs = kept[-KEPT_BRIEFS:]

    # -- file

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": STATE_VERSION,
            "config": self.config,
            "seen": {
                "ids": dict(sorted(self.seen_ids.items())),
                "urls": dict(sorted(self.seen_urls.items())),
            },
            "briefs": [b.to_dict() for b in self.briefs],
        }

    def save(self) -> None:
        """Write the state atomically; a failure is a warning (the brief is written)."""
        data = json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, data, prefix=".state-", suffix=".tmp", fsync=True)
        except OSError as exc:
            log.warning(
                "state: cannot write %s (%s); the next --only-new run will brief "
                "these documents again",
                self.path,
                exc.strerror or exc,
            )


def _urls(doc: Document) -> list[str]:
    urls = [doc.url, doc.meta.get("link") if isinstance(doc.meta, dict) else None]
    return list(dict.fromkeys(u for u in urls if isinstance(u, str) and u))


def _instant(stamp: str) -> str:
    """ISO 8601 times compare as text once in UTC; fall back to the text itself."""
    from datetime import datetime, timezone

    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat()
