"""The timeline across documents: one entry per event and day, ranked and capped."""

from __future__ import annotations

import math
import re
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Generic, TypeVar

from briefgen.fuse.developments import Sources
from briefgen.fuse.simindex import SetIndex, jaccard, words
from briefgen.fuse.sources import dedupe_evidence, evidence_key
from briefgen.model import (
    DocFacts,
    Period,
    TimelineEntry,
)
from briefgen.store.spool import Spool, SpoolView

#: How much a day's date-frequency signal (:func:`_date_support`) counts, and its parts:
#: each other publication day citing it, each same-day document mentioning it, each
#: document published on it.
DATE_WEIGHT = 1.5
OTHER_DAYS_WEIGHT = 1.0
SAME_DAY_WEIGHT = 0.25
PUBLISHED_WEIGHT = 1.0
#: How much an entry's centrality counts (:func:`_centrality`), and the pile's share in it.
CENTRAL_WEIGHT = 4.0
PILE_WEIGHT = 1.5
#: How much an entry's document being about the pile's subject counts in its quality
#: (:func:`briefgen.fuse.stories.topicality`, 0–1): a radio schedule's dated line in a
#: pile about a trial is neither the day's account nor a reason to pick the day.
TOPIC_WEIGHT = 10.0
#: How much the best account of a day counts in choosing the day, beside its mentions.
QUALITY_WEIGHT = 0.2
#: What a photo caption (:data:`CAPTION`) costs an entry's quality.
CAPTION_PENALTY = 1.0


#: How many dated entries a story's own timeline keeps (the days most of its documents
#: date), shown compactly under the story.
STORY_TIMELINE_ENTRIES = 6


def _timeline_order(e: TimelineEntry) -> tuple[str, str]:
    return e.sort_key or "9999", e.date or ""


def merge_timeline(
    facts: Sequence[DocFacts],
    limit: int | None = None,
    sources: Sources | None = None,
    period: Period | None = None,
    cited: set[tuple[str, int, int]] | None = None,
) -> list[TimelineEntry]:
    """Dated events of every document: duplicates merged (same date, similar text), each
    citing its documents; the ``limit`` most important kept, in date order."""
    return rank_timeline(facts, limit, sources, period, cited)[0]


def rank_timeline(
    facts: Sequence[DocFacts],
    limit: int | None,
    sources: Sources | None,
    period: Period | None,
    cited: set[tuple[str, int, int]] | None,
    topical: Mapping[str, float] | None = None,
) -> tuple[list[TimelineEntry], Sequence[TimelineEntry]]:
    """The timeline shown (at most ``limit`` entries) and the rest, each in date order.

    The shown ones pick the days that matter: a day mentioned by many documents (and on
    which many were published) ranks high, as in the date-frequency method of timeline
    summarisation; then the entry dated by more independent documents, dating an event
    the brief reports, reading as a reported event. One entry per day and event; entries without
    a date (not even a month and day whose year no document gives), or outside the
    period, are never shown (they stay in the rest). ``limit`` counts days: a heavily
    covered day carries a second entry for a distinct event (:func:`_second_event`), and
    a publication day no entry dates is told by its documents' leads
    (:func:`_publication_lead`).

    The rest is read back from a temporary file as it is read (:class:`TimelineRest`):
    ``facts`` (a list or a lazy sequence such as a :class:`~briefgen.store.spool.Spool`)
    is read once, and what is held per entry is a few small numbers."""
    shown, rest, _ = _rank(facts, limit, sources, period, cited, topical)
    return shown, rest


def timelines(
    facts: Sequence[DocFacts],
    limit: int | None,
    sources: Sources | None,
    period: Period | None,
    cited: set[tuple[str, int, int]] | None,
    topical: Mapping[str, float] | None,
    stories: Sequence[Sequence[str]],
    story_limit: int = STORY_TIMELINE_ENTRIES,
    folder: Path | None = None,
) -> tuple[list[TimelineEntry], Sequence[TimelineEntry], list[list[TimelineEntry]]]:
    """:func:`rank_timeline` and each story's own timeline (:func:`story_timelines` of
    the story's documents' ids, over every entry shown or not) in one go: the same as
    ``story_timelines(sorted([*shown, *rest], key=lambda e: -len(e.documents)), stories,
    period)``, without every entry held at once. The entries are spooled in ``folder``
    (the system's temporary folder by default; about 1 kB per entry)."""
    shown, rest, table = _rank(facts, limit, sources, period, cited, topical, folder)
    own = _story_timelines(shown, rest, table, stories, period, story_limit)
    return shown, rest, own


