"""Many ``DocFacts`` → one ``Brief``: the fuse stage. Knows nothing of spaCy.

Merge actors (:mod:`~briefgen.fuse.actors`), cluster developments across documents with
their corroboration, contradictions and grading (:mod:`~briefgen.fuse.developments`),
merge risks, questions (:mod:`~briefgen.fuse.risks`), statements
(:mod:`~briefgen.fuse.statements`) and the timeline (:mod:`~briefgen.fuse.timeline`),
rank, cap each section and write the bottom line up front (:mod:`~briefgen.fuse.bluf`)
and the watchlist section (:mod:`~briefgen.fuse.watchlist`). Wire copies are found by
:mod:`~briefgen.fuse.duplicates`; every merge uses a word index
(:mod:`~briefgen.fuse.simindex`), never an all-pairs comparison.

At corpus scale (hundreds of articles) each section is ranked — what is new,
corroborated and about the watchlist rises — and capped (``FuseOptions.sections``);
what does not fit goes to ``Brief.appendix``, ranked the same way, so the JSON
keeps everything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack
from datetime import date, datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from briefgen.config import Sections, Watchlist
from briefgen.fuse.actors import (
    merge_actors,
    ranked_actors,
    renamed_developments,
    renamed_risks,
    renamed_statements,
)
from briefgen.fuse.bluf import write_bluf
from briefgen.fuse.developments import Sources, cluster_developments, pile_span
from briefgen.fuse.risks import QuestionMerge, merge_risks
from briefgen.fuse.simindex import STOP, jaccard, words
from briefgen.fuse.sources import document_refs, evidence_key
from briefgen.fuse.statements import ranked_statements
from briefgen.fuse.stories import (
    Profiles,
    Seen,
    build_story,
    detect_stories,
    topicality,
)
from briefgen.fuse.timeline import merge_timeline, timelines
from briefgen.fuse.watchlist import watch_entries, watch_entry, watch_items
from briefgen.model import (
    Actor,
    Appendix,
    Brief,
    DocFacts,
    DocumentRef,
    KeyDevelopment,
    Marking,
    OpenQuestion,
    Period,
    Risk,
    Statement,
    Story,
)
from briefgen.store.spool import Held, Items, Spool, SpoolView

if TYPE_CHECKING:
    from briefgen.config import Config

_T = TypeVar("_T")
_M = TypeVar("_M", bound=BaseModel)

__all__ = [
    "STOP",
    "AppendixSink",
    "FuseOptions",
    "fuse",
    "jaccard",
    "merge_actors",
    "merge_timeline",
    "watch_entry",
    "words",
    "write_bluf",
]


class FuseOptions(BaseModel):
    """What fusion needs of the configuration, as the configuration has it.

    Its data is the fused brief's cache key (:meth:`cache_text`): an option added here
    keys the cache without anything else to change.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str = "Intelligence brief"
    marking: Marking = Field(default_factory=lambda: Marking(label="UNCLASSIFIED"))
    #: Watched actors and topics: they rank higher and get their own section.
    watchlist: Watchlist = Field(default_factory=Watchlist)
    #: How many items each section shows (the appendix has the rest).
    sections: Sections = Field(default_factory=Sections)
    #: Publisher → Admiralty reliability letter (A–F); matched ignoring case and spacing.
    sources_grading: dict[str, str] = Field(default_factory=dict)
    #: The period asked for (``--since``/``--until``); default: the documents' dates.
    period: Period | None = None
    #: The last brief of this configuration (its developments' evidence spans,
    #: ``doc:start:end``, and summaries' words, as the run state keeps them): a story it
    #: did not report ranks above one it did at equal coverage. Empty for a first brief.
    previous_spans: tuple[str, ...] = ()
    previous_summaries: tuple[tuple[str, ...], ...] = ()

    @classmethod
    def from_config(cls, config: Config) -> FuseOptions:
        asked = config.period
        period = None
        if asked.since or asked.until:
            period = Period(
                start=asked.since.isoformat() if asked.since else None,
                end=asked.until.isoformat() if asked.until else None,
            )
        return cls(
            title=config.title,
            marking=config.marking_info(),
            watchlist=config.watchlist,
            sections=config.sections,
            sources_grading=dict(config.sources_grading),
            period=period,
        )

    def cache_text(self) -> str:
        """Every option as JSON text, for the fused brief's cache key."""
        return self.model_dump_json()


