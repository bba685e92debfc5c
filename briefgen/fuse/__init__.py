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

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from briefgen.config import Sections, Watchlist
from briefgen.fuse.actors import merge_actors, rename_actors
from briefgen.fuse.bluf import write_bluf
from briefgen.fuse.developments import Sources, cluster_developments, pile_span, with_devs
from briefgen.fuse.risks import merge_questions, merge_risks
from briefgen.fuse.simindex import STOP, jaccard, words
from briefgen.fuse.sources import document_refs, evidence_key
from briefgen.fuse.statements import rank_statements
from briefgen.fuse.stories import (
    Seen,
    build_story,
    detect_stories,
    idf_table,
    profile_of,
    topicality,
)
from briefgen.fuse.timeline import merge_timeline, rank_timeline, story_timelines
from briefgen.fuse.watchlist import watch_entry, watch_items
from briefgen.model import (
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

if TYPE_CHECKING:
    from briefgen.config import Config

_T = TypeVar("_T")

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


def _renumber(
    devs: list[KeyDevelopment],
    risks: list[Risk],
    questions: list[OpenQuestion],
) -> None:
    for i, d in enumerate(devs, 1):
        d.id = f"kd{i}"
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
) -> Brief:
    """Assemble the whole Brief from per-document facts.

    ``copy_of`` maps each near-duplicate document (a wire copy,
    :func:`briefgen.fuse.duplicates.near_duplicates`) to the earlier one it copies: a
    copy is shown as such and does not count as independent corroboration.

    ``appendix``, when given, takes the appendix section by section
    (:class:`briefgen.store.spill.AppendixSpill` writes it to a file) and the Brief comes
    back with an empty one: the appendix is most of a large pile's brief and need not be
    held beside it.
    """
    caps = options.sections
    topics = options.watchlist.topic_keys()
    documents, sources = document_refs(facts, options.sources_grading, copy_of or {})
    order = {d.id: sources.sort_key(d.id) for d in documents}
    all_actors, remap = merge_actors(facts, None, order)
    names = {a.id: a.name for a in all_actors}
    devs_in, statements_in, risks_in = rename_actors(facts, remap, names)
    seen = Seen.of(options.previous_spans, options.previous_summaries)
    stories, leads, sub_events = _stories(
        with_devs(facts, devs_in), sources, topics, options.period, seen
    )
    # Ranked as they are (the documents' own where no speaker was merged): each is copied
    # with its id only as it is shown or handed to the appendix.
    all_statements = rank_statements(statements_in, all_actors[: caps.actors], sources)
    del statements_in
    all_risks = merge_risks(risks_in)
    all_questions = merge_questions([q for f in facts for q in f.open_questions])
    devs, more_devs = _key_developments(leads, sub_events, caps.key_developments)
    # What the brief reports: its key developments, and where they are one per story,
    # the stories' sub-events as far as the section would have shown them.
    reported = devs if len(leads) <= 1 else (leads + sub_events)[: caps.key_developments]
    cited = {evidence_key(ev) for d in reported for ev in d.evidence}
    timeline_period = _timeline_period(documents, options.period)
    timeline, more_timeline = rank_timeline(
        facts, caps.timeline, sources, timeline_period, cited, topicality(facts)
    )
    every_entry = sorted([*timeline, *more_timeline], key=lambda e: -len(e.documents))
    own = story_timelines(every_entry, [s.documents for s in stories], timeline_period)
    for s, entries in zip(stories, own, strict=True):
        s.timeline = entries
    actors, more_actors = _split(all_actors, caps.actors)
    statements = _numbered(all_statements[: caps.statements], 1)
    more_statements = _Numbered(all_statements[caps.statements :], len(statements) + 1)
    del all_statements
    risks, more_risks = _split(all_risks, caps.risks)
    questions, more_questions = _split(all_questions, caps.open_questions)
    for s in stories:
        s.developments = []
    by_story = {s.id: s for s in stories}
    _renumber(
        devs + more_devs,
        risks + more_risks,
        questions + more_questions,
    )
    for d in devs + more_devs:
        if d.story in by_story:
            by_story[d.story].developments.append(d.id)
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
    bluf_items = write_bluf(devs, risks, questions, stories)
    watch = [d.id for d in devs if d.watchlist] + [a.id for a in actors if a.watchlist]
    watch_entries = [
        watch_entry(item, devs, more_devs, actors) for item in watch_items(options.watchlist)
    ]
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
        open_questions=questions,
        timeline=timeline,
        watchlist=watch,
        watchlist_items=watch_entries,
        contradictions=contradictions,
        stories=stories,
        appendix=Appendix.model_validate({k: list(v) for k, v in more.items()}),
    )