class TimelineRest(SpoolView[TimelineEntry]):
    """The entries of a timeline not shown, in date order, each read from the spool
    that holds them as it is asked for (a fresh copy each time)."""


_T = TypeVar("_T")


class _Interned(Generic[_T]):
    """Values numbered in the order first seen: each is held once, an entry holds ints."""

    def __init__(self) -> None:
        self.ids: dict[_T, int] = {}
        self.values: list[_T] = []

    def __call__(self, value: _T) -> int:
        k = self.ids.get(value)
        if k is None:
            k = self.ids[value] = len(self.values)
            self.values.append(value)
        return k


#: :attr:`_Table.flags`: the entry cites a span the brief reports; its text is a caption.
_CITED = 1
_CAPTIONED = 2


class _Table:
    """Every entry of a timeline (merged across documents, or a publication day's lead)
    in a spool, and beside it, by the same index, what ranking reads of it as small
    values: its date, sort key and precision (interned), its documents (numbered), its
    words (numbered, in the order its word set gave them, so that sums over them add up
    in the same order), how vague its text is and whether it is cited or a caption."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self.spool: Spool[TimelineEntry] = Spool(TimelineEntry, folder)
        self.strings: _Interned[str | None] = _Interned()  # dates, sort keys, precisions
        self.docs: _Interned[str] = _Interned()
        self.vocab: _Interned[str] = _Interned()
        self.first = array("q")  # the entry's first account: its place in the pile
        self.date = array("i")
        self.sort_key = array("i")
        self.precision = array("i")
        self.doc_pool = array("i")
        self.doc_start = array("q", [0])
        self.sig_pool = array("i")
        self.sig_start = array("q", [0])
        self.vague = array("d")
        self.flags = array("b")

    def __len__(self) -> int:
        return len(self.first)

    def add(self, e: TimelineEntry, sig: set[str], first: int, cited: bool) -> None:
        self.spool.append(e)
        self.first.append(first)
        self.date.append(self.strings(e.date))
        self.sort_key.append(self.strings(e.sort_key))
        self.precision.append(self.strings(e.precision))
        self.doc_pool.extend(self.docs(d) for d in e.documents)
        self.doc_start.append(len(self.doc_pool))
        self.sig_pool.extend(self.vocab(w) for w in sig)
        self.sig_start.append(len(self.sig_pool))
        self.vague.append(_vague_event(e.text))
        self.flags.append((_CITED if cited else 0) | (_CAPTIONED if CAPTION.search(e.text) else 0))

    def value(self, k: int) -> str | None:
        return self.strings.values[k]

    def doc_ids(self, s: int) -> array[int]:
        return self.doc_pool[self.doc_start[s] : self.doc_start[s + 1]]

    def documents(self, s: int) -> list[str]:
        values = self.docs.values
        return [values[d] for d in self.doc_ids(s)]

    def sig(self, s: int) -> array[int]:
        return self.sig_pool[self.sig_start[s] : self.sig_start[s + 1]]


def _rank(
    facts: Sequence[DocFacts],
    limit: int | None,
    sources: Sources | None,
    period: Period | None,
    cited: set[tuple[str, int, int]] | None,
    topical: Mapping[str, float] | None,
    folder: Path | None = None,
) -> tuple[list[TimelineEntry], TimelineRest, _Table]:
    table = _Table(folder)
    # a publication day no entry dates is told by its documents' leads (a one-article
    # brief's timeline is what the article dates)
    leads: Spool[TimelineEntry] | None = (
        Spool(TimelineEntry, folder) if limit is not None and len(facts) >= 2 else None
    )
    _merge(facts, cited, table, leads)
    # the merged entries in the order the pile first gives them (``i`` below)
    order = array("q", sorted(range(len(table)), key=table.first.__getitem__))
    day = table.strings("day")
    support = _date_support(
        (
            (table.value(table.date[s]), table.documents(s))
            for s in order
            if table.date[s] != table.strings(None) and table.precision[s] == day
        ),
        sources,
        topical or {},
    )
    if limit is None:
        rest = _in_date_order(table, order, len(order), set())
        return list(rest), TimelineRest(table.spool, array("q")), table
    told = len(order)
    dated = {table.value(table.date[s]) for s in order if table.precision[s] == day}
    for e in leads or ():
        if e.date not in dated:
            order.append(len(table))
            table.add(e, words(e.text), -1, _cites(e, cited))
    if leads is not None:
        leads.close()
    central = _centrality(table, order)
    # The best account of each day (or month, year) ...
    best: dict[str, tuple[float, int]] = {}
    quality_of = array("d", [math.nan]) * len(order)
    slot_of: list[str | None] = [None] * len(order)
    for i, s in enumerate(order):
        when, precision = table.value(table.date[s]), table.value(table.precision[s])
        if not (when or table.value(table.sort_key[s])) or not _inside_at(when, precision, period):
            continue  # undated, or outside the period the brief covers
        documents = table.documents(s)
        quality = (
            _timeline_score(
                documents,
                bool(table.flags[s] & _CITED),
                when,
                precision,
                table.vague[s],
                sources,
                period,
            )
            + central[i]
        )
        if topical:
            # an account from a document about the pile's subject
            quality += TOPIC_WEIGHT * max((topical.get(d, 1.0) for d in documents), default=1.0)
        slot = when if precision == "day" and when else table.value(table.sort_key[s])
        assert slot is not None
        quality_of[i] = quality
        slot_of[i] = slot
        if slot not in best or quality > best[slot][0]:
            best[slot] = (quality, i)

    # ... and the days that matter: mentioned by many documents, then well told.
    def day_score(slot: str) -> float:
        quality, i = best[slot]
        s = order[i]
        on_day = table.precision[s] == day and table.value(table.date[s])
        mentioned = support.get(slot, 0.0) if on_day else 0.0
        return DATE_WEIGHT * math.log1p(mentioned) + QUALITY_WEIGHT * quality

    days = sorted(best, key=lambda slot: (-day_score(slot), slot))[:limit]
    accounts: dict[str, list[tuple[float, int]]] = {slot: [] for slot in days}
    for i, slot in enumerate(slot_of):
        if slot in accounts:
            accounts[slot].append((quality_of[i], i))
    del slot_of, quality_of
    keep = [best[slot][1] for slot in days]
    for slot in days:
        second = _second_event(table, order, accounts[slot], best[slot][1], sources)
        if second is not None:
            keep.append(second)
    chosen = set(keep)
    shown = sorted((table.spool[order[i]] for i in keep), key=_timeline_order)
    return shown, _in_date_order(table, order, told, chosen), table


def _in_date_order(table: _Table, order: array[int], told: int, skip: set[int]) -> TimelineRest:
    """The first ``told`` entries (of ``order``) but those in ``skip``, stably sorted by
    :func:`_timeline_order`: grouped by their (few) sort keys, kept in order in each."""
    groups: dict[tuple[str, str], array[int]] = {}
    for i in range(told):
        if i in skip:
            continue
        s = order[i]
        key = table.value(table.sort_key[s]) or "9999", table.value(table.date[s]) or ""
        groups.setdefault(key, array("q")).extend((s,))
    index = array("q")
    for key in sorted(groups):
        index.extend(groups.pop(key))
    return TimelineRest(table.spool, index)


def _merge(
    facts: Sequence[DocFacts],
    cited: set[tuple[str, int, int]] | None,
    table: _Table,
    leads: Spool[TimelineEntry] | None,
) -> None:
    """Dated events of every document into ``table``, duplicates merged (same date and
    sort key, similar text), each citing its documents; and into ``leads``, when given,
    each document's :func:`_publication_lead` (in the same pass: the documents are read
    once). Entries only merge within one (sort key, date) bucket: each document's entries
    are spooled as read, then merged bucket by bucket, so that only one bucket's entries
    are objects at once."""
    with Spool(TimelineEntry, table.folder) as raw:
        buckets: dict[tuple[str, str | None], array[int]] = {}
        for f in facts:
            for e in [*f.timeline, *_lead_entries(f)]:
                text = entry_text(as_written(e))
                if text is None:
                    continue  # page furniture, no report
                k = raw.append(e.model_copy(update={"text": text}))
                buckets.setdefault((e.sort_key, e.date), array("q")).append(k)
            lead = _publication_lead(f) if leads is not None else None
            if lead is not None and leads is not None:
                leads.append(lead)
        for members in buckets.values():
            _merge_bucket(raw, members, cited, table)


def _merge_bucket(
    raw: Spool[TimelineEntry],
    members: array[int],
    cited: set[tuple[str, int, int]] | None,
    table: _Table,
) -> None:
    # Entries of one date (and sort key) are compared, through a word index.
    index = SetIndex()
    merged: list[TimelineEntry] = []
    sigs: list[set[str]] = []
    firsts: list[int] = []
    for k in members:
        e = raw[k]
        sig = words(e.text)
        match = next((g for g in index.candidates(sig) if jaccard(sig, sigs[g]) >= 0.5), None)
        if match is None:
            index.add(sig)
            merged.append(e)
            sigs.append(sig)
            firsts.append(k)
        else:
            merged[match].evidence = dedupe_evidence(merged[match].evidence + e.evidence)
    for e, sig, k in zip(merged, sigs, firsts, strict=True):
        e.documents = list(dict.fromkeys(ev.doc for ev in e.evidence))
        table.add(e, sig, k, _cites(e, cited))


def _cites(e: TimelineEntry, cited: set[tuple[str, int, int]] | None) -> bool:
    """Whether the entry dates an event the brief reports (cites one of its spans)."""
    return bool(cited) and any(evidence_key(ev) in (cited or ()) for ev in e.evidence)


#: A day's second entry reports another event: it shares at most this share of words
#: with the day's first (Jaccard), and is dated by at least :data:`SECOND_EVENT_DOCS`
#: independent documents.
SECOND_EVENT_OVERLAP = 0.2
SECOND_EVENT_DOCS = 2


def _second_event(
    table: _Table,
    order: Sequence[int],
    accounts: Sequence[tuple[float, int]],
    first: int,
    sources: Sources | None,
) -> int | None:
    """A second entry for a day that carries two events (a day is a slot, an event is
    an entry: "one entry per date per event"): the best other account of the day that
    shares few words with the first and that independent documents date as well —
    the section's cap counts days, so a heavily covered day says both things."""

    def independent(i: int) -> int:
        docs = table.documents(order[i])
        return len({sources.source(d) for d in docs}) if sources else len(docs)

    if table.value(table.precision[order[first]]) != "day":
        return None
    need = SECOND_EVENT_DOCS
    first_words = set(table.sig(order[first]))
    for _, i in sorted(accounts, key=lambda a: (-a[0], a[1])):
        if i == first or independent(i) < need:
            continue
        if _overlap(set(table.sig(order[i])), first_words) <= SECOND_EVENT_OVERLAP:
            return i
    return None


