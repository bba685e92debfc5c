"""The timeline across documents: one entry per event and day, ranked and capped."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

from briefgen.fuse.developments import Sources
from briefgen.fuse.simindex import SetIndex, jaccard, words
from briefgen.fuse.sources import dedupe_evidence, evidence_key
from briefgen.model import (
    DocFacts,
    Period,
    TimelineEntry,
)


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
) -> tuple[list[TimelineEntry], list[TimelineEntry]]:
    """The timeline shown (at most ``limit`` entries) and the rest, each in date order.

    With more entries than fit, the shown ones are the most important: dated by more
    independent documents, dating an event the brief reports, inside the period."""
    out: list[TimelineEntry] = []
    sigs: list[set[str]] = []
    # Entries of one date (and sort key) are compared, through a word index per date.
    buckets: dict[tuple[str, str | None], tuple[SetIndex, list[int]]] = {}
    for f in facts:
        for e in f.timeline:
            sig = words(e.text)
            index, members = buckets.setdefault((e.sort_key, e.date), (SetIndex(), []))
            match = next(
                (
                    members[g]
                    for g in index.candidates(sig)
                    if jaccard(sig, sigs[members[g]]) >= 0.5
                ),
                None,
            )
            if match is None:
                index.add(sig)
                members.append(len(out))
                out.append(e.model_copy(update={"evidence": list(e.evidence)}))
                sigs.append(sig)
            else:
                out[match].evidence = dedupe_evidence(out[match].evidence + e.evidence)
    for e in out:
        e.documents = list(dict.fromkeys(ev.doc for ev in e.evidence))
    if limit is None or len(out) <= limit:
        out.sort(key=_timeline_order)
        return out, []
    ranked = sorted(range(len(out)), key=lambda i: -_timeline_score(out[i], sources, period, cited))
    keep = set(ranked[:limit])
    shown = sorted((out[i] for i in keep), key=_timeline_order)
    rest = sorted((out[i] for i in range(len(out)) if i not in keep), key=_timeline_order)
    return shown, rest


def _timeline_score(
    e: TimelineEntry,
    sources: Sources | None,
    period: Period | None,
    cited: set[tuple[str, int, int]] | None,
) -> float:
    n = len(sources.independent(e.documents)) if sources else len(e.documents)
    score = math.log(max(1, n))
    if cited and any(evidence_key(ev) in cited for ev in e.evidence):
        score += 0.6  # dates an event the brief reports
    if e.date and period is not None and period.start and period.end:
        start = date.fromisoformat(period.start).toordinal() - 31
        end = date.fromisoformat(period.end).toordinal() + 31
        if start <= date.fromisoformat(e.date).toordinal() <= end:
            score += 0.5  # within (or next to) the period the brief covers
    score += {"day": 0.4, "month": 0.1}.get(e.precision or "", 0.0)  # "2016" says little
    return score - _vague_event(e.text)


_MODALS = {"can", "could", "may", "might", "should", "would"}


def _vague_event(text: str) -> float:
    """How little an entry's text says as an event: a bare fragment ("Winning in
    November", "Next year's election") or a generic possibility ("A candidate can win in
    November") says less than a dated report of something done."""
    tokens = text.split()
    penalty = 0.0
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
