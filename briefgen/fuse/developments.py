"""Key developments across documents: one per event, corroborated, contradictions surfaced.

* **Same event.** Developments are taken earliest publication first; each joins the
  group whose first report it resembles most (:func:`same_event`: the content words
  of the two *what* phrases overlap — Jaccard ≥ 0.5 with a shared actor or place,
  ≥ 0.7 without — and the names in them do not differ), provided the group has no
  development of the same document, its first report was published at most
  :data:`WINDOW_DAYS` days earlier, and their event dates (when both give a day)
  are at most :data:`WHEN_TOLERANCE_DAYS` day apart. Candidates come from a word
  index (:class:`~briefgen.fuse.simindex.SetIndex`), so the work stays near-linear.
* **Corroboration** is the number of *independent* documents: near-duplicate wire
  copies (:mod:`briefgen.fuse.duplicates`) count once, with their original, and so do further
  reports of the event by the same outlet. All evidence is kept, the earliest report
  first.
* **Contradictions**: reports of one event that give different figures for the same
  thing ("12 people" / "14 people", "53 percent" / "55 percent") or different dates
  written out ("March 17" / "March 18") are listed on the development rather than
  silently merged; its confidence is then at most moderate.
* **Grading** (Admiralty): the best reliability letter among the independent sources
  (from ``sources_grading``; ungraded publishers count as F, "cannot be judged", once
  any publisher is graded) and a credibility digit — 1 confirmed by three or more
  independent sources, 2 by two, 3 one unhedged source, 4 hedged, unconfirmed or
  contradicted. Two independent reports with one graded A or B lift the confidence
  to high; reports only from sources graded D or E lower it one step.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from briefgen.fuse.simindex import STOP, SetIndex, words
from briefgen.model import Claim, Contradiction, DocFacts, Evidence, KeyDevelopment, Period
from briefgen.watchlist import mentions_topic

SAME_EVENT = 0.5  # Jaccard of the event phrases when the reports share an actor or place
SAME_EVENT_UNLINKED = 0.7  # … when they do not
WHO_BONUS = 0.15
WINDOW_DAYS = 7
WHEN_TOLERANCE_DAYS = 1
STEP_DOWN = {"high": "moderate", "moderate": "low", "low": "low"}


@dataclass
class Sources:
    """What fusion knows of each document, by id."""

    published: dict[str, str | None] = field(default_factory=dict)
    publisher: dict[str, str | None] = field(default_factory=dict)
    original: dict[str, str] = field(default_factory=dict)  # a copy -> its original
    grade: dict[str, str | None] = field(default_factory=dict)
    order: dict[str, int] = field(default_factory=dict)
    graded: bool = False  # some publisher is graded in the configuration

    def source(self, doc: str) -> str:
        """The independent source a document stands for (its original if a copy)."""
        return self.original.get(doc, doc)

    def independent(self, docs: Sequence[str]) -> list[str]:
        """One document per independent source, first come: a wire copy stands for its
        original, and an outlet's further reports of the same event for its first."""
        out: dict[str, str] = {}
        for d in docs:
            src = self.source(d)
            outlet = " ".join((self.publisher.get(src) or "").split()).casefold()
            out.setdefault(outlet or src, src)
        return list(out.values())

    def sort_key(self, doc: str) -> tuple[str, int]:
        return self.published.get(doc) or "9999-99-99", self.order.get(doc, 0)

    def day_range(self) -> tuple[int, int] | None:
        """The oldest and newest publication day (ordinals), None without dates; worked
        out once per set of dates (every story's clustering asks)."""
        stamp = (id(self.published), len(self.published))
        if self._days is None or self._days[0] != stamp:
            days = [date.fromisoformat(p).toordinal() for p in self.published.values() if p]
            self._days = (stamp, (min(days), max(days)) if days else None)
        return self._days[1]

    _days: tuple[tuple[int, int], tuple[int, int] | None] | None = field(
        default=None, init=False, repr=False, compare=False
    )