def _overlap(a: set[int], b: set[int]) -> float:
    """:func:`~briefgen.fuse.simindex.jaccard` of two sets of numbered words."""
    return len(a & b) / len(a | b) if a and b else 0.0


def story_timeline(
    entries: Sequence[TimelineEntry],
    documents: Sequence[str],
    period: Period | None,
    limit: int = STORY_TIMELINE_ENTRIES,
) -> list[TimelineEntry]:
    """A story's own timeline: the dated entries of its documents (``entries``: the
    brief's, shown and not, already merged across documents), one per day — the account
    most of the story's documents give — inside the period; the ``limit`` days most of
    its documents date, in date order, each citing only the story's documents. A story
    of one day's reports has no timeline of its own (its coverage dates it)."""
    return story_timelines(entries, [documents], period, limit)[0]


def story_timelines(
    entries: Sequence[TimelineEntry],
    stories: Sequence[Sequence[str]],
    period: Period | None,
    limit: int = STORY_TIMELINE_ENTRIES,
) -> list[list[TimelineEntry]]:
    """:func:`story_timeline` of each story (its documents' ids), through one index of
    the entries by document: each story reads only its own documents' entries."""
    by_doc: dict[str, list[int]] = {}
    for k, e in enumerate(entries):
        if e.date and e.precision == "day" and _inside(e, period):
            for ev in e.evidence:
                by_doc.setdefault(ev.doc, []).append(k)
    out: list[list[TimelineEntry]] = []
    for documents in stories:
        mine = set(documents)
        best: dict[str, tuple[tuple[bool, int], TimelineEntry]] = {}
        dating: dict[str, set[str]] = {}
        ks = sorted({k for d in mine for k in by_doc.get(d, ())})
        for k in ks:
            e = entries[k]
            assert e.date is not None
            evidence = [ev for ev in e.evidence if ev.doc in mine]
            docs = list(dict.fromkeys(ev.doc for ev in evidence))
            dating.setdefault(e.date, set()).update(docs)
            rank = (not CAPTION.search(e.text), len(docs))  # a report before a caption
            if e.date not in best or rank > best[e.date][0]:
                best[e.date] = (
                    rank,
                    e.model_copy(update={"evidence": evidence, "documents": docs}),
                )
        if len(best) < 2:
            out.append([])
            continue
        days = sorted(best, key=lambda day: (-len(dating[day]), day))[:limit]
        out.append([best[day][1] for day in sorted(days)])
    return out