def _renumber(risks: list[Risk], questions: list[OpenQuestion]) -> None:
    for i, r in enumerate(risks, 1):
        r.id = f"rk{i}"
    for i, q in enumerate(questions, 1):
        q.id = f"q{i}"


def _period(docs: list[DocumentRef], asked: Period | None) -> Period:
    dates = sorted(d.published for d in docs if d.published)
    start = asked.start if asked and asked.start else (dates[0] if dates else None)
    end = asked.end if asked and asked.end else (dates[-1] if dates else None)
    return Period(start=start, end=end)


#: ``sink(section, items)``: takes each section of the appendix, in ``Appendix``'s order.
AppendixSink = Callable[[str, Sequence[BaseModel]], None]


def fuse(
    facts: Sequence[DocFacts],
    options: FuseOptions,
    generated_at: datetime,
    copy_of: Mapping[str, str] | None = None,
    appendix: AppendixSink | None = None,
    spool_dir: Path | None = None,
) -> Brief:
    """Assemble the whole Brief from per-document facts.

    ``copy_of`` maps each near-duplicate document (a wire copy,
    :func:`briefgen.fuse.duplicates.near_duplicates`) to the earlier one it copies: a
    copy is shown as such and does not count as independent corroboration.

    ``appendix``, when given, takes the appendix section by section
    (:class:`briefgen.store.spill.AppendixSpill` writes it to a file) and the Brief comes
    back with an empty one: the appendix is most of a large pile's brief and need not be
    held beside it.

    ``facts`` may be a :class:`~briefgen.store.spool.Spool` or a view of one (a large
    pile's facts on disk, :func:`briefgen.facts.collect_facts`):
    fusion reads it in passes, each reading only the parts of the facts it needs, and
    keeps of each document only what its result needs; the developments and statements
    the appendix lists are written to spools of their own (in ``spool_dir``, the system's
    temporary folder by default) as they are made and read back as the appendix is
    written.
    """
    with ExitStack() as spools:
        on_disk = isinstance(facts, (Spool, SpoolView))

        def store(kind: type[_M]) -> _Store[_M]:
            """Where fusion keeps items of ``kind`` the appendix lists: on disk for a pile
            on disk, else held as they are (copying would cost more than it saves)."""
            made: _Store[_M] = Spool(kind, spool_dir) if on_disk else Held[_M]()
            spools.callback(made.close)
            return made

        return _fuse(facts, options, generated_at, copy_of or {}, appendix, store, spool_dir)


_Store = Spool[_M] | Held[_M]


class _StoreMaker(Protocol):
    """``store(kind)``: a new store for items of ``kind``, closed when fusion ends."""

    def __call__(self, kind: type[_M]) -> _Store[_M]: ...


class _Head(BaseModel):
    """A document's facts as one pass of fusion reads them: the document, and the
    parts the subclasses name (the rest of the JSON is skipped)."""

    model_config = ConfigDict(extra="ignore")

    document: DocumentRef


class _ActorsPart(_Head):
    actors: list[Actor] = []


class _SaysPart(_Head):
    statements: list[Statement] = []
    risks: list[Risk] = []
    open_questions: list[OpenQuestion] = []


def _parts(
    facts: Sequence[DocFacts], kind: type[_Head], order: Sequence[int] | None = None
) -> Iterator[Any]:
    """Each document's facts (in ``order``), as ``kind`` where they are on disk."""
    indices = range(len(facts)) if order is None else order
    if isinstance(facts, (Spool, SpoolView)):
        for i in indices:
            yield facts.get(i, kind)
    else:
        for i in indices:
            yield facts[i]