def _day(iso: str | None) -> int | None:
    try:
        return date.fromisoformat(iso).toordinal() if iso else None
    except ValueError:
        return None


def _event_day(dev: KeyDevelopment) -> int | None:
    return _day(dev.when.date) if dev.when.precision == "day" else None


def _doc_of(dev: KeyDevelopment, fallback: str) -> str:
    return dev.evidence[0].doc if dev.evidence else fallback


_PROPER = re.compile(r"(?<!^)\b[A-Z][\w’'.-]*")


def _proper(what: str) -> set[str]:
    """Capitalised words of an event phrase after its first word ("won the Missouri
    primary" → {"missouri"}): names that tell two similar events apart."""
    return {w.lower().strip(".’'") for w in _PROPER.findall(what)}


@dataclass
class _Group:
    """Reports of one event; they are compared with the first (earliest) report."""

    devs: list[KeyDevelopment]
    docs: set[str]
    what: set[str]
    proper: set[str]
    who: set[str]
    where: set[str]
    first_day: int | None
    day: int | None


def same_event(
    what: set[str], proper: set[str], who: set[str], where: set[str], group: _Group
) -> float:
    """How surely a report is of the group's event, 0 when it is not.

    The event phrases (*what*, content words) must overlap: Jaccard ≥ 0.5 and two shared
    words when the reports share an actor or a place, Jaccard ≥ 0.7 and three shared
    words otherwise; and names in the phrases must not differ ("won the Missouri
    primary" is not "won the South Dakota primary").
    """
    shared = len(what & group.what)
    if not shared:
        return 0.0
    sim = shared / len(what | group.what)
    if proper - group.proper and group.proper - proper:
        return 0.0  # each names something the other does not: Missouri / South Dakota
    linked = bool(who & group.who) or bool(where & group.where)
    if linked and sim >= SAME_EVENT and shared >= 2:
        return sim + WHO_BONUS
    if sim >= SAME_EVENT_UNLINKED and shared >= 3:
        return sim
    return 0.0


def cluster(facts: Sequence[DocFacts], sources: Sources) -> list[list[KeyDevelopment]]:
    """Developments grouped by event; each group earliest report first."""
    items: list[tuple[tuple[str, int], int, KeyDevelopment, str]] = []
    for f in facts:
        for k, dev in enumerate(f.key_developments):
            doc = _doc_of(dev, f.document.id)
            items.append((sources.sort_key(doc), k, dev, doc))
    items.sort(key=lambda x: (x[0], x[1]))
    groups: list[_Group] = []
    index = SetIndex()
    for (_, _), _, dev, doc in items:
        what = words(dev.what)
        proper = _proper(dev.what)
        who, where = set(dev.who), set(dev.where)
        pub = _day(sources.published.get(doc))
        when = _event_day(dev)
        best, best_sim = None, 0.0
        for g in index.candidates(what):
            group = groups[g]
            if doc in group.docs:
                continue  # never merge two developments of the same document
            if (
                pub is not None
                and group.first_day is not None
                and pub - group.first_day > WINDOW_DAYS
            ):
                continue
            if (
                when is not None
                and group.day is not None
                and abs(when - group.day) > WHEN_TOLERANCE_DAYS
            ):
                continue
            sim = same_event(what, proper, who, where, group)
            if sim > best_sim:
                best, best_sim = g, sim
        if best is not None:
            group = groups[best]
            group.devs.append(dev)
            group.docs.add(doc)
            if group.day is None:
                group.day = when
            if group.first_day is None:
                group.first_day = pub
        else:
            groups.append(_Group([dev], {doc}, what, proper, who, where, pub, when))
            index.add(what)
    return [g.devs for g in groups]


# --- contradictions ---------------------------------------------------------------------------