def _story_timelines(
    shown: Sequence[TimelineEntry],
    rest: TimelineRest,
    table: _Table,
    stories: Sequence[Sequence[str]],
    period: Period | None,
    limit: int,
) -> list[list[TimelineEntry]]:
    """:func:`story_timelines` over the shown entries and the rest (``sorted([*shown,
    *rest], key=lambda e: -len(e.documents))``), read from the table: one index of the
    entries by numbered document, and only each day's chosen account read back."""
    # every entry's place in that order: shown ones by their place in ``shown``, the
    # rest after them; grouped by their number of documents, most first (a stable sort)
    n_shown = len(shown)
    shown_docs = [array("i", dict.fromkeys(table.docs(ev.doc) for ev in e.evidence)) for e in shown]
    by_size: dict[int, array[int]] = {}
    for p, e in enumerate(shown):
        by_size.setdefault(len(e.documents), array("q")).append(p)
    for r, s in enumerate(rest.items):
        size = table.doc_start[s + 1] - table.doc_start[s]
        by_size.setdefault(size, array("q")).append(n_shown + r)
    places = array("q")
    for size in sorted(by_size, reverse=True):
        places.extend(by_size.pop(size))

    day = table.strings("day")
    day_of = array("i", [-1]) * len(places)  # a dated entry's date (interned), or -1
    by_doc: dict[int, array[int]] = {}
    for k, p in enumerate(places):
        if p < n_shown:
            e = shown[p]
            if not (e.date and e.precision == "day" and _inside(e, period)):
                continue
            ids = shown_docs[p]
            day_of[k] = table.strings(e.date)
        else:
            s = rest.items[p - n_shown]
            when = table.value(table.date[s])
            if not (when and table.precision[s] == day and _inside_at(when, "day", period)):
                continue
            ids = table.doc_ids(s)
            day_of[k] = table.date[s]
        for d in ids:
            by_doc.setdefault(d, array("q")).append(k)

    def documents(k: int) -> array[int]:
        p = places[k]
        return shown_docs[p] if p < n_shown else table.doc_ids(rest.items[p - n_shown])

    def captioned(k: int) -> bool:
        p = places[k]
        if p < n_shown:
            return bool(CAPTION.search(shown[p].text))
        return bool(table.flags[rest.items[p - n_shown]] & _CAPTIONED)

    out: list[list[TimelineEntry]] = []
    for story in stories:
        mine = {table.docs.ids[d] for d in story if d in table.docs.ids}
        best: dict[str, tuple[tuple[bool, int], int]] = {}
        dating: dict[str, set[int]] = {}
        for k in sorted({k for d in mine for k in by_doc.get(d, ())}):
            when = table.value(day_of[k])
            assert when is not None
            docs_in = [d for d in documents(k) if d in mine]
            dating.setdefault(when, set()).update(docs_in)
            rank = (not captioned(k), len(docs_in))  # a report before a caption
            if when not in best or rank > best[when][0]:
                best[when] = (rank, k)
        if len(best) < 2:
            out.append([])
            continue
        days = sorted(best, key=lambda when: (-len(dating[when]), when))[:limit]
        own = set(story)
        entries = []
        for when in sorted(days):
            p = places[best[when][1]]
            e = shown[p] if p < n_shown else rest[p - n_shown]
            evidence = [ev for ev in e.evidence if ev.doc in own]
            docs = list(dict.fromkeys(ev.doc for ev in evidence))
            entries.append(e.model_copy(update={"evidence": evidence, "documents": docs}))
        out.append(entries)
    return out