def _fuse(
    facts: Sequence[DocFacts],
    options: FuseOptions,
    generated_at: datetime,
    copy_of: Mapping[str, str],
    appendix: AppendixSink | None,
    store: _StoreMaker,
    spool_dir: Path | None,
) -> Brief:
    caps = options.sections
    topics = options.watchlist.topic_keys()
    heads = [h.document for h in _parts(facts, _Head)]
    documents, sources = document_refs(heads, options.sources_grading, copy_of)
    del heads
    order = {d.id: sources.sort_key(d.id) for d in documents}
    ids = [d.id for d in documents]
    earliest = sorted(range(len(ids)), key=lambda i: order.get(ids[i], ("", 0)))
    made, remap, names = ranked_actors(_parts(facts, _ActorsPart, earliest), len(ids), order)
    actors = list(islice(made, caps.actors))
    actors_store = store(Actor)
    for a in made:  # the appendix's, in rank order
        actors_store.append(a)
    more_actors = _View(actors_store, range(len(actors_store)), lambda k: {})
    devs_spool = store(KeyDevelopment)
    says_spool = store(Statement)
    seen = Seen.of(options.previous_spans, options.previous_summaries)
    renamed: Sequence[DocFacts] = _Renamed(facts, remap, names)
    if not isinstance(facts, (Spool, SpoolView)):
        renamed = list(renamed)  # held: renamed once
    stories, leads, subs, topical = _stories(
        renamed, _profiled(facts, renamed), sources, topics, options.period, seen, devs_spool
    )
    # Ranked as they are read (the documents' own where no speaker was merged), kept on
    # disk; each is read back with its id only as it is shown or handed to the appendix.
    risks_in: list[Risk] = []
    asked = QuestionMerge()

    def said() -> Iterator[Statement]:
        """The statements, document by document; the risks and questions of the same
        pass set aside."""
        for f in _parts(facts, _SaysPart):
            risks_in.extend(renamed_risks(f.risks, remap))
            for q in f.open_questions:
                asked.add(q)
            yield from renamed_statements(f.statements, remap, names)

    ranked = ranked_statements(said(), actors, sources, says_spool.append)
    all_questions = asked.result()
    all_risks = merge_risks(risks_in)
    # Developments: the stories' leads, then their sub-events (all in the store), numbered
    # in that order (kd1 …); one per story are shown when the pile holds several stories.
    lead_of = [sid for sid, _ in leads]
    story_of = [sid for sid, _ in subs]
    lead_view = _View(
        devs_spool, [i for _, i in leads], lambda k: {"id": f"kd{k + 1}", "story": lead_of[k]}
    )
    sub_view = _View(
        devs_spool,
        [i for _, i in subs],
        lambda k: {"id": f"kd{len(leads) + k + 1}", "story": story_of[k]},
    )
    every_dev: Sequence[KeyDevelopment] = _Concat(lead_view, sub_view)
    if len(leads) <= 1:
        devs = list(every_dev[: caps.key_developments])
        more_devs: Sequence[KeyDevelopment] = _Tail(every_dev, len(devs))
        reported = devs
    else:
        devs = list(lead_view[: caps.key_developments])
        more_devs = _Concat(_Tail(lead_view, len(devs)), sub_view)
        # the stories' sub-events as far as the section would have shown them
        reported = list(every_dev[: caps.key_developments])
    cited = {evidence_key(ev) for d in reported for ev in d.evidence}
    timeline_period = _timeline_period(documents, options.period)
    timeline, more_timeline, own = timelines(
        facts,
        caps.timeline,
        sources,
        timeline_period,
        cited,
        topical if topical is not None else topicality(facts),
        [s.documents for s in stories],
        folder=spool_dir,
    )
    for s, entries in zip(stories, own, strict=True):
        s.timeline = entries
    statements = [
        says_spool[k].model_copy(update={"id": f"st{n}"})
        for n, k in enumerate(ranked[: caps.statements], 1)
    ]
    more_statements = _View(
        says_spool,
        ranked[caps.statements :],
        lambda k: {"id": f"st{len(statements) + k + 1}"},
    )
    risks, more_risks = _split(all_risks, caps.risks)
    questions_, more_questions = _split(all_questions, caps.open_questions)
    _renumber(risks + more_risks, questions_ + more_questions)
    by_story = {s.id: s for s in stories}
    for s in stories:
        s.developments = []
    for k, sid in enumerate(lead_of):
        if sid in by_story:
            by_story[sid].developments.append(f"kd{k + 1}")
    for k, sid in enumerate(story_of):
        if sid in by_story:
            by_story[sid].developments.append(f"kd{len(leads) + k + 1}")
    contradictions = []
    for d in devs:
        for c in d.contradictions:
            c.development = d.id
            contradictions.append(c)
    supported: dict[str, int] = {}
    for d in devs:
        for doc_id in {ev.doc for ev in d.evidence}:
            supported[doc_id] = supported.get(doc_id, 0) + 1
    for doc in documents:
        doc.developments = supported.get(doc.id, 0)
    bluf_items = write_bluf(devs, risks, questions_, stories)
    watch = [d.id for d in devs if d.watchlist] + [a.id for a in actors if a.watchlist]
    watched = watch_entries(watch_items(options.watchlist), devs, more_devs, actors)
    more: dict[str, Sequence[BaseModel]] = {
        "key_developments": more_devs,
        "actors": more_actors,
        "statements": more_statements,
        "risks": more_risks,
        "open_questions": more_questions,
        "timeline": more_timeline,
    }
    if appendix is not None:
        for section in Appendix.model_fields:
            appendix(section, more.pop(section))
            more[section] = []
    return Brief(
        title=options.title,
        generated_at=generated_at.isoformat(timespec="seconds"),
        period=_period(documents, options.period),
        marking=options.marking,
        bluf=[b.text for b in bluf_items],
        bluf_items=bluf_items,
        documents=documents,
        key_developments=devs,
        actors=actors,
        statements=statements,
        risks=risks,
        open_questions=questions_,
        timeline=timeline,
        watchlist=watch,
        watchlist_items=watched,
        contradictions=contradictions,
        stories=stories,
        appendix=Appendix.model_validate({k: list(v) for k, v in more.items()}),
    )