def _numbered(statements: Sequence[Statement], first: int) -> list[Statement]:
    return [s.model_copy(update={"id": f"st{i}"}) for i, s in enumerate(statements, first)]


class _Numbered(Sequence[Statement]):
    """Ranked statements numbered from ``first``, each copied with its id as it is read
    (the appendix's are written one by one and never all held as copies)."""

    def __init__(self, statements: Sequence[Statement], first: int) -> None:
        self._items = statements
        self._first = first

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, i: int) -> Statement:  # type: ignore[override]
        k = range(len(self._items))[i]
        return self._items[k].model_copy(update={"id": f"st{self._first + k}"})


def _key_developments(
    leads: list[KeyDevelopment], sub_events: list[KeyDevelopment], limit: int
) -> tuple[list[KeyDevelopment], list[KeyDevelopment]]:
    """The key developments shown and the rest (the appendix). One per story — each
    story's lead, in the stories' order — when the pile holds several stories: a big
    story's sub-events belong to it (``Story.developments``, ``Story.timeline``), not
    beside the other stories' leads. A pile of one story (one article, or every report
    of one event) is that story: its sub-events are the brief's developments."""
    if len(leads) <= 1:
        return _split(leads + sub_events, limit)
    shown, more = _split(leads, limit)
    return shown, more + sub_events


def _stories(
    facts: Sequence[DocFacts],
    sources: Sources,
    topics: tuple[str, ...],
    period: Period | None,
    seen: Seen | None = None,
) -> tuple[list[Story], list[KeyDevelopment], list[KeyDevelopment]]:
    """The stories of the pile, ranked; each story's lead (:mod:`briefgen.fuse.stories`)
    in the stories' order; and the stories' further developments — a story's sub-events,
    and what a one-document brief reports beside its lead — clustered across each
    story's documents and ranked by score."""
    newest, span = pile_span(sources, period)
    idf = idf_table([profile_of(f) for f in facts])
    devs_of = {f.document.id: f.key_developments for f in facts}
    built: list[tuple[Story, KeyDevelopment | None, list[KeyDevelopment]]] = []
    for k, members in enumerate(detect_stories(facts, sources), 1):
        group = [facts[i] for i in members]
        story, dev, reports = build_story(
            k, group, devs_of, sources, idf, topics, newest, span, seen
        )
        used = {id(d) for d in reports}
        rest = []
        for f in group:
            left = [d for d in f.key_developments if id(d) not in used]
            if left:
                rest.append(f.model_copy(update={"key_developments": left}))
        further = cluster_developments(rest, sources, topics, period) if rest else []
        built.append((story, dev, further))
    built.sort(key=lambda b: (-b[0].score, sources.sort_key(b[0].documents[0])))
    stories: list[Story] = []
    leads: list[KeyDevelopment] = []
    secondary: list[KeyDevelopment] = []
    for k, (story, dev, further) in enumerate(built, 1):
        story.id = f"s{k}"
        stories.append(story)
        if dev is not None:
            dev.story = story.id
            leads.append(dev)
        for d in further:
            d.story = story.id
            secondary.append(d)
    secondary.sort(key=lambda d: -d.score)
    return stories, leads, secondary


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