def _centrality(table: _Table, order: Sequence[int]) -> array[float]:
    """How central each entry is (by its place in ``order``): how many of its words the
    other entries of its day share, and how many the whole timeline's entries share (the
    pile's subject), per square root of its length: the most representative account of
    a day wins. Worked out day by day: only one day's word counts are held at once."""
    every: Counter[int] = Counter()
    by_day: dict[str | None, array[int]] = {}
    for i, s in enumerate(order):
        every.update(table.sig(s))
        slot = table.value(table.date[s]) or table.value(table.sort_key[s])
        by_day.setdefault(slot, array("q")).append(i)
    n = max(1, len(order))
    scores = array("d", [0.0]) * len(order)
    for members in by_day.values():
        k = len(members)
        counts: Counter[int] = Counter()
        for i in members:
            counts.update(table.sig(order[i]))
        for i in members:
            sig = table.sig(order[i])
            if not sig:
                continue
            day = sum((counts[w] - 1) / (k - 1) for w in sig) if k > 1 else 0.0
            pile = sum(math.log1p(every[w]) / math.log1p(n) for w in sig)
            scores[i] = CENTRAL_WEIGHT * (day + PILE_WEIGHT * pile) / math.sqrt(len(sig))
    return scores


def _publication_lead(f: DocFacts) -> TimelineEntry | None:
    """An account for the day a document was published on, should no entry date it: its
    lead development, dated by its publication (the day's news). Such accounts only
    stand in for a day with no dated account of its own and add nothing to its
    date-frequency signal."""
    day = f.document.published
    if not day or not f.key_developments:
        return None
    dev = f.key_developments[0]
    text = entry_text(dev.summary.rstrip(" ."))
    if not dev.evidence or text is None:
        return None
    return TimelineEntry(
        date=day,
        precision="day",
        text=text,
        evidence=dev.evidence[:1],
        documents=[f.document.id],
        when=dev.when.text,
        sort_key=day,
    )