class _View(Items[_M]):
    """Items of a store in ``order``, the ``k``-th read with ``update(k)`` set on it."""

    def __init__(
        self,
        spool: _Store[_M],
        order: Sequence[int],
        update: Callable[[int], dict[str, Any]],
    ) -> None:
        self._spool = spool
        self._order = order
        self._update = update

    def __len__(self) -> int:
        return len(self._order)

    def item(self, k: int) -> _M:
        item = self._spool[self._order[k]]
        for name, value in self._update(k).items():
            setattr(item, name, value)
        return item


class _Concat(Items[_M]):
    """``head`` then ``tail``, as one sequence."""

    def __init__(self, head: Sequence[_M], tail: Sequence[_M]) -> None:
        self._head = head
        self._tail = tail

    def __len__(self) -> int:
        return len(self._head) + len(self._tail)

    def item(self, k: int) -> _M:
        n = len(self._head)
        return self._head[k] if k < n else self._tail[k - n]


class _Tail(Items[_M]):
    """``items`` from ``start`` on."""

    def __init__(self, items: Sequence[_M], start: int) -> None:
        self._items = items
        self._start = min(start, len(items))

    def __len__(self) -> int:
        return len(self._items) - self._start

    def item(self, k: int) -> _M:
        return self._items[self._start + k]


class _Renamed(Sequence[DocFacts]):
    """The facts with their developments' actors merged (as fusion reads them): each
    document read and renamed as it is asked for."""

    def __init__(
        self, facts: Sequence[DocFacts], remap: Mapping[str, str], names: Mapping[str, str]
    ) -> None:
        self._facts = facts
        self._remap = remap
        self._names = names

    def __len__(self) -> int:
        return len(self._facts)

    def __getitem__(self, i: int) -> DocFacts:  # type: ignore[override]
        f = self._facts[i]
        devs = renamed_developments(f, self._remap, self._names)
        return f.model_copy(update={"key_developments": devs})