_MONTHS = {
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
}
_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_NUMBER = re.compile(
    r"(?<![\w.,$/-])(?P<dollar>\$\s?)?(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w/-])"
    r"(?P<pct>\s*(?:%|percent\b|per cent\b))?"
    r"(?:\s+(?P<scale>thousand|million|billion|trillion)\b)?"
    r"(?:\s+(?P<unit>[A-Za-z][a-z]+))?"
)
_WORD_BEFORE = re.compile(r"([A-Za-z]+)\.?\s*$")
_SKIP_UNITS = (
    STOP
    | _MONTHS
    | {
        "a.m",
        "p.m",
        "am",
        "pm",
        "st",
        "nd",
        "rd",
        "th",
        "and",
        "or",
        "to",
        "of",
        "in",
        "on",
        "per",
        "times",
    }
)


def figures(text: str) -> list[tuple[str, float, str]]:
    """``(unit, value, as written)`` for each figure with a unit in ``text``.

    Years, days of months and bare numbers are left out: only a number followed by
    what it counts ("12 people", "53 percent", "$4 billion") can contradict another.
    """
    out: list[tuple[str, float, str]] = []
    for m in _NUMBER.finditer(text):
        before = _WORD_BEFORE.search(text[: m.start()])
        if before and before.group(1).lower() in _MONTHS:
            continue  # "March 15"
        value = float(m.group("num").replace(",", ""))
        if m.group("scale"):
            value *= _SCALE[m.group("scale")]
        if m.group("pct"):
            unit = "percent"
        elif m.group("dollar"):
            unit = "dollars"
        else:
            unit = (m.group("unit") or "").lower()
            if not unit or unit in _SKIP_UNITS or len(unit) < 3:
                continue
            if (
                "." not in m.group("num")
                and "," not in m.group("num")
                and 1800 <= value <= 2100
                and not m.group("scale")
            ):
                continue  # a year ("2016 election")
        out.append((_what_counted(unit, text, m.start(), m.end()), value, m.group(0).strip()))
    for m in _WORD_NUMBER.finditer(text):
        unit = m.group("unit").lower()
        if unit in _PEOPLE or unit in _PEOPLE_FIRST:
            value = float(_NUMBER_WORDS[m.group("num").lower()])
            counted = _what_counted(unit, text, m.start(), m.end())
            out.append((counted, value, m.group(0).strip()))
    return out


#: Nouns that count people: "three crew members" and "four sailors" count the same thing.
_PEOPLE = frozenset(
    """people persons men women children sailors soldiers troops civilians passengers
    crew crewmen crewmembers victims residents workers officers police policemen migrants
    refugees protesters fishermen hostages students miners tourists""".split()
)
_PEOPLE_FIRST = frozenset({"crew"})  # "crew members": the first word says it
_FATE = {
    "killed": "killed",
    "dead": "killed",
    "died": "killed",
    "deaths": "killed",
    "injured": "injured",
    "wounded": "injured",
    "hurt": "injured",
    "missing": "missing",
    "kidnapped": "abducted",
    "abducted": "abducted",
    "taken": "abducted",
    "arrested": "arrested",
    "detained": "arrested",
    "rescued": "rescued",
}
_NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
}
_WORD_NUMBER = re.compile(
    r"(?<![\w-])(?P<num>" + "|".join(_NUMBER_WORDS) + r")\s+(?P<unit>[A-Za-z]+)\b", re.I
)


def _what_counted(unit: str, text: str, start: int, end: int) -> str:
    """What a figure counts, comparable across wordings: people of any kind ("crew
    members", "sailors") are "people", with their fate when the words around say it
    ("killed 12 people", "four sailors were kidnapped": "people killed", "people
    abducted")."""
    if unit not in _PEOPLE:
        return unit
    after = re.findall(r"[a-z]+", text[end : end + 40].lower())[:4]
    before = re.findall(r"[a-z]+", text[max(0, start - 30) : start].lower())[-2:]
    fate = next((_FATE[w] for w in after + before[::-1] if w in _FATE), None)
    return f"people {fate}" if fate else "people"


def _absolute(when: str) -> bool:
    """A date written out ("March 18", "18/3"), not relative ("Monday", "yesterday")."""
    low = when.lower()
    return any(ch.isdigit() for ch in low) or any(m in low.split() for m in _MONTHS)