def _lead_entries(f: DocFacts) -> list[TimelineEntry]:
    """A document's lead development as a dated entry when it has a day (written, or the
    publication day it reports) and no timeline entry of its own cites its sentence:
    documents *report* days as well as mention them."""
    if not f.key_developments:
        return []
    dev = f.key_developments[0]
    if dev.when.precision != "day" or not dev.when.date or not dev.evidence:
        return []
    cited = {evidence_key(ev) for e in f.timeline for ev in e.evidence}
    if evidence_key(dev.evidence[0]) in cited:
        return []
    return [
        TimelineEntry(
            date=dev.when.date,
            precision="day",
            text=dev.summary.rstrip(" ."),
            evidence=dev.evidence[:1],
            when=dev.when.text,
            sort_key=dev.when.date,
        )
    ]


def _inside(e: TimelineEntry, period: Period | None) -> bool:
    return _inside_at(e.date, e.precision, period)


def _inside_at(day: str | None, precision: str | None, period: Period | None) -> bool:
    """Whether an entry of this date and precision falls in ``period``."""
    if period is None or not day:
        return True
    if precision != "day":
        # A month or year overlaps the period: "1918" is background, not this period's.
        span_end = _span_end(day, precision)
        return not ((period.end and day > period.end) or (period.start and span_end < period.start))
    return not ((period.start and day < period.start) or (period.end and day > period.end))


def _span_end(day: str, precision: str | None) -> str:
    """The last day a month or year entry covers (ISO text compares as dates do)."""
    if precision == "month":
        return day[:7] + "-31"
    return day[:4] + "-12-31"


def _date_support(
    dated: Iterable[tuple[str | None, Sequence[str]]],
    sources: Sources | None,
    topical: Mapping[str, float],
) -> dict[str, float]:
    """Day date → its date-frequency signal (as in timeline summarisation, Tran et al.
    2013; Gholipour Ghalandari & Ifrim 2020): how many distinct *other* days' documents
    refer to it (a day that later or earlier coverage keeps citing is an event day),
    a quarter of the independent documents of that same day mentioning it (a paper
    dating its own news says less), and the documents published that day; each
    document weighted by how much it is about the pile's subject (``topical``, 1 where
    not given)."""
    docs: dict[str, set[str]] = {}
    for day, documents in dated:
        if day:
            docs.setdefault(day, set()).update(
                sources.source(d) if sources else d for d in documents
            )
    published: dict[str, float] = {}
    pub: Mapping[str, str | None] = sources.published if sources is not None else {}
    for d, p in pub.items():
        if p and sources is not None and d not in sources.original:
            published[p] = published.get(p, 0.0) + topical.get(d, 1.0)

    def mention(day: str) -> float:
        ids = docs.get(day, set())
        if sources is None:
            return sum(topical.get(d, 1.0) for d in ids)
        same = sum(topical.get(d, 1.0) for d in ids if pub.get(d) == day)
        other_days: dict[str, float] = {}
        for d in ids:
            p = pub.get(d)
            if p and p != day:
                other_days[p] = max(other_days.get(p, 0.0), topical.get(d, 1.0))
        return SAME_DAY_WEIGHT * same + OTHER_DAYS_WEIGHT * sum(other_days.values())

    return {
        day: mention(day) + PUBLISHED_WEIGHT * published.get(day, 0)
        for day in set(docs) | set(published)
    }