def _stories(
    facts: Sequence[DocFacts],
    profiled: Iterable[Any],
    sources: Sources,
    topics: tuple[str, ...],
    period: Period | None,
    seen: Seen | None,
    spool: _Store[KeyDevelopment],
) -> tuple[list[Story], list[tuple[str, int]], list[tuple[str, int]], dict[str, float] | None]:
    """The stories of the pile, ranked; each story's lead (:mod:`briefgen.fuse.stories`)
    in the stories' order, written to ``spool`` (story id, index in ``spool``); the stories'
    further developments — a story's sub-events,
    and what a one-document brief reports beside its lead — clustered across each
    story's documents, written to ``spool`` and ranked by score: (story id, index in
    ``spool``) each; and the documents' topicality where the profiles tell it (every
    document has its own profile: :func:`~briefgen.fuse.stories.topicality`), else None.

    ``facts``: the pile with its developments' actors merged; ``profiled``: each
    document's profile, read once (:func:`_profiled`). Each story's documents are read
    once, together."""
    newest, span = pile_span(sources, period)
    profiles = Profiles.of(profiled)
    idf = profiles.idf_map()
    built: list[tuple[Story, int | None, list[tuple[float, int]]]] = []
    for k, members in enumerate(detect_stories(profiles, sources), 1):
        group = [facts[i] for i in members]
        devs_of = {f.document.id: f.key_developments for f in group}
        story, dev, reports = build_story(
            k, group, devs_of, sources, idf, topics, newest, span, seen
        )
        used = {id(d) for d in reports}
        rest = []
        for f in group:
            left = [d for d in f.key_developments if id(d) not in used]
            if left:
                rest.append(f.model_copy(update={"key_developments": left}))
        clustered = cluster_developments(rest, sources, topics, period) if rest else []
        lead = spool.append(dev) if dev is not None else None
        built.append((story, lead, [(d.score, spool.append(d)) for d in clustered]))
    built.sort(key=lambda b: (-b[0].score, sources.sort_key(b[0].documents[0])))
    stories: list[Story] = []
    leads: list[tuple[str, int]] = []
    secondary: list[tuple[float, str, int]] = []
    for k, (story, lead, spooled) in enumerate(built, 1):
        story.id = f"s{k}"
        stories.append(story)
        if lead is not None:
            leads.append((story.id, lead))
        secondary += [(score, story.id, i) for score, i in spooled]
    secondary.sort(key=lambda d: -d[0])
    # Topicality reads the documents' own developments where a profile is made from them.
    topical = topicality(profiles) if profiles.derived == 0 else None
    profiles.release()
    return stories, leads, [(sid, i) for _, sid, i in secondary], topical


class _ProfilePart(_Head):
    profile: dict[str, float] = {}


def _profiled(facts: Sequence[DocFacts], renamed: Sequence[DocFacts]) -> Iterator[Any]:
    """Each document with its term profile (as :func:`~briefgen.fuse.stories.profile_of`
    reads it): only the profile where it has one, else the whole document as fusion reads
    it (its profile is made from its developments)."""
    for i, part in enumerate(_parts(facts, _ProfilePart)):
        yield part if part.profile else renamed[i]


#: Without a period asked for, the timeline keeps to the documents' dates, widened by this
#: many days each side (events reported after they happen; dates set for what comes next).
TIMELINE_SLACK_DAYS = 31


def _timeline_period(docs: list[DocumentRef], asked: Period | None) -> Period:
    """The period the timeline keeps to: the one asked for, each end the documents' date
    widened by :data:`TIMELINE_SLACK_DAYS` where none is asked."""
    own = _period(docs, None)
    slack = timedelta(days=TIMELINE_SLACK_DAYS)
    start = asked.start if asked and asked.start else own.start
    end = asked.end if asked and asked.end else own.end
    if start and not (asked and asked.start):
        start = (date.fromisoformat(start) - slack).isoformat()
    if end and not (asked and asked.end):
        end = (date.fromisoformat(end) + slack).isoformat()
    return Period(start=start, end=end)


def _split(items: list[_T], limit: int) -> tuple[list[_T], list[_T]]:
    return items[:limit], items[limit:]