def contradictions(group: Sequence[KeyDevelopment], sources: Sources) -> list[Contradiction]:
    """Different figures for the same thing, or different days, between independent reports."""
    found: list[Contradiction] = []
    # unit -> source -> {value: (as written, evidence)}
    by_unit: dict[str, dict[str, dict[float, tuple[str, Evidence]]]] = {}
    for dev in group:
        for ev in dev.evidence:
            src = sources.source(ev.doc)
            for unit, value, written in figures(ev.text):
                by_unit.setdefault(unit, {}).setdefault(src, {}).setdefault(value, (written, ev))
    for unit, per_source in by_unit.items():
        if len(per_source) < 2 or any(len(v) > 1 for v in per_source.values()):
            continue  # one report only, or a report giving several values itself
        values: dict[float, Claim] = {}
        for vals in per_source.values():
            ((value, (written, ev)),) = vals.items()
            values.setdefault(value, Claim(value=written, doc=ev.doc, evidence=ev))
        if len(values) > 1:
            found.append(Contradiction(kind="figure", about=unit, claims=list(values.values())))
    days: dict[str, Claim] = {}
    seen_sources: set[str] = set()
    for dev in group:
        if (
            dev.when.precision != "day"
            or not dev.when.date
            or dev.when.basis != "text"
            or not dev.evidence
            or not _absolute(dev.when.text)
        ):
            continue  # a weekday or "yesterday" is read against the publication date
        src = sources.source(dev.evidence[0].doc)
        if src in seen_sources:
            continue
        seen_sources.add(src)
        label = f"{dev.when.date} ({dev.when.text})" if dev.when.text else dev.when.date
        days.setdefault(
            dev.when.date, Claim(value=label, doc=dev.evidence[0].doc, evidence=dev.evidence[0])
        )
    if len(days) > 1:
        found.append(
            Contradiction(kind="date", about="date of the event", claims=list(days.values()))
        )
    return found


# --- one development per group -------------------------------------------------------------


def _names(items: Sequence[str], limit: int = 4) -> str:
    shown = list(items[:limit])
    if len(items) > limit:
        shown.append(f"{len(items) - limit} more")
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def grading(docs: Sequence[str], sources: Sources, doubtful: bool) -> str | None:
    """The Admiralty code of a development ("B2"), or None when no publisher is graded.

    ``docs`` are its independent sources; ``doubtful``: hedged, unconfirmed (low
    confidence) or contradicted.
    """
    if not sources.graded:
        return None
    letters = sorted((sources.grade.get(d) or "F") for d in docs)
    best = next((x for x in letters if x != "F"), "F")
    n = len(docs)
    digit = 4 if doubtful else 1 if n >= 3 else 2 if n == 2 else 3
    return f"{best}{digit}"


def _confidence(
    start: str,
    corroboration: int,
    hedges: Sequence[str],
    letters: Sequence[str | None],
    contradicted: bool,
) -> str:
    confidence = start
    if corroboration >= 3 and not hedges:
        confidence = "high"
    elif corroboration >= 2 and confidence == "low" and len(hedges) <= 1:
        confidence = "moderate"
    known = [x for x in letters if x and x != "F"]
    if known and min(known) in ("A", "B") and corroboration >= 2 and not hedges:
        confidence = "high"
    if known and len(known) == len(letters) and all(x in ("D", "E") for x in known):
        confidence = STEP_DOWN[confidence]
    if contradicted and confidence == "high":
        confidence = "moderate"
    return confidence