def _timeline_score(
    documents: Sequence[str],
    cited: bool,
    day: str | None,
    precision: str | None,
    vague: float,
    sources: Sources | None,
    period: Period | None,
) -> float:
    """An entry's quality as an account of its day: dated by more independent
    documents, dating an event the brief reports (``cited``), within the period, as
    a day rather than a month or year, and saying something (``vague``:
    :func:`_vague_event` of its text, taken off)."""
    n = len({sources.source(d) for d in documents}) if sources else len(documents)
    score = math.log(max(1, n))
    if cited:
        score += 0.6  # dates an event the brief reports
    if day and period is not None and period.start and period.end:
        start = date.fromisoformat(period.start).toordinal() - 31
        end = date.fromisoformat(period.end).toordinal() + 31
        if start <= date.fromisoformat(day).toordinal() <= end:
            score += 0.5  # within (or next to) the period the brief covers
    score += {"day": 0.4, "month": 0.1}.get(precision or "", 0.0)  # "2016" says little
    return score - vague


_MODALS = {"can", "could", "may", "might", "should", "would"}


#: A clock time with its zone or am/pm ("10.27 BST", "9:03 pm", "11:14 GMT"): page furniture.
_CLOCK = re.compile(
    r"\b\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?\b\s*)?(?:GMT|BST|UTC|EDT|EST|ET|CET|CEST|PDT|PST)\b"
    r"|\b\d{1,2}:\d{2}\s*[ap]\.?m\.?(?!\w)",
    re.I,
)
#: A wire dateline's end: "WASHINGTON (Reuters) -", "LONDON, April 27 (AP) —".
_WIRE_DATELINE = re.compile(r"^.{0,120}?\((?:Reuters|AP|AFP|Bloomberg|UPI)\)\s*[-–—]*\s*")
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
#: The date of a closing time stamp ("Friday 28 May 2010", "Tue Apr 28, 2009").
_TRAILING_DATE = re.compile(
    rf"[\s,;|-]*(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
    rf"(?:\d{{1,2}}\s+{_MONTH}|{_MONTH}\s+\d{{1,2}}),?\s+\d{{4}}[\s,;|-]*$",
    re.I,
)
#: A page's date closing a caption: a weekday, a day, a month and a year.
_STAMP_DATE = re.compile(
    rf"\s+(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+"
    rf"(?:\d{{1,2}}\s+{_MONTH}|{_MONTH}\s+\d{{1,2}}),?\s+\d{{4}}\s*$",
    re.I,
)
#: Date words that dangle around a time stamp ("Friday 28 May 2010", "Tue Apr 28, 2009").
_DATE_WORD = re.compile(
    r"^(?:mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)"
    r"[a-z]*\.?,?$|^\d{1,4}(?:st|nd|rd|th)?,?$|^[-–—;,|]$",
    re.I,
)
#: Words of a page's frame, not of a report: bylines, comment threads, navigation.
_FURNITURE = re.compile(
    r"\b(?:last updated|posted by|report abuse|a version appeared on|click here|sign up"
    r"|share this|follow the latest|print this|e-?mail this|help|related (?:stories|links)"
    r"|most popular|comments?)\b",
    re.I,
)


#: Words that open no whole clause: an auxiliary or verb whose subject was cut off
#: ("Has brought forward its meeting …").
_NO_SUBJECT = frozenset(
    {"has", "have", "had", "is", "are", "was", "were", "will", "would", "did", "does", "says"}
)
#: A sentence up to this many words replaces a cut clause of it as the entry's text.
AS_WRITTEN_WORDS = 45


def as_written(e: TimelineEntry) -> str:
    """The entry's text, or its sentence as written when the text is a clause cut from
    it without its subject — a participle ("Arriving from Mexico yesterday", of "He said
    160 passengers arriving from Mexico yesterday were screened") or a bare verb ("Has
    brought forward its meeting") — and the sentence is short enough to read."""
    words_ = e.text.split()
    if not words_ or not e.evidence:
        return e.text
    first = words_[0]
    cut = (first.endswith("ing") and first[:1].isupper()) or first.lower() in _NO_SUBJECT
    sentence = " ".join(e.evidence[0].text.split())
    inside = " ".join(words_).strip(" .").casefold() in sentence.casefold()
    if cut and inside and len(sentence.split()) <= AS_WRITTEN_WORDS:
        return sentence.rstrip(" .")
    return e.text


def entry_text(text: str) -> str | None:
    """An entry's text with its page furniture taken off — a wire dateline and its
    time stamp before the report ("WASHINGTON | Wed Aug 4, 2010 11:17 am EDT WASHINGTON
    (Reuters) - …"), a time stamp before or after it ("Friday 28 May 2010 10.27 BST"),
    the other cells of a "|"-separated line — or ``None`` when what is left is no
    report: frame words (bylines, "Report abuse", "Last updated … Help"), a time stamp
    inside it, or fewer than four words left once the frame is off."""
    t = whole = " ".join(text.split())
    if " | " in t or t.startswith("| ") or t.endswith(" |"):
        t = max((c.strip() for c in t.split("|")), key=len)
    m = _WIRE_DATELINE.match(t)
    if m:
        t = t[m.end() :]
    clocks = list(_CLOCK.finditer(t))
    if clocks:
        first, last = clocks[0], clocks[-1]
        before = t[: first.start()].split()
        after = t[last.end() :].split()
        if len(after) >= 4 and len([w for w in before if not _DATE_WORD.match(w)]) <= 2:
            t = " ".join(after)  # a stamp heading the report
        elif len(after) <= 1:
            t = _TRAILING_DATE.sub("", t[: first.start()])  # a stamp closing it
    if not clocks:
        t = _STAMP_DATE.sub("", t)  # "… outbreaks Saturday 25 April 2009": a page's date
    t = t.strip(" -–—|;,")
    if _CLOCK.search(t) or _FURNITURE.search(t) or not t:
        return None
    if t != whole and len(t.split()) < 4:
        return None  # a stub left once the frame is off
    return t


STAMP = re.compile(
    r"\b\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?\s*)?(?:GMT|BST|UTC|EDT|EST|CET|CEST|PDT|PST)\b"
    r"|\blast updated\b|\bupdated:?\s+\d",
    re.I,
)


#: A photo caption: a scene described ("… is seen in the Gulf", "can be seen as a dark
#: swirl", "looks on", "poses"), a picture's credit or a "file photo".
CAPTION = re.compile(
    r"\b(?:is|are|was|were|can be|could be)\s+(?:seen|pictured|shown|photographed)\b"
    r"|\b(?:looks?|looked) on\b|\bposes?\b(?! (?:a|an|the|no|little|serious|major)\b)"
    r"|\(pictured\)|\bpictured\b|\bfile (?:photo|picture|image)\b|\bphoto(?:graph)?\b"
    r"|\b(?:AP|Reuters|AFP|Getty) (?:Photo|Images?)\b|\bREUTERS/"
    # a photo agency's caption opens on its date: "Apr. 21: Fire boat crews battle …"
    r"|^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}: ",
    re.I,
)


def _vague_event(text: str) -> float:
    """How little an entry's text says as an event: a bare fragment ("Winning in
    November", "Next year's election"), a generic possibility ("A candidate can win in
    November") or a page's time stamp ("Page last updated at 08:58 GMT") says less than
    a dated report of something done."""
    tokens = text.split()
    penalty = 0.0
    if STAMP.search(text):
        penalty += 2.0
    if CAPTION_PENALTY and CAPTION.search(text):
        penalty += CAPTION_PENALTY  # "An oil slick is seen as the rig burns": a photo's caption
    if len(tokens) < 4:
        penalty += 0.5
    if tokens and tokens[0].endswith("ing") and tokens[0][:1].isupper():
        penalty += 0.4  # "Departing last month": a participle, no actor
    if _MODALS & {t.lower() for t in tokens}:
        penalty += 0.3
    if tokens and tokens[0][:1] in "'’":
        penalty += 0.8  # "'ll be voting on March 1": cut from its subject
    if len(tokens) > 1 and tokens[-1].lower().strip(".,;:") in _DANGLING:
        penalty += 0.5  # "Tuesday's primary results are": cut before its predicate
    return penalty


#: Words that end no event: an auxiliary or a function word waiting for the rest.
_DANGLING = frozenset(
    {
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "the",
        "a",
        "an",
        "of",
        "to",
        "and",
        "or",
        "that",
        "will",
        "would",
    }
)