def merge_group(
    group: Sequence[KeyDevelopment],
    sources: Sources,
    watch_topics: tuple[str, ...] = (),
    newest: int | None = None,
    span_days: int = 0,
) -> KeyDevelopment:
    """One development from the reports of one event (the earliest report leads)."""
    if len(group) == 1:
        ordered = list(group)
        evidence = list(group[0].evidence)
    else:
        ordered = sorted(group, key=lambda d: (sources.sort_key(_doc_of(d, "")), -d.score))
        evidence = []
        seen: set[tuple[str, int, int]] = set()
        for d in ordered:
            for ev in d.evidence:
                if (ev.doc, ev.start, ev.end) not in seen:
                    seen.add((ev.doc, ev.start, ev.end))
                    evidence.append(ev)
    first_dev = ordered[0]
    docs = list(dict.fromkeys(ev.doc for ev in evidence))
    independent = sources.independent(docs)
    corroboration = max(1, len(independent))
    hedges = sorted({h for d in ordered for h in d.hedges})
    found = contradictions(ordered, sources) if len(independent) > 1 else []
    letters = [sources.grade.get(d) for d in independent]
    confidence = _confidence(first_dev.confidence, corroboration, hedges, letters, bool(found))
    sourcing = first_dev.sourcing
    if len(independent) > 1:
        publishers = list(
            dict.fromkeys(sources.publisher.get(d) or "an unnamed publisher" for d in independent)
        )
        also = f"reported by {_names(publishers)}"
        copies = sum(1 for d in docs if d in sources.original)
        if copies:
            also += f" ({copies} wire cop{'y' if copies == 1 else 'ies'} counted once)"
        sourcing = f"{sourcing}; {also}" if sourcing else also
    if found:
        sourcing += f"; reports differ on {_names([c.about for c in found])}"
    when = first_dev.when
    if not when.text:
        when = next((d.when for d in ordered if d.when.text), when)
    first_reported = sources.published.get(docs[0]) if docs else None

    score = max(d.score for d in ordered) + 0.4 * math.log(corroboration)
    if watch_topics and mentions_topic(first_dev.summary, watch_topics):
        score += 0.3
    first = _day(first_reported)
    if newest is not None and first is not None and span_days > 0:
        score += 0.3 * (1 - min(1.0, (newest - first) / span_days))  # newer rises
        event = _day(when.date) if when.precision == "day" else None
        if event is not None and first - event > 30:
            score -= 0.3  # background: an event long before the report
    known = [x for x in letters if x and x != "F"]
    if known:
        score += {"A": 0.15, "B": 0.1, "C": 0.0, "D": -0.1, "E": -0.15}[min(known)]
    return first_dev.model_copy(
        update={
            "evidence": evidence,
            "documents": docs,
            "corroboration": corroboration,
            "first_reported": first_reported,
            "hedges": hedges,
            "who": list(dict.fromkeys(w for d in ordered for w in d.who)),
            "where": list(dict.fromkeys(w for d in ordered for w in d.where))[:4],
            "actor_ids": list(dict.fromkeys(a for d in ordered for a in d.actor_ids)),
            "when": when,
            "watchlist": any(d.watchlist for d in ordered),
            "contradictions": found,
            "confidence": confidence,
            # Credibility is about the information (hedged, unconfirmed, contradicted), not
            # the source: the extractor's own rating, before grading adjusts it.
            "grading": grading(
                independent, sources, bool(hedges) or first_dev.confidence == "low" or bool(found)
            ),
            "sourcing": sourcing,
            "score": round(score, 4),
        }
    )


# --- across documents -------------------------------------------------------------------


# --- developments, risks, questions, timeline ---------------------------------------------


def pile_span(sources: Sources, period: Period | None) -> tuple[int | None, int]:
    """The newest day of the pile (or the period's end) and the pile's span in days."""
    days = sources.day_range()
    newest = days[1] if days else None
    if period is not None and period.end:
        newest = date.fromisoformat(period.end).toordinal()
    oldest = days[0] if days else None
    if period is not None and period.start:
        oldest = date.fromisoformat(period.start).toordinal()
    span = (newest - oldest) if newest is not None and oldest is not None else 0
    return newest, span


def cluster_developments(
    facts: Sequence[DocFacts],
    sources: Sources,
    watch_topics: tuple[str, ...] = (),
    period: Period | None = None,
) -> list[KeyDevelopment]:
    """One development per event, ranked (most important first), uncapped."""
    newest, span = pile_span(sources, period)
    out = [
        merge_group(group, sources, watch_topics, newest, span) for group in cluster(facts, sources)
    ]
    out.sort(key=lambda d: -d.score)
    return out
